package config

import (
	"net/netip"
)

// Existing describes a VPC that already exists and that peerctl peers
// without owning: no VPC, subnet, route table, NACL or endpoint is created
// in it, and nothing peerctl did not create is modified or deleted.
type Existing struct {
	// VPCID is the VPC's id (vpc-...).
	VPCID string
	// RouteTableIDs are the route tables that get routes to the peers;
	// empty means every route table of the VPC, discovered at run time.
	RouteTableIDs []string
	// SecurityGroup creates the application security group (443/5432 with
	// the peers) in the VPC. Default true.
	SecurityGroup bool
	// FlowLogs creates flow logs for the VPC and the per-peer alarms that
	// read them. Default true.
	FlowLogs bool
}

// IsExisting reports whether the network is a VPC peerctl did not create.
func (n Network) IsExisting() bool { return n.Existing != nil }

// HasFlowLogs reports whether peerctl creates flow logs (and the alarms
// that read them) for the network.
func (n Network) HasFlowLogs() bool { return n.Existing == nil || n.Existing.FlowLogs }

// HasSecurityGroup reports whether peerctl creates the application
// security group in the network's VPC.
func (n Network) HasSecurityGroup() bool { return n.Existing == nil || n.Existing.SecurityGroup }

// PeeringMode says which sides of a peering this stack manages.
type PeeringMode string

const (
	// BothSides: both networks are configured; the stack requests and
	// accepts.
	BothSides PeeringMode = "both-sides"
	// AccepterOnly: a partner requested the connection (connectionId); the
	// stack accepts it and manages its own side.
	AccepterOnly PeeringMode = "accepter-only"
	// RequesterOnly: the stack requests a connection toward a partner's VPC
	// (peerVpcId) and manages its own side; the partner accepts.
	RequesterOnly PeeringMode = "requester-only"
)

// Mode says which sides the stack manages: a peering with both network
// names is both-sided; one naming only the accepter accepts a partner's
// connection; one naming only the requester requests toward a partner.
func (p Peering) Mode() PeeringMode {
	switch {
	case p.Requester != "" && p.Accepter != "":
		return BothSides
	case p.Accepter != "":
		return AccepterOnly
	default:
		return RequesterOnly
	}
}

// OneSided reports whether the other side belongs to a partner.
func (p Peering) OneSided() bool { return p.Mode() != BothSides }

// Ours is the configured network of a one-sided peering (the requester of
// a both-sided one).
func (p Peering) Ours() string {
	if p.Mode() == AccepterOnly {
		return p.Accepter
	}
	return p.Requester
}

// PartnerName names the partner's side in resource names: peerName, else
// the connection id (accepter-only) or the partner's VPC id (requester-only).
// Empty for a both-sided peering.
func (p Peering) PartnerName() string {
	switch {
	case !p.OneSided():
		return ""
	case p.PeerName != "":
		return p.PeerName
	case p.Mode() == AccepterOnly:
		return p.ConnectionID
	default:
		return p.PeerVPCID
	}
}

// Peer is a network's peer as the network's own resources see it (NACL
// rules, security group rules, routes, alarms): a configured network or a
// partner's side of a one-sided peering.
type Peer struct {
	Name   string
	CIDR   netip.Prefix
	Region string
	// NACLSlot numbers the peer's rules in the network's NACL.
	NACLSlot int
	// Partner is set for a one-sided peering's other side.
	Partner bool
}
