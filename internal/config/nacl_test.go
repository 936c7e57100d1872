package config

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/testing/configtest"
)

func TestEphemeralPorts(t *testing.T) {
	const field = `peerctl:nacl.ephemeralPorts: `
	tests := []struct {
		value string
		want  netplan.PortRange // zero when refused
		err   string
	}{
		{"", netplan.PortRange{From: 1024, To: 65535}, ""},
		{"1024-65535", netplan.PortRange{From: 1024, To: 65535}, ""},
		{"32768-65535", netplan.PortRange{From: 32768, To: 65535}, ""},
		{"2000-65535", netplan.PortRange{From: 2000, To: 65535}, ""},
		{"abc", netplan.PortRange{}, field + `"abc" is not a port range like 1024-65535 (FROM-TO)`},
		{"1024 - 65535", netplan.PortRange{}, field + `"1024 - 65535" is not a port range like 1024-65535 (FROM-TO)`},
		{"123456-1", netplan.PortRange{}, field + `"123456-1" is not a port range like 1024-65535 (FROM-TO)`},
		{"65535-1024", netplan.PortRange{}, field + `"65535-1024" starts above its end (65535 > 1024); write the lower port first`},
		{"80-65535", netplan.PortRange{}, field + `"80-65535" must lie within 1024-65535 (ports below 1024 are not ephemeral; TCP ports end at 65535)`},
		{"1024-70000", netplan.PortRange{}, field + `"1024-70000" must lie within 1024-65535 (ports below 1024 are not ephemeral; TCP ports end at 65535)`},
		{"32768-60999", netplan.PortRange{}, field + `"32768-60999" must contain 32768-65535, the client ports of Linux (32768-60999) and Windows (49152-65535); use 1024-65535 (the default, also Lambda, NLB and NAT gateway clients) or 32768-65535 (Linux and Windows clients only)`},
		{"49152-65535", netplan.PortRange{}, field + `"49152-65535" must contain 32768-65535, the client ports of Linux (32768-60999) and Windows (49152-65535); use 1024-65535 (the default, also Lambda, NLB and NAT gateway clients) or 32768-65535 (Linux and Windows clients only)`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			raw := Raw{}
			if tt.value != "" {
				raw["peerctl:nacl"] = mustJSON(t, map[string]string{"ephemeralPorts": tt.value})
			}
			if tt.err != "" {
				wantProblems(t, limitsProblems(t, raw), tt.err)
				return
			}
			c, err := Parse(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.NACLEphemeral != tt.want || c.NACL.EphemeralPorts != tt.want.String() {
				t.Errorf("range = %v (%q), want %v", c.NACLEphemeral, c.NACL.EphemeralPorts, tt.want)
			}
		})
	}
}

// A range is accepted exactly when it lies within 1024-65535 and holds
// 32768-65535 (Linux and Windows clients): from in 1024..32768, to 65535.
func TestEphemeralPortsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Any 5-digit port, with the boundaries drawn often.
		edges := rapid.SampledFrom([]int{0, 1023, 1024, 1025, 5432, 32767, 32768, 32769, 65534, 65535, 65536})
		port := rapid.OneOf(rapid.IntRange(0, 99999), edges)
		from := port.Draw(t, "from")
		to := rapid.OneOf(port, rapid.Just(65535)).Draw(t, "to")
		_, err := Parse(Raw{"peerctl:nacl": fmt.Sprintf(`{"ephemeralPorts": "%d-%d"}`, from, to)}, nil)
		want := 1024 <= from && from <= 32768 && to == 65535
		if (err == nil) != want {
			t.Fatalf("%d-%d: accepted %v, want %v (%v)", from, to, err == nil, want, err)
		}
	})
}

