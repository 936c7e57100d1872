//go:build linux

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// killLeftovers kills every process whose environment has marker (a
// variable=value pair unique to one test, such as its PULUMI_HOME). peerctl
// starts the Pulumi CLI in a process group of its own, so killing a peerctl
// that timed out leaves the CLI and its plugins running on CI's two cores;
// they all inherit the test's environment, which finds them.
func killLeftovers(marker string) []int {
	procs, _ := filepath.Glob("/proc/[0-9]*/environ")
	want := []byte(marker)
	var killed []int
	for _, p := range procs {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err != nil || pid == os.Getpid() {
			continue
		}
		environ, err := os.ReadFile(p) // unreadable: not ours, or gone
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(environ, []byte{0}) {
			if bytes.Equal(kv, want) {
				if syscall.Kill(pid, syscall.SIGKILL) == nil {
					killed = append(killed, pid)
				}
				break
			}
		}
	}
	return killed
}
