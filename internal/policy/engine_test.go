package policy

import (
	"context"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func newEngine(t *testing.T, dirs ...string) *Engine {
	t.Helper()
	e, err := New(context.Background(), Options{Dirs: dirs})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func evalOK(t *testing.T, e *Engine, input any) []Finding {
	t.Helper()
	fs, err := e.Evaluate(context.Background(), input)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// res makes a plan resource.
func res(urn, typ, name, id, account string, inputs map[string]any) map[string]any {
	return map[string]any{"urn": urn, "type": typ, "name": name, "id": id, "account": account, "inputs": inputs}
}

func planOf(env string, rs ...map[string]any) map[string]any {
	list := make([]any, len(rs))
	for i, r := range rs {
		list[i] = r
	}
	return map[string]any{"stack": env, "environment": env, "region": "us-east-1", "resources": list}
}

func TestNewLoadsBaseline(t *testing.T) {
	want := map[string]string{
		"NET-001": "deny", "NET-002": "deny", "NET-003": "deny", "NET-004": "deny", "NET-005": "deny", "NET-006": "deny", "NET-007": "deny",
		"PEER-001": "deny", "PEER-002": "deny", "PEER-003": "deny", "PEER-004": "deny", "PEER-005": "deny", "PEER-006": "deny",
		"S3-001": "deny", "S3-002": "deny", "S3-003": "deny", "S3-004": "deny", "S3-005": "deny", "S3-006": "warn", "S3-007": "warn",
		"IAM-001": "deny", "IAM-002": "deny", "IAM-003": "deny", "IAM-004": "deny", "IAM-005": "warn", "IAM-006": "deny", "IAM-007": "warn",
		"TAG-001": "deny", "TAG-002": "warn",
		"MON-001": "deny", "MON-002": "deny", "MON-003": "deny", "MON-004": "deny",
		"EXIST-001": "deny", "EXIST-002": "warn",
		"PARTNER-001": "deny", "PARTNER-002": "deny", "PARTNER-003": "deny", "PARTNER-004": "deny", "PARTNER-005": "deny",
	}
	got := map[string]string{}
	for _, r := range newEngine(t).Rules() {
		got[r.ID] = r.Severity
		if !r.Baseline || r.Title == "" || r.Rationale == "" || r.Reference == "" || len(r.URLs) == 0 {
			t.Errorf("%s: want baseline rule with title, rationale, reference and URL, got %+v", r.ID, r)
		}
		if !strings.HasPrefix(r.File, "policy/") {
			t.Errorf("%s: file %q, want policy/<area>.rego", r.ID, r.File)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules = %v\nwant %v", got, want)
	}
}

func TestUserDirAddsPackage(t *testing.T) {
	e := newEngine(t, filepath.Join("testdata", "policies", "acme"))
	var acme *Rule
	for _, r := range e.Rules() {
		if r.ID == "ACME-001" {
			acme = &r
		}
	}
	if acme == nil || acme.Baseline || acme.Severity != SeverityDeny || acme.Title != "Flow-log buckets are versioned in production" ||
		acme.File != filepath.Join("testdata", "policies", "acme", "buckets.rego") {
		t.Fatalf("ACME-001 = %+v", acme)
	}

	in := planOf("prod",
		res("urn:bucket", "aws:s3/bucketV2:BucketV2", "logs", "logs-1", "trading", map[string]any{"bucket": "logs-1"}),
		res("urn:vpc-a", "aws:ec2/vpc:Vpc", "a", "vpc-a", "trading", nil),
		res("urn:vpc-b", "aws:ec2/vpc:Vpc", "b", "vpc-b", "analytics", nil),
		res("urn:vpc-c", "aws:ec2/vpc:Vpc", "c", "vpc-c", "risk", nil),
	)
	var got []Finding
	for _, f := range evalOK(t, e, in) {
		if strings.HasPrefix(f.Rule, "ACME-") {
			got = append(got, f)
		}
	}
	want := []Finding{
		// account filled in from the resource the urn names
		{Rule: "ACME-001", Severity: "deny", URN: "urn:bucket", Account: "trading", Message: `BucketV2 "logs" is not versioned`},
		{Rule: "ACME-002", Severity: "warn", Message: "the plan peers more than 2 networks"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %+v\nwant %+v", got, want)
	}
}

func TestBadPolicies(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantErr  string // substring of the error message
	}{
		{
			name:     "syntax error",
			src:      "package peerctl.bad\n\nimport rego.v1\n\ndeny_x contains msg if {\n\tmsg := \n}\n",
			wantLine: 7,
			wantErr:  "rego_parse_error",
		},
		{
			name:     "rego v0 syntax",
			src:      "package peerctl.bad\n\ndeny_x[msg] {\n\tmsg := \"old\"\n}\n",
			wantLine: 3,
			wantErr:  "`if` keyword is required before rule body",
		},
		{
			name:     "undefined function",
			src:      "package peerctl.bad\n\nimport rego.v1\n\ndeny_x contains msg if {\n\tmsg := no_such_function(input)\n}\n",
			wantLine: 6,
			wantErr:  "rego_type_error: undefined function no_such_function",
		},
		{
			name:     "package outside the namespace",
			src:      "package acme\n\nimport rego.v1\n\ndeny_x contains \"x\" if true\n",
			wantLine: 5,
			wantErr:  "peerctl_contract_error: data.acme.deny_x is in package data.acme, which peerctl does not evaluate: use a package under data.peerctl, or pass --namespace acme",
		},
		{
			name:     "deny rule that is not a set",
			src:      "package peerctl.bad\n\nimport rego.v1\n\ndeny_x := true\n",
			wantLine: 5,
			wantErr:  "peerctl_contract_error: data.peerctl.bad.deny_x must be a partial set rule: deny_x contains msg if { ... }",
		},
		{
			name:     "rule id of a baseline rule",
			src:      "package peerctl.bad\n\nimport rego.v1\n\ndeny_net_001 contains \"x\" if true\n",
			wantLine: 5,
			wantErr:  "rule id NET-001 of data.peerctl.bad.deny_net_001 is already used by data.peerctl.baseline.network.deny_net_001 (policy/network.rego)",
		},
		{
			name:     "empty file",
			src:      "",
			wantLine: 1,
			wantErr:  "rego_parse_error: empty module",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bad.rego")
			if err := os.WriteFile(file, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			e, err := New(context.Background(), Options{Dirs: []string{dir}})
			if err == nil {
				t.Fatalf("New succeeded (%d rules), want error", len(e.Rules()))
			}
			if !errors.Is(err, ErrInvalidPolicy) {
				t.Errorf("error %v does not match ErrInvalidPolicy", err)
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v has no *PolicyError", err)
			}
			if pe.File != file || pe.Line != tt.wantLine {
				t.Errorf("error at %s:%d, want %s:%d (%v)", pe.File, pe.Line, file, tt.wantLine, err)
			}
			prefix := "load policies: " + file + ":"
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error = %q\nwant prefix %q and %q", msg, prefix, tt.wantErr)
			}
		})
	}
}

func TestBadPolicyKeepsOPAError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte("package peerctl.bad\n\ndeny_x contains"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Options{Dirs: []string{dir}})
	var astErr *ast.Error
	if !errors.As(err, &astErr) || astErr.Code != ast.ParseErr {
		t.Errorf("error %v: want a wrapped *ast.Error with code %s", err, ast.ParseErr)
	}
}

func TestPolicyDirErrors(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "x.rego")
	if err := os.WriteFile(file, []byte("package peerctl.x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		dir         string
		wantInvalid bool
		wantNotExst bool
		wantErr     string
	}{
		{"missing", filepath.Join(empty, "nope"), false, true, "no such file or directory"},
		{"no rego files", empty, true, false, "holds no .rego files"},
		{"a file", file, false, false, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), Options{Dirs: []string{tt.dir}})
			if err == nil {
				t.Fatal("New succeeded, want error")
			}
			if got := errors.Is(err, ErrInvalidPolicy); got != tt.wantInvalid {
				t.Errorf("errors.Is(%v, ErrInvalidPolicy) = %v", err, got)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.wantNotExst {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = %v", err, got)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.dir) {
				t.Errorf("error %q should name %q and say %q", err, tt.dir, tt.wantErr)
			}
		})
	}
}

