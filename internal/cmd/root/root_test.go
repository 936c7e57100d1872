package root

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy"
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
	for _, name := range []string{"plan", "policy", "preview", "up", "destroy", "refresh", "outputs", "verify", "version"} {
		if !strings.Contains(out.String(), "\n  "+name+" ") {
			t.Errorf("help does not list %q:\n%s", name, out)
		}
	}
}

// --version prints the first line of `peerctl version`.
func TestVersionFlag(t *testing.T) {
	f, out, _ := factory(t, t.TempDir())
	cmd := NewCmdRoot(f)
	cmd.SetArgs([]string{"--version"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "peerctl ") || !strings.HasSuffix(out.String(), "\n") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("--version printed %q, want one line starting with peerctl", out)
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
	if err := policyPreCheck(f)(context.Background(), "dev", cfg, deploy.PolicyOptions{Timeout: 5 * time.Second}); err != nil {
		t.Fatalf("the dev stack must pass the baseline: %v", err)
	}

	policies := t.TempDir()
	rego := "package peerctl.acme\n\ndeny_acme_009 contains \"no deploys on Fridays\" if { true }\n"
	if err := os.WriteFile(filepath.Join(policies, "acme.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	withDir := deploy.PolicyOptions{Dirs: []string{policies}, Timeout: 5 * time.Second}
	err = policyPreCheck(f)(context.Background(), "dev", cfg, withDir)
	if cmdutil.ExitCode(err) != cmdutil.ExitPolicy || !strings.Contains(err.Error(), `stack "dev" has 1 deny finding(s)`) {
		t.Fatalf("error = %v", err)
	}
	if !strings.Contains(errOut.String(), "ACME-009") {
		t.Errorf("the findings are not shown: %q", errOut)
	}

	// The exceptions in the project's policy-exceptions.yaml apply to up
	// and preview as they do to plan: an excepted deny does not stop them.
	exceptions := "exceptions:\n  - rule: ACME-009\n    resource: \"*\"\n    reason: release freeze lifted for this change (CHG-1)\n    expires: 2999-12-31\n"
	if err := os.WriteFile(filepath.Join(dir, "policy-exceptions.yaml"), []byte(exceptions), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := policyPreCheck(f)(context.Background(), "dev", cfg, withDir); err != nil {
		t.Errorf("an excepted finding stopped the pre-check: %v", err)
	}
}

// conftest policies in package main run in the pre-check with --namespace
// main, as in plan; without it they are an error, never silently skipped.
func TestPolicyPreCheckNamespaces(t *testing.T) {
	dir := devProject(t)
	f, _, _ := factory(t, dir)
	cfg, err := f.StackConfig("dev", "")
	if err != nil {
		t.Fatal(err)
	}
	policies := t.TempDir()
	rego := "package main\n\ndeny contains \"from a conftest policy\" if { true }\n"
	if err := os.WriteFile(filepath.Join(policies, "main.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := deploy.PolicyOptions{Dirs: []string{policies}, Timeout: 5 * time.Second}
	if err := policyPreCheck(f)(context.Background(), "dev", cfg, opts); err == nil || cmdutil.ExitCode(err) == cmdutil.ExitPolicy {
		t.Errorf("package main without --namespace: error = %v, want a load error", err)
	}
	opts.Namespaces = []string{"main"}
	err = policyPreCheck(f)(context.Background(), "dev", cfg, opts)
	if cmdutil.ExitCode(err) != cmdutil.ExitPolicy || !strings.Contains(err.Error(), "--namespace main") {
		t.Errorf("with --namespace main: error = %v, want a denial naming the flag in its hint", err)
	}
}
