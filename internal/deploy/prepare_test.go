package deploy

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/deploy/preflight"
)

func TestPrepareOrderAndFailures(t *testing.T) {
	denied := fmt.Errorf("2 deny findings: %w", cmdutil.ErrPolicyDenied)
	tests := []struct {
		name      string
		env       map[string]string
		needs     Needs
		tweak     func(te *testEnv)
		wantSteps string
		wantErr   error
		wantMsg   string
		wantWarn  string
	}{
		{
			name:      "everything in order",
			env:       withPassphrase,
			needs:     Needs{Credentials: true, Policy: PolicyEnforce},
			wantSteps: "project config precheck pulumi credentials",
		},
		{
			name:      "preview and up check the accounts after the credentials",
			env:       withPassphrase,
			needs:     Needs{Credentials: true, Preflight: true, Policy: PolicyEnforce},
			wantSteps: "project config precheck pulumi credentials preflight(1 ids)",
		},
		{
			name:  "a pre-flight conflict stops them",
			env:   withPassphrase,
			needs: Needs{Credentials: true, Preflight: true, Policy: PolicyEnforce},
			tweak: func(te *testEnv) {
				te.Preflight = func(context.Context, *config.Config, []awsauth.Identity) error {
					te.steps = append(te.steps, "preflight")
					return &preflight.ConflictError{Conflicts: []preflight.Conflict{{Message: "account 1 (network trading) already has AWS Config recorder \"default\""}}}
				}
			},
			wantSteps: "project config precheck pulumi credentials preflight",
			wantErr:   config.ErrInvalid,
			wantMsg:   `pre-flight check: account 1 (network trading) already has AWS Config recorder "default"; nothing was changed`,
		},
		{
			name:  "no pre-flight check when the credentials fail",
			env:   withPassphrase,
			needs: Needs{Credentials: true, Preflight: true, Policy: PolicyEnforce},
			tweak: func(te *testEnv) {
				te.Credentials = func(context.Context, *config.Config) ([]awsauth.Identity, error) {
					te.steps = append(te.steps, "credentials")
					return nil, &awsauth.CredentialsError{Problems: []awsauth.Problem{{Network: "trading", Credentials: "profile a", Reason: "expired"}}}
				}
			},
			wantSteps: "project config precheck pulumi credentials",
			wantErr:   awsauth.ErrCredentials,
		},
		{
			name:      "outputs needs no credentials and no policy",
			env:       withPassphrase,
			needs:     Needs{Policy: PolicySkip},
			wantSteps: "project config pulumi",
		},
		{
			name:  "invalid config stops before the CLI is looked for",
			env:   withPassphrase,
			needs: Needs{Credentials: true, Policy: PolicyEnforce},
			tweak: func(te *testEnv) {
				te.StackConfig = func(string, string) (*config.Config, error) {
					te.steps = append(te.steps, "config")
					return nil, &config.ValidationError{Problems: []*config.FieldError{{Field: "peerctl:region", Message: "bad"}}}
				}
			},
			wantSteps: "project config",
			wantErr:   config.ErrInvalid,
		},
		{
			name:  "missing CLI stops before the credentials, after the policy check",
			env:   withPassphrase,
			needs: Needs{Credentials: true, Policy: PolicyEnforce},
			tweak: func(te *testEnv) {
				te.Pulumi = func() (auto.PulumiCommand, error) {
					te.steps = append(te.steps, "pulumi")
					return nil, fmt.Errorf("%w\n%s", ErrPulumiNotInstalled, InstallHint)
				}
			},
			wantSteps: "project config precheck pulumi",
			wantErr:   ErrPulumiNotInstalled,
		},
		{
			name:      "missing passphrase stops before the credentials",
			needs:     Needs{Credentials: true, Policy: PolicyEnforce},
			wantSteps: "project config precheck pulumi",
			wantErr:   ErrNoPassphrase,
		},
		{
			name:      "policy denial stops up before the CLI is looked for",
			env:       withPassphrase,
			needs:     Needs{Credentials: true, Policy: PolicyEnforce, PreCheck: func(context.Context, string, *config.Config, PolicyOptions) error { return denied }},
			wantSteps: "project config",
			wantErr:   cmdutil.ErrPolicyDenied,
			wantMsg:   "--allow-policy-violations",
		},
		{
			name:      "policy denial is a warning when allowed",
			env:       withPassphrase,
			needs:     Needs{Credentials: true, Policy: PolicyWarn, PreCheck: func(context.Context, string, *config.Config, PolicyOptions) error { return denied }},
			wantSteps: "project config pulumi credentials",
			wantWarn:  "warning: 2 deny findings: policy violations",
		},
		{
			name:      "a failing pre-check is an error even when violations are allowed",
			env:       withPassphrase,
			needs:     Needs{Policy: PolicyWarn, PreCheck: func(context.Context, string, *config.Config, PolicyOptions) error { return errors.New("plan crashed") }},
			wantSteps: "project config",
			wantMsg:   "pre-deployment check: plan crashed",
		},
		{
			name:  "credential problems are returned",
			env:   withPassphrase,
			needs: Needs{Credentials: true, Policy: PolicyEnforce},
			tweak: func(te *testEnv) {
				te.Credentials = func(context.Context, *config.Config) ([]awsauth.Identity, error) {
					te.steps = append(te.steps, "credentials")
					return nil, &awsauth.CredentialsError{Problems: []awsauth.Problem{{Network: "analytics", Credentials: "profile b", Reason: "expired"}}}
				}
			},
			wantSteps: "project config precheck pulumi credentials",
			wantErr:   awsauth.ErrCredentials,
			wantMsg:   `network "analytics" (profile b): expired`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, tt.env)
			if tt.tweak != nil {
				tt.tweak(te)
			}
			if tt.needs.Policy != PolicySkip && tt.needs.PreCheck == nil {
				tt.needs.PreCheck = func(context.Context, string, *config.Config, PolicyOptions) error {
					te.steps = append(te.steps, "precheck")
					return nil
				}
			}
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, tt.needs)
			if got := strings.Join(te.steps, " "); got != tt.wantSteps {
				t.Errorf("steps = %q, want %q", got, tt.wantSteps)
			}
			switch {
			case tt.wantErr == nil && tt.wantMsg == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			case tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)):
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantMsg)
			}
			if tt.wantWarn != "" {
				if !strings.Contains(te.errb.String(), tt.wantWarn) {
					t.Errorf("stderr = %q, want %q", te.errb.String(), tt.wantWarn)
				}
				if s == nil || !errors.Is(s.PolicyErr, cmdutil.ErrPolicyDenied) {
					t.Errorf("Session.PolicyErr not kept")
				}
			}
		})
	}
}

// The user's policy flags reach the policy check with the stack's name.
func TestPrepareHandsPolicyOptionsToThePreCheck(t *testing.T) {
	te := newTestEnv(t, map[string]string{"PULUMI_CONFIG_PASSPHRASE": "test"})
	want := PolicyOptions{Dirs: []string{"acme", "team"}, Namespaces: []string{"main"}, Timeout: 7 * time.Second}
	var gotStack string
	var got PolicyOptions
	_, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{
		Policy:   PolicyEnforce,
		Policies: want,
		PreCheck: func(_ context.Context, stack string, _ *config.Config, p PolicyOptions) error {
			gotStack, got = stack, p
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Prepare adds the stack file, beside which policy-exceptions.yaml lives.
	want.StackFile = filepath.Join(te.dir, "Pulumi.dev.yaml")
	if gotStack != "dev" || !reflect.DeepEqual(got, want) {
		t.Errorf("pre-check got stack %q options %+v, want dev %+v", gotStack, got, want)
	}
}
