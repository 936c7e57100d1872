package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

func testFactory(t *testing.T, dir string, vars map[string]string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &cmdutil.Factory{
		IO:      &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, IsInteractive: func() bool { return false }},
		Getenv:  func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		WorkDir: func() (string, error) { return dir, nil },
	}, out, errOut
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args []string
		want PlanOptions
	}{
		{nil, PlanOptions{Stack: "dev"}},
		{[]string{"--stack", "prod", "--json"}, PlanOptions{Stack: "prod", JSON: true}},
		{[]string{"-s", "qa", "--config", "x.yaml"}, PlanOptions{Stack: "qa", ConfigFile: "x.yaml"}},
		{[]string{"--config", "examples/assume-role/Pulumi.staging.yaml"}, PlanOptions{Stack: "staging", ConfigFile: "examples/assume-role/Pulumi.staging.yaml"}},
		{[]string{"--config", "my-stack.yaml"}, PlanOptions{Stack: "dev", ConfigFile: "my-stack.yaml"}},
		{[]string{"--compact"}, PlanOptions{Stack: "dev", Compact: true}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory(t, t.TempDir(), nil)
			var got *PlanOptions
			cmd := NewCmdPlan(f, func(o *PlanOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if got.Stack != tt.want.Stack || got.JSON != tt.want.JSON || got.ConfigFile != tt.want.ConfigFile || got.Compact != tt.want.Compact {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// plan refuses the --stack/--config mismatch the deploy commands refuse, so
// that a plan never shows URNs of a stack up would not deploy.
func TestStackMustMatchTheStackFile(t *testing.T) {
	f, _, _ := testFactory(t, t.TempDir(), nil)
	cmd := NewCmdPlan(f, func(*PlanOptions) error { t.Error("ran despite the mismatch"); return nil })
	cmd.SetArgs([]string{"--stack", "prod", "--config", "Pulumi.dev.yaml"})
	err := cmd.Execute()
	want := `--stack "prod" does not match --config Pulumi.dev.yaml, the stack file of stack "dev": drop --stack, or name the file Pulumi.prod.yaml`
	if err == nil || !strings.HasPrefix(err.Error(), want) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("err = %v (exit %d), want %q, exit 2", err, cmdutil.ExitCode(err), want)
	}
}

// project writes a Pulumi project with the given stack files into a temp dir.
func project(t *testing.T, stacks map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"Pulumi.yaml": "name: peerctl\nruntime: go\n"}
	for name, body := range stacks {
		files["Pulumi."+name+".yaml"] = body
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func run(t *testing.T, dir string, vars map[string]string, args ...string) (string, string, error) {
	t.Helper()
	f, out, errOut := testFactory(t, dir, vars)
	cmd := NewCmdPlan(f, nil)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true // as the root command sets them
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestPlanFromProjectSubdirectory(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	sub := filepath.Join(dir, "internal", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Plan for stack dev (environment dev, region us-east-1)") || !strings.Contains(out, "\nPlan: ") ||
		!strings.HasSuffix(out, "\nPolicy: 0 deny, 0 warn.\n") {
		t.Errorf("unexpected plan output:\n%s", out)
	}
}

// The text plan shows attributes; --compact keeps the one-line-a-resource
// tree; --json with --compact is refused as a usage error.
func TestPlanTextAndCompact(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	out, _, err := run(t, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n    + ec2.Vpc trading-vpc\n        cidr = 10.0.0.0/16\n", "\nPolicy: 0 deny, 0 warn.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("text plan lacks %q:\n%s", want, out)
		}
	}
	out, _, err = run(t, dir, nil, "--compact")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n    + aws:ec2/vpc:Vpc  ", "\nno account (providers, and components that span accounts)\n", "\nPolicy: 0 deny, 0 warn.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("compact plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cidr = ") {
		t.Error("the compact plan shows attributes")
	}
	_, _, err = run(t, dir, nil, "--compact", "--json")
	if err == nil || !strings.Contains(err.Error(), "--compact shapes the text plan; it cannot be combined with --json") ||
		cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("--compact --json: err = %v (exit %d), want a usage error", err, cmdutil.ExitCode(err))
	}
}

func TestPlanJSONAndEnvironmentOverride(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	out, _, err := run(t, dir, map[string]string{"ENVIRONMENT_SUFFIX": "qa"}, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Stack       string `json:"stack"`
		Environment string `json:"environment"`
		Resources   []struct {
			Name string `json:"name"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if doc.Stack != "dev" || doc.Environment != "qa" || len(doc.Resources) < 50 {
		t.Errorf("stack %q environment %q, %d resources", doc.Stack, doc.Environment, len(doc.Resources))
	}
}

func TestPlanErrors(t *testing.T) {
	dir := project(t, map[string]string{
		"dev": "config: {}\n",
		"bad": "config:\n  peerctl:networks: [{name: trading, cidr: 10.0.0.0/33, costCenter: t}]\n",
	})
	tests := []struct {
		name     string
		dir      string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"unknown stack", dir, []string{"--stack", "prdo"}, cmdutil.ExitConfig,
			`stack "prdo" has no Pulumi.prdo.yaml in ` + dir + ` (stacks here: bad, dev)`},
		{"invalid config", dir, []string{"--stack", "bad"}, cmdutil.ExitConfig,
			`peerctl:networks[0].cidr: "10.0.0.0/33" is not a CIDR block like 10.0.0.0/16`},
		{"missing config file", dir, []string{"--config", filepath.Join(dir, "nope.yaml")}, cmdutil.ExitConfig,
			"nope.yaml: stack file not found"},
		{"no project", t.TempDir(), nil, cmdutil.ExitError, "no Pulumi.yaml found in"},
		{"stray argument", dir, []string{"extra"}, cmdutil.ExitUsage, `plan takes no arguments, got ["extra"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, tt.dir, nil, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if out != "" {
				t.Errorf("nothing may be printed on error, got %q", out)
			}
		})
	}
}

func TestConfigErrorBeforeAnyResource(t *testing.T) {
	calls := 0
	opts := &PlanOptions{
		IO: &cmdutil.IOStreams{Out: &bytes.Buffer{}},
		LoadConfig: func(string, string) (*config.Config, error) {
			calls++
			return nil, &config.ValidationError{Problems: []*config.FieldError{{Field: "peerctl:region", Value: "x", Message: "is bad"}}}
		},
		Stack: "dev",
	}
	err := planRun(opts)
	if !errors.Is(err, config.ErrInvalid) || calls != 1 || opts.IO.Out.(*bytes.Buffer).Len() != 0 {
		t.Errorf("err = %v, calls = %d", err, calls)
	}
}

// writePolicy writes one user policy file into a new directory.
func writePolicy(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "acme.rego"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPolicyFindings(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	denyVPCs := writePolicy(t, `package peerctl.acme

deny_acme_001 contains {"msg": sprintf("%s: VPCs need change approval", [r.name]), "urn": r.urn} if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
}
`)
	warnOnly := writePolicy(t, `package peerctl.acme

warn_acme_002 contains "remember the change ticket" if { true }
`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"baseline is clean", nil, cmdutil.ExitOK, []string{"Policy: 0 deny, 0 warn."}},
		{"user deny fails the plan", []string{"--policy-dir", denyVPCs}, cmdutil.ExitPolicy,
			[]string{"Policy: 2 deny, 0 warn.", "deny ACME-001", "trading-vpc: VPCs need change approval"}},
		{"warn does not fail", []string{"--policy-dir", warnOnly}, cmdutil.ExitOK,
			[]string{"Policy: 0 deny, 1 warn.", "warn ACME-002", "remember the change ticket"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, dir, nil, tt.args...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d", code, err, tt.wantCode)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out[max(0, len(out)-600):])
				}
			}
		})
	}

	out, _, err := run(t, dir, nil, "--json", "--policy-dir", denyVPCs)
	if cmdutil.ExitCode(err) != cmdutil.ExitPolicy {
		t.Fatalf("--json with a deny: %v", err)
	}
	var doc struct {
		Resources []json.RawMessage `json:"resources"`
		Findings  []struct {
			Rule, Severity, URN, Account, Message string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Resources) == 0 || len(doc.Findings) != 2 || doc.Findings[0].Rule != "ACME-001" || doc.Findings[0].Severity != "deny" ||
		doc.Findings[0].Account == "" || !strings.Contains(doc.Findings[0].URN, "aws:ec2/vpc:Vpc") {
		t.Errorf("findings = %+v", doc.Findings)
	}
}

func TestBadPolicyFileNamesFileAndLine(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	bad := writePolicy(t, "package peerctl.acme\n\ndeny_x contains msg if {\n  msg := \n}\n")
	_, _, err := run(t, dir, nil, "--policy-dir", bad)
	if err == nil || !strings.Contains(err.Error(), "acme.rego:") {
		t.Fatalf("error = %v, want it to name the file and line", err)
	}
}

func TestPolicyFlags(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	conftest := writePolicy(t, `package main

deny contains msg if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
	msg := sprintf("%s: no VPCs without approval", [r.name])
}
`)
	failing := writePolicy(t, `package peerctl.acme

deny_acme_003 contains "never" if {
	some r in input.resources
	to_number(r.name) > 1
}
`)
	slow := writePolicy(t, `package peerctl.acme

deny_acme_004 contains "never" if {
	count({[i, j] | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000)}) < 0
}
`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"package main needs --namespace", []string{"--policy-dir", conftest}, cmdutil.ExitError, "",
			"data.main.deny is in package data.main, which peerctl does not evaluate: use a package under data.peerctl, or pass --namespace main"},
		{"--namespace main", []string{"--policy-dir", conftest, "--namespace", "main"}, cmdutil.ExitPolicy,
			"deny main.deny  -          trading-vpc: no VPCs without approval", ""},
		{"a built-in error fails the run", []string{"--policy-dir", failing}, cmdutil.ExitError, "",
			"acme.rego:5: rule data.peerctl.acme.deny_acme_003: eval_builtin_error: to_number:"},
		{"--policy-timeout", []string{"--policy-dir", slow, "--policy-timeout", "200ms"}, cmdutil.ExitError, "",
			"evaluate policies: stopped after 200ms (--policy-timeout)"},
		{"--policy-timeout 0", []string{"--policy-timeout", "0s"}, cmdutil.ExitUsage, "", "--policy-timeout must be positive, got 0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, dir, nil, tt.args...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.wantErr)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("output lacks %q:\n%s", tt.wantOut, out[max(0, len(out)-600):])
			}
		})
	}
}

func TestDefaultPolicyTimeoutFlag(t *testing.T) {
	f, _, _ := testFactory(t, t.TempDir(), nil)
	var got *PlanOptions
	cmd := NewCmdPlan(f, func(o *PlanOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.PolicyTimeout != 5*time.Second { // docs/policy.md: 5s
		t.Errorf("--policy-timeout default %s, want 5s", got.PolicyTimeout)
	}
}

func TestExceptionsFromTheProjectDirectory(t *testing.T) {
	dir := project(t, map[string]string{"dev": "config: {}\n"})
	policies := writePolicy(t, `package peerctl.acme

deny_acme_001 contains {"msg": sprintf("%s: VPCs need change approval", [r.name]), "urn": r.urn} if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
}
`)
	x := "exceptions:\n  - rule: ACME-001\n    resource: \"*\"\n    reason: approved in CHG-1\n    expires: 2999-01-01\n"
	if err := os.WriteFile(filepath.Join(dir, "policy-exceptions.yaml"), []byte(x), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, filepath.Join(dir), nil, "--policy-dir", policies)
	if err != nil {
		t.Fatalf("plan with every deny excepted: %v", err)
	}
	if !strings.Contains(out, "Policy: 0 deny, 0 warn, 2 suppressed by exceptions.") {
		t.Errorf("output lacks the suppressed count:\n%s", out[max(0, len(out)-600):])
	}
}

// With --config the exceptions are the stack's own, beside its file, not
// those of whatever project the command happens to run in.
func TestExceptionsFileFollowsTheStackFile(t *testing.T) {
	project := func() (string, error) { return filepath.Join("work", "other-project"), nil }
	tests := []struct{ config, want string }{
		{filepath.Join("srv", "stacks", "Pulumi.qa.yaml"), filepath.Join("srv", "stacks", "policy-exceptions.yaml")},
		{"", filepath.Join("work", "other-project", "policy-exceptions.yaml")},
	}
	for _, tt := range tests {
		got, err := ExceptionsFile(tt.config, project)
		if err != nil || got != tt.want {
			t.Errorf("ExceptionsFile(%q) = %q, %v; want %q", tt.config, got, err, tt.want)
		}
	}
}
