package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/review"
)

func TestRunAddsFindingsToThePlan(t *testing.T) {
	cfg, err := config.Parse(config.Raw{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := review.Run(context.Background(), cfg, "dev", review.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if deny, warn := r.Counts(); deny+warn != 0 || len(r.Findings) != 0 {
		t.Fatalf("the default stack has findings: %+v", r.Findings)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if string(doc["findings"]) != "[]" || doc["resources"] == nil || doc["quotas"] == nil {
		t.Errorf("plan JSON with findings: findings=%s, has resources %v", doc["findings"], doc["resources"] != nil)
	}
	buf.Reset()
	if err := r.WriteFindings(&buf); err != nil || !strings.Contains(buf.String(), "Policy: 0 deny, 0 warn.") {
		t.Errorf("findings text = %q, %v", buf.String(), err)
	}
}

// TestExceptionsAreVisible: what an exception hides is counted and listed
// in the text and the JSON, and an expired exception says so.
func TestExceptionsAreVisible(t *testing.T) {
	cfg, err := config.Parse(config.Raw{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	policies := filepath.Join(dir, "policies")
	if err := os.Mkdir(policies, 0o755); err != nil {
		t.Fatal(err)
	}
	rule := `package peerctl.demo

import rego.v1

deny_demo_001 contains {"msg": sprintf("VPC %s", [r.name]), "urn": r.urn} if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
}
`
	exceptions := `exceptions:
  - rule: DEMO-001
    resource: "*trading*"
    reason: accepted by the security team (ticket 1)
    expires: 2999-12-31
  - rule: DEMO-001
    resource: "*analytics*"
    reason: migration window
    expires: 2000-01-31
`
	xfile := filepath.Join(dir, "policy-exceptions.yaml")
	for name, body := range map[string]string{filepath.Join(policies, "demo.rego"): rule, xfile: exceptions} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := review.Run(context.Background(), cfg, "dev", review.Options{PolicyDirs: []string{policies}, ExceptionsFile: xfile})
	if err != nil {
		t.Fatal(err)
	}
	if deny, _ := r.Counts(); deny != 1 || len(r.Suppressed) != 1 || len(r.Exceptions) != 2 {
		t.Fatalf("deny %d, suppressed %+v, exceptions %+v; want 1, 1, 2", deny, r.Suppressed, r.Exceptions)
	}

	var buf bytes.Buffer
	if err := r.WriteFindings(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		"Policy: 1 deny, 0 warn, 1 suppressed by exceptions.",
		"Suppressed by exceptions (1):\n  deny DEMO-001   trading    VPC trading-vpc\n",
		"      excepted by policy-exceptions.yaml:2 until 2999-12-31: accepted by the security team (ticket 1)\n",
		`Exception policy-exceptions.yaml:6 for DEMO-001 on "*analytics*" expired on 2000-01-31; it no longer suppresses anything (1 finding(s) it matches are reported above).`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}

	buf.Reset()
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings   []map[string]any `json:"findings"`
		Suppressed []map[string]any `json:"suppressed"`
		Exceptions []map[string]any `json:"exceptions"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 1 || len(doc.Suppressed) != 1 || doc.Suppressed[0]["exception"] != "policy-exceptions.yaml:2" ||
		len(doc.Exceptions) != 2 || doc.Exceptions[1]["expired"] != true || doc.Exceptions[0]["suppressed"] != 1.0 {
		t.Errorf("JSON findings %v\nsuppressed %v\nexceptions %v", doc.Findings, doc.Suppressed, doc.Exceptions)
	}
}