// messy is a plan breaking several rules in several resources.
func messy() map[string]any {
	return planOf("dev",
		res("urn:vpc-b", "aws:ec2/vpc:Vpc", "b", "vpc-b", "analytics", map[string]any{"cidrBlock": "10.1.0.0/16"}),
		res("urn:vpc-a", "aws:ec2/vpc:Vpc", "a", "vpc-a", "trading", map[string]any{"cidrBlock": "10.0.0.0/16"}),
		res("urn:sgr-1", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", "sgr-1", "trading", map[string]any{"cidrIpv4": "0.0.0.0/0"}),
		res("urn:sgr-2", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "out", "sgr-2", "trading", map[string]any{"cidrIpv6": "::/0"}),
		res("urn:subnet", "aws:ec2/subnet:Subnet", "s", "subnet-1", "trading", map[string]any{"mapPublicIpOnLaunch": true, "assignIpv6AddressOnCreation": true}),
		res("urn:bucket", "aws:s3/bucketV2:BucketV2", "bkt", "Bad_Name", "trading", map[string]any{"bucket": "Bad_Name", "forceDestroy": true}),
	)
}

func TestEvaluateIsSortedAndDeterministic(t *testing.T) {
	e := newEngine(t)
	want := evalOK(t, e, messy())
	if len(want) < 10 {
		t.Fatalf("only %d findings in the messy plan", len(want))
	}
	if !sort.SliceIsSorted(want, func(i, j int) bool { return less(want[i], want[j]) }) {
		t.Errorf("findings are not sorted: %+v", want)
	}
	rng := rand.New(rand.NewSource(1))
	for i := range 20 {
		in := messy()
		rs := in["resources"].([]any)
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		if got := evalOK(t, e, in); !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d with shuffled resources differs:\n%+v\nwant\n%+v", i, got, want)
		}
	}
}

