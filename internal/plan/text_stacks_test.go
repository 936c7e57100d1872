package plan

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/peerctl/peerctl/internal/config"
)

// Every example stack's text plan keeps to TextWidth columns and shows
// every resource exactly once, its type and full name on one line: no
// component repeated per account, no name cut.
func TestTextPlanOfEveryExampleStack(t *testing.T) {
	files, err := filepath.Glob("../../examples/*/Pulumi.*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../Pulumi.dev.yaml", "../../Pulumi.prod.yaml", "testdata/Pulumi.small.yaml")
	for _, file := range files {
		for _, suffix := range []string{"", "qa"} { // qa: with the override warning in the header
			t.Run(filepath.Base(file)+suffix, func(t *testing.T) {
				raw, err := config.LoadStackFile(file)
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := config.Parse(raw, func(k string) (string, bool) {
					return suffix, suffix != "" && k == config.EnvEnvironmentSuffix
				})
				if err != nil {
					t.Fatal(err)
				}
				stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "Pulumi."), ".yaml")
				doc, err := Build(cfg, stack)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := doc.WriteText(&buf); err != nil {
					t.Fatal(err)
				}
				checkTextPlan(t, doc, buf.String())
			})
		}
	}
}

func checkTextPlan(t *testing.T, doc *Document, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > TextWidth {
			t.Errorf("line %d has %d columns: %q", i+1, n, l)
		}
	}
	for _, r := range doc.Resources {
		head := "+ " + ShortType(r.Type) + " " + r.Name
		n := 0
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if l == head || strings.HasPrefix(l, head+"  [") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q is on %d lines, want 1", head, n)
		}
	}
}
