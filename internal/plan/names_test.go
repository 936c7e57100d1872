package plan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"pgregory.net/rapid"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
)

// The mock monitor refuses a second registration of one URN with the
// engine's own words (pulumi/pulumi pkg/diag/errors.go, diagnostic 2001),
// written out here by hand.
func TestMocksRefuseDuplicateURNs(t *testing.T) {
	mocks := plan.NewMocks("peerctl", "dev")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if _, err := s3.NewBucketV2(ctx, "logs", nil); err != nil {
			return err
		}
		_, err := s3.NewBucketV2(ctx, "logs", nil)
		return err
	}, pulumi.WithMocks("peerctl", "dev", mocks))
	want := "Duplicate resource URN 'urn:pulumi:dev::peerctl::aws:s3/bucketV2:BucketV2::logs'; try giving it a unique name"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to contain %q", err, want)
	}
}

// One name under two parents of different types is two URNs, as in the engine.
func TestMocksAllowOneNameUnderDifferentTypes(t *testing.T) {
	mocks := plan.NewMocks("peerctl", "dev")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if _, err := s3.NewBucketV2(ctx, "logs", nil); err != nil {
			return err
		}
		_, err := s3.NewBucketPolicy(ctx, "logs", &s3.BucketPolicyArgs{Bucket: pulumi.String("b"), Policy: pulumi.String("{}")})
		return err
	}, pulumi.WithMocks("peerctl", "dev", mocks))
	if err != nil {
		t.Fatal(err)
	}
}

// Were validation to let a + b-c and a-b + c through, the plan itself stops.
func TestPlanRefusesPeeringsThatShareAName(t *testing.T) {
	yaml := namesStack([]string{"a", "b-c", "a-b", "c"}, "a>c", "a-b>b-c")
	cfg := parseNames(t, yaml, nil)
	cfg.Peerings = []config.Peering{{Requester: "a", Accepter: "b-c"}, {Requester: "a-b", Accepter: "c"}}
	_, err := plan.Build(cfg, "dev")
	want := "Duplicate resource URN 'urn:pulumi:dev::peerctl::peerctl:peering:Peering::a-b-c'; try giving it a unique name"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to contain %q", err, want)
	}
}

// E-mail subscriptions are named by a hash of the lower-cased address, never
// the address; one mailbox spelled in two cases is one subscription.
func TestEmailSubscriptionsAreNamedByHash(t *testing.T) {
	yaml := namesStack([]string{"trading", "analytics"}, "trading>analytics") +
		"  peerctl:alarms: {emails: [ops@example.com]}\n"
	doc, err := plan.Build(parseNames(t, yaml, nil), "dev")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range doc.Resources {
		if r.Type == "aws:sns/topicSubscription:TopicSubscription" {
			names = append(names, r.Name)
			if strings.Contains(r.URN, "@") {
				t.Errorf("URN %s holds the address", r.URN)
			}
		}
	}
	// sha256("ops@example.com") starts af3c82544f64: computed with
	// `printf %s ops@example.com | sha256sum`, not by the code under test.
	want := []string{"analytics-peer-alarms-email-" + opsHash, "trading-peer-alarms-email-" + opsHash}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("subscriptions %v, want %v", names, want)
	}
}

