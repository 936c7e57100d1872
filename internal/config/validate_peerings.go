package config

import (
	"fmt"
	"slices"
	"strings"
)

// sides describes a peering's two sides for messages: "trading to
// analytics", or "partner clearing to trading" for an accepter-only one.
func sides(pr Peering) string {
	switch pr.Mode() {
	case AccepterOnly:
		return fmt.Sprintf("partner %s to %s", pr.PartnerName(), pr.Accepter)
	case RequesterOnly:
		return fmt.Sprintf("%s to partner %s", pr.Requester, pr.PartnerName())
	}
	return pr.Requester + " to " + pr.Accepter
}

// partnerHint adds the other way out of a name collision when a partner's
// name is part of it.
func partnerHint(a, b Peering) string {
	if a.OneSided() || b.OneSided() {
		return " or set peerName on the one-sided peering"
	}
	return ""
}

// partnerKey is a key of a one-sided peering: the mode it belongs to
// ("" for both one-sided modes) and its value as written, if set.
type partnerKey struct {
	key  string
	mode PeeringMode
	set  func(peeringSpec) (string, bool)
}

// partnerKeys are the one-sided keys, in the order they are reported.
var partnerKeys = []partnerKey{
	{"connectionId", AccepterOnly, func(s peeringSpec) (string, bool) { return s.ConnectionID, s.ConnectionID != "" }},
	{"peerVpcId", RequesterOnly, func(s peeringSpec) (string, bool) { return s.PeerVPCID, s.PeerVPCID != "" }},
	{"peerAccountId", "", func(s peeringSpec) (string, bool) { return string(s.PeerAccountID), s.PeerAccountID != "" }},
	{"peerCidr", "", func(s peeringSpec) (string, bool) { return s.PeerCIDR, s.PeerCIDR != "" }},
	{"peerRegion", "", func(s peeringSpec) (string, bool) { return s.PeerRegion, s.PeerRegion != "" }},
	{"peerName", "", func(s peeringSpec) (string, bool) { return s.PeerName, s.PeerName != "" }},
	{"naclSlot", "", func(s peeringSpec) (string, bool) {
		if s.NACLSlot == nil {
			return "", false
		}
		return fmt.Sprint(*s.NACLSlot), true
	}},
}

// hasPartnerKeys reports whether an entry sets any one-sided key.
func hasPartnerKeys(s peeringSpec) bool {
	return slices.ContainsFunc(partnerKeys, func(k partnerKey) bool {
		_, ok := k.set(s)
		return ok
	})
}

// validatePeerings checks every peering entry. An entry with no one-sided
// key is a both-sided peering and checked as always (both networks
// configured, distinct, not already peered); one naming a single network
// and a partner is checked by validateOneSidedEntry, and what involves
// several entries by validateOneSidedSet.
func validatePeerings(field string, specs []peeringSpec, bad []bool, peerings []Peering, nets []Network, p *problems) []bool {
	known := func(name string) bool {
		return slices.ContainsFunc(nets, func(n Network) bool { return n.Name == name })
	}
	names := make([]string, len(nets))
	for i, n := range nets {
		names[i] = n.Name
	}
	seen := map[[2]string]int{}
	valid := make([]bool, len(peerings))
	for i, pr := range peerings {
		f := fmt.Sprintf("%s[%d]", field, i)
		var spec peeringSpec
		if i < len(specs) {
			spec = specs[i]
		}
		if hasPartnerKeys(spec) && (pr.Requester == "") != (pr.Accepter == "") {
			// An entry that could not be read is reported already; its
			// missing keys would only repeat that.
			if i >= len(bad) || !bad[i] {
				valid[i] = validateOneSidedEntry(f, spec, pr, nets, names, p)
			}
			continue
		}
		if hasPartnerKeys(spec) && pr.Requester == "" {
			p.add(f, "", "names neither requester nor accepter; a one-sided peering names our network as accepter (accepting connectionId) or as requester (requesting toward peerVpcId)")
			continue
		}
		if hasPartnerKeys(spec) {
			refusePartnerKeys(f, spec, p)
		}
		valid[i] = known(pr.Requester) && known(pr.Accepter) && pr.Requester != pr.Accepter
		for _, side := range []struct{ key, name string }{{"requester", pr.Requester}, {"accepter", pr.Accepter}} {
			if side.name == "" {
				p.add(f+"."+side.key, "", "is required (a network name: %s)", strings.Join(names, ", "))
			} else if !known(side.name) {
				p.add(f+"."+side.key, side.name, "is not a configured network (networks: %s)", strings.Join(names, ", "))
			}
		}
		if pr.Requester != "" && pr.Requester == pr.Accepter {
			p.add(f, pr.Name(), "peers network %q with itself", pr.Requester)
			continue
		}
		pair := [2]string{min(pr.Requester, pr.Accepter), max(pr.Requester, pr.Accepter)}
		if j, dup := seen[pair]; dup {
			p.add(f, pr.Name(), "duplicates %s[%d]: %s and %s are already peered", field, j, pr.Requester, pr.Accepter)
			valid[i] = false
			continue
		}
		seen[pair] = i
	}
	validatePeeringNames(field, peerings, valid, p)
	return valid
}

// refusePartnerKeys refuses the one-sided keys on a peering that names
// both networks: both sides are configured, so there is no partner.
func refusePartnerKeys(f string, spec peeringSpec, p *problems) {
	for _, k := range partnerKeys {
		v, ok := k.set(spec)
		if !ok {
			continue
		}
		belongs := "a one-sided peering (one that names only requester or only accepter)"
		switch k.mode {
		case AccepterOnly:
			belongs = "an accepter-only peering (one that names only accepter)"
		case RequesterOnly:
			belongs = "a requester-only peering (one that names only requester)"
		}
		p.add(f+"."+k.key, v, "belongs to %s; this peering names both requester and accepter, whose settings come from their networks: remove it, or remove the side that is a partner's", belongs)
	}
}
