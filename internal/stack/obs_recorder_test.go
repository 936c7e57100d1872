package stack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// mixedRecorderStack is a stack of three account groups: trading and
// analytics are fresh accounts in us-east-1; legacy is an existing VPC in
// another account and region whose account already records with its own
// AWS Config recorder (Control Tower).
func mixedRecorderStack(extra ...string) string {
	var b strings.Builder
	b.WriteString("config:\n")
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString(`  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111", profile: trading}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "222222222222", profile: analytics}}
    - {name: legacy, cidr: 10.20.0.0/16, costCenter: legacy, region: eu-west-1, account: {id: "222222222222", profile: analytics},
       existing: {vpcId: vpc-0a1b2c3d4e5f60718, flowLogs: false}}
  peerctl:peerings:
    - {requester: trading, accepter: analytics}
    - {requester: trading, accepter: legacy}
`)
	return b.String()
}

// AWS allows one recorder and one delivery channel per account and region
// (AWS Config API reference, PutConfigurationRecorder; a second fails with
// MaxNumberOfConfigurationRecordersExceededException),
// so the group listed in reuseRecorderOf gets the rules only, and every
// other group a recorder of its own, as createRecorder says.
func TestReuseRecorderOfPerGroup(t *testing.T) {
	tests := []struct {
		name    string
		extra   []string
		creates []string // groups (first network) that get a recorder
	}{
		{"createRecorder default: every group", nil, []string{"analytics", "legacy", "trading"}},
		{"legacy's account records already", []string{"peerctl:compliance: {reuseRecorderOf: [legacy]}"}, []string{"analytics", "trading"}},
		{"createRecorder false: no group", []string{"peerctl:compliance: {createRecorder: false}"}, nil},
		{"every group listed", []string{"peerctl:compliance: {reuseRecorderOf: [trading, analytics, legacy]}"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, mixedRecorderStack(tt.extra...), "")
			for _, g := range []string{"analytics", "legacy", "trading"} {
				want := slices.Contains(tt.creates, g)
				comp := p.Must(t, compliance.TypeToken, g+"-compliance")
				if comp.Inputs["createRecorder"] != want {
					t.Errorf("%s-compliance createRecorder = %v, want %v", g, comp.Inputs["createRecorder"], want)
				}
				got := map[string]int{}
				for _, typ := range []string{obstest.RecorderType, obstest.ChannelType, obstest.RecorderStatusType} {
					got[typ] = len(p.In(typ, g))
				}
				role, hasRole := p.Named(obstest.RoleType, g+"-compliance-role")
				_, hasBucket := p.Named(obstest.BucketType, g+"-compliance-bucket")
				if want {
					for typ, n := range got {
						if n != 1 {
							t.Errorf("%s: %d %s, want 1", g, n, typ)
						}
					}
					if !hasRole || !hasBucket || role.Account != g {
						t.Errorf("%s: recorder role %v (account %q), bucket %v; want both in %s's account", g, hasRole, role.Account, hasBucket, g)
					}
				} else {
					for typ, n := range got {
						if n != 0 {
							t.Errorf("%s reuses its account's recorder: %d %s, want none", g, n, typ)
						}
					}
					if hasRole || hasBucket {
						t.Errorf("%s reuses its account's recorder: role %v, bucket %v, want neither", g, hasRole, hasBucket)
					}
				}
				// The rules are there either way, in the group's account.
				if rules := p.In(obstest.RuleType, g); len(rules) == 0 {
					t.Errorf("%s: no AWS Config rules", g)
				}
				recorders, _ := p.Outputs["configRecorderNames"].(map[string]any)
				wantName := ""
				if want {
					wantName = g + "-config-recorder-dev"
				}
				if recorders[g] != wantName {
					t.Errorf("configRecorderNames[%s] = %v, want %q", g, recorders[g], wantName)
				}
			}
		})
	}
}

// In production a group's created log key encrypts its flow logs and its
// own AWS Config bucket; legacy has neither (no flow logs, recorder
// reused), so it gets no key, while createRecorder alone would give it one.
func TestReusedRecorderNeedsNoLogKey(t *testing.T) {
	tests := []struct {
		name  string
		extra string
		want  []string
	}{
		{"legacy creates its recorder", "peerctl:compliance: {createRecorder: true}", []string{"analytics-log-key", "legacy-log-key", "trading-log-key"}},
		{"legacy reuses its account's", "peerctl:compliance: {reuseRecorderOf: [legacy]}", []string{"analytics-log-key", "trading-log-key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, mixedRecorderStack("peerctl:environment: prod", tt.extra), "")
			var got []string
			for _, k := range p.OfType(obstest.KeyType) {
				if strings.HasSuffix(k.Name, "-log-key") {
					got = append(got, k.Name)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("log keys %v, want %v", got, tt.want)
			}
		})
	}
}

// The text plan tells a reviewer which groups create a recorder and
// which reuse their account's.
func TestTextPlanShowsRecorderPerGroup(t *testing.T) {
	p := obstest.Build(t, mixedRecorderStack("peerctl:compliance: {reuseRecorderOf: [legacy]}"), "")
	var b strings.Builder
	if err := p.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	// Columns are aligned per block; compare with single spaces.
	text := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{
		"compliance.Compliance legacy-compliance networks = legacy config recorder = the account's existing one",
		"compliance.Compliance trading-compliance networks = trading config recorder = created by this stack",
		"compliance.Compliance analytics-compliance networks = analytics config recorder = created by this stack",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text plan lacks %q", want)
		}
	}
}
