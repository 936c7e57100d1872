package root

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmd/destroy"
	"github.com/peerctl/peerctl/internal/cmd/outputs"
	plancmd "github.com/peerctl/peerctl/internal/cmd/plan"
	"github.com/peerctl/peerctl/internal/cmd/preview"
	"github.com/peerctl/peerctl/internal/cmd/refresh"
	"github.com/peerctl/peerctl/internal/cmd/up"
	"github.com/peerctl/peerctl/internal/cmd/verify"
	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/review"
)

// deployCommands are the commands that talk to AWS: preview, up, destroy,
// refresh, outputs and verify.
func deployCommands(f *cmdutil.Factory) []*cobra.Command {
	preCheck := policyPreCheck(f)
	return []*cobra.Command{
		preview.NewCmdPreview(f, preCheck, nil),
		up.NewCmdUp(f, preCheck, nil),
		destroy.NewCmdDestroy(f, nil),
		refresh.NewCmdRefresh(f, nil),
		outputs.NewCmdOutputs(f, nil),
		verify.NewCmdVerify(f, nil),
	}
}

// policyPreCheck runs before preview and up send anything to AWS: the
// offline plan of the stack and the policy baseline on it, exactly what
// `peerctl plan` shows. Deny findings are printed and returned as
// cmdutil.ErrPolicyDenied (up stops unless --allow-policy-violations;
// preview warns and exits 4).
func policyPreCheck(f *cmdutil.Factory) deploy.PreCheckFunc {
	return func(ctx context.Context, stack string, cfg *config.Config, p deploy.PolicyOptions) error {
		// Exceptions come from the same policy-exceptions.yaml plan reads,
		// so an excepted finding does not stop up while plan passes.
		exceptions, err := plancmd.ExceptionsFile(p.StackFile, f.ProjectDir)
		if err != nil {
			return err
		}
		result, err := review.Run(ctx, cfg, stack, review.Options{
			PolicyDirs: p.Dirs, Namespaces: p.Namespaces, Timeout: p.Timeout, ExceptionsFile: exceptions,
		})
		if err != nil {
			return err
		}
		deny, _ := result.Counts()
		if deny == 0 {
			return nil
		}
		if err := result.WriteFindings(f.IO.ErrOut); err != nil {
			return err
		}
		hint := "peerctl plan --stack " + stack
		for _, d := range p.Dirs {
			hint += " --policy-dir " + d
		}
		for _, ns := range p.Namespaces {
			hint += " --namespace " + ns
		}
		return fmt.Errorf("the offline plan of stack %q has %d deny finding(s) from the policies (see %s): %w",
			stack, deny, hint, cmdutil.ErrPolicyDenied)
	}
}
