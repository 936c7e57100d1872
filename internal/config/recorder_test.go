package config

import (
	"fmt"
	"testing"
)

// The recorder choice per account group: createRecorder for every group,
// reuseRecorderOf for the groups of the networks it names. Messages are
// written by hand from AWS's one-recorder-per-account-and-region rule.
func TestReuseRecorderOfValidation(t *testing.T) {
	existing := legacyNet(`, region: eu-west-1, existing: {vpcId: vpc-0a1b2c3d4e5f60718}`)
	analytics := `{name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "222222222222", profile: legacy}, region: eu-west-1}`
	tests := []struct {
		name     string
		networks []string
		extra    string
		want     []string
	}{
		{"one network of a mixed stack", []string{tradingNet, existing},
			"peerctl:compliance: {reuseRecorderOf: [legacy]}", nil},
		{"with createRecorder true said aloud", []string{tradingNet, existing},
			"peerctl:compliance: {createRecorder: true, reuseRecorderOf: [legacy]}", nil},
		{"every network: the same as createRecorder false, allowed", []string{tradingNet, existing},
			"peerctl:compliance: {reuseRecorderOf: [trading, legacy]}", nil},
		{"two networks of one account and region", []string{tradingNet, existing, analytics},
			"peerctl:compliance: {reuseRecorderOf: [legacy, analytics]}", nil},
		{"an empty list changes nothing", []string{tradingNet, existing},
			"peerctl:compliance: {createRecorder: false, reuseRecorderOf: []}", nil},
		{"not a configured network", []string{tradingNet, existing},
			"peerctl:compliance: {reuseRecorderOf: [legacy, risk]}",
			[]string{`peerctl:compliance.reuseRecorderOf[1]: "risk" is not a configured network (networks: trading, legacy)`}},
		{"listed twice", []string{tradingNet, existing},
			"peerctl:compliance: {reuseRecorderOf: [legacy, trading, legacy]}",
			[]string{`peerctl:compliance.reuseRecorderOf[2]: "legacy" is listed twice (also peerctl:compliance.reuseRecorderOf[0])`}},
		{"redundant with createRecorder false", []string{tradingNet, existing},
			"peerctl:compliance: {createRecorder: false, reuseRecorderOf: [legacy, trading]}",
			[]string{`peerctl:compliance.reuseRecorderOf: "legacy, trading" is redundant: peerctl:compliance.createRecorder is false, so every account already reuses its own recorder; ` +
				`remove reuseRecorderOf, or set createRecorder: true to have peerctl create the recorder of the other accounts`}},
		{"a name, not a list", []string{tradingNet, existing},
			"peerctl:compliance: {reuseRecorderOf: legacy}",
			[]string{`peerctl:compliance.reuseRecorderOf: "legacy" must be a list, not text`}},
		{"field case", []string{tradingNet, existing},
			"peerctl:compliance: {reuseRecorderof: [legacy]}",
			[]string{`peerctl:compliance.reuseRecorderof: is not a known field: field names are case-sensitive; did you mean reuseRecorderOf?`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblems(t, modesProblems(t, modesYAML(tt.networks, []string{tradingPair}, tt.extra)), tt.want...)
		})
	}
}

func TestCreatesRecorder(t *testing.T) {
	yes, no := true, false
	group := func(names ...string) AccountGroup {
		var g AccountGroup
		for _, n := range names {
			g.Networks = append(g.Networks, Network{Name: n})
		}
		return g
	}
	tests := []struct {
		name       string
		c          Compliance
		g          AccountGroup
		want       bool
		wantReused string
	}{
		{"unset means the default, true", Compliance{}, group("trading"), true, ""},
		{"createRecorder true", Compliance{CreateRecorder: &yes}, group("trading"), true, ""},
		{"createRecorder false", Compliance{CreateRecorder: &no}, group("trading"), false, ""},
		{"another group is listed", Compliance{CreateRecorder: &yes, ReuseRecorderOf: []string{"legacy"}}, group("trading"), true, ""},
		{"the group's only network is listed", Compliance{CreateRecorder: &yes, ReuseRecorderOf: []string{"legacy"}}, group("legacy"), false, "legacy"},
		{"a later network of the group is listed", Compliance{ReuseRecorderOf: []string{"legacy"}}, group("analytics", "legacy"), false, "legacy"},
		{"the group's first listed network names it", Compliance{ReuseRecorderOf: []string{"legacy", "analytics"}}, group("analytics", "legacy"), false, "analytics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.CreatesRecorder(tt.g); got != tt.want {
				t.Errorf("CreatesRecorder = %v, want %v", got, tt.want)
			}
			if got := tt.c.ReusedBy(tt.g); got != tt.wantReused {
				t.Errorf("ReusedBy = %q, want %q", got, tt.wantReused)
			}
		})
	}
}

func ExampleCompliance_CreatesRecorder() {
	yes := true
	c := Compliance{CreateRecorder: &yes, ReuseRecorderOf: []string{"legacy"}}
	trading := AccountGroup{Networks: []Network{{Name: "trading"}}}
	legacy := AccountGroup{Networks: []Network{{Name: "legacy"}}}
	fmt.Println(c.CreatesRecorder(trading), c.CreatesRecorder(legacy), c.ReusedBy(legacy))
	// Output: true false legacy
}
