package preflight

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/tags"
)

// checkRouteTables: the given tables must be the VPC's; with none given,
// every table of the VPC gets routes, and they are listed now. No table may
// already route a peer's CIDR elsewhere (CreateRoute would fail with
// RouteAlreadyExists halfway through up), and each must have room for the
// routes peerctl adds.
func (e existingCheck) checkRouteTables(ctx context.Context) ([]string, error) {
	id := e.n.Existing.VPCID
	var tables []ec2types.RouteTable
	pages := ec2.NewDescribeRouteTablesPaginator(e.cl.RouteTables, &ec2.DescribeRouteTablesInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{id}}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, callError(e.where, "ec2:DescribeRouteTables", err)
		}
		tables = append(tables, page.RouteTables...)
	}
	byID := map[string]ec2types.RouteTable{}
	var all []string
	for _, t := range tables {
		byID[aws.ToString(t.RouteTableId)] = t
		all = append(all, aws.ToString(t.RouteTableId))
	}
	slices.Sort(all)
	var msgs []string
	var use []string
	if given := e.n.Existing.RouteTableIDs; len(given) > 0 {
		for k, rtb := range given {
			if _, ok := byID[rtb]; !ok {
				msgs = append(msgs, fmt.Sprintf("%s: route table %s (%s[%d]) is not a route table of VPC %s (its tables: %s)",
					e.where, rtb, e.field("existing.routeTableIds"), k, id, listOrNone(all)))
				continue
			}
			use = append(use, rtb)
		}
	} else {
		use = all
		fmt.Fprintf(e.out, "network %s: no existing.routeTableIds, so routes to its peers go into every route table of VPC %s, discovered now: %s\n",
			e.n.Name, id, listOrNone(all))
	}
	peers := e.cfg.Peers(e.n.Name)
	quota := e.cfg.Quotas.RoutesPerRouteTable
	for _, rtb := range use {
		t := byID[rtb]
		if gw := edgeGateway(t); gw != "" {
			msgs = append(msgs, e.edgeMessage(rtb, gw))
			continue
		}
		e.noteShadowed(t, peers)
		adding := 0
		for _, p := range peers {
			r, ok := routeTo(t, p.CIDR)
			if !ok {
				adding++
				continue
			}
			if e.ours(ctx, r) {
				continue
			}
			msgs = append(msgs, fmt.Sprintf("%s: route table %s already routes %s (%s) to %s, not to the peering with %s, so AWS would refuse peerctl's route (RouteAlreadyExists); "+
				"remove that route, or list in %s only tables without it",
				e.where, rtb, p.CIDR, p.Name, routeTarget(r), p.Name, e.field("existing.routeTableIds")))
		}
		if n := countedRoutes(t); quota > 0 && n+adding > quota {
			msgs = append(msgs, fmt.Sprintf("%s: route table %s has %d routes and peerctl adds %d, more than the %d routes per route table of %s:quotas.routesPerRouteTable; "+
				"raise the quota (Service Quotas, Amazon VPC \"Routes per route table\") and the setting, or list other tables in %s",
				e.where, rtb, n, adding, quota, config.Namespace, e.field("existing.routeTableIds")))
		}
	}
	return msgs, nil
}

// routeTo finds a table's static route for exactly cidr. A route
// propagated from a virtual private gateway does not stop CreateRoute: the
// static route takes priority over it ("Route priority", Amazon VPC User
// Guide), which noteShadowed reports.
func routeTo(t ec2types.RouteTable, cidr netip.Prefix) (ec2types.Route, bool) {
	for _, r := range t.Routes {
		if r.Origin != ec2types.RouteOriginEnableVgwRoutePropagation && aws.ToString(r.DestinationCidrBlock) == cidr.String() {
			return r, true
		}
	}
	return ec2types.Route{}, false
}

// edgeGateway is the internet or virtual private gateway a table is
// associated with (a gateway route table), "" for a subnet route table.
// AWS refuses routes outside the VPC's CIDR blocks, and peering targets,
// in a gateway route table (Amazon VPC User Guide, "Gateway route tables",
// rules and considerations).
func edgeGateway(t ec2types.RouteTable) string {
	for _, a := range t.Associations {
		if gw := aws.ToString(a.GatewayId); gw != "" {
			return gw
		}
	}
	return ""
}

