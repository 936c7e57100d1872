package config

import (
	"fmt"

	"github.com/peerctl/peerctl/internal/netplan"
)

// existingFromSpec decodes a network's existing key, nil when absent.
func existingFromSpec(field string, ns networkSpec, p *problems) *Existing {
	if len(ns.Existing) == 0 || string(ns.Existing) == "null" {
		return nil
	}
	var es existingSpec
	if !decodeObject(field+".existing", string(ns.Existing), &es, p) {
		return &Existing{}
	}
	validateExisting(field+".existing", es, p)
	e := &Existing{VPCID: es.VPCID, RouteTableIDs: es.RouteTableIDs, SecurityGroup: true, FlowLogs: true}
	if es.SecurityGroup != nil {
		e.SecurityGroup = *es.SecurityGroup
	}
	if es.FlowLogs != nil {
		e.FlowLogs = *es.FlowLogs
	}
	return e
}

// peeringsFromSpec resolves the peerings as written: the partner's CIDR
// parsed and its NACL slot resolved (naclSlot, else derived from its name).
func peeringsFromSpec(field string, specs []peeringSpec, bad []bool, p *problems) []Peering {
	out := make([]Peering, len(specs))
	for i, ps := range specs {
		pr := Peering{
			Requester: ps.Requester, Accepter: ps.Accepter,
			ConnectionID: ps.ConnectionID, PeerVPCID: ps.PeerVPCID, PeerAccountID: string(ps.PeerAccountID),
			PeerRegion: ps.PeerRegion, PeerName: ps.PeerName,
		}
		if i < len(bad) && bad[i] {
			out[i] = pr
			continue
		}
		f := fmt.Sprintf("%s[%d]", field, i)
		if ps.PeerCIDR != "" {
			pr.PeerCIDR, _ = validatePeerCIDR(f+".peerCidr", ps.PeerCIDR, p)
		}
		pr.PeerNACLSlot = netplan.DefaultPeerSlot(pr.PartnerName())
		if ps.NACLSlot != nil {
			pr.PeerNACLSlot = *ps.NACLSlot
		}
		out[i] = pr
	}
	return out
}
