//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestKillLeftovers needs no tools: it checks the cleanup finds a process
// by its environment and leaves others alone.
func TestKillLeftovers(t *testing.T) {
	start := func(marker string) *exec.Cmd {
		cmd := exec.Command("sleep", "60")
		cmd.Env = append(os.Environ(), marker)
		if err := cmd.Start(); err != nil {
			t.Skipf("no sleep command: %v", err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}
	marker := "PULUMI_HOME=" + t.TempDir()
	ours := start(marker)
	other := start(marker + "-other") // a prefix match is not a match

	killed := killLeftovers(marker)
	if !slices.Equal(killed, []int{ours.Process.Pid}) {
		t.Fatalf("killed %v, want only %d", killed, ours.Process.Pid)
	}
	done := make(chan error, 1)
	go func() { done <- ours.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the process with the marker is still running")
	}
	if err := other.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the process without the marker is gone: %v", err)
	}
}
