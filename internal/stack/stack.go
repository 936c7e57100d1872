// Package stack is the one entry point of the Pulumi program: configuration
// in, providers and components registered, stack outputs exported. Both
// `pulumi up` (main.go) and the offline plan (internal/plan) call Define.
package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/network"
	"github.com/peerctl/peerctl/internal/peering"
)

// Result is what Define registered.
type Result struct {
	Accounts map[string]*Account
	Networks map[string]*network.Network
	Peerings map[string]*peering.Peering
	// Outputs are the stack outputs, also exported with ctx.Export.
	Outputs pulumi.Map
}

// Define registers the whole system described by cfg, which must come from
// config.Parse (validated).
func Define(ctx *pulumi.Context, cfg *config.Config) (*Result, error) {
	if cfg == nil {
		return nil, fmt.Errorf("stack: configuration is required")
	}
	r := &Result{
		Accounts: map[string]*Account{},
		Networks: map[string]*network.Network{},
		Peerings: map[string]*peering.Peering{},
	}
	for _, n := range cfg.Networks {
		a, err := newAccount(ctx, cfg, n)
		if err != nil {
			return nil, err
		}
		r.Accounts[n.Name] = a
	}
	azs, err := chooseAZs(ctx, cfg, r.Accounts)
	if err != nil {
		return nil, err
	}
	perimeter := endpointPerimeter(cfg, r.Accounts)
	for _, n := range cfg.Networks {
		net, err := newNetwork(ctx, cfg, n, azs[n.Name], r.Accounts[n.Name], perimeter)
		if err != nil {
			return nil, err
		}
		r.Networks[n.Name] = net
	}
	for _, p := range cfg.Peerings {
		pr, err := newPeering(ctx, cfg, p, r)
		if err != nil {
			return nil, err
		}
		r.Peerings[p.Name()] = pr
	}
	r.Outputs = outputs(cfg, r)
	if err := defineObservability(ctx, cfg, r); err != nil {
		return nil, err
	}
	for k, v := range r.Outputs {
		ctx.Export(k, v)
	}
	return r, nil
}

// endpointPerimeter is what the gateway endpoints may reach: the resources of
// every account in the stack (nil when the configuration turns it off).
func endpointPerimeter(cfg *config.Config, accounts map[string]*Account) *network.EndpointPerimeter {
	if r := cfg.Endpoints.RestrictToStackAccounts; r != nil && !*r {
		return nil
	}
	p := &network.EndpointPerimeter{ExtraS3Resources: cfg.Endpoints.AllowS3Resources,
		AWSOwnedBuckets: cfg.Endpoints.AllowAWSOwnedBuckets != nil && *cfg.Endpoints.AllowAWSOwnedBuckets}
	for _, n := range cfg.Networks {
		p.Accounts = append(p.Accounts, accounts[n.Name].ID)
	}
	return p
}

// newNetwork registers network n: a created VPC across azIDs, or, for an
// existing one, only what peerctl adds to it (see network.ExistingVPC).
func newNetwork(ctx *pulumi.Context, cfg *config.Config, n config.Network, azIDs []string, a *Account,
	perimeter *network.EndpointPerimeter) (*network.Network, error) {
	var peers []netplan.Peer
	for _, p := range cfg.Peers(n.Name) {
		peers = append(peers, netplan.Peer{Name: p.Name, CIDR: p.CIDR, Slot: p.NACLSlot})
	}
	args := &network.NetworkArgs{
		Environment: cfg.Environment,
		Region:      cfg.RegionOf(n),
		CIDR:        n.CIDR,
		Peers:       peers,
		Ephemeral:   cfg.NACLEphemeral,

		EndpointPerimeter: perimeter,
	}
	if n.IsExisting() {
		existing, err := existingVPC(ctx, n, a)
		if err != nil {
			return nil, err
		}
		args.Existing = existing
		args.EndpointPerimeter = nil // no endpoints are created
		return network.NewNetwork(ctx, n.Name, args, pulumi.Provider(a.Provider))
	}
	cidrs, err := netplan.Subnets(n.CIDR, len(azIDs), n.SubnetPrefixLength)
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", n.Name, err)
	}
	args.Subnets = make([]network.Subnet, len(azIDs))
	for i, az := range azIDs {
		args.Subnets[i] = network.Subnet{AZID: az, CIDR: cidrs[i]}
	}
	return network.NewNetwork(ctx, n.Name, args, pulumi.Provider(a.Provider))
}