// The plan header and the JSON say loudly that ENVIRONMENT_SUFFIX renames;
// a stack without an override has no such key, so existing plans keep
// their bytes.
func TestEnvironmentOverrideIsLoud(t *testing.T) {
	prodFile := "../../Pulumi.prod.yaml"
	raw, err := config.LoadStackFile(prodFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, func(k string) (string, bool) { return "qa", k == config.EnvEnvironmentSuffix })
	if err != nil {
		t.Fatal(err)
	}
	doc, err := plan.Build(cfg, "prod")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteCompact(&buf); err != nil { // the text plan wraps the same line at 120 columns
		t.Fatal(err)
	}
	wantLine := "WARNING: ENVIRONMENT_SUFFIX=qa OVERRIDES the stack file's environment prod: every physical name (buckets, roles, log groups, alarms) changes, " +
		"and on a deployed stack its resources are replaced. Production safeguards: ON, as the stack file says prod (an override never switches them off)."
	if !strings.Contains(buf.String(), "\n"+wantLine+"\n") {
		t.Errorf("header lacks the warning:\n%s", buf.String()[:400])
	}
	// The 32 resources prod keeps on destroy (four log buckets, seven
	// resources each, the Object Lock configurations of the two flow-log
	// buckets: AWS Config's buckets cannot be locked, and the two accounts'
	// log keys, which must outlive the buckets) are still kept under the
	// override.
	kept := 0
	for _, r := range doc.Resources {
		if r.RetainOnDelete {
			kept++
		}
		if r.Type == "aws:s3/bucketV2:BucketV2" && r.Inputs["forceDestroy"] == true {
			t.Errorf("%s has forceDestroy under the override", r.Name)
		}
	}
	if kept != 32 {
		t.Errorf("%d resources kept on destroy, want 32 as without the override", kept)
	}
	buf.Reset()
	if err := doc.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Override map[string]any `json:"environmentOverride"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"variable": "ENVIRONMENT_SUFFIX", "environment": "qa", "stackEnvironment": "prod", "production": true}
	if fmt.Sprint(got.Override) != fmt.Sprint(want) {
		t.Errorf("environmentOverride = %v, want %v", got.Override, want)
	}

	buf.Reset()
	plain, err := plan.Build(loadStack(t, prodFile), "prod")
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("environmentOverride")) {
		t.Error("a plan without override has an environmentOverride key")
	}
}

// Counts by type keep AWS resources and components of one short name apart
// (aws:cloudwatch Dashboard and the Dashboard component), and the total splits.
func TestSummaryCountsByKind(t *testing.T) {
	doc := &plan.Document{Resources: []plan.Resource{
		{URN: "u1", Type: "aws:cloudwatch/dashboard:Dashboard", Name: "d", ID: "d-1", Account: "trading"},
		{URN: "u2", Type: "peerctl:observability:Dashboard", Name: "d", Account: "trading"},
		{URN: "u3", Type: "aws:ec2/vpc:Vpc", Name: "v1", ID: "vpc-1", Account: "trading"},
		{URN: "u4", Type: "aws:ec2/vpc:Vpc", Name: "v2", ID: "vpc-2", Account: "analytics"},
		{URN: "u5", Type: "pulumi:providers:aws", Name: "trading", ID: "p-1"},
	}}
	want := "Plan: 5 to create (3 AWS resources, 1 components, 1 providers).\n" +
		"  analytics: 1 (1 Vpc)\n" +
		"  trading: 3 (1 Dashboard, 1 Dashboard component, 1 Vpc)\n" +
		"  no account: 1 (1 aws provider)"
	if got := doc.Summary(); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
}

// Any configuration config.Parse accepts gives a plan with unique URNs and
// unique physical names per AWS account and type. Names are drawn from the
// words peerctl itself puts into names, joined by hyphens, so collisions are
// likely if validation misses one.
func TestAcceptedConfigurationsHaveUniqueNames(t *testing.T) {
	// Mostly a, b and c, so that one name is often another's prefix.
	short := []string{"a", "b", "c"}
	special := []string{"s3", "dynamodb", "app", "sg", "in", "out", "to", "from", "peer", "alarms", "filter",
		"route", "accepter", "requester", "options", "connection", "rt", "rta", "private", "use1", "az1", "vpc",
		"flow", "logs", "config", "compliance", "x443", "peering", "dashboard", "email"}
	accepted := 0
	rapid.Check(t, func(t *rapid.T) {
		word := rapid.OneOf(rapid.SampledFrom(short), rapid.SampledFrom(short), rapid.SampledFrom(special))
		var names []string
		add := func(name string) int {
			for i, n := range names {
				if n == name {
					return i
				}
			}
			names = append(names, name)
			return len(names) - 1
		}
		var peerings []string
		peered := map[[2]int]bool{}
		peer := func(i, j int) {
			if i != j && !peered[[2]int{min(i, j), max(i, j)}] {
				peered[[2]int{min(i, j), max(i, j)}] = true
				peerings = append(peerings, names[i]+">"+names[j])
			}
		}
		// One hyphenated sequence cut in two at different places gives
		// pairs of networks whose peerings spell one name (a + b-c, a-b + c).
		for s := range rapid.IntRange(1, 2).Draw(t, "sequences") {
			seq := rapid.SliceOfN(word, 2, 4).Draw(t, fmt.Sprintf("sequence%d", s))
			for c := range rapid.IntRange(1, 2).Draw(t, fmt.Sprintf("cuts%d", s)) {
				at := rapid.IntRange(1, len(seq)-1).Draw(t, fmt.Sprintf("cut%d-%d", s, c))
				i, j := add(strings.Join(seq[:at], "-")), add(strings.Join(seq[at:], "-"))
				if rapid.Bool().Draw(t, fmt.Sprintf("flip%d-%d", s, c)) {
					i, j = j, i
				}
				peer(i, j)
			}
		}
		for e := range rapid.IntRange(0, 2).Draw(t, "others") {
			add(strings.Join(rapid.SliceOfN(word, 1, 3).Draw(t, fmt.Sprintf("other%d", e)), "-"))
		}
		n := len(names)
		if n < 2 {
			return
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				if rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("peer%d-%d", i, j)) == 0 {
					peer(i, j)
				}
			}
		}
		if len(peerings) == 0 {
			peer(0, 1)
		}
		accounts := make([]string, n)
		for i := range accounts {
			accounts[i] = rapid.SampledFrom([]string{"", "{id: \"111111111111\", profile: one}", "{id: \"222222222222\", profile: two}"}).Draw(t, fmt.Sprintf("account%d", i))
		}
		yaml := accountsStack(names, accounts, peerings...)
		if rapid.Bool().Draw(t, "emails") {
			yaml += "  peerctl:alarms: {emails: [ops@example.com, Net@Example.com]}\n"
		}
		raw, err := config.ParseStackYAML([]byte(yaml))
		if err != nil {
			t.Fatalf("stack file: %v\n%s", err, yaml)
		}
		cfg, err := config.Parse(raw, func(string) (string, bool) { return "", false })
		if err != nil {
			return // refused: nothing to plan
		}
		accepted++
		doc, err := plan.Build(cfg, "dev")
		if err != nil {
			t.Fatalf("accepted configuration does not plan: %v\n%s", err, yaml)
		}
		checkPhysicalNames(t, doc, yaml)
	})
	t.Logf("%d generated configurations accepted and planned", accepted)
	if accepted < 20 {
		t.Errorf("only %d generated configurations were accepted: the property is barely tested", accepted)
	}
}

// checkPhysicalNames fails when two resources of one type would take the
// same name in one AWS account (bucket names: in all of AWS).
func checkPhysicalNames(t *rapid.T, doc *plan.Document, yaml string) {
	ids, _ := doc.Outputs["accountIds"].(map[string]any)
	seen := map[string]string{}
	for _, r := range doc.Resources {
		if r.ID == "" || r.Account == "" {
			continue // components and providers have no AWS name
		}
		in := func(k string) string { s, _ := r.Inputs[k].(string); return s }
		name := in("name")
		switch r.Type {
		case "aws:s3/bucketV2:BucketV2":
			name = in("bucket")
		case "aws:cloudwatch/dashboard:Dashboard":
			name = in("dashboardName")
		}
		if name == "" {
			continue
		}
		scope := fmt.Sprint(ids[r.Account])
		if r.Type == "aws:s3/bucketV2:BucketV2" {
			scope = "global"
		}
		// Names unique only within a role, log group or VPC carry it in the key.
		key := strings.Join([]string{r.Type, scope, in("role"), in("logGroupName"), in("vpcId"), name}, "|")
		if other, dup := seen[key]; dup {
			t.Fatalf("%s and %s are both %s %q in account %s\n%s", other, r.Name, r.Type, name, scope, yaml)
		}
		seen[key] = r.Name
	}
}
