package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/deploy/preflight"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

// testEnv is an Env over a temporary project directory and a fake CLI; it
// records the order in which Prepare consulted its parts.
type testEnv struct {
	Env
	dir   string
	cli   *deploytest.CLI
	out   *bytes.Buffer
	errb  *bytes.Buffer
	steps []string
}

func newTestEnv(t *testing.T, env map[string]string) *testEnv {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Pulumi.yaml"), "name: peerctl\nruntime: go\n")
	writeFile(t, filepath.Join(dir, "Pulumi.dev.yaml"), "config: {}\n")
	te := &testEnv{dir: dir, cli: &deploytest.CLI{}, out: &bytes.Buffer{}, errb: &bytes.Buffer{}}
	cfg, err := config.Parse(config.Raw{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	te.Env = Env{
		IO:     &cmdutil.IOStreams{In: strings.NewReader(""), Out: te.out, ErrOut: te.errb, IsInteractive: func() bool { return false }},
		Getenv: envMap(env),
		ProjectDir: func() (string, error) {
			te.steps = append(te.steps, "project")
			return dir, nil
		},
		StackConfig: func(stack, file string) (*config.Config, error) {
			te.steps = append(te.steps, "config")
			return cfg, nil
		},
		Pulumi: func() (auto.PulumiCommand, error) {
			te.steps = append(te.steps, "pulumi")
			return te.cli, nil
		},
		Credentials: func(ctx context.Context, c *config.Config) ([]awsauth.Identity, error) {
			te.steps = append(te.steps, "credentials")
			return []awsauth.Identity{{Network: "trading", Account: "111111111111"}}, nil
		},
		Preflight: func(ctx context.Context, c *config.Config, ids []awsauth.Identity) error {
			te.steps = append(te.steps, fmt.Sprintf("preflight(%d ids)", len(ids)))
			return nil
		},
	}
	return te
}

var withPassphrase = map[string]string{EnvPassphrase: "test"}

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

func TestOpenStack(t *testing.T) {
	const kms = "awskms://alias/peerctl?region=us-east-1"
	tests := []struct {
		name      string
		create    bool
		existing  bool
		stackFile string // Pulumi.dev.yaml; default "config: {}"
		wantCalls []string
		wantErr   string
	}{
		{name: "up creates a missing stack without selecting it", create: true,
			wantCalls: []string{"stack --show-name --stack dev", "stack init dev --no-select"}},
		{name: "up opens an existing stack without selecting it", create: true, existing: true,
			wantCalls: []string{"stack --show-name --stack dev"}},
		{name: "destroy never creates one", create: false, wantErr: "stack \"dev\" does not exist in backend file://",
			wantCalls: []string{"stack --show-name --stack dev"}},
		{name: "destroy opens an existing stack without selecting it", existing: true,
			wantCalls: []string{"stack --show-name --stack dev"}},
		{name: "a new stack gets the secrets provider of its stack file", create: true,
			stackFile: "secretsprovider: " + kms + "\nconfig: {}\n",
			wantCalls: []string{"stack --show-name --stack dev", "stack init dev --no-select --secrets-provider " + kms}},
		{name: "the passphrase provider is the default", create: true,
			stackFile: "secretsprovider: passphrase\nconfig: {}\n",
			wantCalls: []string{"stack --show-name --stack dev", "stack init dev --no-select"}},
		{name: "an existing stack keeps its provider", create: true, existing: true,
			stackFile: "secretsprovider: " + kms + "\nconfig: {}\n",
			wantCalls: []string{"stack --show-name --stack dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, map[string]string{EnvPassphrase: "pw", "ENVIRONMENT_SUFFIX": "qa", "UNRELATED": "x"})
			if tt.stackFile != "" {
				writeFile(t, filepath.Join(te.dir, "Pulumi.dev.yaml"), tt.stackFile)
			}
			te.cli.Stacks = map[string]bool{"dev": tt.existing, "prod": true}
			// The user had selected prod; a later plain `pulumi destroy`
			// must still target prod.
			te.cli.Selected = "prod"
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.OpenStack(context.Background(), tt.create)
			var got []string
			for _, c := range te.cli.Calls() {
				got = append(got, strings.Join(c.Args, " "))
			}
			if !slices.Equal(got, tt.wantCalls) {
				t.Errorf("CLI commands:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.wantCalls, "\n  "))
			}
			if te.cli.Selected != "prod" {
				t.Errorf("the selected stack changed to %q", te.cli.Selected)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The CLI runs in a workspace of its own holding copies of the
			// project and stack files, never in the user's directory.
			calls := te.cli.Calls()
			if calls[0].Dir == te.dir {
				t.Errorf("CLI ran in the project dir %q", te.dir)
			}
			for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml"} {
				want, _ := os.ReadFile(filepath.Join(te.dir, name))
				if got, err := os.ReadFile(filepath.Join(calls[0].Dir, name)); err != nil || !bytes.Equal(got, want) {
					t.Errorf("workspace %s = %q (%v), want a copy of the project's %q", name, got, err, want)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(calls[0].Dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("workspace %s not removed by Close: %v", calls[0].Dir, err)
			}
			wantBackend := "file://" + filepath.ToSlash(filepath.Join(te.dir, StateDir))
			for key, want := range map[string]string{EnvBackendURL: wantBackend, EnvPassphrase: "pw", "ENVIRONMENT_SUFFIX": "qa"} {
				if got, _ := te.cli.EnvOf(key); got != want {
					t.Errorf("CLI env %s = %q, want %q", key, got, want)
				}
			}
			if _, ok := te.cli.EnvOf("UNRELATED"); ok {
				t.Error("unrelated variables were passed explicitly")
			}
			if _, err := os.Stat(filepath.Join(te.dir, StateDir)); err != nil {
				t.Errorf("state dir not created: %v", err)
			}
		})
	}
}

// TestOperationsDoNotSelectTheStack runs every operation the commands use
// and checks that none changes the user's selected stack.
func TestOperationsDoNotSelectTheStack(t *testing.T) {
	te := newTestEnv(t, withPassphrase)
	te.cli.Stacks = map[string]bool{"dev": true, "prod": true}
	te.cli.Selected = "prod"
	te.cli.Events = deploytest.Scenario()
	s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.OpenStack(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Outputs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PreviewDestroy(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Destroy(ctx, &st, &bytes.Buffer{}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Refresh(ctx, &st, &bytes.Buffer{}, 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range te.cli.Calls() {
		args := strings.Join(c.Args, " ")
		if strings.HasPrefix(args, "stack select") || !slices.Contains(c.Args, "--stack") && !strings.HasPrefix(args, "stack init") {
			t.Errorf("%q does not name its stack", args)
		}
	}
	if te.cli.Selected != "prod" {
		t.Errorf("the selected stack changed to %q", te.cli.Selected)
	}
}

func concatEvents(parts ...[]apitype.EngineEvent) []apitype.EngineEvent {
	var out []apitype.EngineEvent
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestOperationsStreamEvents(t *testing.T) {
	te := newTestEnv(t, withPassphrase)
	te.cli.Stacks = map[string]bool{"dev": true}
	te.cli.Events = map[string][]apitype.EngineEvent{
		deploytest.OpPreview: concatEvents(
			deploytest.PlanStep(apitype.OpCreate, "aws:ec2/vpc:Vpc", "trading-vpc"),
			deploytest.PlanStep(apitype.OpCreate, "aws:ec2/vpc:Vpc", "analytics-vpc"),
			[]apitype.EngineEvent{deploytest.SummaryEvent(true, 4, map[apitype.OpType]int{"create": 2})}),
		deploytest.OpUp: concatEvents(
			deploytest.Step(apitype.OpCreate, "aws:ec2/vpc:Vpc", "trading-vpc", false),
			deploytest.Step(apitype.OpCreate, "aws:ec2/vpc:Vpc", "analytics-vpc", false),
			[]apitype.EngineEvent{deploytest.SummaryEvent(false, 75, map[apitype.OpType]int{"create": 2})}),
	}
	te.cli.Outputs = map[string]any{"vpcIds": map[string]any{"trading": "vpc-1"}}
	s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.OpenStack(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p, res, err := Preview(context.Background(), &st, &out)
	if err != nil {
		t.Fatal(err)
	}
	total := ExpectedOperations(res.ChangeSummary)
	if total != 2 || p.Done != 2 {
		t.Errorf("preview total %d, done %d; want 2, 2", total, p.Done)
	}
	wantPreview := "[1] create     aws:ec2/vpc:Vpc trading-vpc\n[2] create     aws:ec2/vpc:Vpc analytics-vpc\npreview in 4s: 2 to create, 0 to update, 0 to delete, 0 unchanged\n"
	if out.String() != wantPreview {
		t.Errorf("preview output:\n%s\nwant:\n%s", out.String(), wantPreview)
	}
	out.Reset()
	p, up, err := Up(context.Background(), &st, &out, total)
	if err != nil {
		t.Fatal(err)
	}
	wantUp := "[1/2] created    aws:ec2/vpc:Vpc trading-vpc\n[2/2] created    aws:ec2/vpc:Vpc analytics-vpc\ndone in 1m15s: 2 created, 0 updated, 0 deleted, 0 unchanged\n"
	if out.String() != wantUp {
		t.Errorf("up output:\n%s\nwant:\n%s", out.String(), wantUp)
	}
	if p.Summary == nil || up.Outputs["vpcIds"].Value == nil {
		t.Errorf("summary %v, outputs %v", p.Summary, up.Outputs)
	}
}

func TestEngineErrors(t *testing.T) {
	tests := []struct {
		name    string
		stderr  string
		wantMsg []string
	}{
		{name: "locked stack", stderr: "error: the stack is currently locked by 1 lock(s).",
			wantMsg: []string{`stack "dev" is locked by another update`, "pulumi cancel --stack dev"}},
		{name: "other failure shows the end of stderr", stderr: "error: update failed\nerror: 1 resource failed",
			wantMsg: []string{"pulumi up failed", "error: 1 resource failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, withPassphrase)
			te.cli.Stacks = map[string]bool{"dev": true}
			te.cli.Fail = map[string]string{deploytest.OpUp: tt.stderr}
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.OpenStack(context.Background(), false)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = Up(context.Background(), &st, &bytes.Buffer{}, 0)
			if err == nil {
				t.Fatal("Up succeeded")
			}
			err = EngineError(context.Background(), "pulumi up", s, err)
			for _, w := range tt.wantMsg {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestCancelledOperationIsErrCancelled(t *testing.T) {
	tests := []struct {
		name    string
		presses int
		wantMsg string
	}{
		{name: "cancelled context", wantMsg: "pulumi up: interrupted; the Pulumi CLI stopped after the operations in flight and saved the state, run the command again to continue: cancelled"},
		{name: "one Ctrl-C", presses: 1, wantMsg: "pulumi up: interrupted; the Pulumi CLI stopped after the operations in flight"},
		{name: "two", presses: 2, wantMsg: "pulumi up: stopped at once (second Ctrl-C) without waiting for the operations in flight"},
		{name: "three", presses: 3, wantMsg: "pulumi up: the Pulumi CLI was killed (third Ctrl-C)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, withPassphrase)
			te.cli.Stacks = map[string]bool{"dev": true}
			te.cli.WaitForCancel = map[string]bool{deploytest.OpUp: true}
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.OpenStack(context.Background(), false)
			if err != nil {
				t.Fatal(err)
			}
			sigs := make(chan os.Signal)
			ctx, stop := interruptible(context.Background(), sigs, func() {})
			defer stop()
			for range tt.presses {
				sigs <- os.Interrupt
			}
			if tt.presses == 0 {
				stop()
			}
			for n, _ := interruptsFrom(ctx).snapshot(); n < tt.presses; n, _ = interruptsFrom(ctx).snapshot() {
				runtime.Gosched()
			}
			<-ctx.Done()
			_, _, err = Up(ctx, &st, &bytes.Buffer{}, 0)
			err = EngineError(ctx, "pulumi up", s, err)
			if !errors.Is(err, cmdutil.ErrCancelled) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want ErrCancelled and %q", err, tt.wantMsg)
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
