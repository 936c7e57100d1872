package observability_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// widgets returns a dashboard's widgets.
func widgets(t *testing.T, d plan.Resource) []map[string]any {
	t.Helper()
	body := obstest.Obj(d.Inputs["dashboardBody"])
	if body == nil {
		t.Fatalf("%s body is not a JSON object: %v", d.Name, d.Inputs["dashboardBody"])
	}
	var out []map[string]any
	for _, w := range obstest.List(body["widgets"]) {
		out = append(out, obstest.Obj(w))
	}
	return out
}

// dashboardMetrics lists "<accountId>/<metric name>" of every metric line,
// and the alarm ARNs of every alarm widget.
func dashboardContents(t *testing.T, d plan.Resource) (metrics, alarms []string) {
	t.Helper()
	for _, w := range widgets(t, d) {
		props := obstest.Obj(w["properties"])
		switch w["type"] {
		case "metric":
			for _, line := range obstest.List(props["metrics"]) {
				l := obstest.List(line)
				if len(l) != 3 || l[0] != observability.Namespace {
					t.Errorf("%s: metric line %v", d.Name, l)
					continue
				}
				opts := obstest.Obj(l[2])
				acct, _ := opts["accountId"].(string)
				metrics = append(metrics, fmt.Sprintf("%s/%s", acct, l[1]))
			}
			if props["stat"] != "Sum" || obstest.Num(props["period"]) != 300 || props["region"] != "us-east-1" {
				t.Errorf("%s: widget %v: stat %v period %v region %v", d.Name, props["title"], props["stat"], props["period"], props["region"])
			}
		case "alarm":
			alarms = append(alarms, obstest.Strs(props["alarms"])...)
		case "text":
		default:
			t.Errorf("%s: widget type %v", d.Name, w["type"])
		}
	}
	slices.Sort(metrics)
	slices.Sort(alarms)
	return metrics, alarms
}

func peerMetricNames(network, peer, env, acct string) []string {
	var out []string
	for _, m := range observability.PeerMetrics(network, peer, env) {
		out = append(out, acct+"/"+m.Name)
	}
	return out
}

func alarmARNs(acct, network, peer, env string) []string {
	var out []string
	for _, s := range observability.PeerAlarmSpecs(network, peer, env, 1, 1) {
		out = append(out, fmt.Sprintf("arn:aws:cloudwatch:us-east-1:%s:alarm:%s", acct, s.Name))
	}
	return out
}

func sorted(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	slices.Sort(out)
	return out
}

