// Package deploy runs the Pulumi program of this repository through the
// Automation API, for the preview, up, destroy, refresh and outputs
// commands: it resolves the state backend and secrets passphrase, finds the
// Pulumi CLI, checks every network's AWS credentials before the engine
// starts, and renders the engine's events as one line per resource
// operation.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/deploy/preflight"
)

// PreCheckFunc runs before anything goes to AWS, after the configuration
// is known to be valid: the lead wires it to "offline plan + policy", which
// returns an error wrapping cmdutil.ErrPolicyDenied when the policy denies
// the plan. Any other error stops the command. cfg is the stack's validated
// configuration, from its stack file or --config.
type PreCheckFunc func(ctx context.Context, stack string, cfg *config.Config, p PolicyOptions) error

// PolicyOptions are the policy flags of preview and up, the same as
// peerctl plan's: the user's policy directories (--policy-dir), the extra
// Rego packages evaluated for findings (--namespace) and the evaluation's
// time limit (--policy-timeout).
type PolicyOptions struct {
	Dirs       []string
	Namespaces []string
	Timeout    time.Duration
	// StackFile is the stack's file, beside which policy-exceptions.yaml
	// lives; Prepare sets it.
	StackFile string
}

// Env is what the deploy commands take from outside; tests replace parts.
type Env struct {
	IO     *cmdutil.IOStreams
	Getenv config.LookupEnv
	// ProjectDir finds the directory holding Pulumi.yaml (without --config).
	ProjectDir func() (string, error)
	// StackConfig loads and validates a stack's configuration: from file
	// when set (--config), else from Pulumi.<stack>.yaml in the project.
	StackConfig func(stack, file string) (*config.Config, error)
	// Pulumi finds the Pulumi CLI (DefaultPulumi in production).
	Pulumi func() (auto.PulumiCommand, error)
	// Credentials checks every network's credentials (awsauth.NewChecker().Check).
	Credentials func(ctx context.Context, cfg *config.Config) ([]awsauth.Identity, error)
	// Preflight checks, after the credentials, that the accounts can take
	// what preview and up would create (preflight.NewChecker().Check).
	Preflight func(ctx context.Context, cfg *config.Config, ids []awsauth.Identity) error
	// CanPrompt reports whether a person can answer a question: stdin and
	// stderr, where questions are written, are terminals (CanPrompt). nil
	// falls back to IO.IsInteractive.
	CanPrompt func() bool
}

// Interactive reports whether the commands may ask a question.
func (e Env) Interactive() bool {
	if e.CanPrompt != nil {
		return e.CanPrompt()
	}
	return e.IO != nil && e.IO.IsInteractive != nil && e.IO.IsInteractive()
}

// NewEnv returns the production Env for a factory.
func NewEnv(f *cmdutil.Factory) Env {
	// The pre-flight check lists what it discovered (an existing VPC's
	// route tables) on stderr, before the engine changes anything.
	pf := preflight.NewChecker()
	if f.IO != nil {
		pf.Out = f.IO.ErrOut
	}
	return Env{
		IO:          f.IO,
		Getenv:      f.Getenv,
		ProjectDir:  f.ProjectDir,
		StackConfig: f.StackConfig,
		Pulumi:      DefaultPulumi,
		Credentials: awsauth.NewChecker().Check,
		Preflight:   pf.Check,
		CanPrompt:   func() bool { return CanPrompt(f.IO) },
	}
}

// PolicyMode says what a policy denial does.
type PolicyMode int

const (
	// PolicySkip does not run the pre-check.
	PolicySkip PolicyMode = iota
	// PolicyEnforce stops on a denial.
	PolicyEnforce
	// PolicyWarn reports a denial and goes on; Session.PolicyErr keeps it.
	PolicyWarn
)

// Needs says what a command needs before the engine runs.
type Needs struct {
	// Credentials checks every network's AWS credentials (everything that
	// reads or changes AWS resources; not outputs).
	Credentials bool
	// Preflight runs Env.Preflight after the credentials check: the
	// commands that would create resources (preview, up).
	Preflight bool
	Policy    PolicyMode
	PreCheck  PreCheckFunc
	// Policies are the user's policy flags, checked with the baseline.
	Policies PolicyOptions
}

// Session is a stack ready for the engine: configuration valid, CLI found,
// backend and passphrase settled, credentials checked.
type Session struct {
	Env       Env
	StackName string
	// StackFile is the stack's Pulumi.<stack>.yaml (or the --config file).
	StackFile string
	// ProjectDir is the directory of the stack file: the default file
	// backend lives there.
	ProjectDir string
	Config     *config.Config
	Backend    Backend
	Pulumi     auto.PulumiCommand
	// PolicyErr is the policy denial reported in PolicyWarn mode.
	PolicyErr error
	// Identities are who each network's credentials resolved to.
	Identities []awsauth.Identity
	// workDir is the Automation API workspace, made by OpenStack.
	workDir string
}

