package observability_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// variants are the stacks every plan-wide check runs on.
var variants = []struct {
	name, yaml, env string
}{
	{"dev", obstest.TwoAccounts(), "dev"},
	{"prod", obstest.TwoAccounts(), "prod"},
	{"recorder reused", obstest.TwoAccounts("peerctl:compliance: {createRecorder: false}"), "dev"},
	{"no cross-account", obstest.TwoAccounts("peerctl:dashboard: {crossAccount: false}"), "dev"},
	{"one account", obstest.OneAccount(), "dev"},
	{"kms keys", obstest.OneAccount( // a key serves networks of its own account only
		`peerctl:flowLogs: {kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abcd"}`,
		`peerctl:alarms: {kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abcd"}`), "dev"},
}

// Every policy document in the plan parses and is least-privilege: no
// "*" or "service:*" action, no write action on "*" (outside key and sink
// policies, where "*" is the key or sink itself), trust policies naming
// service principals pinned by aws:SourceAccount, and resource policies
// pinning every service they let in.
func TestEveryPolicyDocumentIsLeastPrivilege(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			p := obstest.Build(t, v.yaml, v.env)
			docs := p.Policies(t)
			kinds := map[string]int{}
			for _, d := range docs {
				kinds[d.Kind]++
				for _, problem := range obstest.PolicyProblems(d) {
					t.Error(problem)
				}
			}
			// Every role, role policy, bucket policy and topic policy was seen.
			for _, typ := range []string{obstest.RoleType, obstest.RolePolicyType, obstest.BucketPolicyType, obstest.TopicPolicyType} {
				if len(p.OfType(typ)) == 0 {
					t.Errorf("no %s in the plan", typ)
				}
			}
			if kinds[obstest.Trust] != len(p.OfType(obstest.RoleType)) || kinds[obstest.Resource] == 0 || kinds[obstest.Identity] == 0 {
				t.Errorf("documents by kind = %v", kinds)
			}
		})
	}
}

