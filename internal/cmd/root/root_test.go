package root

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

func factory(t *testing.T, dir string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &cmdutil.Factory{
		IO:      &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, IsInteractive: func() bool { return false }},
		Getenv:  func(string) (string, bool) { return "", false },
		WorkDir: func() (string, error) { return dir, nil },
	}, out, errOut
}

// devProject copies the repository's project and dev stack file into a temp dir.
func devProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCommandTree(t *testing.T) {
	f, out, _ := factory(t, t.TempDir())
	cmd := NewCmdRoot(f)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"plan", "preview", "up", "destroy", "refresh", "outputs", "verify"} {
		if !strings.Contains(out.String(), "\n  "+name+" ") {
			t.Errorf("help does not list %q:\n%s", name, out)
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"plan", "--jsn"}, {"plan", "extra"}, {"up", "extra"}, {"destroy", "--yess"}, {"verify", "x"}} {
		f, _, _ := factory(t, t.TempDir())
		cmd := NewCmdRoot(f)
		cmd.SetArgs(args)
		err := cmd.Execute()
		if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d (%v), want %d", args, code, err, cmdutil.ExitUsage)
		}
	}
}

func TestPolicyPreCheck(t *testing.T) {
	dir := devProject(t)
	f, _, errOut := factory(t, dir)
	cfg, err := f.StackConfig("dev", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := policyPreCheck(f)(context.Background(), "dev", cfg, nil); err != nil {
		t.Fatalf("the dev stack must pass the baseline: %v", err)
	}

	policies := t.TempDir()
	rego := "package peerctl.acme\n\ndeny_acme_009 contains \"no deploys on Fridays\" if { true }\n"
	if err := os.WriteFile(filepath.Join(policies, "acme.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	err = policyPreCheck(f)(context.Background(), "dev", cfg, []string{policies})
	if cmdutil.ExitCode(err) != cmdutil.ExitPolicy || !strings.Contains(err.Error(), `stack "dev" has 1 deny finding(s)`) {
		t.Fatalf("error = %v", err)
	}
	if !strings.Contains(errOut.String(), "ACME-009") {
		t.Errorf("the findings are not shown: %q", errOut)
	}
}
