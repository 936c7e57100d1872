package up

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/deploy/preflight"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

func TestNewCmdUpFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want      UpOptions
		wantErr   string
		wantUsage bool
	}{
		{name: "defaults", args: nil, want: UpOptions{Flags: deploy.Flags{Stack: "dev"}, PolicyTimeout: 5 * time.Second}},
		{name: "all flags", args: []string{"-s", "prod", "--backend", "s3://state/peerctl", "--allow-policy-violations", "--skip-preview",
			"--policy-dir", "acme", "--policy-dir", "team", "--namespace", "main", "--policy-timeout", "9s"},
			want: UpOptions{Flags: deploy.Flags{Stack: "prod", StackSet: true, Backend: "s3://state/peerctl"}, AllowPolicyViolations: true, SkipPreview: true,
				PolicyDirs: []string{"acme", "team"}, Namespaces: []string{"main"}, PolicyTimeout: 9 * time.Second}},
		{name: "a stack file anywhere", args: []string{"--config", "/srv/stacks/Pulumi.qa.yaml"},
			want: UpOptions{Flags: deploy.Flags{Stack: "dev", ConfigFile: "/srv/stacks/Pulumi.qa.yaml"}}},
		{name: "positional argument", args: []string{"prod"}, wantErr: `up takes no arguments, got ["prod"]`, wantUsage: true},
		{name: "unknown flag", args: []string{"--yes"}, wantErr: "unknown flag: --yes", wantUsage: true},
		{name: "rename allowed", args: []string{"--rename-environment"}, want: UpOptions{Flags: deploy.Flags{Stack: "dev"}, RenameEnvironment: true}},
		{name: "no time for the policies", args: []string{"--policy-timeout", "0s"}, wantErr: "--policy-timeout must be positive, got 0s", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cmdtest.New(t, nil)
			var got *UpOptions
			cmd := NewCmdUp(h.Factory(), nil, func(o *UpOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(h.Out)
			cmd.SetErr(h.ErrOut)
			cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return cmdutil.UsageError(c, err) })
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if errors.Is(err, cmdutil.ErrUsage) != tt.wantUsage {
					t.Errorf("errors.Is(err, ErrUsage) = %v, want %v", !tt.wantUsage, tt.wantUsage)
				}
				if got != nil {
					t.Error("run function called despite the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.PolicyDirs, tt.want.PolicyDirs) || !slices.Equal(got.Namespaces, tt.want.Namespaces) {
				t.Errorf("policy dirs, namespaces = %v %v, want %v %v", got.PolicyDirs, got.Namespaces, tt.want.PolicyDirs, tt.want.Namespaces)
			}
			if tt.want.PolicyTimeout != 0 && got.PolicyTimeout != tt.want.PolicyTimeout {
				t.Errorf("policy timeout = %s, want %s", got.PolicyTimeout, tt.want.PolicyTimeout)
			}
			if got.RenameEnvironment != tt.want.RenameEnvironment {
				t.Errorf("rename environment = %v, want %v", got.RenameEnvironment, tt.want.RenameEnvironment)
			}
			if got.Flags != tt.want.Flags || got.AllowPolicyViolations != tt.want.AllowPolicyViolations || got.SkipPreview != tt.want.SkipPreview {
				t.Errorf("options = %+v %v %v, want %+v %v %v", got.Flags, got.AllowPolicyViolations, got.SkipPreview,
					tt.want.Flags, tt.want.AllowPolicyViolations, tt.want.SkipPreview)
			}
		})
	}
}

func newOpts(h *cmdtest.Harness, preCheck deploy.PreCheckFunc) *UpOptions {
	return &UpOptions{IO: h.IO, Env: h.Env, PreCheck: preCheck, Context: context.Background(), Flags: deploy.Flags{Stack: "dev"}}
}