// Prepare does, in order, everything that can fail before the engine runs:
// validate the configuration (as plan does), run the pre-check (offline
// plan + policy, so a user without the Pulumi CLI still sees what would be
// refused), find the Pulumi CLI, resolve the backend and the passphrase,
// check the AWS credentials of every network, and run the pre-flight checks
// of the accounts.
func Prepare(ctx context.Context, env Env, fl Flags, needs Needs) (*Session, error) {
	target, cfg, err := LoadTarget(env, fl)
	if err != nil {
		return nil, err
	}
	s := &Session{Env: env, StackName: target.Stack, StackFile: target.File, ProjectDir: target.Dir, Config: cfg}
	if needs.Policy != PolicySkip && needs.PreCheck != nil {
		policies := needs.Policies
		policies.StackFile = target.File
		err := needs.PreCheck(ctx, target.Stack, cfg, policies)
		switch {
		case err == nil:
		case errors.Is(err, cmdutil.ErrPolicyDenied) && needs.Policy == PolicyWarn:
			s.PolicyErr = err
			fmt.Fprintf(env.IO.ErrOut, "warning: %v\n", err)
		case errors.Is(err, cmdutil.ErrPolicyDenied):
			return nil, fmt.Errorf("%w\nfix the configuration, or pass --allow-policy-violations to deploy anyway", err)
		default:
			return nil, fmt.Errorf("pre-deployment check: %w", err)
		}
	}
	if err := s.prepareEngine(ctx, fl, needs); err != nil {
		// preview carries a denial on to show the changes; when it cannot
		// get that far (no Pulumi CLI, no passphrase), the denial still
		// decides the exit status, so CI gating on 4 sees it.
		if s.PolicyErr != nil {
			return nil, fmt.Errorf("%w\nthe policy check also denied this plan: %w", err, s.PolicyErr)
		}
		return nil, err
	}
	return s, nil
}

// prepareEngine finds the Pulumi CLI, resolves the backend and the
// passphrase, checks the AWS credentials of every network, and runs the
// pre-flight checks of the accounts.
func (s *Session) prepareEngine(ctx context.Context, fl Flags, needs Needs) error {
	env, cfg := s.Env, s.Config
	var err error
	if s.Pulumi, err = env.Pulumi(); err != nil {
		return err
	}
	if s.Backend, err = ResolveBackend(fl.Backend, env.Getenv, s.ProjectDir); err != nil {
		return err
	}
	if err := CheckPassphrase(s.Backend, env.Getenv, s.StackFile); err != nil {
		return err
	}
	if needs.Credentials && env.Credentials != nil {
		if s.Identities, err = env.Credentials(ctx, cfg); err != nil {
			return err
		}
	}
	if needs.Preflight && env.Preflight != nil {
		if err := env.Preflight(ctx, cfg, s.Identities); err != nil {
			return err
		}
	}
	return nil
}

// envVars are the variables the Pulumi CLI gets: the backend, and what it
// needs from the environment peerctl was given.
func (s *Session) envVars() map[string]string {
	vars := map[string]string{
		EnvBackendURL:              s.Backend.URL,
		"PULUMI_SKIP_UPDATE_CHECK": "true",
	}
	for _, key := range []string{EnvPassphrase, EnvPassphraseFile, EnvAccessToken, config.EnvEnvironmentSuffix} {
		if v, ok := s.Env.Getenv(key); ok {
			vars[key] = v
		}
	}
	return vars
}

// OpenStack opens the stack in a workspace of its own (see newWorkspace)
// that runs the program inline, in this process, with the stack file's
// settings, without changing the project's selected stack. create makes the
// stack when it does not exist (preview, up), with the secrets provider its
// stack file names; without it a missing stack is an error (destroy,
// refresh, outputs, verify). Close removes the workspace.
func (s *Session) OpenStack(ctx context.Context, create bool) (auto.Stack, error) {
	if err := s.Backend.Prepare(); err != nil {
		return auto.Stack{}, err
	}
	if err := s.checkFileLock(); err != nil {
		return auto.Stack{}, err
	}
	provider := StackSecretsProvider(s.StackFile)
	ws, err := s.newWorkspace(ctx, provider)
	if err != nil {
		return auto.Stack{}, err
	}
	st, err := auto.SelectStack(ctx, s.StackName, ws)
	if errors.Is(err, errNoStack) {
		if !create {
			return st, fmt.Errorf("stack %q does not exist in backend %s; deploy it with `peerctl up --stack %s` (or pick the backend that holds it with --backend)",
				s.StackName, s.Backend, s.StackName)
		}
		st, err = auto.NewStack(ctx, s.StackName, ws)
	}
	if err != nil {
		return st, EngineError(ctx, "open stack "+s.StackName, s, err)
	}
	return st, nil
}

