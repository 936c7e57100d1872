package network

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ExistingVPC is a VPC peerctl peers without owning it. Nothing AWS or its
// owner created in it is adopted: no VPC, subnet, route table, NACL or
// gateway endpoint is created, and the default security group, default NACL
// and main route table are left alone (adopting them would modify them;
// DefaultSecurityGroup even strips their rules). peerctl adds only the
// application security group (when SecurityGroup) here, and the peering
// adds its routes to RouteTableIDs.
type ExistingVPC struct {
	// VpcID is the VPC (vpc-...).
	VpcID string
	// RouteTableIDs get the routes to the peers: the configured ones, or
	// what DiscoverRouteTables found (Discovered).
	RouteTableIDs []string
	// Discovered: RouteTableIDs are every route table of the VPC, found
	// with DiscoverRouteTables rather than configured.
	Discovered bool
	// SecurityGroup creates the application security group in the VPC.
	SecurityGroup bool
}

func (e *ExistingVPC) validate() error {
	if !strings.HasPrefix(e.VpcID, "vpc-") {
		return fmt.Errorf("existing VPC id %q is not a vpc- id", e.VpcID)
	}
	seen := map[string]bool{}
	for _, id := range e.RouteTableIDs {
		if !strings.HasPrefix(id, "rtb-") {
			return fmt.Errorf("existing VPC %s: route table id %q is not a rtb- id", e.VpcID, id)
		}
		if seen[id] {
			return fmt.Errorf("existing VPC %s: route table %s is listed twice", e.VpcID, id)
		}
		seen[id] = true
	}
	return nil
}

// sortedRouteTables are RouteTableIDs in id order, so the order they are
// configured in changes nothing.
func (e *ExistingVPC) sortedRouteTables() []string {
	ids := slices.Clone(e.RouteTableIDs)
	slices.Sort(ids)
	return ids
}

// DiscoverRouteTables lists every route table of vpcID (the main one
// included), sorted so that route names and plan output do not depend on
// the order AWS returns them in. It runs at program time with the network's
// provider (opts: pulumi.Provider), so preview shows what up will change.
//
// Invoke: token aws:ec2/getRouteTables:getRouteTables, one filter
// {name: "vpc-id", values: [vpcID]}; the answer's ids are used.
func DiscoverRouteTables(ctx *pulumi.Context, vpcID string, opts ...pulumi.InvokeOption) ([]string, error) {
	res, err := ec2.GetRouteTables(ctx, &ec2.GetRouteTablesArgs{
		Filters: []ec2.GetRouteTablesFilter{{Name: "vpc-id", Values: []string{vpcID}}},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("listing the route tables of %s: %w", vpcID, err)
	}
	ids := slices.Clone(res.Ids)
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// existingInputs record what the component was asked to do in an existing
// VPC, so the plan shows the VPC and the route tables that get routes.
func (a *NetworkArgs) existingInputs() pulumi.Map {
	peers := pulumi.Map{}
	for _, p := range a.Peers {
		peers[p.Name] = pulumi.String(p.CIDR.String())
	}
	return pulumi.Map{
		"environment":           pulumi.String(a.Environment),
		"region":                pulumi.String(a.Region),
		"cidr":                  pulumi.String(a.CIDR.String()),
		"peers":                 peers,
		"existing":              pulumi.Bool(true),
		"vpcId":                 pulumi.String(a.Existing.VpcID),
		"routeTableIds":         pulumi.ToStringArray(a.Existing.sortedRouteTables()),
		"routeTablesDiscovered": pulumi.Bool(a.Existing.Discovered),
		"securityGroup":         pulumi.Bool(a.Existing.SecurityGroup),
	}
}

// existing builds what peerctl adds to an existing VPC: only the
// application security group, when asked. The peering component adds the
// routes to ExistingRouteTableIDs.
func (b *builder) existing() error {
	e := b.args.Existing
	b.n.VpcID = pulumi.String(e.VpcID).ToStringOutput()
	b.n.ExistingRouteTableIDs = e.sortedRouteTables()
	b.n.RouteTableIDs = pulumi.ToStringArray(b.n.ExistingRouteTableIDs).ToStringArrayOutput()
	outputs := pulumi.Map{
		"vpcId":         b.n.VpcID,
		"routeTableIds": b.n.RouteTableIDs,
	}
	if e.SecurityGroup {
		if err := b.securityGroup(); err != nil {
			return err
		}
		outputs["securityGroupId"] = b.n.AppSG.ID()
	}
	return b.ctx.RegisterResourceOutputs(b.n, outputs)
}
