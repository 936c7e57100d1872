//go:build unix

package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildFakePulumi compiles testdata/fakepulumi, a stand-in for the Pulumi
// CLI that prints every signal it receives.
func buildFakePulumi(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the fake Pulumi CLI with")
	}
	bin := filepath.Join(t.TempDir(), "pulumi")
	out, err := exec.Command(goBin, "build", "-o", bin, "./testdata/fakepulumi").CombinedOutput()
	if err != nil {
		t.Fatalf("building the fake Pulumi CLI: %v\n%s", err, out)
	}
	return bin
}

// lines collects what the fake CLI prints, and lets a test wait for a line.
type lines struct {
	mu      sync.Mutex
	partial []byte
	all     []string
	added   chan struct{}
}

func newLines() *lines { return &lines{added: make(chan struct{}, 1)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.all = append(l.all, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	select {
	case l.added <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (l *lines) count(line string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.all {
		if s == line {
			n++
		}
	}
	return n
}

func (l *lines) signals() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range l.all {
		if sig, ok := strings.CutPrefix(s, "signal "); ok {
			out = append(out, sig)
		}
	}
	return out
}

func (l *lines) prefixed(prefix string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.all {
		if v, ok := strings.CutPrefix(s, prefix); ok {
			return v
		}
	}
	return ""
}

// waitFor waits until line was printed n times.
func (l *lines) waitFor(t *testing.T, line string, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for l.count(line) < n {
		select {
		case <-l.added:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			t.Fatalf("the fake CLI did not print %q %d times; it printed %q", line, n, l.all)
		}
	}
}

type runResult struct {
	stdout, stderr string
	code           int
	err            error
}

func TestCommandStopsTheCLIGently(t *testing.T) {
	bin := buildFakePulumi(t)
	tests := []struct {
		name string
		mode string
		// presses are interrupts of peerctl, each sent once the previous
		// one reached the CLI; without any, the context is cancelled.
		presses int
		// stopDelay is how long the CLI takes to stop (default 300ms).
		stopDelay   string
		grace       time.Duration
		wantSignals []string
		wantKilled  bool
	}{
		{name: "a cancelled context sends one SIGINT and lets the CLI finish", mode: "stop1",
			wantSignals: []string{"interrupt"}},
		{name: "the first Ctrl-C sends exactly one SIGINT", mode: "stop1", presses: 1,
			wantSignals: []string{"interrupt"}},
		{name: "a second Ctrl-C sends a second SIGINT", mode: "stop2", presses: 2,
			wantSignals: []string{"interrupt", "interrupt"}},
		{name: "a third Ctrl-C kills the CLI", mode: "never", presses: 3,
			wantSignals: []string{"interrupt", "interrupt"}, wantKilled: true},
		{name: "a CLI still running after the grace is killed", mode: "never", grace: 300 * time.Millisecond,
			wantSignals: []string{"interrupt"}, wantKilled: true},
		{name: "a CLI that takes longer than the SDK's 10s to stop is not killed", mode: "stop1", presses: 1,
			stopDelay: "11s", wantSignals: []string{"interrupt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.stopDelay != "" {
				if testing.Short() {
					t.Skip("slow")
				}
				t.Parallel()
			}
			sigs := make(chan os.Signal, 1)
			ctx, stop := interruptible(context.Background(), sigs, func() {})
			defer stop()
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			out := newLines()
			c := &Command{Path: bin, KillGrace: tt.grace}
			done := make(chan runResult, 1)
			go func() {
				stdout, stderr, code, err := c.Run(runCtx, t.TempDir(), nil, []io.Writer{out}, nil,
					[]string{"FAKE_PULUMI_MODE=" + tt.mode, "FAKE_PULUMI_STOP_DELAY=" + tt.stopDelay}, "up", "--stack", "dev")
				done <- runResult{stdout, stderr, code, err}
			}()
			out.waitFor(t, "ready", 1)
			if tt.presses == 0 {
				cancel()
			}
			for i := 1; i <= tt.presses; i++ {
				sigs <- os.Interrupt
				if i <= 2 {
					out.waitFor(t, "signal interrupt", i)
				}
			}
			var res runResult
			select {
			case res = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return")
			}
			if got := out.signals(); !slices.Equal(got, tt.wantSignals) {
				t.Errorf("the CLI received %q, want %q", got, tt.wantSignals)
			}
			killed := false
			var exitErr *exec.ExitError
			if errors.As(res.err, &exitErr) {
				if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok {
					killed = ws.Signaled() && ws.Signal() == syscall.SIGKILL
				}
			}
			if killed != tt.wantKilled {
				t.Errorf("killed = %v, want %v (code %d, err %v)", killed, tt.wantKilled, res.code, res.err)
			}
			if !tt.wantKilled && (res.code != 255 || out.count("stopped") != 1) {
				t.Errorf("exit code %d, want the CLI's own 255 (err %v)", res.code, res.err)
			}
			if res.err == nil {
				t.Error("Run reported success for an interrupted CLI")
			}
		})
	}
}

func TestCommandRunsLikeTheSDK(t *testing.T) {
	bin := buildFakePulumi(t)
	dir := t.TempDir()
	extra := &bytes.Buffer{}
	extraErr := &bytes.Buffer{}
	c := &Command{Path: bin}
	stdout, stderr, code, err := c.Run(context.Background(), dir, nil, []io.Writer{extra}, []io.Writer{extraErr},
		[]string{"FAKE_PULUMI_MODE=exit", "FAKE_PULUMI_EXIT=3", "FAKE_PULUMI_EXTRA=x"}, "stack", "ls", "--json")
	if code != 3 || err == nil {
		t.Errorf("code %d, err %v; want 3 and an error", code, err)
	}
	out := newLines()
	_, _ = out.Write([]byte(stdout))
	wantDir, _ := filepath.EvalSymlinks(dir)
	for prefix, want := range map[string]string{
		"args ": "--non-interactive stack ls --json",
		"dir ":  wantDir,
		"env ":  "true x",
	} {
		if got := out.prefixed(prefix); got != want {
			t.Errorf("%s= %q, want %q", prefix, got, want)
		}
	}
	if stderr != "to stderr\n" || extraErr.String() != stderr || extra.String() != stdout {
		t.Errorf("stderr %q, extra outputs %q / %q", stderr, extra.String(), extraErr.String())
	}
	// The CLI leads a process group of its own, which the terminal's
	// Ctrl-C (sent to peerctl's foreground group) does not reach.
	var pid, pgid int
	if _, err := fmt.Sscanf(out.prefixed("group "), "%d %d", &pid, &pgid); err != nil {
		t.Fatalf("group line %q: %v", out.prefixed("group "), err)
	}
	if pgid != pid || pgid == syscall.Getpgrp() {
		t.Errorf("CLI pid %d in process group %d, want its own group (peerctl's is %d)", pid, pgid, syscall.Getpgrp())
	}
	if got := withNonInteractive([]string{"up", "--non-interactive"}); strings.Join(got, " ") != "up --non-interactive" {
		t.Errorf("--non-interactive added twice: %q", got)
	}
}

func TestCommandDoesNotStartWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &Command{Path: filepath.Join(t.TempDir(), "does-not-exist")}
	_, _, code, err := c.Run(ctx, t.TempDir(), nil, nil, nil, nil, "up")
	if !errors.Is(err, context.Canceled) || code != unknownExitCode {
		t.Errorf("Run = %d, %v; want %d, context.Canceled", code, err, unknownExitCode)
	}
}

func TestInterruptibleCatchesSIGINT(t *testing.T) {
	ctx, stop := Interruptible(context.Background())
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("context not cancelled by SIGINT")
	}
	if n, _ := interruptsFrom(ctx).snapshot(); n != 1 {
		t.Errorf("%d interrupts counted, want 1", n)
	}
}
