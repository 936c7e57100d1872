package policy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	rulesBegin = "<!-- BEGIN BASELINE RULES: generated from the METADATA in policy/*.rego by go test ./internal/policy -run TestDocs -update -->"
	rulesEnd   = "<!-- END BASELINE RULES -->"
)

// docFiles may hold the generated table: docs/policy.md, or the README once
// it is merged there.
var docFiles = []string{
	filepath.Join("..", "..", "docs", "policy.md"),
	filepath.Join("..", "..", "README.md"),
}

// rulesTable renders the baseline rules as a Markdown table.
func rulesTable(rules []Rule) string {
	cell := func(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "|", `\|`) }
	var b strings.Builder
	b.WriteString(rulesBegin + "\n")
	b.WriteString("| ID | Severity | Rule | Rationale | Reference |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, r := range rules {
		if !r.Baseline {
			continue
		}
		ref := cell(r.Reference)
		for i, u := range r.URLs {
			ref += fmt.Sprintf(" [[%d]](%s)", i+1, u)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.ID, r.Severity, cell(r.Title), cell(r.Rationale), ref)
	}
	b.WriteString(rulesEnd)
	return b.String()
}

// TestDocsRuleTable checks that the rule table in the docs matches the
// baseline's annotations; -update rewrites it.
func TestDocsRuleTable(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := rulesTable(e.Rules())
	checked := 0
	for _, file := range docFiles {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		start, end := bytes.Index(b, []byte(rulesBegin)), bytes.Index(b, []byte(rulesEnd))
		if start < 0 || end < start {
			continue
		}
		checked++
		got := string(b[start : end+len(rulesEnd)])
		if got == want {
			continue
		}
		if *update {
			out := append([]byte{}, b[:start]...)
			out = append(out, want...)
			out = append(out, b[end+len(rulesEnd):]...)
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: the baseline rule table is out of date; run go test ./internal/policy -run TestDocs -update", file)
	}
	if checked == 0 {
		t.Errorf("no file of %v holds the baseline rule table between %q and %q", docFiles, rulesBegin, rulesEnd)
	}
}
