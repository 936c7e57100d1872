//go:build windows

package deploy

import (
	"os"
	"os/exec"
	"syscall"

	"github.com/iwdgo/sigintwindows"
)

// ownProcessGroup starts the CLI in a new process group, which the
// console's Ctrl-C does not reach.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// interruptProcess sends the CLI's process group a Ctrl-Break, which the
// Pulumi CLI handles as an interrupt (as the Automation API does).
func interruptProcess(p *os.Process) error { return sigintwindows.SendCtrlBreak(p.Pid) }

// killProcessGroup kills the CLI.
func killProcessGroup(p *os.Process) error { return p.Kill() }
