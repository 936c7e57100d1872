package preflight

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/tags"
)

// VPCAPI reads a VPC and its DNS attributes.
type VPCAPI interface {
	DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeVpcAttribute(ctx context.Context, in *ec2.DescribeVpcAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error)
}

// RouteTableAPI reads route tables (through the SDK's paginator).
type RouteTableAPI = ec2.DescribeRouteTablesAPIClient

// FlowLogAPI reads flow logs.
type FlowLogAPI interface {
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}

// PeeringAPI reads peering connections.
type PeeringAPI interface {
	DescribeVpcPeeringConnections(ctx context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error)
}

// checkExisting reads every existing network's VPC with the network's own
// credentials and region, before the engine runs: the offline plan trusted
// the configuration (vpcId, cidr, routeTableIds) and only the account can
// say whether it is true. It prints the route tables it discovered to out.
func checkExisting(ctx context.Context, cfg *config.Config, accounts map[string]string, clients zoneClients, out io.Writer) ([]Conflict, error) {
	var conflicts []Conflict
	for i, n := range cfg.Networks {
		if !n.IsExisting() {
			continue
		}
		cl, err := clients(n)
		if err != nil {
			return nil, err
		}
		e := existingCheck{cfg: cfg, n: n, index: i, cl: cl, out: out,
			where: fmt.Sprintf("%s in %s", describe(accounts[n.Name], config.AccountGroup{Networks: []config.Network{n}}), regionOf(cfg, n))}
		msgs, err := e.run(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			conflicts = append(conflicts, Conflict{Account: accounts[n.Name], Networks: []string{n.Name}, Message: m})
		}
	}
	return conflicts, nil
}

type existingCheck struct {
	cfg   *config.Config
	n     config.Network
	index int
	cl    Clients
	out   io.Writer
	where string
}

func (e existingCheck) field(key string) string {
	return fmt.Sprintf("%s:networks[%d].%s", config.Namespace, e.index, key)
}

func (e existingCheck) run(ctx context.Context) ([]string, error) {
	id := e.n.Existing.VPCID
	out, err := e.cl.VPCs.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{id}})
	if hasCode(err, "InvalidVpcID.NotFound") || err == nil && len(out.Vpcs) == 0 {
		return []string{fmt.Sprintf("%s has no VPC %s (%s); check the id, and that the network's account and region are the VPC's",
			e.where, id, e.field("existing.vpcId"))}, nil
	}
	if err != nil {
		return nil, callError(e.where, "ec2:DescribeVpcs", err)
	}
	var msgs []string
	if m := e.checkCIDR(out.Vpcs[0]); m != "" {
		msgs = append(msgs, m)
	}
	dns, err := e.checkDNS(ctx)
	if err != nil {
		return nil, err
	}
	msgs = append(msgs, dns...)
	routes, err := e.checkRouteTables(ctx)
	if err != nil {
		return nil, err
	}
	msgs = append(msgs, routes...)
	if e.n.HasFlowLogs() {
		m, err := e.checkFlowLogs(ctx)
		if err != nil {
			return nil, err
		}
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	return msgs, nil
}

// checkCIDR: one of the VPC's associated CIDR blocks must contain the
// configured cidr, which the plan, the peers' routes and rules, and the
// overlap checks were computed from.
func (e existingCheck) checkCIDR(vpc ec2types.Vpc) string {
	var blocks []string
	for _, a := range vpc.CidrBlockAssociationSet {
		if a.CidrBlockState == nil || a.CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated {
			continue
		}
		block := aws.ToString(a.CidrBlock)
		blocks = append(blocks, block)
		if contains(block, e.n.CIDR) {
			return ""
		}
	}
	return fmt.Sprintf("%s: VPC %s's CIDR blocks (%s) do not contain %s %s; set cidr to the VPC's CIDR block (or the part of it the peers may reach)",
		e.where, e.n.Existing.VPCID, listOrNone(blocks), e.field("cidr"), e.n.CIDR)
}

// contains reports whether the CIDR block holds all of p.
func contains(block string, p netip.Prefix) bool {
	q, err := netip.ParsePrefix(block)
	return err == nil && q.Bits() <= p.Bits() && q.Contains(p.Addr())
}

