package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// The fake EC2's reads of VPCs, their DNS attributes, route tables and
// flow logs (the existing-VPC pre-flight checks).

func describeVpcs(w http.ResponseWriter, q ec2Request, world awsWorld) error {
	ids := q.list("VpcId")
	var items strings.Builder
	for _, id := range ids {
		if v := world.find(typeVpc, id); v == nil || !v.visible(q.account, q.region) {
			ec2Error(w, "InvalidVpcID.NotFound", fmt.Sprintf("The vpc ID '%s' does not exist", id))
			return nil
		}
	}
	for _, v := range world.resources {
		if v.Type != typeVpc || !v.visible(q.account, q.region) || (len(ids) > 0 && !slices.Contains(ids, v.ID)) {
			continue
		}
		ok, err := matches(q.filters(), v, func(name string) (string, bool) {
			switch name {
			case "vpc-id":
				return v.ID, true
			case "cidr":
				return v.out("cidrBlock"), true
			}
			return "", false
		})
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		cidr := v.out("cidrBlock")
		fmt.Fprintf(&items, `<item><vpcId>%s</vpcId><ownerId>%s</ownerId><state>available</state><cidrBlock>%s</cidrBlock>`+
			`<cidrBlockAssociationSet><item><associationId>vpc-cidr-assoc-%s</associationId><cidrBlock>%s</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet>`+
			`<isDefault>false</isDefault>%s</item>`, v.ID, v.Account, cidr, strings.TrimPrefix(v.ID, "vpc-"), cidr, tagSet(v.tags()))
	}
	writeXML(w, `<DescribeVpcsResponse `+ec2NS+`><requestId>e2e</requestId><vpcSet>`+items.String()+`</vpcSet></DescribeVpcsResponse>`)
	return nil
}

// describeVpcAttribute: DNS support and hostnames are on unless the VPC's
// outputs say false (a seeded VPC may).
func describeVpcAttribute(w http.ResponseWriter, q ec2Request, world awsWorld) error {
	id, attr := q.get("VpcId"), q.get("Attribute")
	v := world.find(typeVpc, id)
	if v == nil || !v.visible(q.account, q.region) {
		ec2Error(w, "InvalidVpcID.NotFound", fmt.Sprintf("The vpc ID '%s' does not exist", id))
		return nil
	}
	if attr != "enableDnsSupport" && attr != "enableDnsHostnames" {
		return fmt.Errorf("DescribeVpcAttribute %q is not faked", attr)
	}
	on := true
	if b, ok := v.Outputs[attr].(bool); ok {
		on = b
	}
	writeXML(w, fmt.Sprintf(`<DescribeVpcAttributeResponse %s><requestId>e2e</requestId><vpcId>%s</vpcId><%s><value>%t</value></%s></DescribeVpcAttributeResponse>`,
		ec2NS, id, attr, on, attr))
	return nil
}

// routeTableRoutes are a table's routes: the VPC's local route, the
// routes the stacks created in it, and the routes a seed gives it
// (outputs.routes: [{destinationCidrBlock, gatewayId | vpcPeeringConnectionId}]).
func routeTableRoutes(world awsWorld, rtb, vpc string) string {
	var b strings.Builder
	if v := world.find(typeVpc, vpc); v != nil && v.out("cidrBlock") != "" {
		fmt.Fprintf(&b, `<item><destinationCidrBlock>%s</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>`, v.out("cidrBlock"))
	}
	route := func(dest, gateway, pcx, state string) {
		fmt.Fprintf(&b, `<item><destinationCidrBlock>%s</destinationCidrBlock>`, dest)
		if gateway != "" {
			fmt.Fprintf(&b, `<gatewayId>%s</gatewayId>`, gateway)
		}
		if pcx != "" {
			fmt.Fprintf(&b, `<vpcPeeringConnectionId>%s</vpcPeeringConnectionId>`, pcx)
		}
		fmt.Fprintf(&b, `<state>%s</state><origin>CreateRoute</origin></item>`, state)
	}
	for _, r := range world.resources {
		if r.Type == typeRoute && r.out("routeTableId") == rtb {
			state := "active"
			if pcx := r.out("vpcPeeringConnectionId"); pcx != "" && !world.accepted[pcx] {
				if c := world.find(typeConnection, pcx); c == nil || world.status(c) != "active" {
					state = "blackhole"
				}
			}
			route(r.out("destinationCidrBlock"), r.out("gatewayId"), r.out("vpcPeeringConnectionId"), state)
		}
	}
	if t := world.find(typeRouteTable, rtb); t != nil {
		if seeded, ok := t.Outputs["routes"].([]any); ok {
			for _, s := range seeded {
				if m, ok := s.(map[string]any); ok {
					dest, _ := m["destinationCidrBlock"].(string)
					gw, _ := m["gatewayId"].(string)
					pcx, _ := m["vpcPeeringConnectionId"].(string)
					route(dest, gw, pcx, "active")
				}
			}
		}
	}
	return b.String()
}

