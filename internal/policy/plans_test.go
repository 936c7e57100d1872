package policy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
)

// This file builds plan documents for the tests and benchmarks: the real
// ones, from the stack files at the repository root through plan.Build (what
// `peerctl plan --json` prints), and an N-network full mesh generated here.

// doc is a plan document as the engine receives it: JSON decoded into
// map[string]any.
type doc = map[string]any

// decode round-trips v through JSON, as `peerctl plan --json | policy` would.
func decode(tb testing.TB, v any) doc {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		tb.Fatal(err)
	}
	return d
}

func noEnv(string) (string, bool) { return "", false }

// buildPlan runs the real Pulumi program offline for a stack file's contents.
func buildPlan(tb testing.TB, stack string, yaml []byte) doc {
	tb.Helper()
	raw, err := config.ParseStackYAML(yaml)
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Parse(raw, noEnv)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := plan.Build(cfg, stack)
	if err != nil {
		tb.Fatal(err)
	}
	return decode(tb, d)
}

// realPlan is the plan of the repository's Pulumi.<stack>.yaml.
func realPlan(tb testing.TB, stack string) doc {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return buildPlan(tb, stack, b)
}

var meshNames = []string{"trading", "analytics", "risk", "pricing", "ledger", "reporting", "ingest", "research"}

// meshPlan is the plan of n networks in n accounts, every pair peered:
// n*(n-1)/2 peerings. A network's NACL needs 3 + 2 x peers rules per
// direction, so the default quota of 20 holds a mesh of up to 9 networks.
func meshPlan(tb testing.TB, n int) doc {
	tb.Helper()
	var b strings.Builder
	b.WriteString("config:\n  peerctl:environment: dev\n  peerctl:region: us-east-1\n")
	b.WriteString("  peerctl:networks:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - name: %s\n      cidr: 10.%d.0.0/16\n      costCenter: %s\n      azCount: 3\n", meshNames[i], i, meshNames[i])
		fmt.Fprintf(&b, "      account:\n        id: \"%012d\"\n        profile: %s-dev\n", 100000000000+i, meshNames[i])
	}
	b.WriteString("  peerctl:peerings:\n")
	for i := range n {
		for j := i + 1; j < n; j++ {
			fmt.Fprintf(&b, "    - requester: %s\n      accepter: %s\n", meshNames[i], meshNames[j])
		}
	}
	return buildPlan(tb, "mesh", []byte(b.String()))
}

func resources(d doc) []any { r, _ := d["resources"].([]any); return r }

func inputs(r map[string]any) map[string]any {
	in, _ := r["inputs"].(map[string]any)
	if in == nil {
		in = map[string]any{}
		r["inputs"] = in
	}
	return in
}

func ofType(d doc, typ string) []map[string]any {
	var out []map[string]any
	for _, x := range resources(d) {
		if r, ok := x.(map[string]any); ok && r["type"] == typ {
			out = append(out, r)
		}
	}
	return out
}

func add(d doc, rs ...map[string]any) {
	all := resources(d)
	for _, r := range rs {
		all = append(all, r)
	}
	d["resources"] = all
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// withObservability returns d unchanged. Plans built by plan.Build already
// hold the observability resources (flow logs, buckets, roles, metric
// filters, alarms), so there is nothing to add; BenchmarkEvaluate and
// TestMeshPlan still call it.
func withObservability(d doc) doc { return d }

// decodeDoc normalizes Go values (ints, []map) to what JSON decoding gives.
func decodeDoc(d doc) doc {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
