//go:build !unix && !windows

package deploy

import (
	"os"
	"os/exec"
)

func ownProcessGroup(*exec.Cmd) {}

func interruptProcess(p *os.Process) error { return p.Signal(os.Interrupt) }

func killProcessGroup(p *os.Process) error { return p.Kill() }
