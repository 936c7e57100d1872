// Package plan is `peerctl plan`: the offline plan of a stack.
package plan

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/review"
)

// PlanOptions are the parsed flags and injected dependencies of `peerctl plan`.
type PlanOptions struct {
	IO *cmdutil.IOStreams
	// LoadConfig loads and validates a stack's configuration.
	LoadConfig func(stack, file string) (*config.Config, error)

	Stack      string
	ConfigFile string
	JSON       bool
	PolicyDirs []string
}

// NewCmdPlan returns the plan command. runF replaces planRun in tests.
func NewCmdPlan(f *cmdutil.Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, LoadConfig: f.StackConfig}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show every resource the stack would create, offline",
		Long: `Run the real Pulumi program offline, under Pulumi's mock monitor, and print
every resource it would create, grouped by account and component, then the
findings of the security baseline (policy/*.rego, evaluated with OPA) and of
any --policy-dir. Exits with status 4 when there is a deny finding.

No AWS credentials, Pulumi CLI or network are needed. Ids in the plan are
placeholders derived from each resource's URN. Account ids the plan cannot
know are placeholders too: 000000000000 for the default credentials, 0000
and eight digits derived from the name for a profile without account.id.`,
		Example: `  peerctl plan
  peerctl plan --stack prod --json > plan.json
  peerctl plan --policy-dir ./my-policies
  ENVIRONMENT_SUFFIX=qa peerctl plan --config examples/assume-role/Pulumi.staging.yaml`,
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
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the machine-readable plan document, with its policy findings")
	cmd.Flags().StringArrayVar(&opts.PolicyDirs, "policy-dir", nil, "also evaluate the Rego policies in this directory (repeatable)")
	return cmd
}

func planRun(opts *PlanOptions) error {
	cfg, err := opts.LoadConfig(opts.Stack, opts.ConfigFile)
	if err != nil {
		return err
	}
	result, err := review.Run(context.Background(), cfg, opts.Stack, review.Options{PolicyDirs: opts.PolicyDirs})
	if err != nil {
		return err
	}
	if opts.JSON {
		err = result.WriteJSON(opts.IO.Out)
	} else if err = result.WriteText(opts.IO.Out); err == nil {
		err = result.WriteFindings(opts.IO.Out)
	}
	if err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	if deny, _ := result.Counts(); deny > 0 {
		return fmt.Errorf("the plan has %d deny finding(s) from the policies: %w", deny, cmdutil.ErrPolicyDenied)
	}
	return nil
}
