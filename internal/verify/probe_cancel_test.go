package verify

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProbeCancellation(t *testing.T) {
	tests := []struct {
		name string
		// setup arranges the Ctrl-C, given the run's cancel.
		setup      func(w *world, cancel func())
		want       []expect
		wantDetail string // exact probe-cleanup detail, if set
		wantLeft   [2][]string
		// wantAnalysisDeletes: DeleteNetworkInsightsAnalysis calls in trading.
		wantAnalysisDeletes int
		wantNothingCreated  bool
	}{
		{
			name:  "Ctrl-C before the probe: nothing is created",
			setup: func(w *world, cancel func()) { cancel() },
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "cancelled before the probe network interface in trading was created"},
				{CheckProbeCleanup, "trading-analytics", Pass, "deleted 0 probe resources"},
			},
			wantNothingCreated: true,
		},
		{
			name: "Ctrl-C while an interface is being created: its answer still arrives and it is deleted",
			setup: func(w *world, cancel func()) {
				w.analytics.afterCreate = func(ctx context.Context, _ string) error {
					cancel()
					return ctx.Err() // what the SDK returns when its context is cancelled mid-call
				}
			},
			want:       []expect{{CheckReachability, "trading -> analytics tcp 443", Fail, "cancelled"}},
			wantDetail: "deleted 2 probe resources",
		},
		{
			name: "Ctrl-C while a path is being created: no analysis starts, the path is deleted",
			setup: func(w *world, cancel func()) {
				w.trading.afterCreate = func(ctx context.Context, op string) error {
					if op == "CreateNetworkInsightsPath" {
						cancel()
					}
					return ctx.Err()
				}
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "cancelled: cancelled before the analysis started"},
				{CheckReachability, "analytics -> trading tcp 22", Fail, "cancelled"},
			},
			wantDetail: "deleted 3 probe resources",
		},
		{
			name: "Ctrl-C while the analyses run: they are waited for, then deleted",
			setup: func(w *world, cancel func()) {
				w.trading.runningPolls, w.analytics.runningPolls = 3, 3
				var once sync.Once
				w.trading.onDescribe = func() { once.Do(cancel) }
			},
			want: []expect{
				{CheckReachability, "trading -> analytics tcp 443", Fail, "cancelled"},
				{CheckReachability, "analytics -> trading tcp 22", Fail, "cancelled"},
			},
			wantDetail:          "deleted 14 probe resources",
			wantAnalysisDeletes: 3,
		},
		{
			name: "Ctrl-C and analyses that never finish: the wait is bounded and what is left is reported",
			setup: func(w *world, cancel func()) {
				w.trading.neverFinish = true
				var once sync.Once
				w.trading.onDescribe = func() { once.Do(cancel) }
			},
			want: []expect{{CheckProbeCleanup, "trading-analytics", Fail,
				"network insights analysis nia-t7 (trading): delete: IncorrectState: analysis nia-t7 is running"}},
			wantLeft: [2][]string{{"nia-t3", "nia-t5", "nia-t7", "nip-t2", "nip-t4", "nip-t6"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.setup(w, cancel)
			opts := w.options(true)
			opts.Wait.CleanupTimeout = 100 * time.Millisecond
			start := time.Now()
			results := probeResults(Run(ctx, opts))
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("the run took %s after Ctrl-C", d)
			}
			checkExpectations(t, results, tt.want)
			if tt.wantDetail != "" {
				r, _ := findResult(results, CheckProbeCleanup, "trading-analytics")
				if r.Status != Pass || r.Detail != tt.wantDetail {
					t.Errorf("probe-cleanup = %s %q, want pass %q", r.Status, r.Detail, tt.wantDetail)
				}
			}
			assertLeftovers(t, w, tt.wantLeft[0], tt.wantLeft[1])
			if tt.wantAnalysisDeletes > 0 {
				if n := w.trading.called("DeleteNetworkInsightsAnalysis"); n != tt.wantAnalysisDeletes {
					t.Errorf("trading: %d analysis deletions, want %d (an analysis is deleted once it has finished)", n, tt.wantAnalysisDeletes)
				}
			}
			if tt.wantNothingCreated {
				if created := append(w.trading.createdIn, w.analytics.createdIn...); len(created) > 0 {
					t.Errorf("created after Ctrl-C: %v", created)
				}
			}
		})
	}
}

func TestRunIDIsUniquePerRun(t *testing.T) {
	w := newWorld()
	opts := w.options(true)
	opts.RunID = ""
	Run(context.Background(), opts)
	Run(context.Background(), opts)
	tags := w.trading.runTags
	if len(tags) != 2 {
		t.Fatalf("interfaces created with tags %v, want one per run", tags)
	}
	for _, tag := range tags {
		if !strings.HasPrefix(tag, "20240601T120000Z-") || len(tag) != len("20240601T120000Z-")+8 {
			t.Errorf("run id %q, want the time and 8 hex digits", tag)
		}
	}
	if tags[0] == tags[1] {
		t.Errorf("two runs in the same second share the run id %q, and so the tag their cleanups delete by", tags[0])
	}
}
