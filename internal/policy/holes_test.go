package policy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/topdown"
)

// The tests in this file each load one directory of testdata/holes: a
// policy a team could send in a pull request that used to pass the gate
// silently, reach the network, or hide a baseline finding.

func hole(name string) string { return filepath.Join("testdata", "holes", name) }

// vpcPlan has two VPCs, one outside 10/8, none tagged Team.
func vpcPlan() map[string]any {
	return planOf("dev",
		res("urn:vpc-a", "aws:ec2/vpc:Vpc", "a", "vpc-a", "trading", map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Team": "x"}}),
		res("urn:vpc-b", "aws:ec2/vpc:Vpc", "b", "vpc-b", "analytics", map[string]any{"cidrBlock": "172.16.0.0/16"}),
	)
}

func userFindings(t *testing.T, e *Engine, in any) []Finding {
	t.Helper()
	var out []Finding
	for _, f := range evalOK(t, e, in) {
		if r := e.rule(f.Rule); r != nil && !r.Baseline {
			out = append(out, f)
		}
	}
	return out
}

func TestConftestStyleRulesAreFindings(t *testing.T) {
	e := newEngine(t, hole("conftest-style"))
	got := userFindings(t, e, vpcPlan())
	want := []Finding{
		{Rule: "peerctl.team.deny", Severity: "deny", Message: "VPC b is outside 10.0.0.0/8"},
		{Rule: "peerctl.team.violation", Severity: "deny", URN: "urn:vpc-b", Account: "analytics", Message: "VPC b has no Team tag"},
		{Rule: "MANY-VPCS", Severity: "warn", Message: "more than one VPC"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %+v\nwant      %+v", got, want)
	}
}

func TestMainNamespace(t *testing.T) {
	dir := hole("main-namespace")
	file := filepath.Join(dir, "main.rego")
	_, err := New(context.Background(), Options{Dirs: []string{dir}})
	wantErr := "load policies: " + file + ":5:1: peerctl_contract_error: data.main.deny is in package data.main, which peerctl does not evaluate: use a package under data.peerctl, or pass --namespace main"
	if err == nil || err.Error() != wantErr {
		t.Fatalf("without --namespace: error = %v\nwant %s", err, wantErr)
	}
	e, err := New(context.Background(), Options{Dirs: []string{dir}, Namespaces: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	in := planOf("dev", res("urn:igw", "aws:ec2/internetGateway:InternetGateway", "igw", "igw-1", "trading", nil))
	want := []Finding{{Rule: "main.deny", Severity: "deny", Message: "igw: internet gateway"}}
	if got := userFindings(t, e, in); !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %+v, want %+v", got, want)
	}
}

// TestLoadErrors: each directory is refused at load time, naming file and
// line, before any plan is evaluated.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want []string // every error line, after "load policies: "
	}{
		{"http-send", []string{"exfil.rego:6:10: rego_type_error: built-in http.send is not allowed in peerctl policies: it makes network requests"}},
		{"net-lookup", []string{"dns.rego:6:11: rego_type_error: built-in net.lookup_ip_addr is not allowed in peerctl policies: it makes DNS requests"}},
		{"opa-runtime", []string{"env.rego:6:9: rego_type_error: built-in opa.runtime is not allowed in peerctl policies: it reads the host's environment variables and OPA configuration"}},
		{"user-exception", []string{"exception.rego:6:1: peerctl_contract_error: data.peerctl.team.exception: exceptions are not written in policies; add the rule id, resource, reason and expiry to policy-exceptions.yaml in the project directory"}},
		{"baseline-package", []string{"network.rego:1:1: peerctl_contract_error: package data.peerctl.baseline.network belongs to peerctl's baseline; user policies may import it but not declare it (use a package such as data.peerctl.acme)"}},
		{"lib-override", []string{"lib.rego:7:1: peerctl_contract_error: rule data.peerctl.lib.same_account adds to peerctl's baseline; user policies may not"}},
		{"malformed-names", []string{
			"names.rego:5:1: peerctl_contract_error: data.peerctl.team.Deny_x looks like a finding rule but does not fit the contract: name it deny, violation or warn, alone or with a lowercase _suffix (deny_acme_001)",
			"names.rego:7:1: peerctl_contract_error: data.peerctl.team.deny_UP looks like a finding rule but does not fit the contract: name it deny, violation or warn, alone or with a lowercase _suffix (deny_acme_001)",
			"names.rego:9:1: peerctl_contract_error: data.peerctl.team.warn_ looks like a finding rule but does not fit the contract: name it deny, violation or warn, alone or with a lowercase _suffix (deny_acme_001)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := hole(tt.dir)
			_, err := New(context.Background(), Options{Dirs: []string{dir}})
			if !errors.Is(err, ErrInvalidPolicy) {
				t.Fatalf("error %v, want ErrInvalidPolicy", err)
			}
			var want []string
			for i, w := range tt.want {
				if i == 0 {
					w = "load policies: " + filepath.Join(dir, w)
				} else {
					w = filepath.Join(dir, w)
				}
				want = append(want, w)
			}
			if got := err.Error(); got != strings.Join(want, "\n") {
				t.Errorf("error =\n%s\nwant\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
}

func TestBuiltinErrorFailsTheRun(t *testing.T) {
	dir := hole("builtin-error")
	e := newEngine(t, dir)
	_, err := e.Evaluate(context.Background(), vpcPlan())
	want := "evaluate policies: " + filepath.Join(dir, "cidr.rego") + `:10: rule data.peerctl.team.deny_small_vpc: eval_builtin_error: to_number: strconv.ParseFloat: parsing "10.0.0.0/16": invalid syntax`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
	var ee *EvalError
	var te *topdown.Error
	if !errors.Is(err, ErrPolicyEval) || !errors.As(err, &ee) || !errors.As(err, &te) {
		t.Errorf("error %v: want ErrPolicyEval, *EvalError and *topdown.Error", err)
	}
	if ee != nil && (ee.Rule != "data.peerctl.team.deny_small_vpc" || ee.Line != 10) {
		t.Errorf("EvalError = %+v", ee)
	}
}

func TestRunawayRuleStops(t *testing.T) {
	dir := hole("runaway")
	e, err := New(context.Background(), Options{Dirs: []string{dir}, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = e.Evaluate(context.Background(), vpcPlan())
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("evaluation took %s with a 300ms limit", took)
	}
	want := "evaluate policies: stopped after 300ms (--policy-timeout): a rule runs too long, usually a loop over every pair of resources or an unbounded numbers.range; run peerctl policy test, or raise the limit: policy evaluation timed out"
	if err == nil || err.Error() != want || !errors.Is(err, ErrPolicyTimeout) {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestDefaultTimeout(t *testing.T) {
	e := newEngine(t)
	// The documented default: "a few seconds".
	if e.timeout != 5*time.Second {
		t.Errorf("default timeout %s, want 5s", e.timeout)
	}
}

// conftest's default policy directory is policy/, where the embedded
// baseline's files are named too: a user's policy/s3.rego must load as the
// user's own file, not be dropped as a duplicate of the baseline's.
func TestUserFileNamedLikeTheBaseline(t *testing.T) {
	dir := t.TempDir()
	rego := "package peerctl.team\n\ndeny_team_001 contains \"from the team's policy/s3.rego\" if { true }\n"
	writeFile(t, filepath.Join(dir, "policy", "s3.rego"), rego)
	t.Chdir(dir)
	for _, dirs := range [][]string{{"policy"}, {"./policy"}, {"policy", "./policy"}} {
		e := newEngine(t, dirs...)
		got := userFindings(t, e, vpcPlan())
		want := []Finding{{Rule: "TEAM-001", Severity: "deny", Message: "from the team's policy/s3.rego"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("--policy-dir %v: findings = %+v\nwant %+v", dirs, got, want)
		}
		if r := e.rule("TEAM-001"); r == nil || r.Baseline {
			t.Errorf("--policy-dir %v: TEAM-001 = %+v, want a user rule", dirs, r)
		}
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
