package cmdutil

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/config"
)

// Exit statuses, documented in the README. Map errors to them only in ExitCode.
const (
	ExitOK = 0
	// ExitError is any failure not listed below.
	ExitError = 1
	// ExitUsage is a bad command line (unknown flag, missing argument).
	ExitUsage = 2
	// ExitConfig is an invalid stack configuration.
	ExitConfig = 3
	// ExitPolicy means the plan has deny findings from the policy baseline.
	ExitPolicy = 4
	// ExitVerify means a post-deploy verification check failed.
	ExitVerify = 5
	// ExitCancelled means the user declined a confirmation prompt.
	ExitCancelled = 6
)

// ErrUsage marks command-line mistakes.
var ErrUsage = errors.New("usage error")

// ErrPolicyDenied marks a plan with deny findings.
var ErrPolicyDenied = errors.New("policy violations")

// ErrVerifyFailed marks a failed post-deploy check.
var ErrVerifyFailed = errors.New("verification failed")

// ErrCancelled marks an operation the user declined.
var ErrCancelled = errors.New("cancelled")

// ExitCode maps an error from a command to the process exit status.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrUsage):
		return ExitUsage
	case errors.Is(err, config.ErrInvalid), errors.Is(err, config.ErrStackFileNotFound):
		return ExitConfig
	case errors.Is(err, ErrPolicyDenied):
		return ExitPolicy
	case errors.Is(err, ErrVerifyFailed):
		return ExitVerify
	case errors.Is(err, ErrCancelled):
		return ExitCancelled
	}
	return ExitError
}

// UsageError wraps a flag or argument error so it maps to ExitUsage and
// points at the command's help.
func UsageError(cmd interface{ CommandPath() string }, err error) error {
	return &usageError{err: err, path: cmd.CommandPath()}
}

type usageError struct {
	err  error
	path string
}

func (e *usageError) Error() string {
	return e.err.Error() + "\nRun '" + e.path + " --help' for usage."
}
func (e *usageError) Unwrap() []error { return []error{e.err, ErrUsage} }

// NoArgs is a cobra.PositionalArgs that rejects arguments as a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return UsageError(cmd, fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args))
	}
	return nil
}
