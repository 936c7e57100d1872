// Package root assembles the peerctl command tree.
package root

import (
	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmd/plan"
	"github.com/peerctl/peerctl/internal/cmd/policy"
	"github.com/peerctl/peerctl/internal/cmd/version"
	"github.com/peerctl/peerctl/internal/cmdutil"
)

// NewCmdRoot returns the peerctl root command.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "peerctl <command>",
		Short: "Secure cross-account VPC peering between a Trading and an Analytics AWS account",
		Long: `peerctl builds two private VPCs in two AWS accounts, peers them with DNS
resolution both ways, and allows only HTTPS (443) and PostgreSQL (5432) across.

Start with "peerctl plan": it runs the real Pulumi program offline (no AWS
credentials, no Pulumi CLI) and shows every resource it would create.`,
		Version:       version.Current().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetIn(f.IO.In)
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cmdutil.UsageError(c, err)
	})
	cmd.AddCommand(plan.NewCmdPlan(f, nil))
	cmd.AddCommand(policy.NewCmdPolicy(f))
	cmd.AddCommand(deployCommands(f)...)
	cmd.AddCommand(version.NewCmdVersion(f))
	showBoolFlagsAsSwitches(cmd)
	refuseSeparateBoolValues(cmd)
	completeStackFlags(cmd, f)
	return cmd
}
