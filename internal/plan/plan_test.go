package plan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

func loadDev(t testing.TB) *config.Config { return loadStack(t, "../../Pulumi.dev.yaml") }

// loadStack parses a stack file with no environment override.
func loadStack(t testing.TB, file string) *config.Config {
	t.Helper()
	raw, err := config.LoadStackFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// compact plans cfg and renders it as the compact tree (plan --compact).
func compact(t *testing.T, cfg *config.Config, stack string) string {
	t.Helper()
	doc, err := plan.Build(cfg, stack)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteCompact(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The JSON document has exactly the documented shape.
func TestJSONShape(t *testing.T) {
	doc, err := plan.Build(loadDev(t), "dev")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"stack", "environment", "region", "resources", "outputs"} {
		if _, ok := generic[key]; !ok {
			t.Errorf("plan JSON lacks %q", key)
		}
	}
	if generic["stack"] != "dev" || generic["environment"] != "dev" || generic["region"] != "us-east-1" {
		t.Errorf("header = %v %v %v", generic["stack"], generic["environment"], generic["region"])
	}
	resources := generic["resources"].([]any)
	prev := ""
	for _, r := range resources {
		m := r.(map[string]any)
		for _, key := range []string{"urn", "type", "name", "account", "parent", "provider", "dependsOn", "inputs"} {
			if _, ok := m[key]; !ok {
				t.Fatalf("resource %v lacks %q", m["urn"], key)
			}
		}
		if urn := m["urn"].(string); urn <= prev {
			t.Errorf("resources are not sorted by URN: %s after %s", urn, prev)
		} else {
			prev = urn
		}
	}
	var providers, components int
	for _, r := range doc.Resources {
		switch {
		case r.Type == "pulumi:providers:aws":
			providers++
			if r.Account != "" {
				t.Errorf("provider %s has account %q, want empty", r.Name, r.Account)
			}
		case strings.HasPrefix(r.Type, "peerctl:"):
			components++
		}
	}
	if providers != 2 || components < 3 {
		t.Errorf("plan has %d providers and %d components, want 2 and at least a network per account and the peering", providers, components)
	}
}

func TestIDsAreReferences(t *testing.T) {
	doc, err := plan.Build(loadDev(t), "dev")
	if err != nil {
		t.Fatal(err)
	}
	vpc, _ := obstest.Named(doc, "aws:ec2/vpc:Vpc", "trading-vpc")
	if !strings.HasPrefix(vpc.ID, "vpc-") || len(vpc.ID) != len("vpc-")+17 {
		t.Errorf("vpc id %q does not look like an AWS id", vpc.ID)
	}
	subnet, _ := obstest.Named(doc, "aws:ec2/subnet:Subnet", "trading-private-use1-az1")
	if obstest.Str(subnet.Inputs["vpcId"]) != vpc.ID {
		t.Errorf("subnet vpcId %q does not reference the VPC's id %q", obstest.Str(subnet.Inputs["vpcId"]), vpc.ID)
	}
	conn, _ := obstest.Named(doc, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-analytics-connection")
	acc, _ := obstest.Named(doc, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "trading-analytics-accepter")
	if acc.ID != conn.ID {
		t.Errorf("the accepter's id %q must be the connection id %q, as in the provider", acc.ID, conn.ID)
	}
}

func TestCompactRendering(t *testing.T) {
	doc, err := plan.Build(loadDev(t), "dev")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteCompact(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Plan for stack dev (environment dev, region us-east-1)\n",
		"\naccount trading (profile trading-dev, account 111111111111)\n",
		"\naccount analytics (profile analytics-dev, account 222222222222)\n",
		"\nno account (providers, and components that span accounts)\n",
		"\n  + peerctl:network:Network ",
		"\n    + aws:ec2/vpc:Vpc ",
		"\n    + peerctl:observability:LogBucket ",
		"\n      + aws:s3/bucketV2:BucketV2 ",
		"trading-analytics-connection\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text plan lacks %q", want)
		}
	}
	if strings.Index(out, "account trading") > strings.Index(out, "account analytics") {
		t.Error("accounts must follow the configuration's network order")
	}
	// The summary, then the deploy's critical path: AWS Config's chain is
	// the longest (role, its policy, recorder, delivery channel, recorder
	// status, rule: each needs the one before it to exist).
	if !strings.Contains(out, "\n"+doc.Summary()+"\nCritical path: 6 resources, each created after the one before: ") ||
		!strings.Contains(out, "-compliance-recorder -> ") || !strings.Contains(out, "-compliance-recorder-status -> ") {
		t.Errorf("the text plan does not end with the summary and the critical path:\n%s", out[max(0, len(out)-600):])
	}
	counts := map[string]int{}
	for _, r := range doc.Resources {
		counts[label(r.Account)]++
	}
	summary := doc.Summary()
	for _, want := range []string{
		fmt.Sprintf("Plan: %d to create (", len(doc.Resources)),
		fmt.Sprintf("\n  trading: %d (", counts["trading"]),
		fmt.Sprintf("\n  analytics: %d (", counts["analytics"]),
		"1 Peering component, 2 aws provider)",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

func label(account string) string {
	if account == "" {
		return "no account"
	}
	return account
}

// Resources destroy leaves behind, and ignored drift, are marked; an
// environment from ENVIRONMENT_SUFFIX says so; two networks in one account say so.
func TestCompactMarksWhatReviewersMustSee(t *testing.T) {
	out := compact(t, loadStack(t, "../../Pulumi.prod.yaml"), "prod")
	for _, want := range []string{"trading-flow-logs-bucket  (kept on destroy)", "trading-default-nacl  (ignores drift of subnetIds)"} {
		if !strings.Contains(out, want) {
			t.Errorf("prod plan lacks %q", want)
		}
	}

	cfg, err := config.Parse(config.Raw{}, func(k string) (string, bool) { return "qa", k == "ENVIRONMENT_SUFFIX" })
	if err != nil {
		t.Fatal(err)
	}
	out = compact(t, cfg, "dev")
	for _, want := range []string{"(environment qa from ENVIRONMENT_SUFFIX, region us-east-1)", "the same AWS account as trading)"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
}

func TestMocksRejectUnknownInvokes(t *testing.T) {
	m := plan.NewMocks("peerctl", "dev")
	_, err := m.Call(pulumiCall("aws:index/getAmi:getAmi"))
	if err == nil || !strings.Contains(err.Error(), "the offline plan has no answer for aws:index/getAmi:getAmi") {
		t.Errorf("error = %v", err)
	}
}