func TestEvaluateConcurrently(t *testing.T) {
	e := newEngine(t)
	want := evalOK(t, e, messy())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := e.Evaluate(context.Background(), messy())
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errors.New("concurrent evaluation differs")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestEvaluateStructInput(t *testing.T) {
	type resource struct {
		URN     string         `json:"urn"`
		Type    string         `json:"type"`
		Name    string         `json:"name"`
		ID      string         `json:"id"`
		Account string         `json:"account"`
		Inputs  map[string]any `json:"inputs"`
	}
	type document struct {
		Environment string     `json:"environment"`
		Resources   []resource `json:"resources"`
	}
	in := document{Environment: "dev", Resources: []resource{{
		URN: "urn:s", Type: "aws:ec2/subnet:Subnet", Name: "s", ID: "subnet-1", Account: "trading",
		Inputs: map[string]any{"mapPublicIpOnLaunch": true},
	}}}
	got := evalOK(t, newEngine(t), in)
	want := []Finding{{Rule: "NET-006", Severity: "deny", URN: "urn:s", Account: "trading", Message: `Subnet "s" sets mapPublicIpOnLaunch true; subnets must be private`}}
	var net []Finding
	for _, f := range got {
		if f.Rule == "NET-006" {
			net = append(net, f)
		}
	}
	if !reflect.DeepEqual(net, want) {
		t.Errorf("findings = %+v, want %+v", net, want)
	}
}

func TestEvaluateRejectsBadFindings(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		wantErr string
	}{
		{"number", `deny_x contains 42 if true`, `evaluate policies: data.peerctl.user.deny_x: finding 42 is json.Number, want a string or an object with "msg"`},
		{"object without msg", `deny_x contains {"message": "m"} if true`, `evaluate policies: data.peerctl.user.deny_x: finding map[message:m] has no string "msg"`},
		{"urn not a string", `deny_x contains {"msg": "m", "urn": 1} if true`, `evaluate policies: data.peerctl.user.deny_x: finding map[msg:m urn:1]: "urn" is json.Number, want a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			src := "package peerctl.user\n\nimport rego.v1\n\n" + tt.rule + "\n"
			if err := os.WriteFile(filepath.Join(dir, "user.rego"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := newEngine(t, dir).Evaluate(context.Background(), planOf("dev"))
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v\nwant    %s", err, tt.wantErr)
			}
		})
	}
}

func TestEvaluateEmptyInput(t *testing.T) {
	e := newEngine(t)
	for _, in := range []any{nil, map[string]any{}, planOf("dev")} {
		if got := evalOK(t, e, in); len(got) != 0 {
			t.Errorf("Evaluate(%v) = %+v, want no findings", in, got)
		}
	}
}

func TestHasDeny(t *testing.T) {
	tests := []struct {
		name string
		in   []Finding
		want bool
	}{
		{"none", nil, false},
		{"warn only", []Finding{{Rule: "S3-006", Severity: SeverityWarn}}, false},
		{"deny", []Finding{{Rule: "NET-001", Severity: SeverityDeny}}, true},
		{"both", []Finding{{Rule: "NET-001", Severity: SeverityDeny}, {Rule: "S3-006", Severity: SeverityWarn}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HasDeny(tt.in); got != tt.want {
				t.Errorf("HasDeny = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSameDirTwice(t *testing.T) {
	dir := filepath.Join("testdata", "policies", "acme")
	n := 0
	for _, r := range newEngine(t, dir, dir).Rules() {
		if strings.HasPrefix(r.ID, "ACME-") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d ACME rules, want 2", n)
	}
}
