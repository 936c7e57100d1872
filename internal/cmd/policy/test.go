package policy

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/policy"
)

// TestOptions are the parsed flags of `peerctl policy test`.
type TestOptions struct {
	IO         *cmdutil.IOStreams
	Dirs       []string
	Namespaces []string
	Verbose    bool
	Run        string
	Timeout    time.Duration
}

// NewCmdTest returns `peerctl policy test`. runF replaces testRun in tests.
func NewCmdTest(f *cmdutil.Factory, runF func(*TestOptions) error) *cobra.Command {
	opts := &TestOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the Rego unit tests of the baseline and of policy directories",
		Long: `Run the *_test.rego files of the embedded baseline and of each DIR with OPA's
test runner, and print the results as opa test does. Policies load as they
do for peerctl plan: the same contract, the same sandbox of built-ins, and
built-in errors fail the test. Exits with status 1 when a test fails.`,
		Example: `  peerctl policy test
  peerctl policy test ./my-policies -v
  peerctl policy test ./conftest-policies --namespace main --run deny`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dirs = args
			if opts.Timeout <= 0 {
				return cmdutil.UsageError(cmd, fmt.Errorf("--timeout must be positive, got %s", opts.Timeout))
			}
			if runF != nil {
				return runF(opts)
			}
			return testRun(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "list every test, as opa test -v does")
	cmd.Flags().StringVarP(&opts.Run, "run", "r", "", "run only the tests whose name matches this regular expression")
	cmd.Flags().StringArrayVar(&opts.Namespaces, "namespace", nil, "also allow finding rules in this Rego package, e.g. main (repeatable)")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", policy.DefaultTimeout, "time limit for each test")
	return cmd
}

func testRun(opts *TestOptions) error {
	return policy.RunTests(context.Background(), policy.TestOptions{
		Dirs: opts.Dirs, Namespaces: opts.Namespaces, Verbose: opts.Verbose, Run: opts.Run, Timeout: opts.Timeout,
	}, opts.IO.Out)
}
