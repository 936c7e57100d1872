package compliance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsSayWhatEachRuleCovers keeps the rules table of
// docs/observability.md in step with Rules: a row per rule, with its
// identifier, the parameters as deployed, and what it covers.
func TestDocsSayWhatEachRuleCovers(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "observability.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		rows[strings.Trim(strings.TrimSpace(cells[0]), "`")] = cells
	}
	for _, r := range Rules(true) {
		cells, ok := rows[r.Key]
		if !ok {
			t.Errorf("docs/observability.md has no row for rule %s", r.Key)
			continue
		}
		if len(cells) != 6 {
			t.Errorf("row %s has %d cells, want 6 (rule, identifier, checks, parameters, scope, covers)", r.Key, len(cells))
			continue
		}
		if got := strings.Trim(strings.TrimSpace(cells[1]), "`"); got != r.Identifier {
			t.Errorf("row %s names %s, want %s", r.Key, got, r.Identifier)
		}
		params, err := parametersJSON(r.Parameters)
		if err != nil {
			t.Fatal(err)
		}
		if params != "" && !strings.Contains(cells[3], "`"+params+"`") {
			t.Errorf("row %s parameters %q, want them to show %s", r.Key, cells[3], params)
		}
		if covers := strings.TrimSpace(cells[5]); !strings.Contains(covers, "account") && !strings.Contains(covers, "stack") {
			t.Errorf("row %s does not say whether it covers the account or the stack: %q", r.Key, covers)
		}
	}
}
