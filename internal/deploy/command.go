package deploy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// DefaultKillGrace is how long the Pulumi CLI may take to stop after the
// first interrupt before peerctl kills it. Stopping waits for the resource
// operations in flight, which in this stack take minutes at most; a CLI
// still running after this long is taken to be hung.
const DefaultKillGrace = 30 * time.Minute

// pipeDrainDelay bounds how long Run waits, after the CLI exited, for
// processes it left behind to close its output pipes. It never kills the
// CLI: the timer starts only once the CLI has exited.
const pipeDrainDelay = 10 * time.Second

// unknownExitCode is the code Run reports when the CLI did not run or its
// exit status is unknown, as the SDK does.
const unknownExitCode = -2

// Command runs the Pulumi CLI for the Automation API; it implements
// auto.PulumiCommand like the SDK's own runner, except in how the CLI is
// stopped. The SDK's runner shares peerctl's process group, so a Ctrl-C on
// the terminal reaches the CLI directly and the cancelled context then
// sends a second SIGINT, which the CLI takes as "stop now, abandon the
// operations in flight"; and it kills the CLI 10 seconds after any
// cancellation. Command instead:
//
//   - starts the CLI in a process group of its own, so the terminal's
//     Ctrl-C reaches only peerctl;
//   - on the first cancellation of the context sends the CLI exactly one
//     SIGINT: it starts nothing new, waits for the operations in flight,
//     writes the state and exits;
//   - on a second interrupt of the process (see Interruptible) sends a
//     second SIGINT, and on a third kills the CLI and its plugins;
//   - kills it otherwise only if it is still running KillGrace after the
//     first SIGINT.
type Command struct {
	// Path is the CLI executable.
	Path string
	// CLIVersion is the version `pulumi version` reported.
	CLIVersion semver.Version
	// KillGrace replaces DefaultKillGrace when positive.
	KillGrace time.Duration
}

var _ auto.PulumiCommand = (*Command)(nil)

// Version implements auto.PulumiCommand.
func (c *Command) Version() semver.Version { return c.CLIVersion }

// Run implements auto.PulumiCommand: it runs the CLI non-interactively in
// workdir, with peerctl's environment plus additionalEnv, and returns its
// stdout, stderr and exit code.
func (c *Command) Run(ctx context.Context, workdir string, stdin io.Reader,
	additionalOutput, additionalErrorOutput []io.Writer, additionalEnv []string,
	args ...string) (string, string, int, error) {
	if err := ctx.Err(); err != nil {
		return "", "", unknownExitCode, err
	}
	cmd := exec.Command(c.Path, withNonInteractive(args)...)
	cmd.Dir = workdir
	cmd.Env = slices.Concat(os.Environ(), additionalEnv, []string{"PULUMI_AUTOMATION_API=true"})
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(slices.Concat(additionalOutput, []io.Writer{&stdout})...)
	cmd.Stderr = io.MultiWriter(slices.Concat(additionalErrorOutput, []io.Writer{&stderr})...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	cmd.WaitDelay = pipeDrainDelay
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return "", "", unknownExitCode, err
	}
	exited := make(chan struct{})
	supervised := make(chan struct{})
	go func() {
		defer close(supervised)
		c.supervise(ctx, cmd.Process, exited)
	}()
	err := cmd.Wait()
	close(exited)
	<-supervised
	code := unknownExitCode
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case cmd.ProcessState != nil: // exec.ErrWaitDelay: exited, pipes held open
		code = cmd.ProcessState.ExitCode()
	}
	return stdout.String(), stderr.String(), code, err
}

// supervise stops the CLI when ctx is cancelled: one SIGINT for the
// cancellation (the first interrupt), another for the second interrupt,
// a kill for the third or when the grace runs out.
func (c *Command) supervise(ctx context.Context, p *os.Process, exited <-chan struct{}) {
	select {
	case <-exited:
		return
	case <-ctx.Done():
	}
	in := interruptsFrom(ctx)
	grace := c.KillGrace
	if grace <= 0 {
		grace = DefaultKillGrace
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	// Each interrupt is one step: SIGINT, SIGINT, kill. A cancellation
	// without an interrupt (a parent context) counts as the first.
	done := 0
	step := func(want int) bool {
		for ; done < max(want, 1); done++ {
			if done >= 2 {
				_ = killProcessGroup(p)
				return false
			}
			if err := interruptProcess(p); err != nil {
				_ = killProcessGroup(p)
				return false
			}
		}
		return true
	}
	count, changed := in.snapshot()
	if !step(count) {
		return
	}
	for {
		select {
		case <-exited:
			return
		case <-timer.C:
			_ = killProcessGroup(p)
			return
		case <-changed:
			count, changed = in.snapshot()
			if !step(count) {
				return
			}
		}
	}
}

// withNonInteractive makes the CLI fail rather than prompt, as the SDK's
// runner does.
func withNonInteractive(args []string) []string {
	flags := args
	if i := slices.Index(args, "--"); i >= 0 {
		flags = args[:i]
	}
	if slices.Contains(flags, "--non-interactive") {
		return args
	}
	return append([]string{"--non-interactive"}, args...)
}
