package policy

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestRegoUnitTests runs the baseline's *_test.rego files with OPA's test
// runner, one subtest per Rego test.
func TestRegoUnitTests(t *testing.T) {
	mods := baselineModules(t)
	ch, err := tester.NewRunner().
		SetCompiler(newCompiler()).
		SetModules(mods).
		RaiseBuiltinErrors(true).
		RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		t.Run(r.Package+"."+r.Name, func(t *testing.T) {
			switch {
			case r.Error != nil:
				t.Errorf("%s: error: %v", r.Location, r.Error)
			case r.Fail:
				t.Errorf("%s: failed (at %v)\n%s", r.Location, r.FailedAt, r.Output)
			case r.Skip:
				t.Skip("skipped in Rego (todo_ prefix)")
			}
		})
	}
	if n == 0 {
		t.Fatal("no Rego tests ran")
	}
}

var testName = regexp.MustCompile(`^test_((?:deny|warn)_[a-z0-9_]+?)_(fires|passes)(_|$)`)

// TestEveryRuleHasRegoTests checks that each baseline rule has at least one
// Rego test that makes it fire and one that makes it pass, named
// test_<rule>_fires... and test_<rule>_passes....
func TestEveryRuleHasRegoTests(t *testing.T) {
	mods := baselineModules(t)
	have := map[string]map[string]bool{}
	for _, m := range mods {
		for _, r := range m.Rules {
			name := r.Head.Ref().String()
			if match := testName.FindStringSubmatch(name); match != nil {
				if have[match[1]] == nil {
					have[match[1]] = map[string]bool{}
				}
				have[match[1]][match[2]] = true
			}
		}
	}
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, r := range e.Rules() {
		name := r.Ref[strings.LastIndex(r.Ref, ".")+1:]
		for _, kind := range []string{"fires", "passes"} {
			if !have[name][kind] {
				missing = append(missing, "test_"+name+"_"+kind)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("baseline rules without Rego tests:\n%s", strings.Join(missing, "\n"))
	}
}

// TestBaselineStrict compiles the baseline and its tests in OPA's strict
// mode (no unused variables, imports or deprecated built-ins), which the
// engine does not impose on user policies.
func TestBaselineStrict(t *testing.T) {
	mods := baselineModules(t)
	c := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1).WithStrict(true)
	if c.Compile(mods); c.Failed() {
		t.Fatal(c.Errors)
	}
}

// baselineModules parses the baseline with its *_test.rego files.
func baselineModules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	srcs, err := baselineSources(true)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := parse(srcs)
	if err != nil {
		t.Fatal(err)
	}
	return mods
}
