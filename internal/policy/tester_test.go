package policy

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunTestsBaselineAndUser(t *testing.T) {
	var out bytes.Buffer
	dir := filepath.Join("testdata", "conftest", "terraform")
	err := RunTests(context.Background(), TestOptions{Dirs: []string{dir}, Namespaces: []string{"main"}, Verbose: true}, &out)
	if err != nil {
		t.Fatalf("RunTests: %v\n%s", err, out.String())
	}
	// opa test -v lists each test under its file, then a summary line.
	for _, want := range []string{
		filepath.Join(dir, "deny_test.rego") + ":9:\ndata.main_test.test_http_listener_denied: PASS",
		"policy/peering_test.rego:",
		"\ndata.peerctl.baseline.peering_test.test_deny_peer_006_passes: PASS",
		"\nPASS: ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "FAIL") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestRunTestsReportsFailures(t *testing.T) {
	var out bytes.Buffer
	dir := filepath.Join("testdata", "failing-test")
	err := RunTests(context.Background(), TestOptions{Dirs: []string{dir}, Run: "team_test"}, &out)
	if !errors.Is(err, ErrTestsFailed) || err.Error() != "1 policy test(s) failed: policy tests failed" {
		t.Fatalf("error = %v, want 1 failed test", err)
	}
	for _, want := range []string{
		filepath.Join(dir, "team_test.rego") + ":",
		"data.peerctl.team_test.test_warn_big_fires: FAIL",
		"PASS: 1/2",
		"FAIL: 1/2",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunTestsSandboxed(t *testing.T) {
	var out bytes.Buffer
	err := RunTests(context.Background(), TestOptions{Dirs: []string{hole("http-send")}}, &out)
	if !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), "built-in http.send is not allowed") {
		t.Errorf("error = %v, want the sandbox to refuse http.send", err)
	}
}