// The checker finds what it should (so the test above can fail).
func TestPolicyProblemsCatchesBadDocuments(t *testing.T) {
	allow := func(s iamdoc.ParsedStatement) iamdoc.ParsedStatement { s.Effect = "Allow"; return s }
	svc := &iamdoc.Principal{Service: []string{"config.amazonaws.com"}}
	pinned := map[string]map[string]iamdoc.StringList{"StringEquals": {"aws:SourceAccount": {"111111111111"}}}
	tests := []struct {
		name string
		kind string
		s    iamdoc.ParsedStatement
	}{
		{"star action", obstest.Identity, allow(iamdoc.ParsedStatement{Action: []string{"*"}, Resource: []string{"arn:aws:s3:::b"}})},
		{"service star", obstest.Identity, allow(iamdoc.ParsedStatement{Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::b"}})},
		{"write on star", obstest.Identity, allow(iamdoc.ParsedStatement{Action: []string{"s3:PutObject"}, Resource: []string{"*"}})},
		{"not action", obstest.Identity, allow(iamdoc.ParsedStatement{NotAction: []string{"iam:*"}, Action: []string{"s3:GetObject"}, Resource: []string{"x"}})},
		{"trust without source", obstest.Trust, allow(iamdoc.ParsedStatement{Principal: svc, Action: []string{"sts:AssumeRole"}})},
		{"trust of an account", obstest.Trust, allow(iamdoc.ParsedStatement{Principal: &iamdoc.Principal{AWS: []string{"111111111111"}},
			Action: []string{"sts:AssumeRole"}, Condition: pinned})},
		{"resource policy for anyone", obstest.Resource, allow(iamdoc.ParsedStatement{Principal: &iamdoc.Principal{Anyone: true},
			Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}})},
		{"service unpinned", obstest.Resource, allow(iamdoc.ParsedStatement{Principal: svc, Action: []string{"s3:PutObject"}, Resource: []string{"arn:aws:s3:::b/*"}})},
	}
	for _, tt := range tests {
		d := obstest.PolicyDoc{Resource: plan.Resource{Name: tt.name}, Kind: tt.kind, Doc: iamdoc.ParsedDocument{Version: iamdoc.Version, Statement: []iamdoc.ParsedStatement{tt.s}}}
		if len(obstest.PolicyProblems(d)) == 0 {
			t.Errorf("%s: no problem found", tt.name)
		}
	}
	good := obstest.PolicyDoc{Kind: obstest.Trust, Doc: iamdoc.ParsedDocument{Version: iamdoc.Version, Statement: []iamdoc.ParsedStatement{
		allow(iamdoc.ParsedStatement{Principal: svc, Action: []string{"sts:AssumeRole"}, Condition: pinned}),
	}}}
	if problems := obstest.PolicyProblems(good); len(problems) > 0 {
		t.Errorf("a correct trust policy: %v", problems)
	}
}

// Every resource of the observability and compliance components lives in a
// component of ours, on the provider of the account it belongs to, is named
// after that account's network, carries the environment in its physical
// name and Name tag, and (in shared accounts) the shared cost centre.
func TestResourcesAreParentedProvidedAndNamed(t *testing.T) {
	ours := []string{observability.FlowLogsType, observability.PeerAlarmsType, observability.DashboardType,
		observability.LogBucketType, compliance.TypeToken}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			p := obstest.Build(t, v.yaml, v.env)
			components := map[string]plan.Resource{}
			for _, r := range p.Resources {
				if slices.Contains(ours, r.Type) {
					components[r.URN] = r
				}
			}
			if len(components) == 0 {
				t.Fatal("no observability components")
			}
			count := 0
			for _, r := range p.Resources {
				parent, isOurs := components[r.Parent]
				if !isOurs || !strings.HasPrefix(r.Type, "aws:") {
					continue
				}
				count++
				if r.Provider == "" || r.Provider != p.Provider(r.Account) {
					t.Errorf("%s %s: provider %q, account %q", r.Type, r.Name, r.Provider, r.Account)
				}
				if parent.Account != "" && parent.Account != r.Account {
					t.Errorf("%s %s is in %s, its component %s in %s", r.Type, r.Name, r.Account, parent.Name, parent.Account)
				}
				if !strings.HasPrefix(r.Name, r.Account+"-") {
					t.Errorf("%s %s is not named after its account's network %s", r.Type, r.Name, r.Account)
				}
				if name := obstest.Str(r.Inputs["name"]); name != "" && !strings.Contains(name, v.env) {
					t.Errorf("%s %s: physical name %q lacks the environment", r.Type, r.Name, name)
				}
				if tags := obstest.Tags(r); tags != nil {
					if name, _ := tags["Name"].(string); !strings.HasSuffix(name, "-"+v.env) {
						t.Errorf("%s %s: Name tag %q does not end in -%s", r.Type, r.Name, tags["Name"], v.env)
					}
				}
			}
			if count < 40 {
				t.Errorf("only %d observability resources", count)
			}
			for _, c := range components {
				if c.Type != observability.DashboardType && c.Account == "" {
					t.Errorf("component %s %s is not attributed to an account", c.Type, c.Name)
				}
			}
		})
	}
}

// Taggable resources carry a Name tag (the providers add the rest).
func TestTaggableResourcesHaveNameTags(t *testing.T) {
	taggable := []string{obstest.BucketType, obstest.FlowLogType, obstest.LogGroupType, obstest.RoleType, obstest.TopicType,
		obstest.AlarmType, obstest.KeyType, obstest.SinkType, obstest.LinkType, obstest.RuleType}
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:dashboard: {crossAccount: true}"), "dev")
	for _, typ := range taggable {
		rs := p.OfType(typ)
		if len(rs) == 0 {
			t.Errorf("no %s in the plan", typ)
		}
		for _, r := range rs {
			if _, ok := obstest.Tags(r)["Name"].(string); !ok {
				t.Errorf("%s %s has no Name tag", typ, r.Name)
			}
		}
	}
}
