//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Every command must run promptly in a terminal that never answers
// queries, and must not send any: Bubble Tea v1, linked through the Pulumi
// SDK, would otherwise ask for the background colour (OSC 11) and the cursor
// position at start-up and wait 5 s for replies that never come (see
// internal/cmdutil/quietterm). The built binary runs on a pseudo-terminal
// whose other end only reads.
func TestNoTerminalQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the peerctl binary")
	}
	bin := buildPeerctl(t)
	tests := []struct {
		args []string
		// within bounds the whole run. Below termenv's 5 s query timeout
		// where the command itself is quick, so the stall alone fails.
		within time.Duration
		want   string
	}{
		{[]string{"--help"}, 4 * time.Second, "Usage:"},
		{[]string{"version"}, 4 * time.Second, "peerctl"},
		{[]string{"plan", "--stack", "dev"}, 30 * time.Second, "dev"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := runOnSilentTerminal(t, tt.within, bin, tt.args...)
			if err != nil {
				t.Fatalf("peerctl %s: %v\noutput begins: %q", strings.Join(tt.args, " "), err, excerpt(out))
			}
			for _, query := range []string{"\x1b]11;?", "\x1b[6n"} {
				if bytes.Contains(out, []byte(query)) {
					t.Errorf("peerctl %s sent the terminal query %q; output begins: %q", strings.Join(tt.args, " "), query, excerpt(out))
				}
			}
			if !bytes.Contains(out, []byte(tt.want)) {
				t.Errorf("peerctl %s printed no %q; output begins: %q", strings.Join(tt.args, " "), tt.want, excerpt(out))
			}
		})
	}
}

// buildPeerctl builds this command into a temporary directory.
func buildPeerctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "peerctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runOnSilentTerminal runs bin in the project directory with a new
// pseudo-terminal as its controlling terminal and standard streams, reads
// everything it writes and answers nothing. It fails when bin runs longer
// than within.
func runOnSilentTerminal(t *testing.T, within time.Duration, bin string, args ...string) ([]byte, error) {
	t.Helper()
	controller, terminal, err := openPseudoTerminal()
	if err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	}
	defer controller.Close()

	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join("..", "..")
	// A terminal that announces colours and would answer queries if it
	// could; termenv never queries when CI is set, so CI is left out.
	cmd.Env = append(withoutVariables(os.Environ(), "CI", "TERM", "NO_COLOR"), "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = terminal, terminal, terminal
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		terminal.Close()
		return nil, err
	}
	terminal.Close()

	output := make(chan []byte)
	go func() {
		var all bytes.Buffer
		// Reading ends with EIO once the command's side is closed.
		_, _ = all.ReadFrom(controller)
		output <- all.Bytes()
	}()
	err = cmd.Wait()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("did not finish within %s (killed)", within)
	}
	controller.Close()
	return <-output, err
}

// openPseudoTerminal opens a new pseudo-terminal pair through /dev/ptmx,
// with the standard library only: unlock the terminal side, ask its
// number, open /dev/pts/<number>.
func openPseudoTerminal() (controller, terminal *os.File, err error) {
	controller, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	if err := ioctl(controller, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		controller.Close()
		return nil, nil, fmt.Errorf("unlocking the pseudo-terminal: %w", err)
	}
	var number uint32
	if err := ioctl(controller, syscall.TIOCGPTN, unsafe.Pointer(&number)); err != nil {
		controller.Close()
		return nil, nil, fmt.Errorf("reading the pseudo-terminal's number: %w", err)
	}
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		controller.Close()
		return nil, nil, err
	}
	return controller, terminal, nil
}

func ioctl(f *os.File, request uintptr, arg unsafe.Pointer) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), request, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}

func withoutVariables(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			keep = keep && name != n
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// excerpt is the start of a command's output, enough to show a query.
func excerpt(out []byte) []byte {
	const n = 200
	if len(out) > n {
		return out[:n]
	}
	return out
}
