// Package policy is `peerctl policy`: tools for policy authors, to test
// policies and to list the rules that gate a plan.
package policy

import (
	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// NewCmdPolicy returns the policy command with its subcommands.
func NewCmdPolicy(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy <command>",
		Short: "Test policies and list the rules that gate a plan",
		Long: `Tools for people who write Rego policies for peerctl: run the Rego unit tests
of the baseline and of your policy directories, and list every rule that
peerctl plan, preview and up evaluate. docs/policy.md describes the contract.`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdTest(f, nil), NewCmdList(f, nil))
	return cmd
}