// With cross-account observability (opt-in), the dashboard in the
// monitoring account graphs every network: the other account's metrics
// through the OAM sink and link (accountId on each metric line). Alarm
// states stay in each account (OAM shares metrics, not alarms), so the
// other account keeps a dashboard of its own and no alarm in the
// monitoring account watches another account's metric.
func TestCrossAccountDashboard(t *testing.T) {
	tests := []struct {
		name        string
		extra       []string
		mon, source string
	}{
		{"monitoring trading (first network)", []string{"peerctl:dashboard: {crossAccount: true}"}, "trading", "analytics"},
		{"monitoring analytics", []string{"peerctl:dashboard: {crossAccount: true, monitoringNetwork: analytics}"}, "analytics", "trading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, obstest.TwoAccounts(tt.extra...), "dev")
			monAcct, srcAcct := accountOf[tt.mon], accountOf[tt.source]
			comp := p.Must(t, observability.DashboardType, "peering-dashboard")
			if comp.Account != "" || comp.Inputs["mode"] != "cross-account" {
				t.Errorf("dashboard component: account %q mode %v", comp.Account, comp.Inputs["mode"])
			}
			sink := p.Must(t, obstest.SinkType, tt.mon+"-peering-dashboard-oam-sink")
			if sink.Provider != p.Provider(tt.mon) || obstest.Str(sink.Inputs["name"]) != "vpc-peering-dev" || sink.Parent != comp.URN ||
				obstest.Tags(sink)["CostCenter"] != "shared" {
				t.Errorf("sink %v on %s", sink.Inputs, sink.Provider)
			}
			sinkARN := fmt.Sprintf("arn:aws:oam:us-east-1:%s:sink/vpc-peering-dev", monAcct)
			sp := p.Must(t, obstest.SinkPolicyType, tt.mon+"-peering-dashboard-oam-sink-policy")
			doc := policyOf(t, p, sp)
			if obstest.Str(sp.Inputs["sinkIdentifier"]) != sinkARN || sp.Provider != p.Provider(tt.mon) || len(doc.Statement) != 1 {
				t.Fatalf("sink policy %v on %s", sp.Inputs, sp.Provider)
			}
			s := doc.Statement[0]
			if s.Effect != "Allow" || !slices.Equal(s.Principal.AWS, []string{srcAcct}) ||
				!slices.Equal(s.Action, []string{"oam:CreateLink", "oam:UpdateLink"}) ||
				!slices.Equal(s.ConditionValues("ForAllValues:StringEquals", "oam:ResourceTypes"), []string{"AWS::CloudWatch::Metric"}) {
				t.Errorf("sink policy statement = %+v", s)
			}
			link := p.Must(t, obstest.LinkType, tt.source+"-peering-dashboard-oam-link")
			if link.Provider != p.Provider(tt.source) || obstest.Str(link.Inputs["sinkIdentifier"]) != sinkARN ||
				!slices.Equal(obstest.Strs(link.Inputs["resourceTypes"]), []string{"AWS::CloudWatch::Metric"}) ||
				!obstest.DependsOn(link, sp.URN) {
				t.Errorf("link %v on %s (depends on %v)", link.Inputs, link.Provider, link.DependsOn)
			}
			if f := obstest.Obj(obstest.Obj(link.Inputs["linkConfiguration"])["metricConfiguration"])["filter"]; f != "Namespace IN ('Peerctl/VpcPeering')" {
				t.Errorf("link shares %v, want only the peerctl namespace", f)
			}
			if n := len(p.OfType(obstest.SinkType)) + len(p.OfType(obstest.LinkType)); n != 2 {
				t.Errorf("%d sinks and links, want one of each", n)
			}

			for _, a := range p.OfType(obstest.AlarmType) {
				if a.Inputs["metricQueries"] != nil || a.Parent == comp.URN {
					t.Errorf("alarm %s watches another account's metric; that needs CloudWatch's cross-account sharing roles, not OAM", a.Name)
				}
			}

			dash := p.Must(t, obstest.DashboardType, tt.mon+"-peering-dashboard-dashboard")
			if obstest.Str(dash.Inputs["dashboardName"]) != "vpc-peering-dashboard-dev-use1" || dash.Provider != p.Provider(tt.mon) {
				t.Errorf("dashboard %v on %s", dash.Inputs["dashboardName"], dash.Provider)
			}
			metrics, alarms := dashboardContents(t, dash)
			wantMetrics := sorted(peerMetricNames(tt.mon, tt.source, "dev", ""), peerMetricNames(tt.source, tt.mon, "dev", srcAcct))
			if !slices.Equal(metrics, wantMetrics) {
				t.Errorf("dashboard metrics = %v\nwant %v", metrics, wantMetrics)
			}
			if want := sorted(alarmARNs(monAcct, tt.mon, tt.source, "dev")); !slices.Equal(alarms, want) {
				t.Errorf("dashboard alarms = %v\nwant only the monitoring account's %v", alarms, want)
			}
			other := p.Must(t, obstest.DashboardType, tt.source+"-peering-dashboard-dashboard")
			if obstest.Str(other.Inputs["dashboardName"]) != "vpc-peering-dashboard-"+tt.source+"-dev-use1" || other.Provider != p.Provider(tt.source) {
				t.Errorf("the source account's dashboard %v is on %s", other.Inputs["dashboardName"], other.Provider)
			}
			if _, alarms := dashboardContents(t, other); !slices.Equal(alarms, sorted(alarmARNs(srcAcct, tt.source, tt.mon, "dev"))) {
				t.Errorf("the source account's dashboard shows alarms %v", alarms)
			}
			if n := len(p.OfType(obstest.DashboardType)); n != 2 {
				t.Errorf("%d dashboards, want the main one and the source account's", n)
			}
			if p.Outputs["dashboardName"] != "vpc-peering-dashboard-dev-use1" {
				t.Errorf("dashboardName output = %v", p.Outputs["dashboardName"])
			}
		})
	}
}

