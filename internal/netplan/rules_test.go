package netplan

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// Expected slots computed by hand from the FNV-1a definition (offset basis
// 2166136261, prime 16777619), modulo 3100.
func TestDefaultPeerSlot(t *testing.T) {
	for name, want := range map[string]int{
		"trading":   406,  // 2929906506 mod 3100
		"analytics": 1195, // 1544569995 mod 3100
		"risk":      2370, // 4079720170 mod 3100
	} {
		if got := DefaultPeerSlot(name); got != want {
			t.Errorf("DefaultPeerSlot(%q) = %d, want %d", name, got, want)
		}
	}
	if got := PeerRuleNumber(1195); got != 12950 {
		t.Errorf("PeerRuleNumber(1195) = %d, want 12950", got)
	}
	if last := PeerRuleNumber(PeerSlots-1) + 2; last > 32766 {
		t.Errorf("the last slot's rules end at %d, past AWS's largest rule number 32766", last)
	}
}

func TestWithoutPort(t *testing.T) {
	tests := []struct {
		r    PortRange
		want []PortRange
	}{
		{PortRange{1024, 65535}, []PortRange{{1024, 3388}, {3390, 65535}}},
		{PortRange{32768, 65535}, []PortRange{{32768, 65535}}},
		{PortRange{3389, 65535}, []PortRange{{3390, 65535}}},
		{PortRange{1024, 3389}, []PortRange{{1024, 3388}}},
		{PortRange{3389, 3389}, nil},
	}
	for _, tt := range tests {
		if got := withoutPort(tt.r, 3389); !slices.Equal(got, tt.want) {
			t.Errorf("withoutPort(%v, 3389) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// genPeers draws up to max peers with distinct names, CIDRs and slots (what
// config validation guarantees), sorted by name as the stack passes them.
func genPeers(t *rapid.T, max int) []Peer {
	names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,8}[a-z0-9]`), 1, max, rapid.ID[string]).Draw(t, "names")
	slots := rapid.SliceOfNDistinct(rapid.IntRange(0, PeerSlots-1), len(names), len(names), rapid.ID[int]).Draw(t, "slots")
	slices.Sort(names)
	peers := make([]Peer, len(names))
	for i, n := range names {
		// 10.<i+1>.0.0/16: distinct, and never the local 10.0.0.0/16.
		peers[i] = Peer{Name: n, CIDR: netip.MustParsePrefix(fmt.Sprintf("10.%d.0.0/16", i+1)), Slot: slots[i]}
	}
	return peers
}

func genEphemeral(t *rapid.T) PortRange {
	return PortRange{From: rapid.IntRange(1024, 32768).Draw(t, "ephemeralFrom"), To: 65535}
}

// Adding or removing a peer leaves every other NACL entry exactly as it
// was (number, CIDR, protocol, ports; every entry is an allow): the entries
// that differ are the added or removed peer's, and nothing else.
func TestNACLEntriesSurvivePeerChanges(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	rapid.Check(t, func(t *rapid.T) {
		peers := genPeers(t, 18)
		eph := genEphemeral(t)
		changed := rapid.IntRange(0, len(peers)-1).Draw(t, "changed")
		without := slices.Delete(slices.Clone(peers), changed, changed+1)
		inAll, outAll := NACLRulesWith(vpc, peers, eph)
		inLess, outLess := NACLRulesWith(vpc, without, eph)
		cidr := peers[changed].CIDR.String()
		for _, dir := range []struct {
			name       string
			all, fewer []ACLRule
		}{{"ingress", inAll, inLess}, {"egress", outAll, outLess}} {
			others := slices.DeleteFunc(slices.Clone(dir.all), func(r ACLRule) bool { return r.CIDR == cidr })
			if !slices.Equal(others, dir.fewer) {
				t.Fatalf("%s: with peer %s (slot %d) the other entries are\n%v\nwithout it\n%v",
					dir.name, peers[changed].Name, peers[changed].Slot, others, dir.fewer)
			}
			// And the changed peer's entries sit in its own slot.
			for _, r := range dir.all {
				if r.CIDR == cidr && (r.Number < PeerRuleNumber(peers[changed].Slot) || r.Number >= PeerRuleNumber(peers[changed].Slot+1)) {
					t.Fatalf("%s: peer %s's rule %d is outside its slot %d", dir.name, peers[changed].Name, r.Number, peers[changed].Slot)
				}
			}
		}
	})
}

// Rule numbers are distinct and valid for any peer set, and the count the
// quota check uses is the count written.
func TestNACLRuleNumbersProperties(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	rapid.Check(t, func(t *rapid.T) {
		peers := genPeers(t, 18)
		eph := genEphemeral(t)
		in, out := NACLRulesWith(vpc, peers, eph)
		if got := NACLRulesPerDirection(len(peers), eph); got != max(len(in), len(out)) {
			t.Fatalf("NACLRulesPerDirection = %d, rules written %d/%d", got, len(in), len(out))
		}
		for _, rules := range [][]ACLRule{in, out} {
			seen := map[int]bool{}
			for _, r := range rules {
				if seen[r.Number] || r.Number < 1 || r.Number > 32766 {
					t.Fatalf("rule number %d repeated or outside 1-32766", r.Number)
				}
				seen[r.Number] = true
			}
		}
	})
}