// existingVPC describes existing network n for the component: the
// configured route tables, or every route table of the VPC, discovered now
// with the network's own provider (in the offline plan, the mocks' clearly
// fake placeholder; at preview/up, the real tables, so preview lists what
// up changes).
func existingVPC(ctx *pulumi.Context, n config.Network, a *Account) (*network.ExistingVPC, error) {
	e := n.Existing
	out := &network.ExistingVPC{VpcID: e.VPCID, RouteTableIDs: e.RouteTableIDs, SecurityGroup: e.SecurityGroup}
	if len(e.RouteTableIDs) > 0 {
		return out, nil
	}
	ids, err := network.DiscoverRouteTables(ctx, e.VPCID, pulumi.Provider(a.Provider))
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", n.Name, err)
	}
	out.RouteTableIDs, out.Discovered = ids, true
	return out, nil
}

// newPeering registers peering p: both sides from the stack's networks, or
// one of them from the partner a one-sided peering describes.
func newPeering(ctx *pulumi.Context, cfg *config.Config, p config.Peering, r *Result) (*peering.Peering, error) {
	args := &peering.PeeringArgs{
		Environment: cfg.Environment,
		SameAccount: cfg.SameAccount(p),
	}
	switch p.Mode() {
	case config.AccepterOnly:
		args.Requester, args.Accepter = partnerSide(cfg, p), ourSide(cfg, p.Accepter, r)
	case config.RequesterOnly:
		args.Requester, args.Accepter = ourSide(cfg, p.Requester, r), partnerSide(cfg, p)
	default:
		args.Requester, args.Accepter = ourSide(cfg, p.Requester, r), ourSide(cfg, p.Accepter, r)
	}
	return peering.NewPeering(ctx, p.Name(), args)
}

// ourSide is a configured network as a peering side: its provider and
// region, and its route tables keyed by AZ ID (created) or by id (existing).
func ourSide(cfg *config.Config, name string, r *Result) peering.Side {
	net, acct := r.Networks[name], r.Accounts[name]
	n, _ := cfg.Network(name)
	rts := map[string]pulumi.StringInput{}
	keys := net.AZIDs
	if n.IsExisting() {
		keys = net.ExistingRouteTableIDs
		for _, id := range keys {
			rts[id] = pulumi.String(id)
		}
	} else {
		for az, rt := range net.RouteTables {
			rts[az] = rt.ID().ToStringOutput()
		}
	}
	return peering.Side{
		Network:       name,
		Provider:      acct.Provider,
		AccountID:     pulumi.String(acct.ID),
		Region:        cfg.RegionOf(n),
		VpcID:         net.VpcID,
		CIDR:          net.CIDR,
		RouteTableIDs: rts,
		AZIDs:         keys,
	}
}

// partnerSide is the partner of one-sided peering p: no provider, no route
// tables; its connection (accepter-only) or its account and VPC
// (requester-only).
func partnerSide(cfg *config.Config, p config.Peering) peering.Side {
	region := cfg.PartnerRegion(p)
	if region == "" {
		region = cfg.Region
	}
	s := peering.Side{
		Network:      p.PartnerName(),
		Region:       region,
		CIDR:         p.PeerCIDR,
		Partner:      true,
		ConnectionID: p.ConnectionID,
	}
	if p.PeerAccountID != "" {
		s.AccountID = pulumi.String(p.PeerAccountID)
		s.PartnerAccount = p.PeerAccountID
	}
	if p.PeerVPCID != "" {
		s.VpcID = pulumi.String(p.PeerVPCID)
		s.PartnerVPC = p.PeerVPCID
	}
	return s
}
