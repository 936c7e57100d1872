package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestHealthyWorldPasses(t *testing.T) {
	w := newWorld()
	results := Run(context.Background(), w.options(false))
	for _, r := range results {
		if r.Status != Pass {
			t.Errorf("%s %s = %s: %s", r.Check, r.Subject, r.Status, r.Detail)
		}
	}
	// 2 peering checks + 2 DNS sides, per network 2 route tables, SG, NACL,
	// 2 flow logs, bucket, group, recorder, 2 rules, 2 alarms; the dashboard.
	if want := 1 + 2 + 2*(2+1+1+2+1+1+1+2+2) + 1; len(results) != want {
		t.Errorf("%d results, want %d:\n%s", len(results), want, dump(results))
	}
	if !NewReport("dev", results, true).Passed {
		t.Error("report did not pass")
	}
}

func TestChecksReportFailureModes(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(w *world)
		want   []expect
	}{
		{
			name: "peering pending acceptance",
			mutate: func(w *world) {
				for _, a := range []*fakeAccount{w.trading, w.analytics} {
					a.peerings[0].Status = &types.VpcPeeringConnectionStateReason{Code: types.VpcPeeringConnectionStateReasonCodePendingAcceptance}
					a.peerings[0].RequesterVpcInfo.PeeringOptions = nil
					a.peerings[0].AccepterVpcInfo.PeeringOptions = nil
				}
			},
			want: []expect{
				{CheckPeeringStatus, "trading-analytics (pcx-1)", Fail, "pending-acceptance: analytics's account has not accepted it"},
				{CheckPeeringDNS, "requester side", Fail, "DNS options exist only once the connection is active"},
			},
		},
		{
			name: "DNS off on the accepter side only, as the accepter account sees it",
			mutate: func(w *world) {
				// The requester's view claims DNS on for both sides; only the
				// accepter account's own view counts for the accepter side.
				w.analytics.peerings[0].AccepterVpcInfo = &types.VpcPeeringConnectionVpcInfo{
					PeeringOptions: &types.VpcPeeringConnectionOptionsDescription{AllowDnsResolutionFromRemoteVpc: aws.Bool(false)}}
			},
			want: []expect{
				{CheckPeeringDNS, "requester side (trading)", Pass, "enabled"},
				{CheckPeeringDNS, "accepter side (analytics)", Fail, "off on the accepter side; only analytics's account can enable it"},
				{CheckPeeringStatus, "trading-analytics", Pass, "active"},
			},
		},
		{
			name: "peering deleted",
			mutate: func(w *world) {
				w.trading.peerings, w.analytics.peerings = nil, nil
			},
			want: []expect{{CheckPeeringStatus, "pcx-1", Fail, "pcx-1 does not exist"}},
		},
		{
			name: "a missing route in one table",
			mutate: func(w *world) {
				rt := &w.analytics.routeTables[1]
				rt.Routes = rt.Routes[:1]
			},
			want: []expect{
				{CheckRoutes, "analytics rtb-a2", Fail, "no route to 10.0.0.0/16 (trading) via pcx-1"},
				{CheckRoutes, "analytics rtb-a1", Pass, "10.0.0.0/16 (trading) via pcx-1 active"},
				{CheckRoutes, "trading rtb-t1", Pass, "active"},
			},
		},
		{
			name: "blackhole route after the peering went away",
			mutate: func(w *world) {
				w.trading.routeTables[0].Routes[1].State = types.RouteStateBlackhole
			},
			want: []expect{{CheckRoutes, "trading rtb-t1", Fail, "via pcx-1 is blackhole"}},
		},
		{
			name: "a subnet on the main route table is checked through it",
			mutate: func(w *world) {
				w.trading.routeTables[1].Associations = nil
			},
			want: []expect{{CheckRoutes, "trading rtb-tmain", Fail, "no route to 10.1.0.0/16 (analytics)"}},
		},
		{
			name: "describe route tables denied",
			mutate: func(w *world) {
				w.trading.errs["DescribeRouteTables"] = []error{apiError("UnauthorizedOperation", "You are not authorized")}
			},
			want: []expect{{CheckRoutes, "trading", Fail, "DescribeRouteTables: access denied (UnauthorizedOperation)"}},
		},
		{
			name: "flow log delivery FAILED",
			mutate: func(w *world) {
				w.analytics.flowLogs[0].DeliverLogsStatus = aws.String("FAILED")
				w.analytics.flowLogs[0].DeliverLogsErrorMessage = aws.String("Access error")
			},
			want: []expect{
				{CheckFlowLogs, "analytics s3 fl-a-s3", Fail, "delivery FAILED: Access error (check the bucket policy for delivery.logs.amazonaws.com"},
				{CheckFlowLogs, "analytics cloudwatch fl-a-cw", Pass, "ACTIVE"},
			},
		},
		{
			name: "flow log capturing only ACCEPT",
			mutate: func(w *world) {
				w.trading.flowLogs[1].TrafficType = types.TrafficTypeAccept
			},
			want: []expect{{CheckFlowLogs, "trading cloudwatch", Fail, "captures ACCEPT traffic, want ALL"}},
		},
		{
			name: "security group allows ssh and everything out to the peer",
			mutate: func(w *world) {
				w.trading.sgRules = append(w.trading.sgRules,
					types.SecurityGroupRule{SecurityGroupRuleId: aws.String("sgr-ssh"), GroupId: aws.String("sg-t"), IsEgress: aws.Bool(false),
						IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIpv4: aws.String("10.1.0.0/24")},
					types.SecurityGroupRule{SecurityGroupRuleId: aws.String("sgr-all"), GroupId: aws.String("sg-t"), IsEgress: aws.Bool(true),
						IpProtocol: aws.String("-1"), FromPort: aws.Int32(-1), ToPort: aws.Int32(-1), CidrIpv4: aws.String("0.0.0.0/0")})
			},
			want: []expect{{CheckSecurityGroup, "trading sg-t", Fail, "in also allows tcp 22 from analytics (sgr-ssh); out allows all traffic to 0.0.0.0/0 (sgr-all): open to every address"}},
		},
		{
			name: "security group referencing the peer group on another port",
			mutate: func(w *world) {
				w.analytics.sgRules = append(w.analytics.sgRules, types.SecurityGroupRule{SecurityGroupRuleId: aws.String("sgr-ref"),
					GroupId: aws.String("sg-a"), IsEgress: aws.Bool(false), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3306), ToPort: aws.Int32(3306),
					ReferencedGroupInfo: &types.ReferencedSecurityGroup{GroupId: aws.String("sg-t"), UserId: aws.String("111111111111")}})
			},
			want: []expect{{CheckSecurityGroup, "analytics sg-a", Fail, "in also allows tcp 3306 from trading (sgr-ref)"}},
		},
		{
			name: "security group missing 5432 in",
			mutate: func(w *world) {
				w.trading.sgRules = w.trading.sgRules[:1:1]
				w.trading.sgRules = append(w.trading.sgRules, types.SecurityGroupRule{GroupId: aws.String("sg-t"), IsEgress: aws.Bool(true),
					IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), CidrIpv4: aws.String("10.1.0.0/16")},
					types.SecurityGroupRule{GroupId: aws.String("sg-t"), IsEgress: aws.Bool(true),
						IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), CidrIpv4: aws.String("10.1.0.0/16")})
			},
			want: []expect{{CheckSecurityGroup, "trading", Fail, "in does not allow tcp 5432 from analytics 10.1.0.0/16"}},
		},
		{
			name: "NACL with an early allow-all from anywhere",
			mutate: func(w *world) {
				acl := &w.analytics.nacls[0]
				acl.Entries = append(acl.Entries, types.NetworkAclEntry{RuleNumber: aws.Int32(50), Egress: aws.Bool(false),
					RuleAction: types.RuleActionAllow, CidrBlock: aws.String("0.0.0.0/0"), Protocol: aws.String("-1")})
			},
			want: []expect{{CheckNACL, "analytics acl-a", Fail, "in: tcp 22 from trading is allowed (rule 50)"}},
		},
		{
			name: "NACL not associated with a subnet",
			mutate: func(w *world) {
				w.trading.nacls[0].Associations = w.trading.nacls[0].Associations[:1]
			},
			want: []expect{{CheckNACL, "trading", Fail, "subnet subnet-t2 is not associated"}},
		},
		{
			name: "NACL deny before 443",
			mutate: func(w *world) {
				acl := &w.trading.nacls[0]
				acl.Entries = append(acl.Entries, types.NetworkAclEntry{RuleNumber: aws.Int32(150), Egress: aws.Bool(true),
					RuleAction: types.RuleActionDeny, CidrBlock: aws.String("10.1.0.0/16"), Protocol: aws.String("6"),
					PortRange: &types.PortRange{From: aws.Int32(443), To: aws.Int32(443)}})
			},
			want: []expect{{CheckNACL, "trading", Fail, "out: tcp 443 to analytics is denied (rule 150)"}},
		},
		{
			name: "bucket without full public access block",
			mutate: func(w *world) {
				for _, c := range w.trading.publicAccess {
					c.RestrictPublicBuckets = aws.Bool(false)
				}
				w.analytics.publicAccess = nil
			},
			want: []expect{
				{CheckFlowLogBucket, "trading", Fail, "[RestrictPublicBuckets] off"},
				{CheckFlowLogBucket, "analytics", Fail, "no public access block"},
			},
		},
		{
			name: "Config: recorder stopped, a rule non-compliant, a rule not yet evaluated",
			mutate: func(w *world) {
				w.trading.recorders[0].Recording = false
				w.analytics.compliance[0].Compliance = &cstypes.Compliance{ComplianceType: cstypes.ComplianceTypeNonCompliant,
					ComplianceContributorCount: &cstypes.ComplianceContributorCount{CappedCount: 3}}
				w.analytics.compliance = w.analytics.compliance[:1]
				w.trading.compliance[0].Compliance.ComplianceType = cstypes.ComplianceTypeInsufficientData
			},
			want: []expect{
				{CheckConfigRecorder, "trading", Fail, "peerctl-trading not recording"},
				{CheckConfigRecorder, "analytics", Pass, "recording"},
				{CheckConfigRules, "analytics peerctl-analytics-dns", Fail, "NON_COMPLIANT (3 resources)"},
				{CheckConfigRules, "analytics peerctl-analytics-tags", Wait, "no data yet (not evaluated)"},
				{CheckConfigRules, "trading peerctl-trading-dns", Wait, "no data yet (INSUFFICIENT_DATA)"},
				{CheckConfigRules, "trading peerctl-trading-tags", Pass, "COMPLIANT"},
			},
		},
		{
			name: "existing recorder reused",
			mutate: func(w *world) {
				w.out.ConfigRecorderNames["trading"] = ""
				w.trading.recorders[0].Name = aws.String("default")
			},
			want: []expect{{CheckConfigRecorder, "trading (existing recorder)", Pass, "default recording"}},
		},
		{
			name: "alarms: one stuck without data, one new, one missing, one not wired to the topic",
			mutate: func(w *world) {
				w.trading.alarms[0].StateValue = cwtypes.StateValueInsufficientData
				w.trading.alarms[0].StateUpdatedTimestamp = aws.Time(testNow.Add(-3 * time.Hour))
				w.trading.alarms[1].StateValue = cwtypes.StateValueInsufficientData
				w.trading.alarms[1].StateUpdatedTimestamp = aws.Time(testNow.Add(-5 * time.Minute))
				w.analytics.alarms = w.analytics.alarms[:1]
				w.analytics.alarms[0].AlarmActions = nil
			},
			want: []expect{
				{CheckAlarms, "trading-peering-bytes-in", Fail, "INSUFFICIENT_DATA for 3h0m0s (over 30m0s): Peerctl/Peering/BytesFromPeer gets no data points"},
				{CheckAlarms, "trading-peering-bytes-out", Wait, "INSUFFICIENT_DATA for 5m0s, within the 30m0s grace period"},
				{CheckAlarms, "analytics-peering-bytes-in", Fail, "does not notify arn:aws:sns:us-east-1:222222222222:peerctl-analytics-alarms"},
				{CheckAlarms, "analytics-peering-bytes-out", Fail, "alarm does not exist"},
			},
		},
		{
			name: "dashboard in no account",
			mutate: func(w *world) {
				w.trading.dashboards = nil
			},
			want: []expect{{CheckDashboard, "peerctl-dev", Fail, "not found in trading's account, analytics's account"}},
		},
		{
			// Each account has its own dashboard (dashboardNames): the main
			// one in trading's account, analytics's own in its account.
			name: "per-account dashboards, one missing",
			mutate: func(w *world) {
				w.out.DashboardNames = map[string]string{"trading": "peerctl-dev", "analytics": "vpc-peering-dashboard-analytics-dev"}
			},
			want: []expect{
				{CheckDashboard, "trading peerctl-dev", Pass, "found in trading's account"},
				{CheckDashboard, "analytics vpc-peering-dashboard-analytics-dev", Fail, "not found in analytics's account"},
			},
		},
		{
			name: "per-account dashboards, all there",
			mutate: func(w *world) {
				w.out.DashboardNames = map[string]string{"trading": "peerctl-dev", "analytics": "vpc-peering-dashboard-analytics-dev"}
				w.analytics.dashboards["vpc-peering-dashboard-analytics-dev"] = true
			},
			want: []expect{
				{CheckDashboard, "trading peerctl-dev", Pass, "found in trading's account"},
				{CheckDashboard, "analytics vpc-peering-dashboard-analytics-dev", Pass, "found in analytics's account"},
			},
		},
		{
			name: "observability outputs not deployed yet",
			mutate: func(w *world) {
				w.out.FlowLogIDs, w.out.FlowLogBuckets, w.out.FlowLogGroups = nil, nil, nil
				w.out.AlarmNames, w.out.AlarmTopicARNs, w.out.DashboardName = nil, nil, nil
				w.out.ConfigRuleNames, w.out.ConfigRecorderNames = nil, nil
			},
			want: []expect{
				{CheckFlowLogs, "trading", Skip, SkippedNotInOutputs},
				{CheckFlowLogBucket, "analytics", Skip, SkippedNotInOutputs},
				{CheckFlowLogGroup, "trading", Skip, SkippedNotInOutputs},
				{CheckConfigRecorder, "trading", Skip, SkippedNotInOutputs},
				{CheckConfigRules, "analytics", Skip, SkippedNotInOutputs},
				{CheckAlarms, "trading", Skip, SkippedNotInOutputs},
				{CheckDashboard, "dashboard", Skip, SkippedNotInOutputs},
				{CheckRoutes, "trading rtb-t1", Pass, ""},
			},
		},
		{
			name: "peering id missing from outputs",
			mutate: func(w *world) {
				w.out.PeeringConnectionIDs = map[string]string{}
			},
			want: []expect{{CheckPeeringStatus, "trading-analytics", Fail, "no peering connection id for trading-analytics in the stack outputs"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.mutate(w)
			results := Run(context.Background(), w.options(false))
			checkExpectations(t, results, tt.want)
		})
	}
}

