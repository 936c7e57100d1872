package stack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/stack"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// Observability for issue 12's modes: OAM across regions, existing VPCs
// with and without flow logs, partners of one-sided peerings, the log
// archive policy of an account in two regions.

// threeAccounts: trading and analytics in us-east-1, risk in eu-west-1,
// each in its own account, all peered with trading.
func threeAccounts(t *testing.T, extra ...string) *config.Config {
	t.Helper()
	yaml := "config:\n"
	for _, e := range extra {
		yaml += "  " + e + "\n"
	}
	yaml += `  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111", profile: trading}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "222222222222", profile: analytics}}
    - {name: risk, cidr: 10.2.0.0/16, costCenter: risk, account: {id: "333333333333", profile: risk}}
  peerctl:peerings: [{requester: trading, accepter: analytics}, {requester: trading, accepter: risk}]
`
	cfg := parseConfig(t, yaml)
	setRegion(t, cfg, "risk", "eu-west-1")
	return cfg
}

func TestOAMLinksOnlyGroupsInTheMonitoringRegion(t *testing.T) {
	run := runObservability(t, threeAccounts(t, "peerctl:dashboard: {crossAccount: true}"))
	sink := run.must(t, obstest.SinkType, "trading-peering-dashboard-oam-sink")
	if sink.Account != "trading" {
		t.Errorf("sink on %q's provider, want trading's", sink.Account)
	}
	links := run.ofType(obstest.LinkType)
	if len(links) != 1 || links[0].Name != "analytics-peering-dashboard-oam-link" || links[0].Account != "analytics" {
		t.Errorf("links %v, want only analytics's (risk is in eu-west-1)", links)
	}
	policy := run.must(t, obstest.SinkPolicyType, "trading-peering-dashboard-oam-sink-policy")
	st := obstest.List(obstest.Obj(policy.Inputs["policy"])["Statement"])
	if got := stringsOf(obstest.Obj(obstest.Obj(st[0])["Principal"])["AWS"]); !slices.Equal(got, []string{"222222222222"}) {
		t.Errorf("sink policy lets %v link, want only 222222222222", got)
	}
	// The main dashboard graphs analytics's metrics through OAM, not risk's.
	main := run.must(t, obstest.DashboardType, "trading-peering-dashboard-dashboard")
	var accounts []string
	for _, w := range widgetsOf(main) {
		for _, line := range obstest.List(obstest.Obj(w["properties"])["metrics"]) {
			l := obstest.List(line)
			if acct := obstest.Str(obstest.Obj(l[2])["accountId"]); acct != "" {
				accounts = append(accounts, acct)
			}
			if strings.HasPrefix(obstest.Str(l[1]), "risk-") {
				t.Errorf("main dashboard graphs %v from eu-west-1", l[1])
			}
		}
	}
	if len(accounts) == 0 || slices.ContainsFunc(accounts, func(a string) bool { return a != "222222222222" }) {
		t.Errorf("main dashboard graphs other accounts %v, want analytics's (222222222222) only", accounts)
	}
	checkWidgetRegions(t, main, "us-east-1", "analytics-to-trading-bytes-dev")
	risk := run.must(t, obstest.DashboardType, "risk-peering-dashboard-dashboard")
	if got := obstest.Str(risk.Inputs["dashboardName"]); got != "vpc-peering-dashboard-risk-dev-euw1" {
		t.Errorf("risk's dashboard %q", got)
	}
	checkWidgetRegions(t, risk, "eu-west-1", "risk-from-trading-bytes-dev")
	header := obstest.Str(obstest.Obj(widgetsOf(main)[0]["properties"])["markdown"])
	for _, want := range []string{
		"Alarm states of networks in other accounts are on their accounts' dashboards: `vpc-peering-dashboard-analytics-dev-use1` (account 222222222222).",
		"Networks in other regions have their own dashboards: `vpc-peering-dashboard-risk-dev-euw1` (account 333333333333, eu-west-1).",
	} {
		if !strings.Contains(header, want) {
			t.Errorf("main dashboard header %q lacks %q", header, want)
		}
	}
}

// legacyExisting makes analytics an existing VPC.
func legacyExisting(flowLogs bool) config.Existing {
	return config.Existing{VPCID: "vpc-0a1b2c3d4e5f60718", SecurityGroup: true, FlowLogs: flowLogs}
}

