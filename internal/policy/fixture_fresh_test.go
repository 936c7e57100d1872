package policy_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/policy"
)

// TestFixtureIsTheCurrentDevPlan keeps testdata/plan-dev.json from going
// stale: the policy tests and docs/policy.md's examples trust it to be what
// the dev stack plans today, so any change to the program or to
// Pulumi.dev.yaml that changes the plan must regenerate it.
func TestFixtureIsTheCurrentDevPlan(t *testing.T) {
	if *policy.Update {
		t.Skip("-update: TestFixture rewrites the fixture")
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(completePlan(t, "dev")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want.Bytes()) {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(want.String(), "\n")
	line := 0
	for line < len(gotLines) && line < len(wantLines) && gotLines[line] == wantLines[line] {
		line++
	}
	at := func(lines []string) string {
		if line < len(lines) {
			return strings.TrimSpace(lines[line])
		}
		return "(end of file)"
	}
	t.Errorf("%s is not the current dev plan: line %d is %q, the plan has %q.\n"+
		"Regenerate it with: go test ./internal/policy -run TestFixture -update",
		fixture, line+1, at(gotLines), at(wantLines))
}
