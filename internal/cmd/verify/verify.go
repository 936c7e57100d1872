// Package verify is `peerctl verify`: check the deployed stack in AWS.
package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/verify"
)

// VerifyOptions are the parsed flags and injected dependencies of
// `peerctl verify`.
type VerifyOptions struct {
	IO      *cmdutil.IOStreams
	Env     deploy.Env
	Context context.Context
	// Clients builds each network's AWS clients.
	Clients func(ctx context.Context, cfg *config.Config) (map[string]verify.Clients, error)
	// Run performs the checks (verify.Run).
	Run func(ctx context.Context, opts verify.Options) []verify.Result

	Flags       deploy.Flags
	OutputsFile string
	JSON        bool
	NoProbe     bool
	Strict      bool
	AlarmGrace  time.Duration
}

// NewCmdVerify returns the verify command. runF replaces verifyRun in tests.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IO, Env: deploy.NewEnv(f), Clients: AWSClients, Run: verify.Run}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the deployed peering, routes, security and monitoring in AWS",
		Long: `Check the deployed stack in both AWS accounts and print a pass/fail table:

  peering-status   the peering connection is active
  peering-dns      DNS resolution is enabled on each side (read from each side's account)
  routes           every private route table has an active route to the peer via the peering
  security-group   the application group allows exactly TCP 443 and 5432 with each whole peer
                   CIDR, and 443 out to the S3/DynamoDB prefix lists; nothing else
  nacl             the subnets' network ACL allows 443 and 5432 and denies ssh, http, dns, icmp
                   with each peer, and ssh and rdp from outside
  flow-logs        both flow logs are ACTIVE, capture ALL traffic and deliver without errors
                   to the stack's bucket and log group
  flow-log-bucket  the flow-log bucket blocks all public access
  flow-log-group   the flow-log log group exists
  config-recorder  AWS Config is recording
  config-rules     each rule's results on the stack's own resources (COMPLIANT, NON_COMPLIANT,
                   or no data yet); results on the account's other resources are shown as INFO
  alarms           alarms exist, notify the topic, watch a metric a metric filter publishes,
                   and are not stuck in INSUFFICIENT_DATA
  dashboard        the dashboard exists
  reachability     Reachability Analyzer, both ways: 443 and 5432 reachable, 22 not
                   (across accounts: each side's half, up to the peering connection)
  probe-cleanup    the probe's network interfaces, paths and analyses were deleted, and
                   none of the run's tagged resources is left

Stack outputs come from the stack's state (as "peerctl outputs" reads them)
or from --outputs FILE (saved with "peerctl outputs --json"). Checks whose
outputs the stack does not export yet are reported as skipped.

Everything is read-only except the reachability probe, which creates a
network interface in each network, runs 6 analyses per peering (about $0.10
each) and deletes all of it afterwards, also on failure and Ctrl-C. Use
--no-probe to skip it.

One-sided peerings are checked from this stack's side only (its routes, DNS
option, security group and NACL entries for the partner's CIDR). While the
connection is pending acceptance, its rows are WAITING ("waiting for the
partner to accept pcx-..."): counted apart, never a failure, not even with
--strict. A rejected, expired, failed or deleted connection fails. Existing
VPCs: routes are checked in the route tables that got them, and what peerctl
did not create (NACLs, subnets, endpoints, and the security group or flow
logs when switched off) is skipped.

Exit status 0 when every check passes, 5 when any fails (with --strict also
when AWS has no data yet).

With --json, stdout holds one JSON document whatever happens:

  {"stack": "dev", "passed": true, "strict": false,
   "counts": {"pass": 14, "fail": 0, "skip": 1, "wait": 0, "waiting": 0},
   "results": [{"check": ..., "subject": ..., "status": ..., "detail": ...}, ...]}

and on failure "passed" is false and an "error" member says why, with the
exit status:

  "error": {"message": "2 of 15 checks did not pass: verification failed", "exitCode": 5}

When verify fails before checking anything (a missing stack file, no
outputs, expired credentials), "results" is empty and "counts" are zero.
Command-line mistakes (exit status 2) are reported on stderr only.`,
		Example: `  peerctl verify
  peerctl verify --stack prod --json > verify.json
  peerctl outputs --json > outputs.json && peerctl verify --outputs outputs.json --no-probe`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	deploy.AddFlags(cmd, &opts.Flags)
	cmd.Flags().StringVar(&opts.OutputsFile, "outputs", "", "read stack outputs from this JSON file instead of the stack state")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the results as JSON")
	cmd.Flags().BoolVar(&opts.NoProbe, "no-probe", false, "skip the Reachability Analyzer probe (no resources created, no cost)")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail when AWS has no data yet (Config rules not evaluated, new alarms)")
	cmd.Flags().DurationVar(&opts.AlarmGrace, "alarm-grace", verify.DefaultAlarmGrace, "how long an alarm may stay in INSUFFICIENT_DATA")
	return cmd
}

