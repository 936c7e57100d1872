// Package plan is `peerctl plan`: the offline plan of a stack.
package plan

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/policy"
	"github.com/peerctl/peerctl/internal/review"
)

// PlanOptions are the parsed flags and injected dependencies of `peerctl plan`.
type PlanOptions struct {
	IO *cmdutil.IOStreams
	// LoadConfig loads and validates a stack's configuration.
	LoadConfig func(stack, file string) (*config.Config, error)
	// ProjectDir finds the project directory, where policy-exceptions.yaml
	// lives.
	ProjectDir func() (string, error)

	Stack         string
	ConfigFile    string
	JSON          bool
	Compact       bool
	PolicyDirs    []string
	Namespaces    []string
	PolicyTimeout time.Duration
}

// NewCmdPlan returns the plan command. runF replaces planRun in tests.
func NewCmdPlan(f *cmdutil.Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, LoadConfig: f.StackConfig, ProjectDir: f.ProjectDir}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show every resource the stack would create, offline",
		Long: `Run the real Pulumi program offline, under Pulumi's mock monitor, and print
every resource it would create with the attributes a reviewer checks (CIDRs,
AZ ids, ports, peers, names, retention, encryption), grouped by account and
component, at most 120 columns wide; --compact prints one line a resource
instead. Then come the findings of the security baseline (policy/*.rego, evaluated with OPA) and of
any --policy-dir. Exits with status 4 when there is a deny finding, and 1
when a policy fails to load or to evaluate (a built-in error, the time limit).
Exceptions come from policy-exceptions.yaml in the project directory; what
they suppress is listed, and expired ones suppress nothing.

No AWS credentials, Pulumi CLI or network are needed. Ids in the plan are
placeholders derived from each resource's URN. Account ids the plan cannot
know are placeholders too: 000000000000 for the default credentials, 0000
and eight digits derived from the name for a profile without account.id.`,
		Example: `  peerctl plan
  peerctl plan --stack prod --json > plan.json
  peerctl plan --compact
  peerctl plan --policy-dir ./my-policies
  peerctl plan --policy-dir ./conftest-policies --namespace main
  ENVIRONMENT_SUFFIX=qa peerctl plan --config examples/assume-role/Pulumi.staging.yaml`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.JSON && opts.Compact {
				return cmdutil.UsageError(cmd, errors.New("--compact shapes the text plan; it cannot be combined with --json"))
			}
			if opts.PolicyTimeout <= 0 {
				return cmdutil.UsageError(cmd, fmt.Errorf("--policy-timeout must be positive, got %s", opts.PolicyTimeout))
			}
			if opts.ConfigFile != "" {
				// As the deploy commands do: the file names its stack, and
				// a --stack naming another one is refused, not guessed.
				named := cmdutil.StackFromFile(opts.ConfigFile, "")
				switch {
				case named != "" && cmd.Flags().Changed("stack") && opts.Stack != named:
					return cmdutil.UsageError(cmd, fmt.Errorf("--stack %q does not match --config %s, the stack file of stack %q: drop --stack, or name the file %s",
						opts.Stack, opts.ConfigFile, named, config.StackFileName(opts.Stack)))
				case named != "":
					opts.Stack = named
				}
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
	cmd.Flags().BoolVar(&opts.Compact, "compact", false, "print the text plan as one line a resource (type and name), without attributes")
	cmd.Flags().StringArrayVar(&opts.PolicyDirs, "policy-dir", nil, "also evaluate the Rego policies in this directory (repeatable)")
	AddPolicyFlags(cmd, &opts.Namespaces, &opts.PolicyTimeout)
	return cmd
}

func planRun(opts *PlanOptions) error {
	cfg, err := opts.LoadConfig(opts.Stack, opts.ConfigFile)
	if err != nil {
		return err
	}
	exceptions, err := ExceptionsFile(opts.ConfigFile, opts.ProjectDir)
	if err != nil {
		return err
	}
	result, err := review.Run(context.Background(), cfg, opts.Stack, review.Options{
		PolicyDirs: opts.PolicyDirs, Namespaces: opts.Namespaces, Timeout: opts.PolicyTimeout, ExceptionsFile: exceptions,
	})
	if err != nil {
		return err
	}
	switch {
	case opts.JSON:
		err = result.WriteJSON(opts.IO.Out)
	case opts.Compact:
		err = result.WriteCompact(opts.IO.Out)
	default:
		err = result.WriteText(opts.IO.Out)
	}
	if err == nil && !opts.JSON {
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

// AddPolicyFlags adds --namespace and --policy-timeout, shared by every
// command that evaluates policies.
func AddPolicyFlags(cmd *cobra.Command, namespaces *[]string, timeout *time.Duration) {
	cmd.Flags().StringArrayVar(namespaces, "namespace", nil, "also evaluate the finding rules of this Rego package, e.g. main for conftest policies (repeatable)")
	cmd.Flags().DurationVar(timeout, "policy-timeout", policy.DefaultTimeout, "stop evaluating the policies after this long")
}

// ExceptionsFile is policy-exceptions.yaml beside the stack file: in the
// directory of --config when it is given (the stack's own project, not the
// one the command runs in), else in the project directory; "" when there is
// no project directory. preview and up read exceptions from the same place.
func ExceptionsFile(configFile string, projectDir func() (string, error)) (string, error) {
	if configFile != "" {
		return filepath.Join(filepath.Dir(configFile), policy.ExceptionsFile), nil
	}
	if projectDir == nil {
		return "", nil
	}
	dir, err := projectDir()
	if errors.Is(err, cmdutil.ErrNoProject) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, policy.ExceptionsFile), nil
}
