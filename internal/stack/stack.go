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

func newNetwork(ctx *pulumi.Context, cfg *config.Config, n config.Network, azIDs []string, a *Account,
	perimeter *network.EndpointPerimeter) (*network.Network, error) {
	cidrs, err := netplan.Subnets(n.CIDR, len(azIDs), n.SubnetPrefixLength)
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", n.Name, err)
	}
	subnets := make([]network.Subnet, len(azIDs))
	for i, az := range azIDs {
		subnets[i] = network.Subnet{AZID: az, CIDR: cidrs[i]}
	}
	var peers []netplan.Peer
	for _, p := range cfg.Peers(n.Name) {
		peers = append(peers, netplan.Peer{Name: p.Name, CIDR: p.CIDR, Slot: p.NACLSlot})
	}
	return network.NewNetwork(ctx, n.Name, &network.NetworkArgs{
		Environment: cfg.Environment,
		Region:      cfg.Region,
		CIDR:        n.CIDR,
		Subnets:     subnets,
		Peers:       peers,
		Ephemeral:   cfg.NACLEphemeral,

		EndpointPerimeter: perimeter,
	}, pulumi.Provider(a.Provider))
}

func newPeering(ctx *pulumi.Context, cfg *config.Config, p config.Peering, r *Result) (*peering.Peering, error) {
	side := func(name string) peering.Side {
		net, acct := r.Networks[name], r.Accounts[name]
		rts := map[string]pulumi.StringInput{}
		for az, rt := range net.RouteTables {
			rts[az] = rt.ID().ToStringOutput()
		}
		return peering.Side{
			Network:       name,
			Provider:      acct.Provider,
			AccountID:     pulumi.String(acct.ID),
			Region:        cfg.Region,
			VpcID:         net.Vpc.ID().ToStringOutput(),
			CIDR:          net.CIDR,
			RouteTableIDs: rts,
			AZIDs:         net.AZIDs,
		}
	}
	return peering.NewPeering(ctx, p.Name(), &peering.PeeringArgs{
		Environment: cfg.Environment,
		Requester:   side(p.Requester),
		Accepter:    side(p.Accepter),
		SameAccount: cfg.SameAccount(p),
	})
}
