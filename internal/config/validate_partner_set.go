package config

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/peerctl/peerctl/internal/netplan"
)

// peerEntry is one peer of a network as the checks across peerings see it:
// a configured network or a partner (index of its peering).
type peerEntry struct {
	label   string // for messages: "network analytics", "partner clearing (peerctl:peerings[2])"
	name    string
	cidr    netip.Prefix
	peering int // -1 for a configured network
}

// validateOneSidedSet checks what involves more than one peering or
// network: a partner's CIDR against its network and that network's other
// peers, repeated connections and partner VPCs, partner names, and the
// partners' NACL slots. ok[i] says peering i is one-sided and identified
// (validateOneSidedEntry).
func validateOneSidedSet(field string, specs []peeringSpec, c *Config, ok []bool, p *problems) {
	peersOf := map[string][]peerEntry{}
	for _, pr := range c.Peerings {
		if pr.OneSided() {
			continue
		}
		a, okA := c.Network(pr.Requester)
		b, okB := c.Network(pr.Accepter)
		if okA && okB {
			peersOf[a.Name] = append(peersOf[a.Name], peerEntry{"network " + b.Name, b.Name, b.CIDR, -1})
			peersOf[b.Name] = append(peersOf[b.Name], peerEntry{"network " + a.Name, a.Name, a.CIDR, -1})
		}
	}
	for i, pr := range c.Peerings {
		if i >= len(ok) || !ok[i] || !pr.OneSided() {
			continue
		}
		f := fmt.Sprintf("%s[%d]", field, i)
		n, _ := c.Network(pr.Ours())
		for j, other := range c.Peerings[:i] {
			if !ok[j] || !other.OneSided() {
				continue
			}
			switch {
			case pr.Mode() == AccepterOnly && other.Mode() == AccepterOnly && pr.ConnectionID == other.ConnectionID:
				p.add(f+".connectionId", pr.ConnectionID, "is also %s[%d].connectionId; a connection is accepted once", field, j)
			case pr.Mode() == RequesterOnly && other.Mode() == RequesterOnly && pr.Requester == other.Requester && pr.PeerVPCID == other.PeerVPCID:
				p.add(f+".peerVpcId", pr.PeerVPCID, "is also %s[%d].peerVpcId from %s; AWS allows one peering connection between two VPCs", field, j, pr.Requester)
			}
		}
		if pr.Mode() == RequesterOnly {
			for k, o := range c.Networks {
				if o.IsExisting() && o.Existing.VPCID == pr.PeerVPCID {
					p.add(f+".peerVpcId", pr.PeerVPCID, "is the VPC of network %s (%s:networks[%d].existing.vpcId); peer the two networks instead (requester: %s, accepter: %s)",
						o.Name, Namespace, k, pr.Requester, o.Name)
				}
			}
		}
		name := pr.PartnerName()
		me := peerEntry{fmt.Sprintf("partner %s (%s)", name, f), name, pr.PeerCIDR, i}
		if pr.PeerCIDR.IsValid() && n.CIDR.IsValid() && pr.PeerCIDR.Overlaps(n.CIDR) {
			p.add(f+".peerCidr", pr.PeerCIDR.String(), "overlaps %s's own CIDR %s; AWS refuses to peer VPCs whose CIDR blocks overlap", n.Name, n.CIDR)
		}
		for _, other := range peersOf[n.Name] {
			if pr.PeerCIDR.IsValid() && other.cidr.IsValid() && pr.PeerCIDR.Overlaps(other.cidr) {
				p.add(f+".peerCidr", pr.PeerCIDR.String(), "overlaps %s %s, another peer of %s; their routes would clash in %s's route tables",
					other.label, other.cidr, n.Name, n.Name)
			}
			if other.peering >= 0 && other.name == name {
				p.add(f, name, "names its partner like %s, another partner of %s; each of a network's peers needs its own name in resource names: set peerName", other.label, n.Name)
			}
		}
		peersOf[n.Name] = append(peersOf[n.Name], me)
	}
	validatePartnerSlots(field, specs, c, ok, p)
}

// validatePartnerSlots refuses a partner's NACL slot that another peer of
// the same network has, since their rules would share numbers in its
// network ACL. Like networks' slots (validateNACLSlots), a partner's slot
// must also differ from every configured network's, so that peering that
// network later never renumbers deployed rules.
func validatePartnerSlots(field string, specs []peeringSpec, c *Config, ok []bool, p *problems) {
	taken := map[int]bool{}
	for _, n := range c.Networks {
		taken[n.NACLSlot] = true
	}
	for _, pr := range c.Peerings {
		if pr.OneSided() {
			taken[pr.PeerNACLSlot] = true
		}
	}
	for i, pr := range c.Peerings {
		if i >= len(ok) || !ok[i] || !pr.OneSided() {
			continue
		}
		n, _ := c.Network(pr.Ours())
		set := i < len(specs) && specs[i].NACLSlot != nil
		if n.IsExisting() || pr.PeerNACLSlot < 0 || pr.PeerNACLSlot >= netplan.PeerSlots {
			continue // no NACL, or out of range (validateOneSidedEntry)
		}
		f := fmt.Sprintf("%s[%d].naclSlot", field, i)
		slot := strconv.Itoa(pr.PeerNACLSlot)
		// A partner named like a network or another partner has that
		// one's derived slot by design; the name is reported as such.
		clash := ""
		for k, o := range c.Networks {
			if o.NACLSlot == pr.PeerNACLSlot && o.NACLSlot >= 0 && o.Name != pr.PartnerName() {
				clash = fmt.Sprintf("%s:networks[%d] (%s)", Namespace, k, o.Name)
				break
			}
		}
		if clash == "" {
			for j, other := range c.Peerings[:i] {
				if ok[j] && other.OneSided() && other.Ours() == pr.Ours() && other.PeerNACLSlot == pr.PeerNACLSlot && other.PartnerName() != pr.PartnerName() {
					clash = fmt.Sprintf("%s[%d] (partner %s)", field, j, other.PartnerName())
					break
				}
			}
		}
		if clash == "" {
			continue
		}
		p.add(f, slot, "(%s) is also the NACL slot of %s; the partner's rules in %s's network ACL need a slot of their own: set naclSlot to a free slot such as %d",
			slotHow(pr, set), clash, n.Name, freeSlot(taken))
	}
}

func slotHow(pr Peering, set bool) string {
	if set {
		return "set"
	}
	if pr.PeerName != "" {
		return "derived from peerName " + pr.PeerName
	}
	return "derived from the partner's name " + pr.PartnerName()
}
