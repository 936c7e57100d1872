package refresh

import (
	"context"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

func TestRefreshRun(t *testing.T) {
	tests := []struct {
		name     string
		existing bool
		wantErr  string
		wantOut  string
	}{
		{name: "refreshes every resource", existing: true, wantOut: "[3] refreshed  aws:ec2/vpcPeeringConnection:VpcPeeringConnection trading-analytics\n"},
		{name: "missing stack", wantErr: "deploy it with `peerctl up --stack dev`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack})
			h.CLI.Events = deploytest.Scenario()
			h.CLI.Stacks = map[string]bool{"dev": tt.existing}
			err := refreshRun(&RefreshOptions{IO: h.IO, Env: h.Env, Context: context.Background(), Flags: deploy.Flags{Stack: "dev"}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(h.Out.String(), tt.wantOut) {
				t.Errorf("stdout:\n%s\nwant %q", h.Out.String(), tt.wantOut)
			}
			if h.CredentialChecks != 1 {
				t.Errorf("credentials checked %d times, want 1", h.CredentialChecks)
			}
			if h.PreflightChecks != 0 {
				t.Error("refresh ran the pre-flight check of preview and up")
			}
		})
	}
}

func TestNewCmdRefreshFlags(t *testing.T) {
	h := cmdtest.New(t, nil)
	var got *RefreshOptions
	cmd := NewCmdRefresh(h.Factory(), func(o *RefreshOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--stack", "prod"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Flags.Stack != "prod" || got.Flags.Backend != "" {
		t.Errorf("flags = %+v", got.Flags)
	}
}
