package cmdutil

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/config"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, ExitOK},
		{"plain failure", errors.New("boom"), ExitError},
		{"usage", UsageError(&cobra.Command{Use: "plan"}, errors.New("bad flag")), ExitUsage},
		{"invalid config, wrapped", fmt.Errorf("loading: %w", &config.ValidationError{}), ExitConfig},
		{"missing stack file", fmt.Errorf("x: %w", config.ErrStackFileNotFound), ExitConfig},
		{"policy", fmt.Errorf("2 deny findings: %w", ErrPolicyDenied), ExitPolicy},
		{"verify", fmt.Errorf("3 checks failed: %w", ErrVerifyFailed), ExitVerify},
		{"cancelled", ErrCancelled, ExitCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
	codes := map[int]bool{}
	for _, c := range []int{ExitOK, ExitError, ExitUsage, ExitConfig, ExitPolicy, ExitVerify, ExitCancelled} {
		if codes[c] {
			t.Errorf("exit code %d is used twice", c)
		}
		codes[c] = true
	}
}

func TestUsageErrorPointsAtHelp(t *testing.T) {
	root := &cobra.Command{Use: "peerctl"}
	plan := &cobra.Command{Use: "plan"}
	root.AddCommand(plan)
	err := UsageError(plan, errors.New("unknown flag: --jsn"))
	if err.Error() != "unknown flag: --jsn\nRun 'peerctl plan --help' for usage." {
		t.Errorf("message = %q", err.Error())
	}
}
