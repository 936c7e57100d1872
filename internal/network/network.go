// Package network is the Network component: one VPC in one account with
// private subnets across AZs, per-AZ route tables, the VPC's main route
// table, default security group and default NACL adopted (tagged, closed),
// and S3/DynamoDB gateway endpoints. The private subnets' NACL admits
// traffic within the VPC, TCP 443 and the ephemeral range (1024-65535 by
// default, which includes 5432) with each peer in that peer's fixed rule
// slot, and the endpoints' traffic; the application security group narrows
// the peers to TCP 443 and 5432. In an existing VPC (NetworkArgs.Existing)
// the component creates only the application security group (see
// ExistingVPC).
package network

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/tags"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "peerctl:network:Network"

// Subnet is one private subnet to create.
type Subnet struct {
	AZID string // e.g. use1-az1; keys the subnet's resources
	CIDR netip.Prefix
}

// NetworkArgs are plain values: everything about a network is known from
// configuration before any resource exists.
type NetworkArgs struct {
	Environment string
	Region      string
	CIDR        netip.Prefix
	Subnets     []Subnet
	// Peers are the networks this one is peered with, sorted by name, each
	// with its NACL slot.
	Peers []netplan.Peer
	// Ephemeral is the TCP range the NACL admits for return traffic; the
	// zero value means netplan.DefaultEphemeral.
	Ephemeral netplan.PortRange
	// EndpointPerimeter, when set, limits the gateway endpoints to these
	// accounts' resources; nil keeps AWS's full-access default policy.
	EndpointPerimeter *EndpointPerimeter
	// Existing, when set, peers a VPC peerctl did not create: no VPC,
	// subnet, route table, NACL or endpoint is created, and Subnets must
	// be empty (see ExistingVPC).
	Existing *ExistingVPC
}

// Network is a VPC and everything inside it.
type Network struct {
	pulumi.ResourceState

	Name string
	CIDR netip.Prefix
	// Vpc is nil for an existing network; VpcID is set for every network.
	Vpc   *ec2.Vpc
	VpcID pulumi.StringOutput
	// Subnets, RouteTables, AZIDs, Nacl and Endpoints are empty (nil) for
	// an existing network; AppSG is nil where no security group is created.
	Subnets     map[string]*ec2.Subnet     // by AZ ID
	RouteTables map[string]*ec2.RouteTable // by AZ ID
	AZIDs       []string                   // the keys of Subnets, in subnet order
	Nacl        *ec2.NetworkAcl
	AppSG       *ec2.SecurityGroup
	Endpoints   map[string]*ec2.VpcEndpoint // by service: s3, dynamodb
	// ExistingRouteTableIDs are an existing network's route tables that get
	// routes to the peers (given, or discovered), sorted; nil when created.
	ExistingRouteTableIDs []string

	SubnetIDs     pulumi.StringArrayOutput
	RouteTableIDs pulumi.StringArrayOutput
}

// NewNetwork registers a network. The caller passes the network's AWS
// provider in opts (pulumi.Provider); children inherit it.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	n := &Network{Name: name, CIDR: args.CIDR}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, args.inputs(), n, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, n: n, args: args, parent: pulumi.Parent(n)}
	if args.Existing != nil {
		if err := b.existing(); err != nil {
			return nil, fmt.Errorf("network %q: %w", name, err)
		}
		return n, nil
	}
	steps := []func() error{b.vpc, b.subnets, b.defaults, b.securityGroup, b.nacl, b.endpoints}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("network %q: %w", name, err)
		}
	}
	n.SubnetIDs = idsOf(n.AZIDs, n.Subnets)
	n.RouteTableIDs = idsOf(n.AZIDs, n.RouteTables)
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":              n.Vpc.ID(),
		"subnetIds":          n.SubnetIDs,
		"routeTableIds":      n.RouteTableIDs,
		"securityGroupId":    n.AppSG.ID(),
		"networkAclId":       n.Nacl.ID(),
		"s3EndpointId":       n.Endpoints["s3"].ID(),
		"dynamodbEndpointId": n.Endpoints["dynamodb"].ID(),
	}); err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	return n, nil
}

func (a *NetworkArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.Environment == "" || a.Region == "":
		return fmt.Errorf("environment and region are required")
	case !a.CIDR.IsValid():
		return fmt.Errorf("cidr is required")
	case a.Existing != nil:
		if err := a.Existing.validate(); err != nil {
			return err
		}
		if len(a.Subnets) > 0 {
			return fmt.Errorf("an existing VPC (%s) gets no subnets", a.Existing.VpcID)
		}
	case len(a.Subnets) == 0:
		return fmt.Errorf("at least one subnet is required")
	}
	for _, s := range a.Subnets {
		if s.AZID == "" || !a.CIDR.Contains(s.CIDR.Addr()) || s.CIDR.Bits() < a.CIDR.Bits() {
			return fmt.Errorf("subnet %s (%s) is not inside %s", s.CIDR, s.AZID, a.CIDR)
		}
	}
	// Config validation refuses both; this guards other callers, for whom
	// a clash would make the provider reject the NACL at apply time.
	slots := map[int]string{}
	for _, p := range a.Peers {
		if p.Slot < 0 || p.Slot >= netplan.PeerSlots {
			return fmt.Errorf("peer %q: NACL slot %d is outside 0-%d", p.Name, p.Slot, netplan.PeerSlots-1)
		}
		if other, dup := slots[p.Slot]; dup {
			return fmt.Errorf("peers %q and %q share NACL slot %d", other, p.Name, p.Slot)
		}
		slots[p.Slot] = p.Name
	}
	return nil
}

// inputs are recorded in state (and shown by the offline plan) so a reviewer
// sees what the component was asked to build.
func (a *NetworkArgs) inputs() pulumi.Map {
	if a.Existing != nil {
		return a.existingInputs()
	}
	subnets := pulumi.Map{}
	for _, s := range a.Subnets {
		subnets[s.AZID] = pulumi.String(s.CIDR.String())
	}
	peers := pulumi.Map{}
	for _, p := range a.Peers {
		peers[p.Name] = pulumi.String(p.CIDR.String())
	}
	return pulumi.Map{
		"environment":    pulumi.String(a.Environment),
		"region":         pulumi.String(a.Region),
		"cidr":           pulumi.String(a.CIDR.String()),
		"subnets":        subnets,
		"peers":          peers,
		"ephemeralPorts": pulumi.String(a.ephemeral().String()),
	}
}

// ephemeral is the configured range, or the default.
func (a *NetworkArgs) ephemeral() netplan.PortRange {
	if a.Ephemeral == (netplan.PortRange{}) {
		return netplan.DefaultEphemeral
	}
	return a.Ephemeral
}

type idResource interface{ ID() pulumi.IDOutput }

// idsOf lists resource ids in key order.
func idsOf[T idResource](keys []string, byKey map[string]T) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, len(keys))
	for i, k := range keys {
		ids[i] = byKey[k].ID().ToStringOutput()
	}
	return ids.ToStringArrayOutput()
}

// builder holds what the construction steps share.
type builder struct {
	ctx    *pulumi.Context
	n      *Network
	args   *NetworkArgs
	parent pulumi.ResourceOption
}

// physical is the Name tag of a child: "<network>-<what>-<env>".
func (b *builder) physical(what string) string {
	return fmt.Sprintf("%s-%s-%s", b.n.Name, what, b.args.Environment)
}

func (b *builder) nameTags(what string) pulumi.StringMap {
	return pulumi.ToStringMap(tags.Named(b.physical(what)))
}
