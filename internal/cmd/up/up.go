// Package up is `peerctl up`: deploy the stack to both AWS accounts.
package up

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/spf13/cobra"

	plancmd "github.com/peerctl/peerctl/internal/cmd/plan"
	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
)

// UpOptions are the parsed flags and injected dependencies of `peerctl up`.
type UpOptions struct {
	IO  *cmdutil.IOStreams
	Env deploy.Env
	// PreCheck is the offline plan + policy check (nil: none).
	PreCheck deploy.PreCheckFunc
	Context  context.Context

	Flags                 deploy.Flags
	AllowPolicyViolations bool
	// PolicyDirs are extra policy directories checked with the baseline;
	// Namespaces and PolicyTimeout are plan's --namespace and --policy-timeout.
	PolicyDirs    []string
	Namespaces    []string
	PolicyTimeout time.Duration
	// RenameEnvironment lets ENVIRONMENT_SUFFIX rename a deployed stack.
	RenameEnvironment bool
	SkipPreview       bool
}

// NewCmdUp returns the up command. runF replaces upRun in tests.
func NewCmdUp(f *cmdutil.Factory, preCheck deploy.PreCheckFunc, runF func(*UpOptions) error) *cobra.Command {
	opts := &UpOptions{IO: f.IO, Env: deploy.NewEnv(f), PreCheck: preCheck}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create or update the stack's resources in both AWS accounts",
		Long: `Deploy the stack: the same Pulumi program and Pulumi.<stack>.yaml that
"pulumi up" runs from the project directory.

Before anything goes to AWS the configuration is validated, the policy check
runs on the offline plan (a denial stops up, exit 4, unless
--allow-policy-violations), every network's credentials are checked against
its expected account, and a pre-flight check makes sure each account can take
what AWS allows once per account and region (the AWS Config recorder and
delivery channel, the CloudWatch OAM sink): a conflict stops up with exit 3
and says which setting to change. A preview then counts the operations, and
up prints one line per operation as it completes ("[ 7/43] created ..."),
a summary, and the stack outputs.

Ctrl-C asks the Pulumi CLI to stop once: it finishes the operations in
flight, saves the state and exits (run up again to continue). A second
Ctrl-C stops it at once, a third kills it; see docs/deploy.md.

State lives in file://<project>/.pulumi-state unless --backend or
PULUMI_BACKEND_URL say otherwise; the local backend encrypts secrets with
PULUMI_CONFIG_PASSPHRASE.`,
		Example: `  export PULUMI_CONFIG_PASSPHRASE=...
  peerctl up
  peerctl up --stack prod --backend s3://my-state-bucket/peerctl`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.PolicyTimeout <= 0 {
				return cmdutil.UsageError(cmd, fmt.Errorf("--policy-timeout must be positive, got %s", opts.PolicyTimeout))
			}
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return upRun(opts)
		},
	}
	deploy.AddFlags(cmd, &opts.Flags)
	cmd.Flags().BoolVar(&opts.AllowPolicyViolations, "allow-policy-violations", false, "deploy even when the policy check denies the plan")
	cmd.Flags().StringArrayVar(&opts.PolicyDirs, "policy-dir", nil, "also check the Rego policies in this directory, as peerctl plan --policy-dir does (repeatable)")
	plancmd.AddPolicyFlags(cmd, &opts.Namespaces, &opts.PolicyTimeout)
	cmd.Flags().BoolVar(&opts.RenameEnvironment, "rename-environment", false, "let a different environment ("+config.EnvEnvironmentSuffix+" or the stack file) rename, and so replace, the resources of a deployed stack")
	cmd.Flags().BoolVar(&opts.SkipPreview, "skip-preview", false, "do not preview first (progress then shows no total)")
	return cmd
}

func upRun(opts *UpOptions) error {
	ctx, stop := deploy.Interruptible(opts.Context)
	defer stop()
	policy := deploy.PolicyEnforce
	if opts.AllowPolicyViolations {
		policy = deploy.PolicyWarn
	}
	s, err := deploy.Prepare(ctx, opts.Env, opts.Flags, deploy.Needs{
		Credentials: true, Preflight: true, Policy: policy, PreCheck: opts.PreCheck, Policies: opts.policies(),
	})
	if err != nil {
		return err
	}
	defer s.Close() // removes the workspace OpenStack makes
	st, err := s.OpenStack(ctx, true)
	if err != nil {
		return err
	}
	if err := confirmRename(ctx, opts, s, &st); err != nil {
		return err
	}
	out, errOut := opts.IO.Out, opts.IO.ErrOut
	total := 0
	if !opts.SkipPreview {
		fmt.Fprintf(errOut, "Previewing stack %s (%s), state %s\n", s.StackName, s.Accounts(), s.Backend)
		p, res, err := deploy.Preview(ctx, &st, io.Discard)
		if err != nil {
			return deploy.EngineError(ctx, "pulumi preview", s, err)
		}
		total = deploy.ExpectedOperations(res.ChangeSummary)
		if p.Summary != nil {
			fmt.Fprintln(errOut, p.Summary)
		}
	}
	fmt.Fprintf(errOut, "Updating stack %s\n", s.StackName)
	p, res, err := deploy.Up(ctx, &st, out, total)
	if err != nil {
		return deploy.EngineError(ctx, "pulumi up", s, err)
	}
	if p.Summary == nil {
		fmt.Fprintf(out, "done: %d operations\n", p.Done)
	}
	outputs, err := deploy.OutputsFromMap(deploy.PlainOutputs(res.Outputs, false))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nOutputs:")
	if err := outputs.PrintSummary(out); err != nil {
		return err
	}
	fmt.Fprintf(errOut, "\nCheck the deployment with: peerctl verify --stack %s\n", s.StackName)
	return nil
}

// policies are the policy flags as the pre-check takes them.
func (o *UpOptions) policies() deploy.PolicyOptions {
	return deploy.PolicyOptions{Dirs: o.PolicyDirs, Namespaces: o.Namespaces, Timeout: o.PolicyTimeout}
}

// confirmRename stops up before the engine changes anything when the
// environment would rename the resources of a deployed stack (their
// physical names carry the environment, so AWS would replace them), unless
// --rename-environment or the person at the terminal says so.
func confirmRename(ctx context.Context, opts *UpOptions, s *deploy.Session, st *auto.Stack) error {
	outputs, err := st.Outputs(ctx)
	if err != nil {
		return deploy.EngineError(ctx, "pulumi stack output", s, err)
	}
	deployed, _ := outputs["environment"].Value.(string)
	return deploy.ConfirmRename(deploy.RenameRequest{
		Stack: s.StackName, Deployed: deployed, Config: s.Config,
		Confirmed: opts.RenameEnvironment, Interactive: opts.Env.Interactive(),
	}, opts.IO.In, opts.IO.ErrOut)
}
