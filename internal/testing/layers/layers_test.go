// Package layers holds the architecture test: the production import graph
// must read top-down, as docs/architecture.md describes.
package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/peerctl/peerctl"

// The floors of the house, lowest first. A production package may import a
// package of a lower floor. On its own floor it may import only within its
// family (internal/cmd/* with internal/cmd/*, internal/deploy with its
// sub-packages), or along an edge listed in sideways with the reason for it.
const (
	leaf       = iota // pure helpers: no Pulumi, no AWS calls, no peerctl imports but other leaves
	conf              // configuration: parse and validate
	component         // Pulumi components, one AWS concern each
	program           // the Pulumi program that wires components together
	support           // what the drivers build on: the offline plan, AWS credentials, CLI plumbing
	driver            // what a command runs: deploy, verify, review, policy
	command           // cobra commands and entry points
	tool              // end-to-end harness and its stand-ins, above everything
	testHelper        // imported only by _test.go files (any floor may use them in tests)
)

var floorNames = []string{"leaf", "config", "component", "program", "support", "driver", "command", "tool", "test helper"}

// layers places every package of the module. A new package must be added
// here: the test fails for packages it does not know, so that placing a
// package is a decision, not an accident.
var layers = map[string]int{
	"internal/netplan":    leaf,
	"internal/regions":    leaf,
	"internal/tags":       leaf,
	"internal/iamdoc":     leaf,
	"internal/flowfilter": leaf,
	"internal/names":      leaf, // physical names of global resources
	// quietterm must initialise before every other package of the binary
	// (it keeps the terminal library from querying the terminal), so it
	// imports nothing of ours.
	"internal/cmdutil/quietterm": leaf,
	"policy":                     leaf, // the embedded Rego files

	"internal/config": conf,

	"internal/network":       component,
	"internal/peering":       component,
	"internal/observability": component,
	"internal/compliance":    component,

	"internal/stack": program,

	"internal/plan":           support,
	"internal/deploy/awsauth": support,
	"internal/cmdutil":        support,

	"internal/deploy":           driver,
	"internal/deploy/preflight": driver,
	"internal/verify":           driver,
	"internal/review":           driver,
	"internal/policy":           driver,

	"":                     command, // main.go at the root: the Pulumi program's entry point
	"cmd/peerctl":          command,
	"internal/cmd/root":    command,
	"internal/cmd/plan":    command,
	"internal/cmd/preview": command,
	"internal/cmd/up":      command,
	"internal/cmd/destroy": command,
	"internal/cmd/refresh": command,
	"internal/cmd/outputs": command,
	"internal/cmd/verify":  command,
	"internal/cmd/policy":  command,
	"internal/cmd/version": command,

	"e2e":            tool,
	"e2e/buildtools": tool,
	"e2e/e2etools":   tool,
	"e2e/standin":    tool,

	"internal/testing/obstest":    testHelper,
	"internal/testing/cmdtest":    testHelper,
	"internal/testing/deploytest": testHelper,
	"internal/testing/configtest": testHelper,
	"internal/testing/layers":     testHelper,
}

// sideways are the allowed imports between packages of one floor and of
// different families, each with its reason.
var sideways = map[[2]string]string{
	{"internal/iamdoc", "internal/regions"}:           "policy documents name ARNs, whose partition comes from the region",
	{"internal/names", "internal/netplan"}:            "global names carry the region code that AZ-based names use (netplan.RegionCode)",
	{"internal/compliance", "internal/observability"}: "AWS Config delivers into the log bucket the observability component defines",
	{"internal/verify", "internal/deploy"}:            "verify reads the outputs of the stack deploy brought up",
	{"cmd/peerctl", "internal/cmd/root"}:              "main builds the root command and nothing else",
	{"internal/review", "internal/policy"}:            "review runs the policy engine over the plan",
}

// family is the folder a package belongs to for same-floor imports:
// internal/cmd/plan and internal/cmd/up are both "internal/cmd".
func family(pkg string) string {
	parts := strings.Split(pkg, "/")
	if len(parts) >= 2 && parts[0] == "internal" {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

type listed struct {
	ImportPath string
	Imports    []string
	Error      *struct{ Err string }
}

// goList returns the module's packages with their production imports
// (Imports excludes what only _test.go files import).
func goList(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.Error != nil {
			t.Fatalf("go list %s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func local(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

func TestImportsRunDownhill(t *testing.T) {
	pkgs := goList(t)
	var problems []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		from, _ := local(p.ImportPath)
		seen[from] = true
		problems = append(problems, check(from, p.Imports)...)
	}
	for pkg := range layers {
		if !seen[pkg] {
			problems = append(problems, fmt.Sprintf("%s is in the layer table but not in the module: remove it from the table", pkg))
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// check returns what is wrong with the production imports of package from.
func check(from string, imports []string) []string {
	fl, known := layers[from]
	if !known {
		return []string{fmt.Sprintf("%q is not in the layer table of internal/testing/layers: place it on a floor (see docs/architecture.md)", from)}
	}
	var problems []string
	for _, imp := range imports {
		to, ok := local(imp)
		if !ok {
			continue
		}
		tl, known := layers[to]
		switch {
		case !known:
			continue // reported as from's own problem when it is listed
		case tl == testHelper && fl != testHelper:
			problems = append(problems, fmt.Sprintf("%s imports the test helper %s: test helpers are for _test.go files only", from, to))
		case fl == testHelper:
			// Test helpers may build on anything.
		case tl > fl:
			problems = append(problems, fmt.Sprintf("%s (%s) imports %s (%s): an import may not run uphill", from, floorNames[fl], to, floorNames[tl]))
		case tl == fl && family(from) != family(to):
			if _, ok := sideways[[2]string{from, to}]; !ok {
				problems = append(problems, fmt.Sprintf("%s imports %s on the same floor (%s): move one of them, or list the edge in sideways with the reason", from, to, floorNames[fl]))
			}
		}
	}
	return problems
}

// TestCheckCatchesWrongImports plants the wrong imports the layer check is
// for, so that the check itself can be seen to fail.
func TestCheckCatchesWrongImports(t *testing.T) {
	tests := []struct {
		name    string
		from    string
		imports []string
		want    string
	}{
		{"uphill", "internal/config", []string{module + "/internal/observability"},
			"internal/config (config) imports internal/observability (component): an import may not run uphill"},
		{"test helper in production", "internal/plan", []string{module + "/internal/testing/obstest"},
			"internal/plan imports the test helper internal/testing/obstest: test helpers are for _test.go files only"},
		{"unlisted sideways", "internal/network", []string{module + "/internal/peering"},
			"internal/network imports internal/peering on the same floor (component): move one of them, or list the edge in sideways with the reason"},
		{"unknown package", "internal/newthing", nil,
			`"internal/newthing" is not in the layer table of internal/testing/layers: place it on a floor (see docs/architecture.md)`},
		{"downhill", "internal/stack", []string{module + "/internal/network", module + "/internal/config", "fmt"}, ""},
		{"same family", "internal/cmd/up", []string{module + "/internal/cmd/plan"}, ""},
		{"listed sideways", "internal/verify", []string{module + "/internal/deploy"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(tt.from, tt.imports)
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if !slices.Equal(got, want) {
				t.Errorf("check(%s) = %q, want %q", tt.from, got, want)
			}
		})
	}
}
