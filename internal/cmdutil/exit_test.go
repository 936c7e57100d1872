package cmdutil

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/config"
)

// The exit statuses are a documented interface (README, "Exit statuses"):
// scripts and CI gate on them. The expected numbers are written here by
// hand from the documentation, never taken from the constants, so a changed
// constant fails this test instead of silently changing the interface.
func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"plain failure", errors.New("boom"), 1},
		{"usage", UsageError(&cobra.Command{Use: "plan"}, errors.New("bad flag")), 2},
		{"invalid config, wrapped", fmt.Errorf("loading: %w", &config.ValidationError{}), 3},
		{"missing stack file", fmt.Errorf("x: %w", config.ErrStackFileNotFound), 3},
		{"invalid stack name", ValidateStackName("../../etc/x"), 3},
		{"policy", fmt.Errorf("2 deny findings: %w", ErrPolicyDenied), 4},
		{"verify", fmt.Errorf("3 checks failed: %w", ErrVerifyFailed), 5},
		{"cancelled", ErrCancelled, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d (documented)", tt.err, got, tt.want)
			}
		})
	}
}

// documentedStatuses are the constants against the numbers the README's
// exit-status table gives them, written by hand.
var documentedStatuses = []struct {
	name     string
	constant int
	want     int
	// meaning is a phrase of the README row that documents the status.
	meaning string
}{
	{"ExitOK", ExitOK, 0, "success"},
	{"ExitError", ExitError, 1, "any other failure"},
	{"ExitUsage", ExitUsage, 2, "bad command line"},
	{"ExitConfig", ExitConfig, 3, "invalid stack configuration"},
	{"ExitPolicy", ExitPolicy, 4, "policy `deny` findings"},
	{"ExitVerify", ExitVerify, 5, "post-deploy verification check failed"},
	{"ExitCancelled", ExitCancelled, 6, "confirmation was declined"},
}

func TestExitStatusConstants(t *testing.T) {
	for _, d := range documentedStatuses {
		if d.constant != d.want {
			t.Errorf("%s = %d, documented as %d", d.name, d.constant, d.want)
		}
	}
}

// The README table and the constants must agree row by row: the row whose
// meaning documents a constant carries that constant's number, and the
// table lists no status the code does not have.
func TestExitStatusesMatchREADME(t *testing.T) {
	rows := readmeExitStatuses(t, "../../README.md")
	for _, d := range documentedStatuses {
		meaning, ok := rows[d.constant]
		if !ok || !strings.Contains(meaning, d.meaning) {
			t.Errorf("README documents status %d as %q; %s (%q) has that number", d.constant, meaning, d.name, d.meaning)
		}
	}
	if len(rows) != len(documentedStatuses) {
		t.Errorf("README lists %d exit statuses, the code has %d", len(rows), len(documentedStatuses))
	}
}

// readmeExitStatuses reads the "## Exit statuses" table: status -> meaning.
func readmeExitStatuses(t *testing.T, path string) map[int]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[int]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Exit statuses"
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !in || len(cells) != 2 {
			continue
		}
		if status, err := strconv.Atoi(cells[0]); err == nil {
			rows[status] = cells[1]
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s has no exit-status table under ## Exit statuses", path)
	}
	return rows
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