func TestExistingNetworkFlowLogsOnItsVPC(t *testing.T) {
	cfg := parseConfig(t, obstest.TwoAccounts())
	setRegion(t, cfg, "analytics", "eu-west-1")
	setExisting(t, cfg, "analytics", legacyExisting(true))
	run := runObservability(t, cfg)
	for _, fl := range []string{"analytics-flow-logs-s3", "analytics-flow-logs-cloudwatch"} {
		if got := obstest.Str(run.must(t, obstest.FlowLogType, fl).Inputs["vpcId"]); got != "vpc-0a1b2c3d4e5f60718" {
			t.Errorf("%s on %q, want the existing VPC vpc-0a1b2c3d4e5f60718", fl, got)
		}
	}
	rule := run.must(t, obstest.RuleType, "analytics-compliance-rule-vpc-peering-dns-resolution")
	if got := obstest.Str(obstest.Obj(rule.Inputs["inputParameters"])["vpcIds"]); got != "vpc-0a1b2c3d4e5f60718" {
		t.Errorf("DNS rule vpcIds %q, want the existing VPC", got)
	}
	if got, ok := run.output(stack.OutputAlarmNames, "analytics"); !ok || len(obstest.List(got)) != 3 {
		t.Errorf("alarmNames[analytics] = %v, want its three alarms about trading", got)
	}
}

func TestExistingNetworkWithoutFlowLogs(t *testing.T) {
	cfg := parseConfig(t, obstest.TwoAccounts())
	setExisting(t, cfg, "analytics", legacyExisting(false))
	run := runObservability(t, cfg)
	for _, res := range run.Resources {
		if strings.HasPrefix(res.Name, "analytics-flow-logs") || strings.HasPrefix(res.Name, "analytics-peer-alarms") {
			t.Errorf("%s %s created for a network with existing.flowLogs false", res.Type, res.Name)
		}
	}
	for _, out := range []string{stack.OutputFlowLogIDs, stack.OutputFlowLogBuckets, stack.OutputFlowLogGroups,
		stack.OutputAlarmNames, stack.OutputAlarmTopicARNs} {
		if _, ok := run.output(out, "analytics"); ok {
			t.Errorf("%s has an analytics key", out)
		}
		if _, ok := run.output(out, "trading"); !ok {
			t.Errorf("%s lacks trading", out)
		}
	}
	for _, out := range []string{stack.OutputConfigRuleNames, stack.OutputConfigRecorderNames, stack.OutputDashboardNames} {
		if _, ok := run.output(out, "analytics"); !ok {
			t.Errorf("%s lacks analytics: AWS Config and its dashboard still cover it", out)
		}
	}
	// trading still watches its traffic with analytics, from its own flow log.
	if _, ok := run.named(obstest.AlarmType, "trading-peer-alarms-to-analytics-traffic"); !ok {
		t.Error("trading has no alarm about analytics")
	}
	own := run.must(t, obstest.DashboardType, "analytics-peering-dashboard-dashboard")
	ws := widgetsOf(own)
	if len(ws) != 1 || ws[0]["type"] != "text" {
		t.Errorf("analytics's dashboard has %d widgets, want only its header", len(ws))
	}
	want := "No traffic graphs or alarms for analytics: peerctl creates no flow logs there (existing VPC with existing.flowLogs false)."
	if header := obstest.Str(obstest.Obj(ws[0]["properties"])["markdown"]); !strings.HasSuffix(header, "\n\n"+want) {
		t.Errorf("analytics's dashboard header %q\nwant it to end with %q", header, want)
	}
}

