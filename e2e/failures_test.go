package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// projectEnv is an env whose working directory is a project: Pulumi.yaml
// and the repository's stack files, used without --config as `pulumi up`
// users do.
func projectEnv(t testing.TB) *env {
	e := newEnv(t)
	for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"} {
		e.copyRepoFile(name, name)
	}
	return e
}

// waitFor polls cond until it holds or a minute passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestInterruptedUpResumesAndConcurrentUpIsRefused interrupts an up in
// the middle (slow stand-in creates), with a second up tried meanwhile:
// the second is refused on the stack's lock, the first stops cleanly and
// saves its state, and the next up completes without creating anything
// twice.
func TestInterruptedUpResumesAndConcurrentUpIsRefused(t *testing.T) {
	e := projectEnv(t)
	e.setenv("PEERCTL_STANDIN_SLOW", "500ms")
	first, out, errb := e.command("up", "--skip-preview")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	creates := func() int { return ops(t, e.journal())["create"] }
	waitFor(t, "the first creates", func() bool { return creates() >= 3 })

	second := e.run("up", "--skip-preview")
	if second.code == 0 || !strings.Contains(second.stderr, `stack "dev" is locked by another update`) {
		t.Errorf("a concurrent up should be refused on the lock:\n%s", second)
	}

	if err := interrupt(first); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = first.Process.Kill()
		t.Fatal("up did not stop within 2 minutes of Ctrl-C")
	}
	if err == nil || !strings.Contains(errb.String(), "interrupted; the Pulumi CLI stopped after the operations in flight and saved the state") {
		t.Fatalf("interrupted up: err %v\n--- stdout\n%s\n--- stderr\n%s", err, out, errb)
	}
	partial := creates()
	if partial == 0 {
		t.Fatal("nothing was created before the interruption")
	}

	e.setenv("PEERCTL_STANDIN_SLOW", "0s")
	e.must("up")
	journal := e.journal()
	seen := map[string]int{}
	for _, je := range journal {
		if je.Op == "create" && je.Error == "" {
			seen[je.URN]++
		}
	}
	for urn, n := range seen {
		if n > 1 {
			t.Errorf("%s was created %d times: the interrupted up lost it from the state", urn, n)
		}
	}
	if world := e.worldURNs(); len(world) != len(seen) || len(seen) <= partial {
		t.Errorf("after resuming: %d resources exist, %d created (%d before the interruption)", len(world), len(seen), partial)
	}
	r := e.must("preview")
	if !strings.Contains(r.stdout, "0 to create, 0 to update, 0 to delete") {
		t.Errorf("the resumed stack is not complete:\n%s", r)
	}
}

// TestWrongPassphraseAndCorruptState: both stop with a clear error, and
// neither AWS nor the state changes.
func TestWrongPassphraseAndCorruptState(t *testing.T) {
	e := projectEnv(t)
	e.must("up")
	states, _ := filepath.Glob(filepath.Join(e.dir, ".pulumi-state", ".pulumi", "stacks", "*", "dev.json"))
	if len(states) != 1 {
		t.Fatalf("state files: %v", states)
	}
	state, err := os.ReadFile(states[0])
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.journal())

	e.setenv("PULUMI_CONFIG_PASSPHRASE", "not-the-passphrase")
	r := e.run("up")
	if r.code == 0 || !strings.Contains(r.stderr, "incorrect passphrase") {
		t.Errorf("a wrong passphrase should be reported:\n%s", r)
	}
	if now, _ := os.ReadFile(states[0]); !bytes.Equal(now, state) {
		t.Error("a wrong passphrase changed the state")
	}
	if n := len(e.journal()); n != before {
		t.Errorf("a wrong passphrase made %d AWS operations", n-before)
	}

	e.setenv("PULUMI_CONFIG_PASSPHRASE", passphrase)
	corrupt := append([]byte("{garbage"), state[:len(state)/2]...)
	writeFile(t, states[0], string(corrupt))
	r = e.run("up")
	if r.code == 0 || !strings.Contains(r.stderr, `the state of stack "dev" in file://`) || !strings.Contains(r.stderr, "cannot be read") {
		t.Errorf("a corrupt state file should be reported, naming it:\n%s", r)
	}
	t.Logf("corrupt state: %s", r.stderr)
	if now, _ := os.ReadFile(states[0]); !bytes.Equal(now, corrupt) {
		t.Error("up rewrote the corrupt state file")
	}
	if n := len(e.journal()); n != before {
		t.Errorf("a corrupt state made %d AWS operations", n-before)
	}
}

// TestProdDestroyGuardAndRetainedResources: destroy of the prod stack is
// refused without confirmation, and with it deletes everything but the
// resources the program retains, which get no Delete at all.
func TestProdDestroyGuardAndRetainedResources(t *testing.T) {
	e := projectEnv(t)
	plan := exec.Command(e.bin, "plan", "--stack", "prod", "--json")
	plan.Dir, plan.Env = e.dir, e.vars
	doc, err := plan.Output()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	retained := retainedURNs(t, doc)
	if len(retained) == 0 {
		t.Fatal("the prod plan retains nothing; the test needs retained resources")
	}

	e.must("up", "--stack", "prod")
	before := len(e.journal())
	r := e.run("destroy", "--stack", "prod", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, `refusing to destroy production stack "prod"`) {
		t.Errorf("destroy of prod without --force-prod should be refused:\n%s", r)
	}
	if n := len(e.journal()); n != before {
		t.Errorf("the refused destroy made %d AWS operations", n-before)
	}

	e.must("destroy", "--stack", "prod", "--yes", "--force-prod")
	for _, je := range e.journal()[before:] {
		if je.Op == "delete" && retained[je.URN] {
			t.Errorf("retained %s got a Delete", je.URN)
		}
	}
	ops(t, e.journal()[before:])
	left := e.worldURNs()
	for urn := range left {
		if !retained[urn] {
			t.Errorf("%s survived destroy but is not retained", urn)
		}
	}
	for urn := range retained {
		if _, ok := left[urn]; !ok {
			t.Errorf("retained %s is gone from AWS", urn)
		}
	}
}