// checkDNS: DNS resolution over a peering needs both attributes on the VPC
// (AWS: "Enable DNS resolution for a VPC peering connection"); peerctl
// does not change a VPC it did not create, so it says how to.
func (e existingCheck) checkDNS(ctx context.Context) ([]string, error) {
	id := e.n.Existing.VPCID
	var msgs []string
	for _, attr := range []struct {
		name ec2types.VpcAttributeName
		flag string
	}{
		{ec2types.VpcAttributeNameEnableDnsSupport, "--enable-dns-support"},
		{ec2types.VpcAttributeNameEnableDnsHostnames, "--enable-dns-hostnames"},
	} {
		out, err := e.cl.VPCs.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: attr.name})
		if err != nil {
			return nil, callError(e.where, "ec2:DescribeVpcAttribute", err)
		}
		v := out.EnableDnsSupport
		if attr.name == ec2types.VpcAttributeNameEnableDnsHostnames {
			v = out.EnableDnsHostnames
		}
		if v != nil && aws.ToBool(v.Value) {
			continue
		}
		msgs = append(msgs, fmt.Sprintf("%s: VPC %s has %s off, which DNS resolution across the peering needs; peerctl does not change a VPC it did not create, turn it on with: %s",
			e.where, id, attr.name, e.modifyCommand(attr.flag)))
	}
	return msgs, nil
}

// modifyCommand is the AWS CLI command that turns one DNS attribute on
// (modify-vpc-attribute takes one attribute per call).
func (e existingCheck) modifyCommand(flag string) string {
	cmd := fmt.Sprintf(`aws ec2 modify-vpc-attribute --vpc-id %s %s '{"Value":true}' --region %s`, e.n.Existing.VPCID, flag, regionOf(e.cfg, e.n))
	if p := e.n.Account.Profile; p != "" {
		cmd += " --profile " + p
	}
	return cmd
}

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

// routeTo finds a table's route for exactly cidr.
func routeTo(t ec2types.RouteTable, cidr netip.Prefix) (ec2types.Route, bool) {
	for _, r := range t.Routes {
		if aws.ToString(r.DestinationCidrBlock) == cidr.String() {
			return r, true
		}
	}
	return ec2types.Route{}, false
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
			want[fmt.Sprintf("%s-peering-%s", pr.Name(), e.cfg.Environment)] = true
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

// checkFlowLogs: with existing.flowLogs, peerctl would add its own flow log
// next to any the VPC has; the plan showed no such duplicate, so up must not
// silently make one (plan decision 2). Flow logs this stack created carry
// ManagedBy=peerctl and a Name "<network>-...-<env>".
func (e existingCheck) checkFlowLogs(ctx context.Context) (string, error) {
	id := e.n.Existing.VPCID
	out, err := e.cl.FlowLogs.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{
		Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}},
	})
	if err != nil {
		return "", callError(e.where, "ec2:DescribeFlowLogs", err)
	}
	var theirs []string
	for _, fl := range out.FlowLogs {
		if e.ourFlowLog(fl) {
			continue
		}
		dest := aws.ToString(fl.LogDestination)
		if dest == "" {
			dest = aws.ToString(fl.LogGroupName)
		}
		theirs = append(theirs, fmt.Sprintf("%s (%s to %s)", aws.ToString(fl.FlowLogId), fl.LogDestinationType, dest))
	}
	if len(theirs) == 0 {
		return "", nil
	}
	slices.Sort(theirs)
	return fmt.Sprintf("%s: VPC %s already has flow logs that this stack did not create: %s; set %s: false to keep them and create none "+
		"(that also drops the per-peer alarms, which read peerctl's flow logs), or delete them to let peerctl create its own",
		e.where, id, strings.Join(theirs, ", "), e.field("existing.flowLogs")), nil
}

func (e existingCheck) ourFlowLog(fl ec2types.FlowLog) bool {
	tagged := map[string]string{}
	for _, t := range fl.Tags {
		tagged[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	name := tagged[tags.KeyName]
	return tagged[tags.KeyManagedBy] == tags.ManagedBy && tagged[tags.KeyEnvironment] == e.cfg.Environment &&
		strings.HasPrefix(name, e.n.Name+"-") && strings.HasSuffix(name, "-"+e.cfg.Environment)
}
