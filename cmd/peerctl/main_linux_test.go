//go:build linux

package main

import (
	"bytes"
	"os"
	"testing"
)

// run gives the commands, and the processes they start, the TERM the
// process started with: quietterm replaces it while packages initialise.
// /proc/self/environ is the environment as the process received it.
func TestRunRestoresTERM(t *testing.T) {
	environ, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		t.Skipf("cannot read the initial environment: %v", err)
	}
	want, wantSet := "", false
	for _, kv := range bytes.Split(environ, []byte{0}) {
		if value, ok := bytes.CutPrefix(kv, []byte("TERM=")); ok {
			want, wantSet = string(value), true
		}
	}
	if code := run([]string{"--version"}); code != 0 {
		t.Fatalf("peerctl --version: exit %d", code)
	}
	got, gotSet := os.LookupEnv("TERM")
	if got != want || gotSet != wantSet {
		t.Errorf("TERM after run = %q (set %v), want the initial %q (set %v)", got, gotSet, want, wantSet)
	}
}
