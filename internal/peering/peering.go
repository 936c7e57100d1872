// Package peering is the Peering component: a VPC peering connection between
// two networks, accepted in the accepter's account, with DNS resolution
// enabled on both sides and routes to the peer CIDR in every private route
// table of both networks. One side may be a partner's (Side.Partner): the
// stack then only accepts the partner's connection (accepter-only) or only
// requests one toward the partner's VPC (requester-only), and manages its
// own side's routes and DNS option.
package peering

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/tags"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "peerctl:peering:Peering"

// Side is one end of a peering: a network, its account's provider and the
// route tables that must reach the other end; or, with Partner set, the
// side a partner manages, of which the stack knows only the account, VPC
// (requester-only) or connection (accepter-only), CIDR and region.
type Side struct {
	Network string
	// Provider is nil for a partner.
	Provider  pulumi.ProviderResource
	AccountID pulumi.StringInput
	Region    string
	// VpcID is nil for an accepter-only partner (the connection names it).
	VpcID pulumi.StringInput
	CIDR  netip.Prefix
	// RouteTableIDs by key: the AZ ID of a route table peerctl created, the
	// route table id of an existing VPC's. The keys name the route
	// resources, so adding a table never renames another's route.
	RouteTableIDs map[string]pulumi.StringInput
	// AZIDs orders RouteTableIDs' keys.
	AZIDs []string

	// Partner: the side belongs to someone else; nothing is created with
	// it, and it has no provider or route tables.
	Partner bool
	// ConnectionID is an accepter-only partner's connection (pcx-...).
	ConnectionID string
	// PartnerVPC and PartnerAccount are a requester-only partner's VPC and
	// account as configured, as plain values for the lookup that asks
	// whether the connection is active (invokes take no outputs).
	PartnerVPC, PartnerAccount string
}

// PeeringArgs describe a peering between two configured networks.
type PeeringArgs struct {
	Environment string
	Requester   Side
	Accepter    Side
	// SameAccount says both sides are in one account, a configuration-level
	// decision (config.Config.SameAccount), never guessed from credentials
	// at run time. In one region too, the connection auto-accepts; across
	// regions AWS needs the accepter resource even within one account
	// (autoAccept works only in one account and region).
	SameAccount bool
}

// Peering is the connection and everything that makes it usable.
type Peering struct {
	pulumi.ResourceState

	// Connection is nil for an accepter-only peering (the partner's).
	Connection *ec2.VpcPeeringConnection
	// Accepter is nil for a same-account, same-region peering and a
	// requester-only one.
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
	if a.Requester.Partner && a.Accepter.Partner {
		return fmt.Errorf("at least one side must be the stack's (%s, %s are partners)", a.Requester.Network, a.Accepter.Network)
	}
	for _, s := range []*Side{&a.Requester, &a.Accepter} {
		if s.Partner {
			if err := s.validatePartner(s == &a.Requester); err != nil {
				return err
			}
			continue
		}
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
	if a.SameAccount && a.Mode() != BothSides {
		return fmt.Errorf("a one-sided peering is never same-account (the partner accepts or requests)")
	}
	if !a.SameAccount && a.Accepter.AccountID == nil && !a.Accepter.Partner {
		return fmt.Errorf("a cross-account peering needs the accepter's account id")
	}
	return nil
}

// validatePartner checks a partner's side: a requester (accepter-only
// peering) is known by its connection, an accepter (requester-only) by its
// account and VPC, which the connection request names.
func (s *Side) validatePartner(requester bool) error {
	switch {
	case s.Network == "" || !s.CIDR.IsValid() || s.Region == "":
		return fmt.Errorf("partner %q: name, CIDR and region are required", s.Network)
	case s.Provider != nil || len(s.RouteTableIDs) > 0:
		return fmt.Errorf("partner %q: the stack creates nothing on a partner's side (no provider, no route tables)", s.Network)
	case requester && !strings.HasPrefix(s.ConnectionID, "pcx-"):
		return fmt.Errorf("partner %q: accepting needs the partner's connection id (pcx-...), got %q", s.Network, s.ConnectionID)
	case !requester && (s.VpcID == nil || s.AccountID == nil):
		return fmt.Errorf("partner %q: requesting needs the partner's VPC id and account id", s.Network)
	}
	return nil
}

func (a *PeeringArgs) inputs() pulumi.Map {
	mode := "cross-account"
	if a.SameAccount {
		mode = "same-account"
	}
	in := pulumi.Map{
		"environment": pulumi.String(a.Environment),
		"requester":   pulumi.String(a.Requester.Network),
		"accepter":    pulumi.String(a.Accepter.Network),
		"mode":        pulumi.String(mode),
	}
	// Only where there is something to say, so a single-region peering
	// of two created networks records what it always did.
	if a.Requester.Region != a.Accepter.Region {
		in["requesterRegion"] = pulumi.String(a.Requester.Region)
		in["accepterRegion"] = pulumi.String(a.Accepter.Region)
	}
	if m := a.Mode(); m != BothSides {
		in["peeringMode"] = pulumi.String(string(m))
		partner := a.Accepter
		if m == AccepterOnly {
			partner = a.Requester
		}
		in["partnerCidr"] = pulumi.String(partner.CIDR.String())
		if partner.ConnectionID != "" {
			in["connectionId"] = pulumi.String(partner.ConnectionID)
		}
		if partner.VpcID != nil {
			in["partnerVpcId"] = partner.VpcID
		}
		if partner.AccountID != nil {
			in["partnerAccountId"] = partner.AccountID
		}
	}
	return in
}

// Mode says which sides the stack manages.
type Mode string

// The peering modes (config.PeeringMode spells them the same).
const (
	BothSides     Mode = "both-sides"
	AccepterOnly  Mode = "accepter-only"
	RequesterOnly Mode = "requester-only"
)

// Mode is the peering's mode, from which side is a partner's.
func (a *PeeringArgs) Mode() Mode {
	switch {
	case a.Requester.Partner:
		return AccepterOnly
	case a.Accepter.Partner:
		return RequesterOnly
	}
	return BothSides
}

type builder struct {
	ctx  *pulumi.Context
	p    *Peering
	name string
	args *PeeringArgs
}

// sharedTags mark resources that serve both networks.
func (b *builder) sharedTags() pulumi.StringMap {
	return pulumi.ToStringMap(tags.Named(b.connectionName(), "CostCenter", tags.SharedCostCenter))
}

// connectionName is the Name tag of the connection (and its accepter).
func (b *builder) connectionName() string {
	return names.PeeringNameTag(b.name, b.args.Environment)
}

// on returns the options for a child owned by side s.
func (b *builder) on(s Side, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.p), pulumi.Provider(s.Provider)}, more...)
}
