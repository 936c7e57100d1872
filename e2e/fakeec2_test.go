package e2e

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The EC2 calls of peerctl's pre-flight check for existing VPCs and
// one-sided peerings (internal/deploy/preflight), answered from the
// stand-in's world as AWS would answer the caller's account in the
// caller's region (the region of the request's signature).

// ec2NS is the EC2 API's XML namespace.
const ec2NS = `xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"`

var regionPattern = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/`)

// regionOfRequest is the region a request was signed for.
func regionOfRequest(r *http.Request) string {
	if m := regionPattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return ""
}

// ec2Request is one EC2 query call.
type ec2Request struct {
	account, region string
	form            map[string][]string
}

// list reads a list parameter (VpcId.1, VpcId.2 ...).
func (q ec2Request) list(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := q.form[fmt.Sprintf("%s.%d", name, i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

// filters reads Filter.N.Name / Filter.N.Value.M.
func (q ec2Request) filters() map[string][]string {
	out := map[string][]string{}
	for i := 1; ; i++ {
		name, ok := q.form[fmt.Sprintf("Filter.%d.Name", i)]
		if !ok || len(name) == 0 {
			return out
		}
		out[name[0]] = q.list(fmt.Sprintf("Filter.%d.Value", i))
	}
}

func (q ec2Request) get(name string) string {
	if v := q.form[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ec2Error is the EC2 error response.
func ec2Error(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>e2e</RequestID></Response>`, code, esc(message))
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func tagSet(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("<tagSet>")
	for _, k := range keys {
		fmt.Fprintf(&b, "<item><key>%s</key><value>%s</value></item>", esc(k), esc(tags[k]))
	}
	b.WriteString("</tagSet>")
	return b.String()
}

// matches reports whether r passes every filter; value gives r's value
// for a filter name, ok false for a name the fake does not know.
func matches(filters map[string][]string, r *worldResource, value func(name string) (string, bool)) (bool, error) {
	for name, want := range filters {
		var got string
		if strings.HasPrefix(name, "tag:") {
			got = r.tags()[strings.TrimPrefix(name, "tag:")]
		} else {
			v, ok := value(name)
			if !ok {
				return false, fmt.Errorf("the fake AWS does not know the filter %q; add it to e2e/fakeec2_test.go", name)
			}
			got = v
		}
		if !slices.Contains(want, got) {
			return false, nil
		}
	}
	return true, nil
}

// ec2Handlers are the EC2 actions faked here, by Action.
var ec2Handlers = map[string]func(http.ResponseWriter, ec2Request, awsWorld) error{
	"DescribeVpcs":                  describeVpcs,
	"DescribeVpcAttribute":          describeVpcAttribute,
	"DescribeRouteTables":           describeRouteTables,
	"DescribeFlowLogs":              describeFlowLogs,
	"DescribeVpcPeeringConnections": describeVpcPeeringConnections,
}

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

// describeVpcPeeringConnections: the connections the caller is the
// requester or the accepter of, in its region. Tags are the caller's own:
// the requester's on the connection, the accepter's on its accepter.
func describeVpcPeeringConnections(w http.ResponseWriter, q ec2Request, world awsWorld) error {
	ids := q.list("VpcPeeringConnectionId")
	var items strings.Builder
	found := map[string]bool{}
	for _, c := range world.resources {
		if c.Type != typeConnection || (len(ids) > 0 && !slices.Contains(ids, c.ID)) {
			continue
		}
		req, acc := world.sides(c)
		asRequester := req.account == q.account && req.region == q.region
		asAccepter := acc.account == q.account && acc.region == q.region
		if !asRequester && !asAccepter {
			continue
		}
		found[c.ID] = true
		tagged := c
		if !asRequester {
			tagged = &worldResource{Outputs: map[string]any{}}
			for _, a := range world.resources {
				if a.Type == typeAccepter && a.ID == c.ID {
					tagged = a
				}
			}
		}
		status := world.status(c)
		ok, err := matches(q.filters(), tagged, func(name string) (string, bool) {
			switch name {
			case "status-code":
				return status, true
			case "vpc-peering-connection-id":
				return c.ID, true
			case "requester-vpc-info.vpc-id":
				return req.vpc, true
			case "accepter-vpc-info.vpc-id":
				return acc.vpc, true
			case "requester-vpc-info.owner-id":
				return req.account, true
			case "accepter-vpc-info.owner-id":
				return acc.account, true
			}
			return "", false
		})
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		info := func(s pcxSide) string {
			cidr := ""
			if v := world.find(typeVpc, s.vpc); v != nil {
				cidr = v.out("cidrBlock")
			}
			return fmt.Sprintf(`<ownerId>%s</ownerId><vpcId>%s</vpcId><region>%s</region><cidrBlock>%s</cidrBlock><cidrBlockSet><item><cidrBlock>%s</cidrBlock></item></cidrBlockSet>`,
				s.account, s.vpc, s.region, cidr, cidr)
		}
		fmt.Fprintf(&items, `<item><vpcPeeringConnectionId>%s</vpcPeeringConnectionId><requesterVpcInfo>%s</requesterVpcInfo><accepterVpcInfo>%s</accepterVpcInfo>`+
			`<status><code>%s</code><message>%s</message></status>%s</item>`, c.ID, info(req), info(acc), status, status, tagSet(tagged.tags()))
	}
	for _, id := range ids {
		if !found[id] {
			ec2Error(w, "InvalidVpcPeeringConnectionID.NotFound", fmt.Sprintf("The vpcPeeringConnection ID '%s' does not exist", id))
			return nil
		}
	}
	writeXML(w, `<DescribeVpcPeeringConnectionsResponse `+ec2NS+`><requestId>e2e</requestId><vpcPeeringConnectionSet>`+items.String()+`</vpcPeeringConnectionSet></DescribeVpcPeeringConnectionsResponse>`)
	return nil
}
