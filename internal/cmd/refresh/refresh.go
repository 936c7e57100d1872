// Package refresh is `peerctl refresh`: read the stack's resources back
// from AWS into its state.
package refresh

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy"
)

// RefreshOptions are the parsed flags and injected dependencies of
// `peerctl refresh`.
type RefreshOptions struct {
	IO      *cmdutil.IOStreams
	Env     deploy.Env
	Context context.Context

	Flags deploy.Flags
}

// NewCmdRefresh returns the refresh command. runF replaces refreshRun in tests.
func NewCmdRefresh(f *cmdutil.Factory, runF func(*RefreshOptions) error) *cobra.Command {
	opts := &RefreshOptions{IO: f.IO, Env: deploy.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "refresh",
		Short: "Update the stack's state from what exists in AWS",
		Long: `Read every resource of the stack from both AWS accounts and record what
changed outside Pulumi (drift) in the stack's state. Resources are not
changed; run "peerctl preview" afterwards to see what up would put back.`,
		Example: `  peerctl refresh
  peerctl refresh --stack prod`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return refreshRun(opts)
		},
	}
	deploy.AddFlags(cmd, &opts.Flags)
	return cmd
}

func refreshRun(opts *RefreshOptions) error {
	ctx, stop := deploy.Interruptible(opts.Context)
	defer stop()
	s, err := deploy.Prepare(ctx, opts.Env, opts.Flags, deploy.Needs{Credentials: true})
	if err != nil {
		return err
	}
	defer s.Close() // removes the workspace OpenStack makes
	st, err := s.OpenStack(ctx, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Refreshing stack %s (%s), state %s\n", s.StackName, s.Accounts(), s.Backend)
	if _, err := deploy.Refresh(ctx, &st, opts.IO.Out, 0); err != nil {
		return deploy.EngineError(ctx, "pulumi refresh", s, err)
	}
	return nil
}
