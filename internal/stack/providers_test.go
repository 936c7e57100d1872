package stack_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// planProviders plans networks (a JSON list) and returns each network's
// provider inputs by network name.
func planProviders(t *testing.T, networks string) map[string]map[string]any {
	t.Helper()
	cfg, err := config.Parse(config.Raw{"peerctl:networks": networks, "peerctl:peerings": `[]`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := plan.Build(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range obstest.OfType(doc, "pulumi:providers:aws") {
		out[r.Name] = r.Inputs
	}
	return out
}

func assumeRole(in map[string]any) map[string]any {
	m, _ := in["assumeRole"].(map[string]any)
	return m
}

// STS session names: 2-64 of [\w+=,.@-] (STS API reference, AssumeRole).
var stsSessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// Each network's provider assumes its role with a session of its own,
// peerctl-<network> unless the stack names one, so CloudTrail in the target
// account tells which network's deployment made a change.
func TestProviderSessionNamePerNetwork(t *testing.T) {
	longest := "analytics-network-01" // 20 characters, the longest network name
	p := planProviders(t, `[
		{"name":"trading","cidr":"10.0.0.0/16","costCenter":"t","account":{"roleArn":"arn:aws:iam::111111111111:role/deployer"}},
		{"name":"`+longest+`","cidr":"10.1.0.0/16","costCenter":"a","account":{"roleArn":"arn:aws:iam::111111111111:role/deployer","externalId":"ext-1"}},
		{"name":"risk","cidr":"10.2.0.0/16","costCenter":"r","account":{"roleArn":"arn:aws:iam::222222222222:role/deployer","sessionName":"ci-risk"}}]`)
	want := map[string]string{"trading": "peerctl-trading", longest: "peerctl-" + longest, "risk": "ci-risk"}
	for network, session := range want {
		role := assumeRole(p[network])
		if role["sessionName"] != session {
			t.Errorf("%s: session name = %v, want %s", network, role["sessionName"], session)
		}
		if s, _ := role["sessionName"].(string); !stsSessionName.MatchString(s) {
			t.Errorf("%s: session name %q is not one STS accepts", network, s)
		}
	}
	if a, b := assumeRole(p["trading"])["sessionName"], assumeRole(p[longest])["sessionName"]; a == b {
		t.Errorf("two networks on one role share the session name %v", a)
	}
	if got := assumeRole(p[longest])["externalId"]; got != "ext-1" {
		t.Errorf("external id = %v, want ext-1", got)
	}
	if got := assumeRole(p["trading"])["externalId"]; got != nil {
		t.Errorf("trading sets no external id, but the provider has %v", got)
	}
}

// The provider follows the account settings: a profile without a role, the
// account id pinned by allowedAccountIds (from account.id or the role ARN),
// and nothing at all on the default credentials.
func TestProviderCredentials(t *testing.T) {
	p := planProviders(t, `[
		{"name":"trading","cidr":"10.0.0.0/16","costCenter":"t","account":{"id":"111111111111","profile":"trading-dev"}},
		{"name":"analytics","cidr":"10.1.0.0/16","costCenter":"a","account":{"roleArn":"arn:aws:iam::222222222222:role/path/deployer"}},
		{"name":"risk","cidr":"10.2.0.0/16","costCenter":"r"}]`)
	ids := func(in map[string]any) []string {
		var out []string
		list, _ := in["allowedAccountIds"].([]any)
		for _, v := range list {
			s, _ := v.(string)
			out = append(out, s)
		}
		return out
	}
	tr, an, rk := p["trading"], p["analytics"], p["risk"]
	if tr["profile"] != "trading-dev" || tr["assumeRole"] != nil || !slices.Equal(ids(tr), []string{"111111111111"}) {
		t.Errorf("trading provider = %v", tr)
	}
	if an["profile"] != nil || assumeRole(an)["roleArn"] != "arn:aws:iam::222222222222:role/path/deployer" || !slices.Equal(ids(an), []string{"222222222222"}) {
		t.Errorf("analytics provider = %v", an)
	}
	if rk["profile"] != nil || rk["assumeRole"] != nil || rk["allowedAccountIds"] != nil {
		t.Errorf("risk provider on default credentials = %v", rk)
	}
	for name, in := range p {
		if in["region"] != "us-east-1" {
			t.Errorf("%s: region = %v", name, in["region"])
		}
		tags, _ := in["defaultTags"].(map[string]any)
		keys := slices.Sorted(func(yield func(string) bool) {
			m, _ := tags["tags"].(map[string]any)
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		if strings.Join(keys, ",") != "CostCenter,Environment,ManagedBy,Project" {
			t.Errorf("%s: default tag keys = %v", name, keys)
		}
	}
}
