package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/peerctl/peerctl/internal/netplan"
)

// NACL configures the private subnets' network ACLs.
type NACL struct {
	// EphemeralPorts is the TCP range the NACLs admit for return traffic
	// from and to peers and the gateway endpoints, "FROM-TO". Default
	// 1024-65535; see docs/configuration.md for the trade-off.
	EphemeralPorts string `json:"ephemeralPorts,omitempty"`
}

// The narrowest ephemeral range peerctl accepts must still end at 65535 and
// start at or below 32768, so that it holds the client ports of both
// Linux (32768-60999, the Amazon Linux kernel's 32768-61000) and Windows
// Server 2008 and later (49152-65535): anything narrower would drop replies
// to a stock client, which shows only as connection timeouts. AWS: Amazon
// VPC User Guide, "Ephemeral ports" (vpc/latest/userguide/nacl-ephemeral-ports.html).
const (
	MinEphemeralFrom = netplan.EphemeralFrom // 1024: below are the well-known and system ports
	MaxEphemeralFrom = 32768
	EphemeralTo      = netplan.EphemeralTo
)

var portRangePattern = regexp.MustCompile(`^([0-9]{1,5})-([0-9]{1,5})$`)

// applyNACL resolves peerctl:nacl into c.NACLEphemeral.
func applyNACL(c *Config, s *spec, p *problems) {
	c.NACL = s.NACL
	c.NACLEphemeral = netplan.DefaultEphemeral
	raw := s.NACL.EphemeralPorts
	if raw == "" {
		c.NACL.EphemeralPorts = netplan.DefaultEphemeral.String()
		return
	}
	field := Namespace + ":nacl.ephemeralPorts"
	m := portRangePattern.FindStringSubmatch(raw)
	if m == nil {
		p.add(field, raw, "is not a port range like 1024-65535 (FROM-TO)")
		return
	}
	from, _ := strconv.Atoi(m[1]) // at most 5 digits: no overflow
	to, _ := strconv.Atoi(m[2])
	switch {
	case from > to:
		p.add(field, raw, "starts above its end (%d > %d); write the lower port first", from, to)
	case from < MinEphemeralFrom || to > EphemeralTo:
		p.add(field, raw, "must lie within %d-%d (ports below %d are not ephemeral; TCP ports end at %d)",
			MinEphemeralFrom, EphemeralTo, MinEphemeralFrom, EphemeralTo)
	case to != EphemeralTo || from > MaxEphemeralFrom:
		p.add(field, raw, "must contain %d-%d, the client ports of Linux (32768-60999) and Windows (49152-65535); use 1024-65535 (the default, also Lambda, NLB and NAT gateway clients) or %d-%d (Linux and Windows clients only)",
			MaxEphemeralFrom, EphemeralTo, MaxEphemeralFrom, EphemeralTo)
	default:
		c.NACLEphemeral = netplan.PortRange{From: from, To: to}
	}
}

// resolveNACLSlot gives a network its configured slot, or the one its name
// derives.
func resolveNACLSlot(field string, ns networkSpec, n *Network, p *problems) {
	n.NACLSlot = netplan.DefaultPeerSlot(n.Name)
	n.NACLSlotSet = ns.NACLSlot != nil
	if ns.NACLSlot == nil {
		return
	}
	if v := *ns.NACLSlot; v < 0 || v >= netplan.PeerSlots {
		p.add(field+".naclSlot", strconv.Itoa(v), "must be between 0 and %d (a network's rules in its peers' network ACLs are numbered from %d + %d × slot, and AWS allows rule numbers up to 32766)",
			netplan.PeerSlots-1, netplan.PeerRuleBase, netplan.PeerRuleStep)
		return
	}
	n.NACLSlot = *ns.NACLSlot
}

// validateNACLSlots refuses two networks of the stack on one slot: their
// rules would share numbers in the NACL of any network peered with both.
// Slots must differ across the whole stack, not just among one network's
// peers, so that a clash shows when a network is added (and can be given a
// free slot before anything is deployed), never later when a peering is.
func validateNACLSlots(field string, nets []Network, p *problems) {
	taken := map[int]bool{}
	for _, n := range nets {
		taken[n.NACLSlot] = true
	}
	// A network that could not be read has slot -1 and takes no part.
	for i, n := range nets {
		j := slices.IndexFunc(nets[:i], func(o Network) bool { return o.NACLSlot >= 0 && o.NACLSlot == n.NACLSlot })
		// A repeated name is reported as such; its slot is the same by design.
		if n.NACLSlot < 0 || j < 0 || nets[j].Name == n.Name {
			continue
		}
		how := "derived from its name"
		if n.NACLSlotSet {
			how = "set"
		}
		p.add(fmt.Sprintf("%s[%d].naclSlot", field, i), strconv.Itoa(n.NACLSlot),
			"(%s) is also the NACL slot of %s[%d] (%s); every network needs its own slot, which numbers its rules in its peers' network ACLs: set naclSlot on the network you are adding, to a free slot such as %d, so that deployed rules keep their numbers",
			how, field, j, nets[j].Name, freeSlot(taken))
	}
}

// freeSlot is the lowest slot no network uses.
func freeSlot(taken map[int]bool) int {
	for s := range netplan.PeerSlots {
		if !taken[s] {
			return s
		}
	}
	return 0 // unreachable: a stack has far fewer networks than slots
}
