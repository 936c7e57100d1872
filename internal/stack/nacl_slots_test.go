package stack_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/plan"
)

// naclEntry is one inline NACL entry as planned.
type naclEntry struct {
	egress           bool
	number           int
	action, protocol string
	cidr             string
	from, to         int
}

func naclEntries(t *testing.T, d *plan.Document, network string) []naclEntry {
	t.Helper()
	nacl := mustNamed(t, d, naclType, network+"-nacl")
	var out []naclEntry
	for _, key := range []string{"ingress", "egress"} {
		for _, e := range nacl.Inputs[key].([]any) {
			m := obj(e)
			out = append(out, naclEntry{key == "egress", num(m["ruleNo"]), m["action"].(string), m["protocol"].(string),
				m["cidrBlock"].(string), num(m["fromPort"]), num(m["toPort"])})
		}
	}
	return out
}

const slotNetworks = `config:
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t, azCount: 1}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: 1}
%s  peerctl:peerings:
    - {requester: trading, accepter: analytics}
%s`

// Adding a network whose name sorts before the others (alpha) and peering
// it with trading adds alpha's entries to trading's NACL and changes no
// other entry: under name-ordered numbering, analytics' entries would have
// moved, and the provider's delete-before-create would have dropped live
// trading-analytics traffic during the update. Removing it again is the
// same diff the other way.
func TestAddingANetworkKeepsOtherNACLEntries(t *testing.T) {
	before := buildYAML(t, fmt.Sprintf(slotNetworks, "", ""))
	after := buildYAML(t, fmt.Sprintf(slotNetworks,
		"    - {name: alpha, cidr: 10.2.0.0/16, costCenter: x, azCount: 1}\n",
		"    - {requester: alpha, accepter: trading}\n"))
	for _, n := range []string{"trading", "analytics"} {
		was, now := naclEntries(t, before, n), naclEntries(t, after, n)
		for _, e := range was {
			if !slices.Contains(now, e) {
				t.Errorf("%s: entry %+v changed or vanished when alpha was added", n, e)
			}
		}
		var added []naclEntry
		for _, e := range now {
			if !slices.Contains(was, e) {
				added = append(added, e)
			}
		}
		// alpha's slot: FNV-1a("alpha") = 1569418667, mod 3100 = 267, so
		// rules 3670 (443) and 3671 (1024-65535) each way, in trading only.
		var want []naclEntry
		if n == "trading" {
			for _, eg := range []bool{false, true} {
				want = append(want,
					naclEntry{eg, 3670, "allow", "tcp", "10.2.0.0/16", 443, 443},
					naclEntry{eg, 3671, "allow", "tcp", "10.2.0.0/16", 1024, 65535})
			}
		}
		if !slices.Equal(added, want) {
			t.Errorf("%s: entries added with alpha = %+v, want %+v", n, added, want)
		}
	}
}

// An explicit naclSlot places the network's rules in its peers' NACLs.
func TestExplicitNACLSlot(t *testing.T) {
	d := buildYAML(t, `config:
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t, azCount: 1}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: 1, naclSlot: 7}
`)
	entries := naclEntries(t, d, "trading")
	for _, want := range []naclEntry{
		{false, 1070, "allow", "tcp", "10.1.0.0/16", 443, 443},
		{true, 1071, "allow", "tcp", "10.1.0.0/16", 1024, 65535},
	} {
		if !slices.Contains(entries, want) {
			t.Errorf("trading's NACL lacks %+v: %+v", want, entries)
		}
	}
}

// The narrow ephemeral range reaches every return rule, and 5432, no
// longer inside it, gets a rule of its own per peer; the endpoints' return
// range no longer needs splitting around 3389.
func TestNarrowEphemeralRange(t *testing.T) {
	d := buildYAML(t, `config:
  peerctl:nacl: {ephemeralPorts: 32768-65535}
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t, azCount: 1}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: 1}
`)
	// analytics is in slot 1195 (see TestNetworkACL): rules 12950-12952.
	want := []naclEntry{
		{false, 100, "allow", "-1", "10.0.0.0/16", 0, 0},
		{false, 900, "allow", "tcp", "0.0.0.0/0", 32768, 65535},
		{false, 12950, "allow", "tcp", "10.1.0.0/16", 443, 443},
		{false, 12951, "allow", "tcp", "10.1.0.0/16", 32768, 65535},
		{false, 12952, "allow", "tcp", "10.1.0.0/16", 5432, 5432},
		{true, 100, "allow", "-1", "10.0.0.0/16", 0, 0},
		{true, 900, "allow", "tcp", "0.0.0.0/0", 443, 443},
		{true, 12950, "allow", "tcp", "10.1.0.0/16", 443, 443},
		{true, 12951, "allow", "tcp", "10.1.0.0/16", 32768, 65535},
		{true, 12952, "allow", "tcp", "10.1.0.0/16", 5432, 5432},
	}
	if got := naclEntries(t, d, "trading"); !slices.Equal(got, want) {
		t.Errorf("trading's NACL =\n%+v\nwant\n%+v", got, want)
	}
	if got := mustNamed(t, d, networkType, "trading").Inputs["ephemeralPorts"]; got != "32768-65535" {
		t.Errorf("network component input ephemeralPorts = %v", got)
	}
}