func describeRouteTables(w http.ResponseWriter, q ec2Request, world awsWorld) error {
	type table struct {
		id, vpc string
		main    bool
		r       *worldResource
	}
	var tables []table
	seen := map[string]bool{}
	for _, r := range world.resources {
		if !r.visible(q.account, q.region) {
			continue
		}
		switch {
		case r.Type == typeRouteTable && !seen[r.ID]:
			tables = append(tables, table{id: r.ID, vpc: r.out("vpcId"), r: r})
			seen[r.ID] = true
		case r.Type == typeVpc && r.out("mainRouteTableId") != "" && !seen[r.out("mainRouteTableId")]:
			tables = append(tables, table{id: r.out("mainRouteTableId"), vpc: r.ID, main: true, r: &worldResource{Outputs: map[string]any{}}})
			seen[r.out("mainRouteTableId")] = true
		}
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].id < tables[j].id })
	ids := q.list("RouteTableId")
	var items strings.Builder
	for _, t := range tables {
		if len(ids) > 0 && !slices.Contains(ids, t.id) {
			continue
		}
		ok, err := matches(q.filters(), t.r, func(name string) (string, bool) {
			switch name {
			case "vpc-id":
				return t.vpc, true
			case "route-table-id":
				return t.id, true
			case "association.main":
				return fmt.Sprint(t.main), true
			}
			return "", false
		})
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		assoc := ""
		if t.main {
			assoc = fmt.Sprintf(`<item><routeTableAssociationId>rtbassoc-main-%s</routeTableAssociationId><routeTableId>%s</routeTableId><main>true</main></item>`, t.id, t.id)
		}
		fmt.Fprintf(&items, `<item><routeTableId>%s</routeTableId><vpcId>%s</vpcId><ownerId>%s</ownerId><routeSet>%s</routeSet><associationSet>%s</associationSet>%s</item>`,
			t.id, t.vpc, q.account, routeTableRoutes(world, t.id, t.vpc), assoc, tagSet(t.r.tags()))
	}
	writeXML(w, `<DescribeRouteTablesResponse `+ec2NS+`><requestId>e2e</requestId><routeTableSet>`+items.String()+`</routeTableSet></DescribeRouteTablesResponse>`)
	return nil
}

func describeFlowLogs(w http.ResponseWriter, q ec2Request, world awsWorld) error {
	var items strings.Builder
	for _, r := range world.resources {
		if r.Type != typeFlowLog || !r.visible(q.account, q.region) {
			continue
		}
		resourceID := r.out("vpcId")
		for _, k := range []string{"subnetId", "eniId", "transitGatewayId"} {
			if resourceID == "" {
				resourceID = r.out(k)
			}
		}
		ok, err := matches(q.filters(), r, func(name string) (string, bool) {
			switch name {
			case "resource-id":
				return resourceID, true
			case "flow-log-id":
				return r.ID, true
			}
			return "", false
		})
		if err != nil {
			return err
		}
		if ids := q.list("FlowLogId"); !ok || (len(ids) > 0 && !slices.Contains(ids, r.ID)) {
			continue
		}
		destType := r.out("logDestinationType")
		if destType == "" {
			destType = "cloud-watch-logs"
		}
		fmt.Fprintf(&items, `<item><flowLogId>%s</flowLogId><resourceId>%s</resourceId><trafficType>%s</trafficType><logDestinationType>%s</logDestinationType>`+
			`<logDestination>%s</logDestination><logGroupName>%s</logGroupName><flowLogStatus>ACTIVE</flowLogStatus>%s</item>`,
			r.ID, resourceID, r.out("trafficType"), destType, esc(r.out("logDestination")), esc(r.out("logGroupName")), tagSet(r.tags()))
	}
	writeXML(w, `<DescribeFlowLogsResponse `+ec2NS+`><requestId>e2e</requestId><flowLogSet>`+items.String()+`</flowLogSet></DescribeFlowLogsResponse>`)
	return nil
}
