// Package plan is `peerctl plan`: the offline plan of a stack.
package plan

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	offline "github.com/peerctl/peerctl/internal/plan"
)

// PlanOptions are the parsed flags and injected dependencies of `peerctl plan`.
type PlanOptions struct {
	IO *cmdutil.IOStreams
	// LoadConfig loads and validates a stack's configuration.
	LoadConfig func(stack, file string) (*config.Config, error)

	Stack      string
	ConfigFile string
	JSON       bool
}

// NewCmdPlan returns the plan command. runF replaces planRun in tests.
func NewCmdPlan(f *cmdutil.Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, LoadConfig: f.StackConfig}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show every resource the stack would create, offline",
		Long: `Run the real Pulumi program offline, under Pulumi's mock monitor, and print
every resource it would create, grouped by account and component.

No AWS credentials, Pulumi CLI or network are needed. Ids in the plan are
placeholders derived from each resource's URN; account ids the plan cannot
know (a profile without account.id) show as 000000000000.`,
		Example: `  peerctl plan
  peerctl plan --stack prod --json > plan.json
  ENVIRONMENT_SUFFIX=qa peerctl plan --config examples/assume-role/Pulumi.dev.yaml`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.ConfigFile != "" && !cmd.Flags().Changed("stack") {
				opts.Stack = cmdutil.StackFromFile(opts.ConfigFile, opts.Stack)
			}
			if runF != nil {
				return runF(opts)
			}
			return planRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Stack, "stack", "s", "dev", "stack name: reads Pulumi.<stack>.yaml from the project directory")
	cmd.Flags().StringVar(&opts.ConfigFile, "config", "", "read the stack configuration from this file instead (the stack name defaults to the <stack> in Pulumi.<stack>.yaml)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the machine-readable plan document")
	return cmd
}

func planRun(opts *PlanOptions) error {
	cfg, err := opts.LoadConfig(opts.Stack, opts.ConfigFile)
	if err != nil {
		return err
	}
	doc, err := offline.Build(cfg, opts.Stack)
	if err != nil {
		return err
	}
	if opts.JSON {
		return doc.WriteJSON(opts.IO.Out)
	}
	if err := doc.WriteText(opts.IO.Out); err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}
