package verify

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func probeResults(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.Check == CheckReachability || r.Check == CheckProbeCleanup {
			out = append(out, r)
		}
	}
	return out
}

func assertNoLeftovers(t *testing.T, w *world) {
	t.Helper()
	assertLeftovers(t, w, nil, nil)
}

// assertLeftovers checks that exactly the probe resources named are left
// in each account, and that no deletion ran on a cancelled context.
func assertLeftovers(t *testing.T, w *world, trading, analytics []string) {
	t.Helper()
	for _, c := range []struct {
		a    *fakeAccount
		want []string
	}{{w.trading, trading}, {w.analytics, analytics}} {
		if left := c.a.leftovers(); !slices.Equal(left, c.want) {
			t.Errorf("account %s: probe resources left behind: %v, want %v", c.a.name, left, c.want)
		}
		if len(c.a.deleteCtxErr) > 0 {
			t.Errorf("account %s: deletions attempted with a cancelled context: %v", c.a.name, c.a.deleteCtxErr)
		}
	}
}

// analysisOn answers port with a, and every other port as a healthy
// network whose probe interfaces carry sg does.
func analysisOn(port int32, sg string, a types.NetworkInsightsAnalysis) func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
	return func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
		if aws.ToInt32(p.DestinationPort) == port {
			return a
		}
		return reachableOnAppPorts(sg)(p)
	}
}

func blockedBy(code, direction string, e types.Explanation) types.NetworkInsightsAnalysis {
	e.ExplanationCode, e.Direction = aws.String(code), aws.String(direction)
	return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded, NetworkPathFound: aws.Bool(false),
		Explanations: []types.Explanation{e}}
}

func component(id string) *types.AnalysisComponent {
	return &types.AnalysisComponent{Id: aws.String(id)}
}

