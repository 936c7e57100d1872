package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

// checkRoutes checks every private route table of the network: the tables
// in the outputs, those associated with its subnets, and the main table if
// a subnet has no explicit association. An existing network has no subnets
// of peerctl's: its tables are the routeTableIds output (the given or
// discovered tables that got routes). Each needs an active route to every
// peer's CIDR through that peering.
func (v *verifier) checkRoutes(ctx context.Context, n config.Network) []Result {
	vpc := v.out.VpcIDs[n.Name]
	if vpc == "" {
		return []Result{result(CheckRoutes, n.Name, Fail, "no VPC id for %s in the stack outputs (vpcIds)", n.Name)}
	}
	api := v.clients(n.Name).RouteTables
	var tables []types.RouteTable
	pages := ec2.NewDescribeRouteTablesPaginator(api, &ec2.DescribeRouteTablesInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return []Result{result(CheckRoutes, n.Name, Fail, "%s", apiReason("DescribeRouteTables", err))}
		}
		tables = append(tables, page.RouteTables...)
	}

	wanted := slices.Clone(v.out.RouteTableIDs[n.Name])
	subnets := v.out.SubnetIDs[n.Name]
	explicit := map[string]bool{}
	mainTable := ""
	for _, t := range tables {
		for _, a := range t.Associations {
			if aws.ToBool(a.Main) {
				mainTable = aws.ToString(t.RouteTableId)
			}
			if s := aws.ToString(a.SubnetId); s != "" && slices.Contains(subnets, s) {
				explicit[s] = true
				wanted = append(wanted, aws.ToString(t.RouteTableId))
			}
		}
	}
	for _, s := range subnets {
		if !explicit[s] && mainTable != "" {
			wanted = append(wanted, mainTable)
		}
	}
	slices.Sort(wanted)
	wanted = slices.Compact(wanted)
	if len(wanted) == 0 {
		return []Result{result(CheckRoutes, n.Name, Fail, "no route tables for %s in the stack outputs (routeTableIds) or associated with its subnets", n.Name)}
	}

	peers := v.peersOf(n)
	var results []Result
	for _, id := range wanted {
		subject := fmt.Sprintf("%s %s", n.Name, id)
		i := slices.IndexFunc(tables, func(t types.RouteTable) bool { return aws.ToString(t.RouteTableId) == id })
		if i < 0 {
			results = append(results, result(CheckRoutes, subject, Fail, "route table not found in %s (%s)", vpc, n.Name))
			continue
		}
		var ok, bad, waiting []string
		for _, p := range peers {
			msg, good := peerRoute(tables[i].Routes, p)
			switch {
			case good:
				ok = append(ok, msg)
			case v.waitingPeering(ctx, p.Config):
				// A connection the partner has not accepted yet: its
				// routes may be missing or blackholed until then.
				waiting = append(waiting, fmt.Sprintf("%s (%s) waits for the partner to accept %s", p.Network.CIDR, p.Network.Name, p.PCX))
			default:
				bad = append(bad, msg)
			}
		}
		switch {
		case len(peers) == 0:
			results = append(results, result(CheckRoutes, subject, Pass, "no peers"))
		case len(bad) > 0:
			results = append(results, result(CheckRoutes, subject, Fail, "%s", strings.Join(bad, "; ")))
		case len(waiting) > 0:
			results = append(results, result(CheckRoutes, subject, WaitingForPartner, "%s", strings.Join(append(ok, waiting...), "; ")))
		default:
			results = append(results, result(CheckRoutes, subject, Pass, "%s", strings.Join(ok, "; ")))
		}
	}
	return results
}

// peerRoute finds the route to a peer's CIDR and says whether it is right.
func peerRoute(routes []types.Route, p peer) (string, bool) {
	cidr := p.Network.CIDR.String()
	for _, r := range routes {
		if aws.ToString(r.DestinationCidrBlock) != cidr {
			continue
		}
		target := aws.ToString(r.VpcPeeringConnectionId)
		switch {
		case target == "":
			return fmt.Sprintf("route to %s (%s) goes to %s, not the peering %s", cidr, p.Network.Name, routeTarget(r), p.PCX), false
		case p.PCX != "" && target != p.PCX:
			return fmt.Sprintf("route to %s (%s) goes to %s, not the stack's peering %s", cidr, p.Network.Name, target, p.PCX), false
		case r.State != types.RouteStateActive:
			return fmt.Sprintf("route to %s (%s) via %s is %s (the peering is not active)", cidr, p.Network.Name, target, r.State), false
		}
		return fmt.Sprintf("%s (%s) via %s active", cidr, p.Network.Name, target), true
	}
	via := p.PCX
	if via == "" {
		via = "the peering"
	}
	return fmt.Sprintf("no route to %s (%s) via %s", cidr, p.Network.Name, via), false
}

func routeTarget(r types.Route) string {
	for _, s := range []*string{r.GatewayId, r.TransitGatewayId, r.NatGatewayId, r.NetworkInterfaceId, r.InstanceId} {
		if aws.ToString(s) != "" {
			return aws.ToString(s)
		}
	}
	return "another target"
}
