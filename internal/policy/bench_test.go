package policy_test

import (
	"context"
	"testing"

	"github.com/peerctl/peerctl/internal/policy"
)

// BenchmarkEvaluate measures one evaluation of the baseline against the
// default (dev) plan with observability resources, and against an
// 8-network full mesh (28 peerings) with the same per network.
func BenchmarkEvaluate(b *testing.B) {
	cases := []struct {
		name string
		plan func(testing.TB) doc
	}{
		{"default", func(tb testing.TB) doc { return completePlan(tb, "dev") }},
		{"mesh-8", func(tb testing.TB) doc { return withObservability(meshPlan(tb, 8)) }},
	}
	e := baselineEngine(b)
	for _, c := range cases {
		d := c.plan(b)
		b.Run(c.name, func(b *testing.B) {
			var fs []policy.Finding
			for b.Loop() {
				var err error
				if fs, err = e.Evaluate(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(resources(d))), "resources")
			b.ReportMetric(float64(len(fs)), "findings")
		})
	}
}

// BenchmarkNew measures loading and compiling the embedded baseline.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := policy.New(context.Background(), policy.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMeshPlan checks the mesh used by the benchmark: 28 peerings, and no
// finding once observability resources are added.
func TestMeshPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an 8-network plan")
	}
	d := withObservability(meshPlan(t, 8))
	if n := len(ofType(d, connT)); n != 28 {
		t.Fatalf("mesh has %d peerings, want 28", n)
	}
	if fs := evaluate(t, d); len(fs) > 0 {
		t.Errorf("findings on the mesh:%s", describe(fs))
	}
}

// BenchmarkRules evaluates each baseline rule alone on the 8-network mesh,
// to find the slowest and hungriest one (docs/policy.md, Limits):
//
//	go test ./internal/policy -run '^$' -bench 'Rules' -benchmem
func BenchmarkRules(b *testing.B) {
	e := baselineEngine(b)
	d := withObservability(meshPlan(b, 8))
	for _, r := range e.Rules() {
		eval, err := e.RuleEvaluator(context.Background(), r.ID)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(r.ID, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eval(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
