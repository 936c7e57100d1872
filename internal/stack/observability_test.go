package stack_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/stack"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// The observability outputs promised to `peerctl verify` name exactly what
// the plan creates, for the repository's dev and prod stacks.
func TestObservabilityOutputs(t *testing.T) {
	for _, s := range []string{"dev", "prod"} {
		t.Run(s, func(t *testing.T) {
			p := obstest.BuildFile(t, "../../", s)
			o := p.Outputs
			for _, key := range []string{stack.OutputFlowLogIDs, stack.OutputFlowLogBuckets, stack.OutputFlowLogGroups, stack.OutputAlarmNames,
				stack.OutputAlarmTopicARNs, stack.OutputDashboardName, stack.OutputConfigRuleNames, stack.OutputConfigRecorderNames} {
				if _, ok := o[key]; !ok {
					t.Errorf("output %s is missing", key)
				}
			}
			for _, n := range []string{"trading", "analytics"} {
				ids := obstest.Obj(obstest.Obj(o[stack.OutputFlowLogIDs])[n])
				if len(ids) != 2 || ids[stack.FlowLogS3] != p.Must(t, obstest.FlowLogType, n+"-flow-logs-s3").ID ||
					ids[stack.FlowLogCloudWatch] != p.Must(t, obstest.FlowLogType, n+"-flow-logs-cloudwatch").ID {
					t.Errorf("flowLogIds[%s] = %v", n, ids)
				}
				if got := obstest.Obj(o[stack.OutputFlowLogBuckets])[n]; got != obstest.Str(p.Must(t, obstest.BucketType, n+"-flow-logs-bucket").Inputs["bucket"]) {
					t.Errorf("flowLogBuckets[%s] = %v", n, got)
				}
				if got := obstest.Obj(o[stack.OutputFlowLogGroups])[n]; got != observability.FlowLogGroupName(n, s) {
					t.Errorf("flowLogGroups[%s] = %v", n, got)
				}
				// alarmNames: the network's own alarms, in its account.
				var own []string
				comp := p.Must(t, observability.PeerAlarmsType, n+"-peer-alarms")
				for _, a := range p.In(obstest.AlarmType, n) {
					if a.Parent == comp.URN {
						own = append(own, obstest.Str(a.Inputs["name"]))
					}
				}
				slices.Sort(own)
				got := obstest.Strs(obstest.Obj(o[stack.OutputAlarmNames])[n])
				if !slices.Equal(slices.Sorted(slices.Values(got)), own) || len(own) != 3 {
					t.Errorf("alarmNames[%s] = %v, want %v", n, got, own)
				}
				topic := p.Must(t, obstest.TopicType, n+"-peer-alarms-topic")
				if want := fmt.Sprintf("arn:aws:sns:us-east-1:%s:%s", accountIDs[n], obstest.Str(topic.Inputs["name"])); obstest.Obj(o[stack.OutputAlarmTopicARNs])[n] != want {
					t.Errorf("alarmTopicArns[%s] = %v, want %s", n, obstest.Obj(o[stack.OutputAlarmTopicARNs])[n], want)
				}
				var rules []string
				for _, r := range p.In(obstest.RuleType, n) {
					rules = append(rules, obstest.Str(r.Inputs["name"]))
				}
				slices.Sort(rules)
				if got := obstest.Strs(obstest.Obj(o[stack.OutputConfigRuleNames])[n]); !slices.Equal(slices.Sorted(slices.Values(got)), rules) || len(rules) != 6 {
					t.Errorf("configRuleNames[%s] = %v, want %v", n, got, rules)
				}
				if got := obstest.Obj(o[stack.OutputConfigRecorderNames])[n]; got != compliance.RecorderName(n, s) {
					t.Errorf("configRecorderNames[%s] = %v", n, got)
				}
			}
			if o[stack.OutputDashboardName] != "vpc-peering-dashboard-"+s+"-use1" {
				t.Errorf("dashboardName = %v", o[stack.OutputDashboardName])
			}
		})
	}
}

var accountIDs = map[string]string{"trading": "111111111111", "analytics": "222222222222"}

// Observability adds components of its own to the plan, each attributed to
// an account, except the dashboard, which spans the accounts.
func TestObservabilityComponents(t *testing.T) {
	p := obstest.BuildFile(t, "../../", "dev")
	want := map[string][]string{
		observability.FlowLogsType:   {"trading-flow-logs", "analytics-flow-logs"},
		observability.PeerAlarmsType: {"trading-peer-alarms", "analytics-peer-alarms"},
		observability.LogBucketType:  {"trading-flow-logs-bucket", "analytics-flow-logs-bucket", "trading-compliance-bucket", "analytics-compliance-bucket"},
		compliance.TypeToken:         {"trading-compliance", "analytics-compliance"},
		observability.DashboardType:  {stack.DashboardComponentName},
	}
	for typ, names := range want {
		var got []string
		for _, r := range p.OfType(typ) {
			got = append(got, r.Name)
			account := r.Account
			if typ == observability.DashboardType {
				if account != "" {
					t.Errorf("the dashboard component spans accounts, but is attributed to %q", account)
				}
				continue
			}
			if account == "" || r.Name[:len(account)] != account {
				t.Errorf("%s %s is attributed to %q", typ, r.Name, account)
			}
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(names))) {
			t.Errorf("%s components = %v, want %v", typ, got, names)
		}
	}
}