func TestProbe(t *testing.T) {
	busyErr := apiError("IncorrectState", "analysis is running")
	tests := []struct {
		name        string
		mutate      func(w *world)
		want        []expect
		wantCreated int // probe resources created per account
		// wantLeft: the probe resources left in each account (nil: none).
		wantLeft [2][]string
	}{
		{
			name:   "reachable on 443 and 5432, not on 22, everything deleted",
			mutate: func(w *world) { w.trading.runningPolls, w.analytics.runningPolls = 2, 1 },
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Pass,
					"reachable up to the peering connection pcx-1 (analysis nia-t3; trading's half of the path, analytics's half is checked in its own account by security-group and nacl)"},
				{CheckReachability, "trading -> analytics tcp 5432", Pass, "reachable up to the peering connection pcx-1"},
				{CheckReachability, "trading -> analytics tcp 22", Pass, "not reachable, as intended: ENI_SG_RULES_MISMATCH at sg-t (egress)"},
				{CheckReachability, "analytics -> trading tcp 443", Pass, "reachable up to the peering connection pcx-1"},
				{CheckReachability, "analytics -> trading tcp 22", Pass, "not reachable, as intended: ENI_SG_RULES_MISMATCH at sg-a (egress)"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"},
			},
			wantCreated: 7,
		},
		{
			name: "analysis not reachable",
			mutate: func(w *world) {
				w.trading.analysis = analysisOn(5432, "sg-t", blockedBy("NO_ROUTE_TO_DESTINATION", "egress", types.Explanation{RouteTable: component("rtb-t1")}))
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 5432", Fail, "not reachable: NO_ROUTE_TO_DESTINATION at rtb-t1 (egress)"},
				{CheckReachability, "analytics -> trading tcp 5432", Pass, "reachable"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14"},
			},
			wantCreated: 7,
		},
		{
			name: "ssh reachable is a failure",
			mutate: func(w *world) {
				w.analytics.analysis = func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
					return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded, NetworkPathFound: aws.Bool(true),
						ForwardPathComponents: pathTo(aws.ToString(p.Source), "sg-a", aws.ToString(p.Destination))}
				}
			},
			want: []expect{{CheckReachability, "analytics -> trading tcp 22", Fail, "reachable, but only 443 and 5432 may cross"}},
		},
		{
			name: "across accounts, a path found must end at the stack's peering connection",
			mutate: func(w *world) {
				w.trading.analysis = analysisOn(443, "sg-t", types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded,
					NetworkPathFound: aws.Bool(true), ForwardPathComponents: pathTo("eni-t1", "sg-t", "pcx-other")})
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "a path was found, but it ends at pcx-other, not at the stack's peering connection pcx-1"},
				{CheckReachability, "trading -> analytics tcp 5432", Pass, "reachable up to the peering connection pcx-1"},
			},
		},
		{
			name: "across accounts, a path found whose last hop is the peering connection by ARN passes",
			mutate: func(w *world) {
				path := pathTo("eni-t1", "sg-t", "")
				path[len(path)-1].Component = &types.AnalysisComponent{Arn: aws.String("arn:aws:ec2:us-east-1:111111111111:vpc-peering-connection/pcx-1")}
				w.trading.analysis = analysisOn(443, "sg-t", types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded,
					NetworkPathFound: aws.Bool(true), ForwardPathComponents: path})
			},
			want: []expect{{CheckReachability, "trading -> analytics tcp 443", Pass, "reachable up to the peering connection pcx-1"}},
		},
		{
			name: "across accounts, 22 blocked by the source subnet's NACL passes",
			mutate: func(w *world) {
				w.trading.analysis = analysisOn(22, "sg-t", blockedBy("SUBNET_ACL_RESTRICTION", "egress", types.Explanation{Acl: component("acl-t")}))
			},
			want: []expect{{CheckReachability, "trading -> analytics tcp 22", Pass, "not reachable, as intended: SUBNET_ACL_RESTRICTION at acl-t (egress)"}},
		},
		{
			name: "across accounts, 22 not reachable for want of the destination proves nothing",
			mutate: func(w *world) {
				w.trading.analysis = analysisOn(22, "sg-t", blockedBy("NO_POSSIBLE_DESTINATION", "egress", types.Explanation{Component: component("pcx-1")}))
			},
			want: []expect{{CheckReachability, "trading -> analytics tcp 22", Fail,
				"not reachable, but not because of trading's security group or network ACL, so this does not show that tcp 22 is blocked: NO_POSSIBLE_DESTINATION at pcx-1 (egress)"}},
		},
		{
			name: "across accounts, 22 blocked by the peer's security group is not the source side's proof",
			mutate: func(w *world) {
				w.trading.analysis = analysisOn(22, "sg-t", blockedBy("ENI_SG_RULES_MISMATCH", "ingress", types.Explanation{SecurityGroup: component("sg-a")}))
			},
			want: []expect{{CheckReachability, "trading -> analytics tcp 22", Fail, "not because of trading's security group or network ACL"}},
		},
		{
			name: "failed analysis is reported and cleaned up",
			mutate: func(w *world) {
				w.analytics.analysis = func(*ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
					return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusFailed, StatusMessage: aws.String("Internal error")}
				}
			},
			want: []expect{
				{CheckReachability, "analytics -> trading tcp 443", Fail, "failed: Internal error"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14"},
			},
		},
		{
			name: "start fails midway: what was created is deleted",
			mutate: func(w *world) {
				w.analytics.errs["StartNetworkInsightsAnalysis"] = []error{nil, apiError("UnauthorizedOperation", "not allowed")}
				w.analytics.sticky["StartNetworkInsightsAnalysis"] = true
			},
			want: []expect{
				{CheckReachability, "analytics -> trading tcp 5432", Fail, "StartNetworkInsightsAnalysis: access denied (UnauthorizedOperation)"},
				{CheckReachability, "trading -> analytics tcp 443", Pass, "reachable"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 12 probe resources"},
			},
		},
		{
			name: "ENI creation denied in the accepter account",
			mutate: func(w *world) {
				w.analytics.errs["CreateNetworkInterface"] = []error{apiError("UnauthorizedOperation", "no")}
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "probe network interface in analytics: CreateNetworkInterface: access denied"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 1 probe resources"},
			},
		},
		{
			name: "EC2 eventual consistency: an interface not found right after its creation is waited for",
			mutate: func(w *world) {
				w.trading.eniLag, w.analytics.eniLag = 2, 1
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Pass, "reachable up to the peering connection pcx-1"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"},
			},
		},
		{
			name: "EC2 eventual consistency: an analysis not found right after its start is polled again",
			mutate: func(w *world) {
				w.trading.analysisLag, w.analytics.analysisLag = 3, 1
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Pass, "reachable up to the peering connection pcx-1"},
				{CheckReachability, "trading -> analytics tcp 22", Pass, "not reachable, as intended"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"},
			},
		},
		{
			name: "an interface that stays not found fails the wait after a few lookups",
			mutate: func(w *world) {
				w.analytics.eniLag = 1000
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "did not become available: wait: still InvalidNetworkInterfaceID.NotFound after 6 lookups"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 2 probe resources"},
			},
		},
		{
			name: "deletion refused while busy is retried",
			mutate: func(w *world) {
				w.trading.errs["DeleteNetworkInterface"] = []error{apiError("InvalidNetworkInterface.InUse", "in use"), apiError("InvalidNetworkInterface.InUse", "in use")}
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14"}},
		},
		{
			name: "deletion that keeps failing is reported with the tag to find it",
			mutate: func(w *world) {
				w.trading.errs["DeleteNetworkInterface"] = []error{apiError("UnauthorizedOperation", "no")}
				w.trading.sticky["DeleteNetworkInterface"] = true
			},
			want:     []expect{{CheckProbeCleanup, "trading-analytics", Fail, "left behind, delete by hand (tag peerctl:verify-probe=test-run): network interface eni-t1 (trading): delete: access denied"}},
			wantLeft: [2][]string{{"eni-t1"}},
		},
		{
			name: "one analysis that stays busy leaks only itself and its path",
			mutate: func(w *world) {
				w.analytics.failDelete = map[string]error{"nia-a3": busyErr}
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Fail,
				"left behind, delete by hand (tag peerctl:verify-probe=test-run): network insights analysis nia-a3 (analytics): delete: IncorrectState: analysis is running; " +
					"network insights path nip-a2 (analytics): delete: waits for network insights analysis nia-a3 to be deleted first"}},
			wantLeft: [2][]string{nil, {"nia-a3", "nip-a2"}},
		},
		{
			name: "a deletion that hangs times out alone",
			mutate: func(w *world) {
				w.trading.hangDelete = map[string]bool{"nia-t5": true}
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Fail,
				"network insights analysis nia-t5 (trading): delete: timed out; network insights path nip-t4 (trading): delete: waits for network insights analysis nia-t5"}},
			wantLeft: [2][]string{{"nia-t5", "nip-t4"}},
		},
		{
			name: "interfaces are deleted even when an analysis and its path cannot be",
			mutate: func(w *world) {
				w.trading.failDelete = map[string]error{"nia-t3": apiError("UnauthorizedOperation", "no")}
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Fail,
				"network insights analysis nia-t3 (trading): delete: access denied (UnauthorizedOperation)"},
				{CheckProbeCleanup, "trading-analytics", Fail,
					"network insights path nip-t2 (trading): delete: InvalidParameterValue: path nip-t2 still has analysis nia-t3"}},
			wantLeft: [2][]string{{"nia-t3", "nip-t2"}},
		},
		{
			name: "an interface created but whose answer was lost is found by tag and deleted",
			mutate: func(w *world) {
				w.analytics.afterCreate = func(context.Context, string) error { return errors.New("read tcp: connection reset by peer") }
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "probe network interface in analytics: CreateNetworkInterface: read tcp: connection reset by peer"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 2 probe resources (1 of them found by tag: their create call failed after AWS created them)"},
			},
		},
		{
			name: "a path created but whose answer was lost is found by its source interface and deleted",
			mutate: func(w *world) {
				lost := false
				w.trading.afterCreate = func(_ context.Context, op string) error {
					if op == "CreateNetworkInsightsPath" && !lost {
						lost = true
						return errors.New("read tcp: i/o timeout")
					}
					return nil
				}
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "CreateNetworkInsightsPath: read tcp: i/o timeout"},
				{CheckReachability, "trading -> analytics tcp 5432", Pass, "reachable"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 13 probe resources (1 of them found by tag"},
			},
		},
		{
			name: "a deletion answered NotFound too early is found again and repeated",
			mutate: func(w *world) {
				w.analytics.staleDelete = map[string]bool{"eni-a1": true, "nip-a4": true}
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"}},
		},
		{
			name: "a failed lookup for untracked resources fails the cleanup",
			mutate: func(w *world) {
				w.analytics.errs["DescribeNetworkInsightsPaths"] = []error{apiError("UnauthorizedOperation", "no")}
				w.analytics.sticky["DescribeNetworkInsightsPaths"] = true
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Fail,
				"deleted 14 probe resources, but could not look for others of this run (tag peerctl:verify-probe=test-run): analytics: DescribeNetworkInsightsPaths: access denied"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.mutate(w)
			var log bytes.Buffer
			opts := w.options(true)
			opts.Log = &log
			opts.Wait.CleanupTimeout = 100 * time.Millisecond
			opts.Wait.CleanupCallTimeout = 50 * time.Millisecond
			results := Run(context.Background(), opts)
			checkExpectations(t, probeResults(results), tt.want)
			if !strings.Contains(log.String(), "6 Reachability Analyzer analyses (about $0.10 each, $0.60 in all)") {
				t.Errorf("cost not announced: %q", log.String())
			}
			if tt.wantCreated > 0 && len(w.trading.createdIn) != tt.wantCreated {
				t.Errorf("trading account created %d probe resources, want %d: %v", len(w.trading.createdIn), tt.wantCreated, w.trading.createdIn)
			}
			assertLeftovers(t, w, tt.wantLeft[0], tt.wantLeft[1])
		})
	}
}

