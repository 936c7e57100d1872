package root

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// boolFlag is a boolean flag of a command, by command path.
type boolFlag struct {
	path []string // command names below peerctl
	name string
}

// boolFlags lists every boolean flag of every command that runs, except
// --help, which cobra handles before anything else.
func boolFlags(t *testing.T) []boolFlag {
	t.Helper()
	f, _, _ := factory(t, t.TempDir())
	var out []boolFlag
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
		}
		if !c.Runnable() {
			return
		}
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if fl.Value.Type() == "bool" && fl.Name != "help" {
				out = append(out, boolFlag{path, fl.Name})
			}
		})
	}
	walk(NewCmdRoot(f), nil)
	return out
}

func (b boolFlag) String() string {
	return strings.Join(append(slices.Clone(b.path), "--"+b.name), " ")
}

// The walk must reach the flags users type most; written by hand, so an
// empty or partial walk cannot pass.
func TestBoolFlagsWalkReachesKnownFlags(t *testing.T) {
	var got []string
	for _, b := range boolFlags(t) {
		got = append(got, b.String())
	}
	for _, want := range []string{"plan --json", "verify --json", "verify --no-probe", "verify --strict", "destroy --yes",
		"up --allow-policy-violations", "preview --allow-policy-violations", "outputs --json", "policy test --verbose"} {
		if !slices.Contains(got, want) {
			t.Errorf("boolean flag %s not found; found %v", want, got)
		}
	}
}

// Every boolean flag reads as a switch in its command's help: "--json",
// never "--json[=true|false]".
func TestHelpShowsBoolFlagsAsSwitches(t *testing.T) {
	for _, b := range boolFlags(t) {
		t.Run(b.String(), func(t *testing.T) {
			f, out, _ := factory(t, t.TempDir())
			cmd := NewCmdRoot(f)
			cmd.SetArgs(append(slices.Clone(b.path), "--help"))
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "[=") {
				t.Errorf("help shows a flag value in brackets:\n%s", out)
			}
			if !strings.Contains(out.String(), "--"+b.name+" ") {
				t.Errorf("help does not list --%s as a switch:\n%s", b.name, out)
			}
		})
	}
}

// --flag=false and --flag=true parse; `--flag false` is refused (exit
// status 2) with an error that names the flag and says what to write,
// before the command runs.
func TestBoolFlagValues(t *testing.T) {
	for _, b := range boolFlags(t) {
		t.Run(b.String(), func(t *testing.T) {
			for _, value := range []string{"false", "true"} {
				f, _, _ := factory(t, t.TempDir())
				c, _, err := NewCmdRoot(f).Find(b.path)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.ParseFlags([]string{"--" + b.name + "=" + value}); err != nil {
					t.Fatalf("--%s=%s: %v", b.name, value, err)
				}
				if got := c.Flags().Lookup(b.name).Value.String(); got != value {
					t.Errorf("--%s=%s: the flag is %s", b.name, value, got)
				}
			}

			f, _, _ := factory(t, t.TempDir())
			cmd := NewCmdRoot(f)
			cmd.SetArgs(append(slices.Clone(b.path), "--"+b.name, "false"))
			err := cmd.Execute()
			if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
				t.Fatalf("--%s false: exit %d (%v), want %d", b.name, code, err, cmdutil.ExitUsage)
			}
			if want := "write --" + b.name + "=false"; !strings.Contains(err.Error(), want) {
				t.Errorf("--%s false: error %q does not say %q", b.name, err, want)
			}
		})
	}
}

// --json=false gives the text plan, --json=true the JSON document.
func TestPlanJSONFalse(t *testing.T) {
	for _, tt := range []struct {
		value    string
		wantJSON bool
	}{{"false", false}, {"true", true}} {
		f, out, _ := factory(t, devProject(t))
		cmd := NewCmdRoot(f)
		cmd.SetArgs([]string{"plan", "--json=" + tt.value})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("--json=%s: %v", tt.value, err)
		}
		if isJSON := strings.HasPrefix(out.String(), "{"); isJSON != tt.wantJSON {
			t.Errorf("--json=%s: JSON %v, want %v; output begins %q", tt.value, isJSON, tt.wantJSON, out.String()[:min(80, out.Len())])
		}
	}
}
