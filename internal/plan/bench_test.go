package plan_test

import (
	"io"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/configtest"
)

// meshConfig is a full mesh of n networks, all on default credentials.
func meshConfig(b testing.TB, n int) *config.Config {
	raw, err := config.ParseStackYAML([]byte(configtest.MeshYAML(n)))
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

func benchmarkBuild(b *testing.B, cfg *config.Config) {
	b.ReportAllocs()
	var resources int
	for b.Loop() {
		doc, err := plan.Build(cfg, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if err := doc.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
		resources = len(doc.Resources)
	}
	b.ReportMetric(float64(resources), "resources")
}

// BenchmarkPlanDefault plans the dev stack (two accounts, one peering) and
// renders its JSON. Target: well under 1 s including process start.
func BenchmarkPlanDefault(b *testing.B) { benchmarkBuild(b, loadDev(b)) }

// BenchmarkPlanMesh8 plans an 8-network full mesh: 28 peerings.
func BenchmarkPlanMesh8(b *testing.B) { benchmarkBuild(b, meshConfig(b, 8)) }