func (e existingCheck) edgeMessage(rtb, gw string) string {
	if len(e.n.Existing.RouteTableIDs) == 0 {
		return fmt.Sprintf("%s: route table %s is a gateway route table (associated with %s), where AWS refuses routes to a peering; without existing.routeTableIds every table of the VPC gets routes, so list the subnet route tables in %s",
			e.where, rtb, gw, e.field("existing.routeTableIds"))
	}
	return fmt.Sprintf("%s: route table %s in %s is a gateway route table (associated with %s), where AWS refuses routes to a peering; remove it from the list",
		e.where, rtb, e.field("existing.routeTableIds"), gw)
}

// noteShadowed tells, before any change, where a peering route will take
// traffic off a path the VPC uses today: a wider route (10.0.0.0/8 to a
// transit gateway) or a propagated route for the same CIDR. It is not a
// refusal, since peering is what was asked for, but traffic that went
// through a transit gateway or inspection appliance stops doing so.
func (e existingCheck) noteShadowed(t ec2types.RouteTable, peers []config.Peer) {
	for _, p := range peers {
		for _, r := range t.Routes {
			dest, err := netip.ParsePrefix(aws.ToString(r.DestinationCidrBlock))
			if err != nil || aws.ToString(r.GatewayId) == "local" || !dest.Contains(p.CIDR.Addr()) {
				continue
			}
			propagated := r.Origin == ec2types.RouteOriginEnableVgwRoutePropagation
			if dest.Bits() < p.CIDR.Bits() || propagated && dest.Bits() == p.CIDR.Bits() {
				fmt.Fprintf(e.out, "network %s: route table %s sends %s to %s today; peerctl's route %s -> peering with %s takes priority (more specific, or static over propagated) and takes that traffic off that path\n",
					e.n.Name, aws.ToString(t.RouteTableId), dest, routeTarget(r), p.CIDR, p.Name)
			}
		}
	}
}

// ours reports whether a route to a peer's CIDR is one an earlier up of
// this stack created, so that a re-run does not refuse its own routes: it
// goes through the partner's connection this stack accepts
// (connectionId), or through a connection this stack created.
func (e existingCheck) ours(ctx context.Context, r ec2types.Route) bool {
	pcx := aws.ToString(r.VpcPeeringConnectionId)
	if pcx == "" {
		return false
	}
	for _, pr := range e.cfg.Peerings {
		if pr.Mode() == config.AccepterOnly && pr.Accepter == e.n.Name && pr.ConnectionID == pcx {
			return true
		}
	}
	return e.peeringOwnedByStack(ctx, pcx)
}

// peeringOwnedByStack asks for the connection's tags: peerctl tags every
// connection it creates Name=<peering>-peering-<env> (internal/peering) and
// ManagedBy=peerctl. A connection that cannot be read is not ours.
func (e existingCheck) peeringOwnedByStack(ctx context.Context, pcx string) bool {
	if e.cl.Peerings == nil {
		return false
	}
	out, err := e.cl.Peerings.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{pcx}})
	if err != nil || len(out.VpcPeeringConnections) == 0 {
		return false
	}
	want := map[string]bool{}
	for _, pr := range e.cfg.Peerings {
		if pr.Requester == e.n.Name || pr.Accepter == e.n.Name {
			want[names.PeeringNameTag(pr.Name(), e.cfg.Environment)] = true
		}
	}
	tagged := map[string]string{}
	for _, t := range out.VpcPeeringConnections[0].Tags {
		tagged[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tagged[tags.KeyManagedBy] == tags.ManagedBy && want[tagged[tags.KeyName]]
}

// countedRoutes counts the routes that count against the routes-per-table
// quota: every route but those propagated from a virtual private gateway,
// which have a quota of their own.
func countedRoutes(t ec2types.RouteTable) int {
	n := 0
	for _, r := range t.Routes {
		if r.Origin != ec2types.RouteOriginEnableVgwRoutePropagation {
			n++
		}
	}
	return n
}

// routeTarget names where a route goes.
func routeTarget(r ec2types.Route) string {
	for _, s := range []*string{r.VpcPeeringConnectionId, r.GatewayId, r.TransitGatewayId, r.NatGatewayId, r.NetworkInterfaceId, r.InstanceId, r.LocalGatewayId, r.CarrierGatewayId} {
		if aws.ToString(s) != "" {
			return aws.ToString(s)
		}
	}
	return "another target"
}
