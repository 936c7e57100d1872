package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// up and preview run the offline plan and the policy check before they look
// for the Pulumi CLI, so a user without the CLI still sees what up would
// refuse. Through the real command tree, with no pulumi on PATH.
func TestPolicyCheckRunsBeforeTheCLIIsLookedFor(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no Pulumi CLI anywhere
	policies := t.TempDir()
	rego := "package peerctl.acme\n\ndeny_acme_009 contains \"no deploys on Fridays\" if { true }\n"
	if err := os.WriteFile(filepath.Join(policies, "acme.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		command  string
		wantCode int
		wantErr  string
	}{
		// up stops at the denial: the CLI is never needed.
		{"up", cmdutil.ExitPolicy, `the offline plan of stack "dev" has 1 deny finding(s)`},
		// preview goes on to preview (and exit 4 after it), so it then
		// needs the CLI; the findings are shown first all the same, and
		// the denial still decides the exit status.
		{"preview", cmdutil.ExitPolicy, "Pulumi CLI"},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			f, _, errOut := factory(t, devProject(t))
			f.Getenv = func(k string) (string, bool) {
				if k == "PULUMI_CONFIG_PASSPHRASE" {
					return "test", true
				}
				return "", false
			}
			cmd := NewCmdRoot(f)
			cmd.SetArgs([]string{tt.command, "--stack", "dev", "--policy-dir", policies})
			err := cmd.Execute()
			if code := cmdutil.ExitCode(err); code != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("exit %d, error %v; want exit %d and %q", code, err, tt.wantCode, tt.wantErr)
			}
			if !strings.Contains(errOut.String(), "ACME-009") {
				t.Errorf("the policy findings were not shown before the CLI was looked for; stderr:\n%s", errOut)
			}
		})
	}
}
