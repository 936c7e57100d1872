package policy_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/peerctl/peerctl/internal/policy"
)

// fixture is a snapshot of the dev plan with observability resources, for
// trying policies without building a plan (see docs/policy.md). Regenerate
// it with go test ./internal/policy -run TestFixture -update.
var fixture = filepath.Join("testdata", "plan-dev.json")

func TestFixture(t *testing.T) {
	if *policy.Update {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(completePlan(t, "dev")); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fixture, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if fs := evaluate(t, d); len(fs) > 0 {
		t.Errorf("findings on %s:%s", fixture, describe(fs))
	}
}
