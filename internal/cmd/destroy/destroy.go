// Package destroy is `peerctl destroy`: delete every resource of the stack.
package destroy

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy"
)

// DestroyOptions are the parsed flags and injected dependencies of
// `peerctl destroy`.
type DestroyOptions struct {
	IO      *cmdutil.IOStreams
	Env     deploy.Env
	Context context.Context

	Flags     deploy.Flags
	Yes       bool
	ForceProd bool
}

// NewCmdDestroy returns the destroy command. runF replaces destroyRun in tests.
func NewCmdDestroy(f *cmdutil.Factory, runF func(*DestroyOptions) error) *cobra.Command {
	opts := &DestroyOptions{IO: f.IO, Env: deploy.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "destroy",
		Short: "Delete every resource of the stack in both AWS accounts",
		Long: `Delete every resource the stack manages, in both accounts.

On a terminal destroy asks for confirmation (on stderr, so stdout may go to
a file); without one it refuses unless --yes is given. For a production
stack --yes is not enough: the stack name must also be typed back on a
terminal, or --force-prod given for unattended runs. A stack is production
if it is named "prod", if its Pulumi.<stack>.yaml says
peerctl:environment: prod (ENVIRONMENT_SUFFIX does not change that), if
ENVIRONMENT_SUFFIX is prod, or if its deployed outputs say environment
prod. Production flow-log buckets are retained by the program (no
force-destroy).`,
		Example: `  peerctl destroy
  peerctl destroy --stack dev --yes
  peerctl destroy --stack prod --yes            # then type "prod"
  peerctl destroy --stack prod --yes --force-prod`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return destroyRun(opts)
		},
	}
	deploy.AddFlags(cmd, &opts.Flags)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation (production also needs the name typed back, or --force-prod)")
	cmd.Flags().BoolVar(&opts.ForceProd, "force-prod", false, "allow destroying a production stack without typing its name")
	return cmd
}

func destroyRun(opts *DestroyOptions) error {
	ctx, stop := deploy.Interruptible(opts.Context)
	defer stop()
	// Refuse before any work when no confirmation can be had.
	target, cfg, err := deploy.LoadTarget(opts.Env, opts.Flags)
	if err != nil {
		return err
	}
	stack := target.Stack
	reasons, err := deploy.ProductionReasons(stack, target.File, cfg)
	if err != nil {
		return err
	}
	req := deploy.DestroyRequest{
		Stack:       stack,
		Yes:         opts.Yes,
		ForceProd:   opts.ForceProd,
		Interactive: opts.Env.Interactive(),
	}
	for _, r := range reasons {
		req.MarkProd(r)
	}
	if err := req.Refusal(); err != nil {
		return err
	}
	s, err := deploy.Prepare(ctx, opts.Env, opts.Flags, deploy.Needs{Credentials: true})
	if err != nil {
		return err
	}
	defer s.Close() // removes the workspace OpenStack makes
	st, err := s.OpenStack(ctx, false)
	if err != nil {
		return err
	}
	// What is deployed may be production whatever the files say now.
	outputs, err := st.Outputs(ctx)
	if err != nil {
		return deploy.EngineError(ctx, "pulumi stack output", s, err)
	}
	env, _ := outputs["environment"].Value.(string)
	if reason := deploy.DeployedProdReason(env); reason != "" {
		req.MarkProd(reason)
		if err := req.Refusal(); err != nil {
			return err
		}
	}
	res, err := st.PreviewDestroy(ctx)
	if err != nil {
		return deploy.EngineError(ctx, "pulumi destroy --preview-only", s, err)
	}
	total := deploy.ExpectedOperations(res.ChangeSummary)
	if total == 0 {
		fmt.Fprintf(opts.IO.Out, "stack %s has no resources; nothing to destroy\n", s.StackName)
		return nil
	}
	for _, w := range deploy.PartnerConnectionWarnings(cfg) {
		fmt.Fprintln(opts.IO.ErrOut, w)
	}
	req.What = fmt.Sprintf("delete %d resources in %s", total, s.Accounts())
	if err := deploy.ConfirmDestroy(req, opts.IO.In, opts.IO.ErrOut); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Destroying stack %s\n", s.StackName)
	p, err := deploy.Destroy(ctx, &st, opts.IO.Out, total)
	if err != nil {
		return deploy.EngineError(ctx, "pulumi destroy", s, err)
	}
	if p.Summary == nil {
		fmt.Fprintf(opts.IO.Out, "done: %d resources deleted\n", p.Done)
	}
	return nil
}