// Without cross-account observability (the default) each account has its
// own dashboard of its own metrics and alarms, and there is no OAM.
func TestPerAccountDashboards(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts(), "dev")
	if n := len(p.OfType(obstest.SinkType)) + len(p.OfType(obstest.SinkPolicyType)) + len(p.OfType(obstest.LinkType)); n != 0 {
		t.Errorf("%d OAM resources without crossAccount", n)
	}
	if p.Must(t, observability.DashboardType, "peering-dashboard").Inputs["mode"] != "per-account" {
		t.Error("mode is not per-account")
	}
	tests := []struct {
		network, peer, name string
	}{
		{"trading", "analytics", "vpc-peering-dashboard-dev-use1"},
		{"analytics", "trading", "vpc-peering-dashboard-analytics-dev-use1"},
	}
	for _, tt := range tests {
		d := p.Must(t, obstest.DashboardType, tt.network+"-peering-dashboard-dashboard")
		if obstest.Str(d.Inputs["dashboardName"]) != tt.name || d.Provider != p.Provider(tt.network) {
			t.Errorf("dashboard %v on %s, want %s on %s's provider", d.Inputs["dashboardName"], d.Provider, tt.name, tt.network)
		}
		metrics, alarms := dashboardContents(t, d)
		if want := sorted(peerMetricNames(tt.network, tt.peer, "dev", "")); !slices.Equal(metrics, want) {
			t.Errorf("%s metrics = %v, want %v", tt.name, metrics, want)
		}
		if want := sorted(alarmARNs(accountOf[tt.network], tt.network, tt.peer, "dev")); !slices.Equal(alarms, want) {
			t.Errorf("%s alarms = %v, want %v", tt.name, alarms, want)
		}
	}
	for _, a := range p.OfType(obstest.AlarmType) {
		if a.Inputs["metricQueries"] != nil {
			t.Errorf("alarm %s watches another account's metric", a.Name)
		}
	}
}

// When every network is in one account there is nothing to share: no OAM,
// one dashboard with every network.
func TestSingleAccountDashboard(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{"equal account ids", obstest.OneAccount()},
		{"same credentials", "config: {}\n"},
		{"same account, crossAccount on", obstest.OneAccount("peerctl:dashboard: {crossAccount: true}")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, tt.yaml, "dev")
			if n := len(p.OfType(obstest.SinkType)) + len(p.OfType(obstest.SinkPolicyType)) + len(p.OfType(obstest.LinkType)); n != 0 {
				t.Errorf("%d OAM resources in a single-account stack", n)
			}
			dashboards := p.OfType(obstest.DashboardType)
			if len(dashboards) != 1 || dashboards[0].Account != "trading" {
				t.Fatalf("dashboards = %v", dashboards)
			}
			metrics, alarms := dashboardContents(t, dashboards[0])
			if len(metrics) != 6 || len(alarms) != 6 {
				t.Errorf("dashboard shows %d metrics and %d alarms, want both networks' 6 and 6", len(metrics), len(alarms))
			}
			for _, m := range metrics {
				if m[0] != '/' {
					t.Errorf("metric %s names an account in a single-account dashboard", m)
				}
			}
			for _, a := range p.OfType(obstest.AlarmType) {
				if a.Inputs["metricQueries"] != nil {
					t.Errorf("alarm %s watches another account's metric", a.Name)
				}
			}
		})
	}
}
