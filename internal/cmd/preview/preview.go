// Package preview is `peerctl preview`: what `up` would change, from AWS.
package preview

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	plancmd "github.com/peerctl/peerctl/internal/cmd/plan"
	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy"
)

// PreviewOptions are the parsed flags and injected dependencies of
// `peerctl preview`.
type PreviewOptions struct {
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
}

// NewCmdPreview returns the preview command. runF replaces previewRun in tests.
func NewCmdPreview(f *cmdutil.Factory, preCheck deploy.PreCheckFunc, runF func(*PreviewOptions) error) *cobra.Command {
	opts := &PreviewOptions{IO: f.IO, Env: deploy.NewEnv(f), PreCheck: preCheck}
	cmd := &cobra.Command{
		Use:   "preview",
		Short: "Show what up would change in AWS, without changing anything",
		Long: `Run the Pulumi program against the stack's state and both AWS accounts and
print one line per resource operation it would perform.

Before the engine starts, the stack configuration is validated, the policy
check runs on the offline plan, every network's AWS credentials are checked
against its expected account, and the pre-flight check looks for an AWS
Config recorder, delivery channel or OAM sink in the way (exit 3). A policy denial is reported as a
warning, the preview still runs, and the command exits 4 unless
--allow-policy-violations is given.`,
		Example: `  peerctl preview
  peerctl preview --stack prod --backend s3://my-state-bucket/peerctl`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.PolicyTimeout <= 0 {
				return cmdutil.UsageError(cmd, fmt.Errorf("--policy-timeout must be positive, got %s", opts.PolicyTimeout))
			}
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return previewRun(opts)
		},
	}
	deploy.AddFlags(cmd, &opts.Flags)
	cmd.Flags().BoolVar(&opts.AllowPolicyViolations, "allow-policy-violations", false, "exit 0 even when the policy check denies the plan")
	cmd.Flags().StringArrayVar(&opts.PolicyDirs, "policy-dir", nil, "also check the Rego policies in this directory, as peerctl plan --policy-dir does (repeatable)")
	plancmd.AddPolicyFlags(cmd, &opts.Namespaces, &opts.PolicyTimeout)
	return cmd
}

func previewRun(opts *PreviewOptions) error {
	ctx, stop := deploy.Interruptible(opts.Context)
	defer stop()
	s, err := deploy.Prepare(ctx, opts.Env, opts.Flags, deploy.Needs{
		Credentials: true, Preflight: true, Policy: deploy.PolicyWarn, PreCheck: opts.PreCheck, Policies: opts.policies(),
	})
	if err != nil {
		return err
	}
	defer s.Close() // removes the workspace OpenStack makes
	st, err := s.OpenStack(ctx, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Previewing stack %s (%s), state %s\n", s.StackName, s.Accounts(), s.Backend)
	if _, _, err := deploy.Preview(ctx, &st, opts.IO.Out); err != nil {
		return deploy.EngineError(ctx, "pulumi preview", s, err)
	}
	if s.PolicyErr != nil && !opts.AllowPolicyViolations {
		return s.PolicyErr
	}
	return nil
}

// policies are the policy flags as the pre-check takes them.
func (o *PreviewOptions) policies() deploy.PolicyOptions {
	return deploy.PolicyOptions{Dirs: o.PolicyDirs, Namespaces: o.Namespaces, Timeout: o.PolicyTimeout}
}
