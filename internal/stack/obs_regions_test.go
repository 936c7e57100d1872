package stack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/stack"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// Observability in each network's own region (issue 12): every regional
// ARN, global name and widget of a network uses the network's region, not
// peerctl:region. Expected values are written out by hand from AWS's ARN
// formats and the naming scheme of package names (region codes euw1, use1).

func crossRegionTwoAccounts(t *testing.T, extra ...string) *obsRun {
	t.Helper()
	cfg := parseConfig(t, obstest.TwoAccounts(extra...))
	setRegion(t, cfg, "analytics", "eu-west-1")
	return runObservability(t, cfg)
}

func TestFlowLogsAndAlarmsUseTheNetworksRegion(t *testing.T) {
	run := crossRegionTwoAccounts(t)
	tests := []struct {
		network, account, region, code string
	}{
		{"trading", "111111111111", "us-east-1", "use1"},
		{"analytics", "222222222222", "eu-west-1", "euw1"},
	}
	for _, tt := range tests {
		t.Run(tt.network, func(t *testing.T) {
			bucket := run.must(t, obstest.BucketType, tt.network+"-flow-logs-bucket")
			wantBucket := fmt.Sprintf("%s-flows-dev-%s-%s", tt.network, tt.code, tt.account)
			if got := obstest.Str(bucket.Inputs["bucket"]); got != wantBucket {
				t.Errorf("bucket %q, want %q", got, wantBucket)
			}
			if bucket.Account != tt.network {
				t.Errorf("bucket on %q's provider, want %q's", bucket.Account, tt.network)
			}
			policy := run.must(t, obstest.BucketPolicyType, tt.network+"-flow-logs-bucket-policy")
			wantSource := fmt.Sprintf("arn:aws:logs:%s:%s:*", tt.region, tt.account)
			for _, sid := range []string{"AWSLogDeliveryWrite", "AWSLogDeliveryCheck"} {
				if got := conditionValues(statement(t, policy.Inputs["policy"], sid), "ArnLike", "aws:SourceArn"); !slices.Equal(got, []string{wantSource}) {
					t.Errorf("%s aws:SourceArn %v, want %s", sid, got, wantSource)
				}
			}
			role := run.must(t, obstest.RoleType, tt.network+"-flow-logs-role")
			if got, want := obstest.Str(role.Inputs["name"]), fmt.Sprintf("%s-vpc-flow-logs-dev-%s", tt.network, tt.code); got != want {
				t.Errorf("role %q, want %q", got, want)
			}
			trust := obstest.List(obstest.Obj(role.Inputs["assumeRolePolicy"])["Statement"])
			if got, want := conditionValues(obstest.Obj(trust[0]), "ArnLike", "aws:SourceArn"),
				fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/*", tt.region, tt.account); !slices.Equal(got, []string{want}) {
				t.Errorf("trust aws:SourceArn %v, want %s", got, want)
			}
			rolePolicy := run.must(t, obstest.RolePolicyType, tt.network+"-flow-logs-role-policy")
			find := statement(t, rolePolicy.Inputs["policy"], "FindLogGroup")
			if got, want := obstest.Strs(find["Resource"]), fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", tt.region, tt.account); !slices.Equal(got, []string{want}) {
				t.Errorf("FindLogGroup on %v, want %s", got, want)
			}
			for _, fl := range []string{"-flow-logs-s3", "-flow-logs-cloudwatch"} {
				if got := obstest.Str(run.must(t, obstest.FlowLogType, tt.network+fl).Inputs["vpcId"]); got != "vpc-"+tt.network {
					t.Errorf("%s%s on VPC %q, want vpc-%s", tt.network, fl, got, tt.network)
				}
			}
			key := run.must(t, obstest.KeyType, tt.network+"-peer-alarms-key")
			publish := statement(t, key.Inputs["policy"], "CloudWatchAlarmsPublish")
			if got, want := conditionValues(publish, "ArnLike", "aws:SourceArn"), fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:*", tt.region, tt.account); !slices.Equal(got, []string{want}) {
				t.Errorf("topic key aws:SourceArn %v, want %s", got, want)
			}
		})
	}
}

func TestAWSConfigPerAccountAndRegion(t *testing.T) {
	cfg := parseConfig(t, obstest.OneAccount("peerctl:environment: prod"))
	setRegion(t, cfg, "analytics", "eu-west-1")
	run := runObservability(t, cfg)

	// One account, two regions: two recorders, channels, buckets and
	// roles, each in its region, named after the group's first network.
	want := map[string]struct{ bucket, role, recorder, logService string }{
		"trading":   {"trading-config-prod-use1-111111111111", "trading-aws-config-prod-use1", "trading-config-recorder-prod", "logs.us-east-1.amazonaws.com"},
		"analytics": {"analytics-config-prod-euw1-111111111111", "analytics-aws-config-prod-euw1", "analytics-config-recorder-prod", "logs.eu-west-1.amazonaws.com"},
	}
	if got := len(run.ofType(obstest.RecorderType)); got != 2 {
		t.Errorf("%d recorders, want one per region", got)
	}
	for g, w := range want {
		if got := obstest.Str(run.must(t, obstest.BucketType, g+"-compliance-bucket").Inputs["bucket"]); got != w.bucket {
			t.Errorf("%s Config bucket %q, want %q", g, got, w.bucket)
		}
		if got := obstest.Str(run.must(t, obstest.RoleType, g+"-compliance-role").Inputs["name"]); got != w.role {
			t.Errorf("%s Config role %q, want %q", g, got, w.role)
		}
		rec := run.must(t, obstest.RecorderType, g+"-compliance-recorder")
		if got := obstest.Str(rec.Inputs["name"]); got != w.recorder || rec.Account != g {
			t.Errorf("%s recorder %q on %q's provider, want %q on its own", g, got, rec.Account, w.recorder)
		}
		// The group's log key, in the group's region.
		key := run.must(t, obstest.KeyType, g+"-log-key")
		st := statement(t, key.Inputs["policy"], "CloudWatchLogsEncryptLogGroups")
		if got := stringsOf(obstest.Obj(st["Principal"])["Service"]); !slices.Equal(got, []string{w.logService}) {
			t.Errorf("%s log key grants %v, want %s", g, got, w.logService)
		}
		if key.Account != g {
			t.Errorf("%s log key on %q's provider", g, key.Account)
		}
		alias := run.must(t, obstest.AliasType, g+"-log-key-alias")
		if got, want := obstest.Str(alias.Inputs["name"]), "alias/peerctl-logs-"+g+"-prod"; got != want {
			t.Errorf("%s alias %q, want %q", g, got, want)
		}
	}
	// Both groups' rules: DNS rule on each group's own VPCs.
	for g, vpc := range map[string]string{"trading": "vpc-trading", "analytics": "vpc-analytics"} {
		rule := run.must(t, obstest.RuleType, g+"-compliance-rule-vpc-peering-dns-resolution")
		if got := obstest.Str(obstest.Obj(rule.Inputs["inputParameters"])["vpcIds"]); got != vpc {
			t.Errorf("%s DNS rule vpcIds %q, want %q", g, got, vpc)
		}
	}
}

func TestDashboardsAcrossRegions(t *testing.T) {
	run := crossRegionTwoAccounts(t, "peerctl:dashboard: {crossAccount: true}")
	// OAM is regional: no sink and no link toward a group in another region.
	for _, typ := range []string{obstest.SinkType, obstest.SinkPolicyType, obstest.LinkType} {
		if got := run.ofType(typ); len(got) != 0 {
			t.Errorf("%d %s across regions, want none", len(got), typ)
		}
	}
	main := run.must(t, obstest.DashboardType, "trading-peering-dashboard-dashboard")
	own := run.must(t, obstest.DashboardType, "analytics-peering-dashboard-dashboard")
	if got := obstest.Str(main.Inputs["dashboardName"]); got != "vpc-peering-dashboard-dev-use1" {
		t.Errorf("main dashboard %q", got)
	}
	if got := obstest.Str(own.Inputs["dashboardName"]); got != "vpc-peering-dashboard-analytics-dev-euw1" {
		t.Errorf("analytics's dashboard %q", got)
	}
	checkWidgetRegions(t, main, "us-east-1", "trading-to-analytics-bytes-dev")
	checkWidgetRegions(t, own, "eu-west-1", "analytics-to-trading-bytes-dev")
	note := obstest.Str(obstest.Obj(widgetsOf(main)[0]["properties"])["markdown"])
	wantNote := "Networks in other regions have their own dashboards: `vpc-peering-dashboard-analytics-dev-euw1` (account 222222222222, eu-west-1). " +
		"CloudWatch cross-account observability links accounts within one region only, so their metrics are not graphed here."
	if !strings.HasSuffix(note, "\n\n"+wantNote) {
		t.Errorf("main dashboard header %q\nwant it to end with %q", note, wantNote)
	}
	for _, a := range alarmWidgetARNs(own) {
		if !strings.HasPrefix(a, "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:analytics-") {
			t.Errorf("analytics's dashboard shows alarm %s", a)
		}
	}
	names := obstest.Obj(run.Outputs[stack.OutputDashboardNames])
	if names["trading"] != "vpc-peering-dashboard-dev-use1" || names["analytics"] != "vpc-peering-dashboard-analytics-dev-euw1" {
		t.Errorf("dashboardNames %v", names)
	}
}

// widgetsOf decodes a dashboard's widgets.
func widgetsOf(d obsResource) []map[string]any {
	var out []map[string]any
	for _, w := range obstest.List(obstest.Obj(d.Inputs["dashboardBody"])["widgets"]) {
		out = append(out, obstest.Obj(w))
	}
	return out
}

// checkWidgetRegions: every metric widget is in region, and some graph
// shows metric.
func checkWidgetRegions(t *testing.T, d obsResource, region, metric string) {
	t.Helper()
	found := false
	for _, w := range widgetsOf(d) {
		if w["type"] != "metric" {
			continue
		}
		props := obstest.Obj(w["properties"])
		if got := obstest.Str(props["region"]); got != region {
			t.Errorf("%s widget %v in region %q, want %q", d.Name, props["title"], got, region)
		}
		for _, line := range obstest.List(props["metrics"]) {
			found = found || obstest.List(line)[1] == metric
		}
	}
	if !found {
		t.Errorf("%s graphs no %s", d.Name, metric)
	}
}

func alarmWidgetARNs(d obsResource) []string {
	var out []string
	for _, w := range widgetsOf(d) {
		if w["type"] == "alarm" {
			out = append(out, obstest.Strs(obstest.Obj(w["properties"])["alarms"])...)
		}
	}
	return out
}

// The whole program, planned: one account with a network in each of two
// regions registers every per-group resource once per group, under
// distinct logical and physical names (a clash would be a duplicate URN,
// or two resources AWS refuses to create under one name).
func TestPlanOneAccountTwoRegions(t *testing.T) {
	cfg := parseConfig(t, obstest.OneAccount("peerctl:environment: prod", "peerctl:dashboard: {crossAccount: true}"))
	setRegion(t, cfg, "analytics", "eu-west-1")
	doc, err := plan.Build(cfg, "prod")
	if err != nil {
		t.Fatal(err)
	}
	p := &obstest.Plan{Document: doc, Config: cfg}
	want := map[string][]string{
		obstest.RecorderType:  {"analytics-config-recorder-prod", "trading-config-recorder-prod"},
		obstest.AliasType:     {"alias/peerctl-logs-analytics-prod", "alias/peerctl-logs-trading-prod"},
		obstest.DashboardType: {"vpc-peering-dashboard-analytics-prod-euw1", "vpc-peering-dashboard-prod-use1"},
	}
	for typ, names := range want {
		var got []string
		for _, r := range p.OfType(typ) {
			if typ == obstest.AliasType && !strings.HasPrefix(obstest.Str(r.Inputs["name"]), "alias/peerctl-logs-") {
				continue // the alarm topics' key aliases
			}
			key := "name"
			if typ == obstest.DashboardType {
				key = "dashboardName"
			}
			got = append(got, obstest.Str(r.Inputs[key]))
		}
		slices.Sort(got)
		if !slices.Equal(got, names) {
			t.Errorf("%s: %v, want %v", typ, got, names)
		}
	}
	// One account: nothing to link, whatever the region.
	if n := len(p.OfType(obstest.SinkType)) + len(p.OfType(obstest.LinkType)); n != 0 {
		t.Errorf("%d OAM resources in a one-account stack", n)
	}
}