func TestUpRun(t *testing.T) {
	denied := func(context.Context, string, *config.Config, deploy.PolicyOptions) error {
		return fmt.Errorf("policy: 1 deny finding (peering.dns): %w", cmdutil.ErrPolicyDenied)
	}
	tests := []struct {
		name      string
		setup     func(h *cmdtest.Harness, o *UpOptions)
		wantErr   error
		wantMsg   string
		wantUp    bool
		wantOut   []string
		wantStder []string
	}{
		{
			name:   "deploys with progress, summary and outputs",
			setup:  func(*cmdtest.Harness, *UpOptions) {},
			wantUp: true,
			wantOut: []string{
				"[1/3] created    aws:ec2/vpc:Vpc trading-vpc\n",
				"[3/3] created    aws:ec2/vpcPeeringConnection:VpcPeeringConnection trading-analytics\n",
				"done in 1m35s: 3 created, 0 updated, 0 deleted, 0 unchanged\n",
				"vpc           analytics          vpc-0a",
				"peering       trading-analytics  pcx-0123 (active)",
				"route tables  trading            rtb-t1, rtb-t2",
			},
			wantStder: []string{"preview in 3s: 3 to create", "Check the deployment with: peerctl verify --stack dev"},
		},
		{
			name:    "skip preview: no total",
			setup:   func(h *cmdtest.Harness, o *UpOptions) { o.SkipPreview = true },
			wantUp:  true,
			wantOut: []string{"[1] created    aws:ec2/vpc:Vpc trading-vpc\n"},
		},
		{
			name:    "policy denial stops before AWS",
			setup:   func(h *cmdtest.Harness, o *UpOptions) { o.PreCheck = denied },
			wantErr: cmdutil.ErrPolicyDenied,
			wantMsg: "pass --allow-policy-violations to deploy anyway",
		},
		{
			name: "policy denial allowed",
			setup: func(h *cmdtest.Harness, o *UpOptions) {
				o.PreCheck = denied
				o.AllowPolicyViolations = true
			},
			wantUp:    true,
			wantStder: []string{"warning: policy: 1 deny finding (peering.dns)"},
		},
		{
			name: "Pulumi CLI missing",
			setup: func(h *cmdtest.Harness, o *UpOptions) {
				h.PulumiErr = fmt.Errorf("%w\n%s", deploy.ErrPulumiNotInstalled, deploy.InstallHint)
			},
			wantErr: deploy.ErrPulumiNotInstalled,
			wantMsg: "curl -fsSL https://get.pulumi.com | sh",
		},
		{
			name:    "no passphrase for the local backend",
			setup:   func(h *cmdtest.Harness, o *UpOptions) { delete(h.Vars, deploy.EnvPassphrase) },
			wantErr: deploy.ErrNoPassphrase,
			wantMsg: "set PULUMI_CONFIG_PASSPHRASE",
		},
		{
			name: "missing credentials name the network and profile",
			setup: func(h *cmdtest.Harness, o *UpOptions) {
				h.CredentialsErr = &awsauth.CredentialsError{Problems: []awsauth.Problem{{Network: "analytics", Credentials: "profile analytics-dev", Reason: "no AWS credentials found"}}}
			},
			wantErr: awsauth.ErrCredentials,
			wantMsg: `network "analytics" (profile analytics-dev): no AWS credentials found`,
		},
		{
			name: "a pre-flight conflict stops before anything changes, exit 3",
			setup: func(h *cmdtest.Harness, o *UpOptions) {
				h.PreflightErr = &preflight.ConflictError{Conflicts: []preflight.Conflict{{
					Message: `account 111111111111 (network trading) already has AWS Config recorder "default" (Control Tower or another stack); set peerctl:compliance.createRecorder: false to reuse it`}}}
			},
			wantErr: config.ErrInvalid,
			wantMsg: `set peerctl:compliance.createRecorder: false to reuse it; nothing was changed`,
		},
		{
			name:    "invalid configuration",
			setup:   func(h *cmdtest.Harness, o *UpOptions) { o.Flags.Stack = "broken" },
			wantErr: config.ErrInvalid,
		},
		{
			name:    "ENVIRONMENT_SUFFIX renaming a deployed stack is refused without a terminal",
			setup:   func(h *cmdtest.Harness, o *UpOptions) { h.Vars[config.EnvEnvironmentSuffix] = "qa" },
			wantErr: cmdutil.ErrUsage,
			wantMsg: `refusing to deploy: ENVIRONMENT_SUFFIX=qa renames every resource of stack "dev" from environment dev to qa`,
		},
		{
			name: "--rename-environment lets it rename",
			setup: func(h *cmdtest.Harness, o *UpOptions) {
				h.Vars[config.EnvEnvironmentSuffix] = "qa"
				o.RenameEnvironment = true
			},
			wantUp: true,
		},
		{
			name:   "ENVIRONMENT_SUFFIX equal to the deployed environment renames nothing",
			setup:  func(h *cmdtest.Harness, o *UpOptions) { h.Vars[config.EnvEnvironmentSuffix] = "dev" },
			wantUp: true,
		},
		{
			name: "engine failure",
			setup: func(h *cmdtest.Harness, o *UpOptions) {
				h.CLI.Fail = map[string]string{deploytest.OpUp: "error: update failed"}
			},
			wantUp:  true,
			wantMsg: "pulumi up failed:\n  error: update failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack, "broken": "config:\n  peerctl:region: mars\n"})
			h.CLI.Events = deploytest.Scenario()
			h.CLI.Outputs = deploytest.SampleOutputs()
			o := newOpts(h, nil)
			tt.setup(h, o)
			err := upRun(o)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			case tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)):
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantMsg)
			case tt.wantErr == nil && tt.wantMsg == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			}
			if h.CLI.Ran("stack init") && errors.Is(tt.wantErr, config.ErrInvalid) {
				t.Error("a stack was created although the pre-flight check failed")
			}
			if h.PreflightChecks > 0 && h.CredentialChecks == 0 {
				t.Error("pre-flight check before the credentials check")
			}
			if h.CLI.Ran("up") != tt.wantUp {
				t.Errorf("pulumi up ran = %v, want %v", !tt.wantUp, tt.wantUp)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(h.Out.String(), w) {
					t.Errorf("stdout does not contain %q:\n%s", w, h.Out.String())
				}
			}
			for _, w := range tt.wantStder {
				if !strings.Contains(h.ErrOut.String(), w) {
					t.Errorf("stderr does not contain %q:\n%s", w, h.ErrOut.String())
				}
			}
		})
	}
}
