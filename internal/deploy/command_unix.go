//go:build unix

package deploy

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the CLI in a new process group: the terminal
// sends Ctrl-C to its foreground group, which is peerctl's, so the CLI and
// its plugins hear of a press only through Command. A background group
// must not read the terminal (SIGTTIN would stop it); the CLI does not: its
// stdin is not the terminal, and it runs with --non-interactive.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interruptProcess asks the CLI to stop, as Ctrl-C on its terminal would.
func interruptProcess(p *os.Process) error { return p.Signal(os.Interrupt) }

// killProcessGroup kills the CLI and the plugins it started, which share
// its process group.
func killProcessGroup(p *os.Process) error {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return p.Kill()
	}
	return nil
}
