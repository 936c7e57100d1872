// Package peering is the Peering component: a VPC peering connection between
// two networks, accepted in the accepter's account, with DNS resolution
// enabled on both sides and routes to the peer CIDR in every private route
// table of both networks.
package peering

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/tags"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "peerctl:peering:Peering"

// Side is one end of a peering: a network, its account's provider and the
// route tables that must reach the other end.
type Side struct {
	Network   string
	Provider  pulumi.ProviderResource
	AccountID pulumi.StringInput
	Region    string
	VpcID     pulumi.StringInput
	CIDR      netip.Prefix
	// RouteTableIDs by AZ ID; the keys name the route resources.
	RouteTableIDs map[string]pulumi.StringInput
	// AZIDs orders RouteTableIDs' keys.
	AZIDs []string
}

// PeeringArgs describe a peering between two configured networks.
type PeeringArgs struct {
	Environment string
	Requester   Side
	Accepter    Side
	// SameAccount selects auto-accept on the connection instead of an
	// accepter resource. It is a configuration-level decision
	// (config.Config.SameAccount), never guessed from credentials at run time.
	SameAccount bool
}

// Peering is the connection and everything that makes it usable.
type Peering struct {
	pulumi.ResourceState

	Connection *ec2.VpcPeeringConnection
	// Accepter is nil for a same-account peering.
	Accepter *ec2.VpcPeeringConnectionAccepter
	// ConnectionID resolves once the connection is accepted, so anything
	// keyed on it (options, routes) waits for acceptance.
	ConnectionID pulumi.StringOutput
	AcceptStatus pulumi.StringOutput
}

// NewPeering registers a peering. It takes no provider option: each child
// is created with the provider of the side that owns it.
func NewPeering(ctx *pulumi.Context, name string, args *PeeringArgs, opts ...pulumi.ResourceOption) (*Peering, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("peering %q: %w", name, err)
	}
	p := &Peering{}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, args.inputs(), p, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, p: p, name: name, args: args}
	for _, step := range []func() error{b.connection, b.options, b.routes} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("peering %q: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"connectionId": p.ConnectionID,
		"acceptStatus": p.AcceptStatus,
	}); err != nil {
		return nil, fmt.Errorf("peering %q: %w", name, err)
	}
	return p, nil
}

func (a *PeeringArgs) validate() error {
	if a == nil {
		return fmt.Errorf("args are required")
	}
	for _, s := range []*Side{&a.Requester, &a.Accepter} {
		if s.Network == "" || s.Provider == nil || s.VpcID == nil || !s.CIDR.IsValid() || s.Region == "" {
			return fmt.Errorf("side %q: network, provider, VPC id, CIDR and region are required", s.Network)
		}
		if len(s.RouteTableIDs) != len(s.AZIDs) {
			return fmt.Errorf("side %q: %d route tables for %d AZs", s.Network, len(s.RouteTableIDs), len(s.AZIDs))
		}
	}
	if a.Requester.Network == a.Accepter.Network {
		return fmt.Errorf("a network cannot peer with itself (%s)", a.Requester.Network)
	}
	if a.Requester.CIDR.Overlaps(a.Accepter.CIDR) {
		return fmt.Errorf("%s %s overlaps %s %s", a.Requester.Network, a.Requester.CIDR, a.Accepter.Network, a.Accepter.CIDR)
	}
	if !a.SameAccount && a.Accepter.AccountID == nil {
		return fmt.Errorf("a cross-account peering needs the accepter's account id")
	}
	return nil
}

func (a *PeeringArgs) inputs() pulumi.Map {
	mode := "cross-account"
	if a.SameAccount {
		mode = "same-account"
	}
	return pulumi.Map{
		"environment": pulumi.String(a.Environment),
		"requester":   pulumi.String(a.Requester.Network),
		"accepter":    pulumi.String(a.Accepter.Network),
		"mode":        pulumi.String(mode),
	}
}

type builder struct {
	ctx  *pulumi.Context
	p    *Peering
	name string
	args *PeeringArgs
}

// sharedTags mark resources that serve both networks.
func (b *builder) sharedTags() pulumi.StringMap {
	return pulumi.ToStringMap(tags.Named(fmt.Sprintf("%s-peering-%s", b.name, b.args.Environment),
		"CostCenter", tags.SharedCostCenter))
}

// on returns the options for a child owned by side s.
func (b *builder) on(s Side, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.p), pulumi.Provider(s.Provider)}, more...)
}