func TestProbeDestinations(t *testing.T) {
	tests := []struct {
		name        string
		sameAccount bool
	}{
		{"across accounts the destination is the peering connection, with the peer interface's IP", false},
		{"within one account the destination is the peer interface", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			opts := w.options(true)
			if tt.sameAccount {
				// One account: both networks' clients are the same account.
				w.cfg.Networks[1].Account = w.cfg.Networks[0].Account
				opts.Clients["analytics"] = w.trading.clients()
			}
			var mu sync.Mutex
			var paths []*ec2.CreateNetworkInsightsPathInput
			record := func(a *fakeAccount) {
				inner := a.analysis
				a.analysis = func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
					mu.Lock()
					paths = append(paths, p)
					mu.Unlock()
					return inner(p)
				}
			}
			record(w.trading)
			record(w.analytics)
			results := probeResults(Run(context.Background(), opts))
			if len(paths) != AnalysesPerPeering {
				t.Fatalf("%d analyses, want %d:\n%s", len(paths), AnalysesPerPeering, dump(results))
			}
			for _, p := range paths {
				if tt.sameAccount && (!strings.HasPrefix(aws.ToString(p.Destination), "eni-") || p.DestinationIp != nil) {
					t.Errorf("path to %q (ip %q): want an interface destination", aws.ToString(p.Destination), aws.ToString(p.DestinationIp))
				}
				if !tt.sameAccount && (aws.ToString(p.Destination) != pcx || !strings.HasPrefix(aws.ToString(p.DestinationIp), "10.9.0.")) {
					t.Errorf("path to %q (ip %q): want the peering connection %s and the peer interface's IP", aws.ToString(p.Destination), aws.ToString(p.DestinationIp), pcx)
				}
				if p.Protocol != types.ProtocolTcp || !strings.HasPrefix(aws.ToString(p.Source), "eni-") {
					t.Errorf("path %+v: want tcp from a probe interface", p)
				}
			}
			checkExpectations(t, results, []expect{
				{CheckReachability, "trading -> analytics tcp 443", Pass, "reachable"},
				{CheckReachability, "analytics -> trading tcp 22", Pass, "not reachable, as intended"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"},
			})
			assertNoLeftovers(t, w)
		})
	}
}