// EngineError turns an Automation API error into a short message; the
// engine's own diagnostics were already printed from the event stream.
func EngineError(ctx context.Context, op string, s *Session, err error) error {
	switch {
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return interrupted(ctx, op, s)
	case auto.IsConcurrentUpdateError(err):
		return lockedError(op, s)
	case strings.Contains(err.Error(), "failed to load checkpoint"):
		return fmt.Errorf("%s: the state of stack %q in %s cannot be read (corrupt, or written by another tool); nothing was changed. "+
			"Restore it from the backend's backups (a file backend keeps the previous state beside it as <stack>.json.bak and older ones in .pulumi/backups/):\n%s",
			op, s.StackName, s.Backend.URL, tail(stderrOf(err), 5))
	case auto.IsCompilationError(err):
		return fmt.Errorf("%s: the Pulumi program failed:\n%s", op, tail(err.Error(), 15))
	}
	return fmt.Errorf("%s failed:\n%s", op, tail(stderrOf(err), 15))
}

// lockedError says the stack is locked and how to unlock it.
func lockedError(op string, s *Session) error {
	return fmt.Errorf("%s: stack %q is locked by another update; if none is running, unlock it with `PULUMI_BACKEND_URL=%s pulumi cancel --stack %s`",
		op, s.StackName, s.Backend.URL, s.StackName)
}

// checkFileLock refuses a stack of a file backend that another update
// holds locked, before the CLI reads its state: the CLI would read a state
// file the running update may be rewriting at that moment, and fail with
// "failed to load checkpoint: EOF" instead of naming the lock. The lock
// files are where the Pulumi CLI's file backend keeps them:
// .pulumi/locks/<org>/<project>/<stack>/*.json (and, for stacks made
// before projects were in the path, .pulumi/locks/<stack>/*.json).
func (s *Session) checkFileLock() error {
	dir := s.Backend.LocalDir()
	if dir == "" {
		return nil
	}
	locks := filepath.Join(dir, ".pulumi", "locks")
	var held []string
	// Project-scoped backends keep locks/<org>/<project>/<stack>; only this
	// project's stack counts (a same-named stack of another project sharing
	// the backend is not ours). Older backends keep locks/<stack>.
	for _, pattern := range []string{filepath.Join(locks, "*", config.Namespace, s.StackName, "*.json"), filepath.Join(locks, s.StackName, "*.json")} {
		matches, _ := filepath.Glob(pattern)
		held = append(held, matches...)
	}
	if len(held) == 0 {
		return nil
	}
	return lockedError("open stack "+s.StackName, s)
}

// interrupted says what an interrupted operation left behind, by how
// often Ctrl-C was pressed (see Command).
func interrupted(ctx context.Context, op string, s *Session) error {
	presses, _ := interruptsFrom(ctx).snapshot()
	switch {
	case presses >= 3:
		return fmt.Errorf("%s: the Pulumi CLI was killed (third Ctrl-C): resources it was changing may be missing from the state, and the stack may still be locked "+
			"(unlock it with `PULUMI_BACKEND_URL=%s pulumi cancel --stack %s`); see \"Interrupting\" in docs/deploy.md: %w",
			op, s.Backend.URL, s.StackName, cmdutil.ErrCancelled)
	case presses == 2:
		return fmt.Errorf("%s: stopped at once (second Ctrl-C) without waiting for the operations in flight: resources they were creating may exist in AWS "+
			"but not in the state, and the next update reports them as pending operations; see \"Interrupting\" in docs/deploy.md: %w",
			op, cmdutil.ErrCancelled)
	}
	return fmt.Errorf("%s: interrupted; the Pulumi CLI stopped after the operations in flight and saved the state, run the command again to continue: %w",
		op, cmdutil.ErrCancelled)
}

// stderrOf extracts the CLI's stderr from an Automation API error message
// ("...\ncode: 255\nstdout: ...\nstderr: ..."), or the whole message.
func stderrOf(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "\nstderr: "); i >= 0 {
		if s := strings.TrimSpace(msg[i+len("\nstderr: "):]); s != "" {
			return s
		}
		return strings.SplitN(msg, "\n", 2)[0]
	}
	return msg
}

// tail keeps the last n non-empty lines of s.
func tail(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, "  "+strings.TrimRight(l, " "))
		}
	}
	if len(lines) > n {
		lines = append([]string{"  ..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// drainTimeout bounds the wait for the last engine events once the
// operation returned (the Automation API closes the stream when the CLI
// exits; if the CLI never started, nobody does).
var drainTimeout = 5 * time.Second

// Stream runs op with an engine event channel, rendering every event to w
// as it arrives, and returns the renderer's final state.
func Stream(w io.Writer, p Progress, op func(ch chan<- events.EngineEvent) error) (Progress, error) {
	ch := make(chan events.EngineEvent)
	done := make(chan Progress, 1)
	go func() {
		st := p
		for ev := range ch {
			var lines []string
			st, lines = st.Render(ev)
			for _, l := range lines {
				fmt.Fprintln(w, l)
			}
		}
		done <- st
	}()
	err := op(ch)
	select {
	case st := <-done:
		return st, err
	case <-time.After(drainTimeout):
		return p, err
	}
}

// Accounts describes which account each network deploys to.
func (s *Session) Accounts() string {
	var parts []string
	for _, id := range s.Identities {
		parts = append(parts, fmt.Sprintf("%s %s", id.Network, id.Account))
	}
	return strings.Join(parts, ", ")
}