func TestLogKeyOnlyWhereSomethingUsesIt(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
		want  []string // groups with a created log key
	}{
		// analytics's Config bucket still uses its group's key.
		{"own Config bucket", []string{"peerctl:environment: prod"}, []string{"analytics-log-key", "trading-log-key"}},
		// Nothing in analytics's group would be encrypted with it.
		{"no recorder", []string{"peerctl:environment: prod", "peerctl:compliance: {createRecorder: false}"}, []string{"trading-log-key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parseConfig(t, obstest.TwoAccounts(tt.extra...))
			setExisting(t, cfg, "analytics", legacyExisting(false))
			run := runObservability(t, cfg)
			var got []string
			for _, k := range run.ofType(obstest.KeyType) {
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

// withPartners adds to trading an accepter-only peering with a named
// partner and a requester-only one toward an unnamed partner's VPC in
// another region, as examples/partner does.
func withPartners(t *testing.T, cfg *config.Config) {
	t.Helper()
	cfg.Peerings = append(cfg.Peerings,
		config.Peering{Accepter: "trading", ConnectionID: "pcx-0123456789abcdef0", PeerAccountID: "333333333333",
			PeerCIDR: prefix("172.31.0.0/16"), PeerName: "market-data", PeerNACLSlot: netplan.DefaultPeerSlot("market-data")},
		config.Peering{Requester: "trading", PeerVPCID: "vpc-0fedcba9876543210", PeerAccountID: "333333333333",
			PeerCIDR: prefix("192.168.0.0/16"), PeerRegion: "us-west-2", PeerNACLSlot: netplan.DefaultPeerSlot("vpc-0fedcba9876543210")},
	)
}

func TestPartnerAlarms(t *testing.T) {
	cfg := parseConfig(t, obstest.TwoAccounts())
	withPartners(t, cfg)
	run := runObservability(t, cfg)
	tests := []struct {
		partner, term string
	}{
		{"market-data", `"172.31.*"`},
		{"vpc-0fedcba9876543210", `"192.168.*"`},
	}
	for _, tt := range tests {
		t.Run(tt.partner, func(t *testing.T) {
			for _, key := range []string{"to-" + tt.partner + "-traffic", "from-" + tt.partner + "-traffic", "from-" + tt.partner + "-rejects"} {
				alarm := run.must(t, obstest.AlarmType, "trading-peer-alarms-"+key)
				if got, want := obstest.Str(alarm.Inputs["name"]), "trading-"+key+"-dev"; got != want {
					t.Errorf("alarm %q, want %q", got, want)
				}
				if alarm.Account != "trading" {
					t.Errorf("alarm %s on %q's provider", key, alarm.Account)
				}
			}
			n := 0
			for _, f := range run.ofType(obstest.MetricFilterType) {
				if strings.Contains(f.Name, "-"+tt.partner+"-") {
					n++
					if !strings.Contains(obstest.Str(f.Inputs["pattern"]), tt.term) {
						t.Errorf("filter %s pattern %v lacks %s", f.Name, f.Inputs["pattern"], tt.term)
					}
				}
			}
			if n != 3 {
				t.Errorf("%d metric filters about %s, want 3 (bytes to, bytes from, rejects)", n, tt.partner)
			}
		})
	}
	// Only trading has the partners; analytics's alarms are about trading.
	if got := obstest.List(obstest.Obj(run.Outputs[stack.OutputAlarmNames])["analytics"]); len(got) != 3 {
		t.Errorf("analytics alarms %v, want its three about trading", got)
	}
	if got := obstest.List(obstest.Obj(run.Outputs[stack.OutputAlarmNames])["trading"]); len(got) != 9 {
		t.Errorf("trading has %d alarms, want 9 (analytics, market-data and the requested partner)", len(got))
	}
}

func TestLogArchivePolicyForAnAccountInTwoRegions(t *testing.T) {
	const archive = "org-log-archive-333333333333"
	cfg := parseConfig(t, obstest.OneAccount(`peerctl:logArchive: {bucketArn: "arn:aws:s3:::`+archive+`", accountId: "333333333333"}`))
	setRegion(t, cfg, "analytics", "eu-west-1")
	run := runObservability(t, cfg)
	raw, ok := run.Outputs[stack.OutputLogArchiveBucketPolicy]
	if !ok {
		t.Fatal("no logArchiveBucketPolicy output")
	}
	doc := obstest.Obj(raw)
	if doc == nil {
		doc = decodeJSON(t, obstest.Str(raw))
	}
	var sids []string
	for _, st := range obstest.List(doc["Statement"]) {
		sids = append(sids, obstest.Str(obstest.Obj(st)["Sid"]))
	}
	if len(slices.Compact(slices.Sorted(slices.Values(sids)))) != len(sids) {
		t.Errorf("statement ids repeat: %v", sids)
	}
	want := []string{"arn:aws:logs:us-east-1:111111111111:*", "arn:aws:logs:eu-west-1:111111111111:*"}
	for _, sid := range []string{"AWSLogDeliveryWrite111111111111", "AWSLogDeliveryCheck111111111111"} {
		if got := conditionValues(statement(t, doc, sid), "ArnLike", "aws:SourceArn"); !slices.Equal(got, want) {
			t.Errorf("%s aws:SourceArn %v, want %v", sid, got, want)
		}
	}
}
