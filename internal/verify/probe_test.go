package verify

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

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
	for _, a := range []*fakeAccount{w.trading, w.analytics} {
		if left := a.leftovers(); len(left) > 0 {
			t.Errorf("account %s: probe resources left behind: %v", a.name, left)
		}
		if len(a.deleteCtxErr) > 0 {
			t.Errorf("account %s: deletions attempted with a cancelled context: %v", a.name, a.deleteCtxErr)
		}
	}
}

func TestProbe(t *testing.T) {
	notReachable := func(code string) func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
		return func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
			if aws.ToInt32(p.DestinationPort) == 5432 {
				return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded, NetworkPathFound: aws.Bool(false),
					Explanations: []types.Explanation{{ExplanationCode: aws.String(code), Direction: aws.String("ingress"),
						Acl: &types.AnalysisComponent{Id: aws.String("acl-a")}}}}
			}
			return reachableOnAppPorts(p)
		}
	}
	tests := []struct {
		name        string
		mutate      func(w *world)
		want        []expect
		wantCreated int // probe resources created per account
	}{
		{
			name:   "reachable on 443 and 5432, not on 22, everything deleted",
			mutate: func(w *world) { w.trading.runningPolls, w.analytics.runningPolls = 2, 1 },
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Pass, "reachable (analysis nia-"},
				{CheckReachability, "trading -> analytics tcp 5432", Pass, "reachable"},
				{CheckReachability, "trading -> analytics tcp 22", Pass, "not reachable, as intended: ENI_SG_RULES_MISMATCH at sg-x (egress)"},
				{CheckReachability, "analytics -> trading tcp 443", Pass, "reachable"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"},
			},
			wantCreated: 7,
		},
		{
			name: "analysis not reachable",
			mutate: func(w *world) {
				w.trading.analysis = notReachable("NO_ROUTE_TO_DESTINATION")
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 5432", Fail, "not reachable: NO_ROUTE_TO_DESTINATION at acl-a (ingress)"},
				{CheckReachability, "analytics -> trading tcp 5432", Pass, "reachable"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14"},
			},
			wantCreated: 7,
		},
		{
			name: "ssh reachable is a failure",
			mutate: func(w *world) {
				w.analytics.analysis = func(*ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
					return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded, NetworkPathFound: aws.Bool(true)}
				}
			},
			want: []expect{{CheckReachability, "analytics -> trading tcp 22", Fail, "reachable, but only 443 and 5432 may cross"}},
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
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 12"},
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
			want: []expect{{CheckProbeCleanup, "trading-analytics", Fail, "left behind, delete by hand (tag peerctl:verify-probe=test-run): network interface eni-t"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.mutate(w)
			var log bytes.Buffer
			opts := w.options(true)
			opts.Log = &log
			results := Run(context.Background(), opts)
			checkExpectations(t, probeResults(results), tt.want)
			if !strings.Contains(log.String(), "6 Reachability Analyzer analyses (about $0.10 each, $0.60 in all)") {
				t.Errorf("cost not announced: %q", log.String())
			}
			if tt.wantCreated > 0 && len(w.trading.createdIn) != tt.wantCreated {
				t.Errorf("trading account created %d probe resources, want %d: %v", len(w.trading.createdIn), tt.wantCreated, w.trading.createdIn)
			}
			if !strings.Contains(tt.name, "keeps failing") {
				assertNoLeftovers(t, w)
			}
		})
	}
}

func TestProbeDestinations(t *testing.T) {
	tests := []struct {
		name        string
		sameAccount bool
	}{
		{"across accounts the destination is the peer interface's IP", false},
		{"within one account the destination is the peer interface", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			if tt.sameAccount {
				w.cfg.Networks[1].Account = w.cfg.Networks[0].Account
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
			Run(context.Background(), w.options(true))
			if len(paths) != AnalysesPerPeering {
				t.Fatalf("%d analyses, want %d", len(paths), AnalysesPerPeering)
			}
			for _, p := range paths {
				if tt.sameAccount && (aws.ToString(p.Destination) == "" || p.DestinationIp != nil) {
					t.Errorf("path %+v: want an interface destination", p)
				}
				if !tt.sameAccount && (p.Destination != nil || !strings.HasPrefix(aws.ToString(p.DestinationIp), "10.9.0.")) {
					t.Errorf("path %+v: want the peer IP as destination", p)
				}
				if p.Protocol != types.ProtocolTcp || !strings.HasPrefix(aws.ToString(p.Source), "eni-") {
					t.Errorf("path %+v: want tcp from a probe interface", p)
				}
			}
		})
	}
}

func TestProbeCleansUpAfterCancellation(t *testing.T) {
	w := newWorld()
	w.trading.neverFinish, w.analytics.neverFinish = true, true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	// Ctrl-C while the analyses are running.
	w.trading.onDescribe = func() { once.Do(cancel) }
	results := probeResults(Run(ctx, w.options(true)))
	checkExpectations(t, results, []expect{
		{CheckReachability, "trading -> analytics tcp 443", Fail, "cancelled"},
		{CheckReachability, "analytics -> trading tcp 22", Fail, "cancelled"},
		{CheckProbeCleanup, "trading-analytics", Pass, "deleted 14 probe resources"},
	})
	assertNoLeftovers(t, w)
	if n := w.trading.called("DeleteNetworkInsightsAnalysis"); n != 3 {
		t.Errorf("trading: %d analyses deleted, want 3", n)
	}
}