func verifyRun(opts *VerifyOptions) error {
	report, err := check(opts)
	if opts.JSON {
		// One document on stdout whatever happened, so a pipeline that
		// reads it never gets empty input; the error is on stderr too.
		if werr := writeJSON(opts.IO.Out, opts.Flags.Stack, opts.Strict, report, err); werr != nil && err == nil {
			err = werr
		}
		return err
	}
	if report != nil {
		if werr := report.WriteTable(opts.IO.Out); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

// check runs the checks. The report is nil when verify failed before
// checking anything (configuration, outputs, credentials).
func check(opts *VerifyOptions) (*verify.Report, error) {
	ctx, stop := deploy.Interruptible(opts.Context)
	defer stop()
	// The stack may be named by the --config file: name it once, for the
	// messages and the report.
	target, err := deploy.ResolveTarget(opts.Env, opts.Flags)
	if err != nil {
		return nil, err
	}
	opts.Flags.Stack = target.Stack
	cfg, outputs, resources, err := loadOutputs(ctx, opts)
	if err != nil {
		return nil, err
	}
	if outputs.Environment != "" && outputs.Environment != cfg.Environment {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the outputs are from environment %q, the configuration of stack %s is %q\n",
			outputs.Environment, opts.Flags.Stack, cfg.Environment)
	}
	ids, err := opts.Env.Credentials(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var accounts []string
	for _, id := range ids {
		accounts = append(accounts, id.Network+" "+id.Account)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Verifying stack %s (%s)\n", opts.Flags.Stack, strings.Join(accounts, ", "))
	clients, err := opts.Clients(ctx, cfg)
	if err != nil {
		return nil, err
	}
	results := opts.Run(ctx, verify.Options{
		Config:     cfg,
		Outputs:    outputs,
		Resources:  resources,
		Clients:    clients,
		Probe:      !opts.NoProbe,
		AlarmGrace: opts.AlarmGrace,
		Log:        opts.IO.ErrOut,
	})
	report := verify.NewReport(opts.Flags.Stack, results, opts.Strict)
	if ctx.Err() != nil {
		return report, fmt.Errorf("verify interrupted: %w", cmdutil.ErrCancelled)
	}
	if !report.Passed {
		n := report.Counts[verify.Fail]
		if opts.Strict {
			n += report.Counts[verify.Wait]
		}
		return report, fmt.Errorf("%d of %d checks did not pass: %w", n, len(results), cmdutil.ErrVerifyFailed)
	}
	return report, nil
}

// loadOutputs returns the stack configuration, its outputs and the
// resources its state lists, from the file given (outputs only: resources
// nil) or from the stack's state through the Automation API.
func loadOutputs(ctx context.Context, opts *VerifyOptions) (*config.Config, *deploy.Outputs, *verify.StackResources, error) {
	if opts.OutputsFile != "" {
		_, cfg, err := deploy.LoadTarget(opts.Env, opts.Flags)
		if err != nil {
			return nil, nil, nil, err
		}
		out, err := deploy.ReadOutputsFile(opts.OutputsFile)
		if err != nil {
			return nil, nil, nil, err
		}
		return cfg, out, nil, nil
	}
	s, err := deploy.Prepare(ctx, opts.Env, opts.Flags, deploy.Needs{})
	if err != nil {
		return nil, nil, nil, err
	}
	defer s.Close() // removes the workspace OpenStack makes
	st, err := s.OpenStack(ctx, false)
	if err != nil {
		return nil, nil, nil, err
	}
	raw, err := st.Outputs(ctx)
	if err != nil {
		return nil, nil, nil, deploy.EngineError(ctx, "pulumi stack output", s, err)
	}
	if len(raw) == 0 {
		return nil, nil, nil, fmt.Errorf("stack %s has no outputs; deploy it with `peerctl up --stack %s`", s.StackName, s.StackName)
	}
	out, err := deploy.OutputsFromMap(deploy.PlainOutputs(raw, true))
	if err != nil {
		return nil, nil, nil, err
	}
	resources, err := stackResources(ctx, &st)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %v; Config rules are judged on the resources the outputs name\n", err)
	}
	return s.Config, out, resources, nil
}

// AWSClients builds every network's clients from its account settings,
// with peerctl's retryer.
func AWSClients(ctx context.Context, cfg *config.Config) (map[string]verify.Clients, error) {
	out := map[string]verify.Clients{}
	for _, n := range cfg.Networks {
		// Each network is read in its own region (cross-region peerings).
		region := n.Region
		if region == "" {
			region = cfg.Region
		}
		awsCfg, err := awsauth.Loader{}.Load(ctx, region, n)
		if err != nil {
			return nil, fmt.Errorf("network %q (%s): %s", n.Name, n.Account.Credentials(), awsauth.Explain(n.Account, err))
		}
		out[n.Name] = verify.NewClients(awsCfg)
	}
	return out, nil
}