func TestReport(t *testing.T) {
	results := []Result{
		{Check: CheckRoutes, Subject: "trading rtb-1", Status: Pass, Detail: "ok"},
		{Check: CheckConfigRules, Subject: "trading dns", Status: Wait, Detail: "no data yet"},
		{Check: CheckAlarms, Subject: "trading", Status: Skip, Detail: SkippedNotInOutputs},
	}
	tests := []struct {
		name       string
		results    []Result
		strict     bool
		wantPassed bool
		wantLine   string
	}{
		{"waiting does not fail by default", results, false, true, "1 passed, 0 failed, 1 skipped, 1 waiting for data: all checks passed"},
		{"waiting fails with --strict", results, true, false, "verification failed (--strict"},
		{"a failure fails", append([]Result{{Check: CheckNACL, Status: Fail}}, results...), false, false, "1 failed"},
		{"information is counted apart and never fails", append([]Result{{Check: CheckConfigRules, Subject: "trading rule (rest of account)", Status: Info}}, results...), true, false,
			"1 passed, 0 failed, 1 skipped, 1 waiting for data (and 1 for information, not counted): verification failed (--strict"},
		{"information alone passes", []Result{{Check: CheckConfigRules, Status: Info}}, true, true,
			"0 passed, 0 failed, 0 skipped, 0 waiting for data (and 1 for information, not counted): all checks passed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport("dev", tt.results, tt.strict)
			if r.Passed != tt.wantPassed {
				t.Errorf("Passed = %v, want %v", r.Passed, tt.wantPassed)
			}
			var table bytes.Buffer
			if err := r.WriteTable(&table); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(table.String(), tt.wantLine) {
				t.Errorf("table:\n%s\nwant line %q", table.String(), tt.wantLine)
			}
			var js bytes.Buffer
			if err := r.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			var back struct {
				Passed  bool     `json:"passed"`
				Results []Result `json:"results"`
			}
			if err := json.Unmarshal(js.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if back.Passed != tt.wantPassed || len(back.Results) != len(tt.results) {
				t.Errorf("JSON round trip: %+v", back)
			}
		})
	}
}
