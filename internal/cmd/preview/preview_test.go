package preview

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/deploy/preflight"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

func TestNewCmdPreviewFlags(t *testing.T) {
	h := cmdtest.New(t, nil)
	var got *PreviewOptions
	preCheck := func(context.Context, string, *config.Config, deploy.PolicyOptions) error { return nil }
	cmd := NewCmdPreview(h.Factory(), preCheck, func(o *PreviewOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--stack", "qa", "--backend", "file:///srv/state", "--allow-policy-violations"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := deploy.Flags{Stack: "qa", StackSet: true, Backend: "file:///srv/state"}
	if got.Flags != want || !got.AllowPolicyViolations || got.PreCheck == nil || got.Context == nil {
		t.Errorf("options = %+v", got)
	}
}

func TestPreviewRun(t *testing.T) {
	denied := func(context.Context, string, *config.Config, deploy.PolicyOptions) error {
		return fmt.Errorf("1 deny finding: %w", cmdutil.ErrPolicyDenied)
	}
	tests := []struct {
		name     string
		preCheck deploy.PreCheckFunc
		allow    bool
		backend  string
		wantErr  error
		wantOut  string
		wantWarn string
		wantURL  string
		// preflightErr is what the pre-flight check says.
		preflightErr error
		wantNoCLI    bool
	}{
		{name: "plans each resource", wantOut: "[1] create     aws:ec2/vpc:Vpc trading-vpc\n[2] create     aws:ec2/vpc:Vpc analytics-vpc\n"},
		{name: "policy denial still previews, then exits 4", preCheck: denied, wantErr: cmdutil.ErrPolicyDenied,
			wantOut: "preview in 3s: 3 to create", wantWarn: "warning: 1 deny finding"},
		{name: "policy denial allowed", preCheck: denied, allow: true, wantOut: "preview in 3s"},
		{name: "backend flag is passed to the CLI", backend: "s3://state-bucket/peerctl", wantURL: "s3://state-bucket/peerctl"},
		{name: "a pre-flight conflict stops before the engine, exit 3", wantErr: config.ErrInvalid, wantNoCLI: true,
			preflightErr: &preflight.ConflictError{Conflicts: []preflight.Conflict{{Message: "account 111111111111 (network trading) already has AWS Config recorder \"default\""}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack})
			h.CLI.Events = deploytest.Scenario()
			h.PreflightErr = tt.preflightErr
			err := previewRun(&PreviewOptions{IO: h.IO, Env: h.Env, PreCheck: tt.preCheck, Context: context.Background(),
				Flags: deploy.Flags{Stack: "dev", Backend: tt.backend}, AllowPolicyViolations: tt.allow})
			if tt.wantErr == nil && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if h.PreflightChecks != 1 || len(h.PreflightIdentities) != 2 {
				t.Errorf("pre-flight ran %d times with %d identities, want once with both networks'", h.PreflightChecks, len(h.PreflightIdentities))
			}
			if tt.wantNoCLI {
				if len(h.CLI.Calls()) > 0 {
					t.Errorf("the CLI ran: %v", h.CLI.Calls())
				}
				return
			}
			if !h.CLI.Ran("preview") || h.CLI.Ran("up") {
				t.Error("want a preview and no update")
			}
			if !strings.Contains(h.Out.String(), tt.wantOut) {
				t.Errorf("stdout:\n%s\nwant %q", h.Out.String(), tt.wantOut)
			}
			if !strings.Contains(h.ErrOut.String(), tt.wantWarn) {
				t.Errorf("stderr:\n%s\nwant %q", h.ErrOut.String(), tt.wantWarn)
			}
			if tt.wantURL != "" {
				if got, _ := h.CLI.EnvOf(deploy.EnvBackendURL); got != tt.wantURL {
					t.Errorf("backend = %q, want %q", got, tt.wantURL)
				}
			}
		})
	}
}
