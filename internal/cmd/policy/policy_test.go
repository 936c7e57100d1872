package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/policy"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out := &bytes.Buffer{}
	f := &cmdutil.Factory{IO: &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: out, IsInteractive: func() bool { return false }}}
	cmd := NewCmdPolicy(f)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(out)
	err := cmd.Execute()
	return out.String(), err
}

// teamDir writes a user policy and its tests; wrong makes one test fail.
func teamDir(t *testing.T, wrong bool) string {
	t.Helper()
	dir := t.TempDir()
	want := 1
	if wrong {
		want = 2
	}
	files := map[string]string{
		"team.rego": `package peerctl.team

import rego.v1

# METADATA
# title: VPCs use 10/8
deny_team_001 contains msg if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
	not startswith(r.inputs.cidrBlock, "10.")
	msg := sprintf("%s is outside 10/8", [r.name])
}
`,
		"team_test.rego": `package peerctl.team_test

import rego.v1

import data.peerctl.team

test_deny_team_001_fires if {
	count(team.deny_team_001) == ` + string(rune('0'+want)) + ` with input as {"resources": [{"type": "aws:ec2/vpc:Vpc", "name": "a", "inputs": {"cidrBlock": "172.16.0.0/16"}}]}
}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPolicyTest(t *testing.T) {
	dir := teamDir(t, false)
	out, err := run(t, "test", dir, "--run", "team")
	if err != nil {
		t.Fatalf("policy test: %v\n%s", err, out)
	}
	if out != "PASS: 1/1\n" {
		t.Errorf("output = %q, want opa test's summary PASS: 1/1", out)
	}

	out, err = run(t, "test", teamDir(t, true), "--run", "team")
	if !errors.Is(err, policy.ErrTestsFailed) || cmdutil.ExitCode(err) != cmdutil.ExitError {
		t.Fatalf("failing test: error %v (exit %d), want ErrTestsFailed, exit 1", err, cmdutil.ExitCode(err))
	}
	for _, want := range []string{"data.peerctl.team_test.test_deny_team_001_fires: FAIL", "FAIL: 1/1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPolicyList(t *testing.T) {
	dir := teamDir(t, false)
	out, err := run(t, "list", "--policy-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "SEVERITY") || !strings.Contains(lines[0], "TITLE") || !strings.Contains(lines[0], "SOURCE") {
		t.Errorf("header = %q", lines[0])
	}
	for _, want := range []string{
		// Columns are as wide as the longest id (PARTNER-001) plus two spaces.
		"PEER-006     deny      Every peering connection gets accepted",
		"TEAM-001     deny      VPCs use 10/8",
		filepath.Join(dir, "team.rego") + ":7",
		"S3-006       warn      Production buckets do not set forceDestroy",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}

	out, err = run(t, "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rules []policy.Rule
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) < 30 || rules[0].ID != "EXIST-001" || rules[0].File != "policy/existing.rego" || rules[0].Title == "" {
		t.Errorf("rules[0] = %+v (of %d)", rules[0], len(rules))
	}
}