func TestNACLSlots(t *testing.T) {
	nets := func(entries ...string) Raw {
		list := "["
		for i, e := range entries {
			if i > 0 {
				list += ","
			}
			list += fmt.Sprintf(`{"cidr": "10.%d.0.0/16", "costCenter": "cc", %s}`, i, e)
		}
		return Raw{"peerctl:networks": list + "]", "peerctl:peerings": `[{"requester": "trading", "accepter": "analytics"}]`}
	}
	tests := []struct {
		name string
		raw  Raw
		want []string
	}{
		{"derived slots differ", nets(`"name": "trading"`, `"name": "analytics"`), nil},
		{"explicit slot", nets(`"name": "trading", "naclSlot": 0`, `"name": "analytics", "naclSlot": 3099`), nil},
		{"negative", nets(`"name": "trading", "naclSlot": -1`, `"name": "analytics"`),
			[]string{`peerctl:networks[0].naclSlot: "-1" must be between 0 and 3099 (a network's rules in its peers' network ACLs are numbered from 1000 + 10 × slot, and AWS allows rule numbers up to 32766)`}},
		{"past the last", nets(`"name": "trading", "naclSlot": 3100`, `"name": "analytics"`),
			[]string{`peerctl:networks[0].naclSlot: "3100" must be between 0 and 3099 (a network's rules in its peers' network ACLs are numbered from 1000 + 10 × slot, and AWS allows rule numbers up to 32766)`}},
		// analytics derives 1195 from its name (FNV-1a).
		{"explicit clash", nets(`"name": "trading", "naclSlot": 1195`, `"name": "analytics"`),
			[]string{`peerctl:networks[1].naclSlot: "1195" (derived from its name) is also the NACL slot of peerctl:networks[0] (trading); every network needs its own slot, which numbers its rules in its peers' network ACLs: set naclSlot on the network you are adding, to a free slot such as 0, so that deployed rules keep their numbers`}},
		{"set clash", nets(`"name": "trading", "naclSlot": 0`, `"name": "analytics", "naclSlot": 0`),
			[]string{`peerctl:networks[1].naclSlot: "0" (set) is also the NACL slot of peerctl:networks[0] (trading); every network needs its own slot, which numbers its rules in its peers' network ACLs: set naclSlot on the network you are adding, to a free slot such as 1, so that deployed rules keep their numbers`}},
		// dp and xh both hash to slot 2817: a clash between networks that
		// are not peered is refused too, so it shows when a network is added.
		{"derived clash", nets(`"name": "trading"`, `"name": "analytics"`, `"name": "dp"`, `"name": "xh"`),
			[]string{`peerctl:networks[3].naclSlot: "2817" (derived from its name) is also the NACL slot of peerctl:networks[2] (dp); every network needs its own slot, which numbers its rules in its peers' network ACLs: set naclSlot on the network you are adding, to a free slot such as 0, so that deployed rules keep their numbers`}},
		{"derived clash resolved", nets(`"name": "trading"`, `"name": "analytics"`, `"name": "dp"`, `"name": "xh", "naclSlot": 1`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblems(t, limitsProblems(t, tt.raw), tt.want...)
		})
	}
	c, err := Parse(nets(`"name": "trading"`, `"name": "analytics", "naclSlot": 7`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Networks[0].NACLSlot != 406 || c.Networks[0].NACLSlotSet || c.Networks[1].NACLSlot != 7 || !c.Networks[1].NACLSlotSet {
		t.Errorf("slots = %+v", c.Networks)
	}
}

// The NACL quota check counts the rules the chosen range needs: 5432
// outside the narrow range costs a rule per peer and direction, so a full
// mesh of 7 (6 peers each: 1 + 3·6 + 1 = 20) fits the default 20 and a
// mesh of 8 (23) does not, where the default range fits 9 (1 + 2·8 + 2 = 19).
func TestNACLQuotaFollowsEphemeralRange(t *testing.T) {
	narrow := "peerctl:nacl: {ephemeralPorts: 32768-65535}"
	parse := func(yaml string) []string {
		raw, err := ParseStackYAML([]byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		return limitsProblems(t, raw)
	}
	wantProblems(t, parse(configtest.MeshYAML(7, narrow)))
	wantProblems(t, parse(configtest.MeshYAML(9)))
	got := parse(configtest.MeshYAML(8, narrow))
	want := `peerctl:networks[0]: "net0" has 7 peers and would need 23 network ACL rules per direction, over the quota of 20 (peerctl:quotas.naclRulesPerDirection, at most 40 once AWS raises it); peerctl:nacl.ephemeralPorts 32768-65535 leaves out 5432, which then takes a rule of its own per peer`
	if len(got) != 8 || got[0] != want {
		t.Errorf("problems:\n  %v\nwant 8, the first:\n  %s", got, want)
	}
	tooMany := parse(configtest.MeshYAML(10))
	if len(tooMany) == 0 || tooMany[0] != `peerctl:networks[0]: "net0" has 9 peers and would need 21 network ACL rules per direction, over the quota of 20 (peerctl:quotas.naclRulesPerDirection, at most 40 once AWS raises it)` {
		t.Errorf("default range, 9 peers: %v", tooMany)
	}
}

func TestAllowAWSOwnedBuckets(t *testing.T) {
	tests := []struct {
		endpoints string
		want      bool
		err       string
	}{
		{"", true, ""},
		{`{"allowAwsOwnedBuckets": false}`, false, ""},
		{`{"restrictToStackAccounts": false}`, false, ""},
		{`{"restrictToStackAccounts": false, "allowAwsOwnedBuckets": true}`, false,
			`peerctl:endpoints.allowAwsOwnedBuckets: "true" has no effect with restrictToStackAccounts false (the endpoints then allow every bucket); remove it`},
	}
	for _, tt := range tests {
		t.Run(tt.endpoints, func(t *testing.T) {
			raw := Raw{}
			if tt.endpoints != "" {
				raw["peerctl:endpoints"] = tt.endpoints
			}
			if tt.err != "" {
				wantProblems(t, limitsProblems(t, raw), tt.err)
				return
			}
			c, err := Parse(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Endpoints.AllowAWSOwnedBuckets; got == nil || *got != tt.want {
				t.Errorf("allowAwsOwnedBuckets = %v, want %v", got, tt.want)
			}
		})
	}
}
