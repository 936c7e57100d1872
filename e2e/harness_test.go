// Package e2e runs peerctl through the real Pulumi engine: the Pulumi CLI
// built from the Go module proxy (tools/pulumi) and the stand-in AWS
// provider (./standin) in place of pulumi-aws. See docs/deploy.md, "What
// the end-to-end tests prove".
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/peerctl/peerctl/e2e/e2etools"
)

// EnvRequire makes the suite fail, instead of skipping, when its tools
// cannot be built (.ci/run sets it).
const EnvRequire = "PEERCTL_E2E_REQUIRE"

// EnvSkip skips the suite (.ci/run sets it for the plain `go test ./...`
// step, since it runs the suite right after with the tools required).
const EnvSkip = "PEERCTL_E2E_SKIP"

// passphrase is the test stacks' secrets passphrase.
const passphrase = "e2e-passphrase"

// tools are what TestMain built; toolsErr says why the suite cannot run.
var (
	repo       string
	peerctlBin string
	pulumiBin  string
	standinDir string
	toolsErr   error
)

func TestMain(m *testing.M) {
	flag.Parse()
	var cleanup func()
	cleanup, toolsErr = setup()
	code := m.Run()
	if cleanup != nil {
		cleanup()
	}
	os.Exit(code)
}

// setup finds or builds the tools. A missing CLI is built only when the
// test timeout leaves room for a first build (about 25 minutes on 2 cores).
func setup() (func(), error) {
	if os.Getenv(EnvSkip) != "" {
		return nil, fmt.Errorf("%s is set", EnvSkip)
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if repo, err = e2etools.RepoRoot(wd); err != nil {
		return nil, err
	}
	ctx := context.Background()
	path, err := e2etools.PulumiPath(repo)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		if t := flag.Lookup("test.timeout"); t != nil && os.Getenv(EnvRequire) != "1" {
			if d, _ := time.ParseDuration(t.Value.String()); d > 0 && d < 45*time.Minute {
				return nil, fmt.Errorf("the Pulumi CLI is not built yet (%s); its first build takes about 25 minutes on 2 cores: "+
					"run `go run ./e2e/buildtools` once, or `go test -timeout 60m ./e2e/...`", path)
			}
		}
	}
	if pulumiBin, err = e2etools.Pulumi(ctx, repo); err != nil {
		return nil, fmt.Errorf("building the Pulumi CLI: %w", err)
	}
	if standinDir, err = e2etools.Standin(ctx, repo); err != nil {
		return nil, fmt.Errorf("building the stand-in provider: %w", err)
	}
	dir, err := os.MkdirTemp("", "peerctl-e2e-bin-")
	if err != nil {
		return nil, err
	}
	peerctlBin = filepath.Join(dir, "peerctl")
	build := exec.Command("go", "build", "-o", peerctlBin, "./cmd/peerctl")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		return func() { os.RemoveAll(dir) }, fmt.Errorf("building peerctl: %w\n%s", err, out)
	}
	return func() { os.RemoveAll(dir) }, nil
}

// needTools skips the test, or fails it under PEERCTL_E2E_REQUIRE=1, when
// the tools could not be had.
func needTools(t testing.TB) {
	t.Helper()
	if toolsErr == nil {
		return
	}
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("end-to-end tools unavailable and %s=1: %v", EnvRequire, toolsErr)
	}
	t.Skipf("end-to-end tests skipped: %v", toolsErr)
}

// env is one test's world: a directory for the stack file, a Pulumi home,
// the stand-in's world and journal, and the fake AWS endpoints.
type env struct {
	t      testing.TB
	dir    string // the working directory of peerctl
	home   string // PULUMI_HOME
	world  string // PEERCTL_STANDIN_DIR
	vars   []string
	bin    string
	awsURL string
}

func newEnv(t testing.TB) *env {
	needTools(t)
	root := t.TempDir()
	e := &env{t: t, dir: filepath.Join(root, "work"), home: filepath.Join(root, "pulumi-home"), world: filepath.Join(root, "world"), bin: peerctlBin}
	for _, d := range []string{e.dir, e.home, e.world} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.awsURL = fakeAWS(t, e.world).URL
	// Registered after the fake AWS server, so it runs before the server
	// closes: nothing this test started outlives it.
	t.Cleanup(func() {
		if pids := killLeftovers("PULUMI_HOME=" + e.home); len(pids) > 0 {
			t.Logf("killed processes left running: %v", pids)
		}
	})
	awsConfig := filepath.Join(root, "aws-config")
	var profiles strings.Builder
	for name, account := range map[string]string{"trading-dev": "111111111111", "analytics-dev": "222222222222", "ops-dev": "333333333333"} {
		fmt.Fprintf(&profiles, "[profile %s]\naws_access_key_id = %s\naws_secret_access_key = e2e\nregion = us-east-1\n\n", name, accessKey(account))
	}
	writeFile(t, awsConfig, profiles.String())
	writeFile(t, filepath.Join(root, "aws-credentials"), "")
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "PULUMI_") || k == "PATH" || k == "ENVIRONMENT_SUFFIX" || strings.HasPrefix(k, "PEERCTL_") {
			continue
		}
		e.vars = append(e.vars, kv)
	}
	e.vars = append(e.vars,
		"PATH="+standinDir+string(os.PathListSeparator)+filepath.Dir(pulumiBin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PULUMI_HOME="+e.home,
		"PULUMI_SKIP_UPDATE_CHECK=1",
		"PULUMI_CONFIG_PASSPHRASE="+passphrase,
		"PEERCTL_STANDIN_DIR="+e.world,
		"AWS_CONFIG_FILE="+awsConfig,
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(root, "aws-credentials"),
		"AWS_ENDPOINT_URL="+e.awsURL,
		"AWS_EC2_METADATA_DISABLED=true",
		// The default credentials (the prod stack's roles are assumed
		// from them): a tooling account.
		"AWS_ACCESS_KEY_ID="+accessKey("333333333333"),
		"AWS_SECRET_ACCESS_KEY=e2e",
	)
	return e
}

// setenv overrides a variable for the following commands.
func (e *env) setenv(key, value string) {
	for i, kv := range e.vars {
		if strings.HasPrefix(kv, key+"=") {
			e.vars = append(e.vars[:i], e.vars[i+1:]...)
			break
		}
	}
	e.vars = append(e.vars, key+"="+value)
}

// result is one finished command.
type result struct {
	args           []string
	stdout, stderr string
	code           int
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("peerctl %s: exit %d after %s\n--- stdout\n%s\n--- stderr\n%s", strings.Join(r.args, " "), r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

func (e *env) command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.dir
	cmd.Env = e.vars
	cmd.Stdin = nil
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

// run runs peerctl to completion (at most 5 minutes).
func (e *env) run(args ...string) result {
	e.t.Helper()
	cmd, out, errb := e.command(args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	// Past the limit, Ctrl-C first, so peerctl stops the CLI cleanly and the
	// failure output says where it hung; the test's cleanup kills whatever
	// is still running after that.
	timer := time.AfterFunc(5*time.Minute, func() {
		_ = interrupt(cmd)
		time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
	})
	defer timer.Stop()
	err := cmd.Wait()
	r := result{args: args, stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		e.t.Fatal(err)
	}
	return r
}

// must runs peerctl and fails the test unless it exits 0.
func (e *env) must(args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("%s", r)
	}
	return r
}

// journalEntry is a line of the stand-in's journal.
type journalEntry struct {
	Seq   int    `json:"seq"`
	Op    string `json:"op"`
	Type  string `json:"type"`
	URN   string `json:"urn"`
	ID    string `json:"id"`
	Error string `json:"error"`
	// Warning: AWS did it, to no effect yet (a blackhole route).
	Warning string `json:"warning"`
}

// journal returns the stand-in's journal, without invokes.
func (e *env) journal() []journalEntry {
	e.t.Helper()
	f, err := os.Open(filepath.Join(e.world, "journal.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	var out []journalEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var je journalEntry
		if err := json.Unmarshal(sc.Bytes(), &je); err != nil {
			e.t.Fatal(err)
		}
		if je.Op != "invoke" {
			out = append(out, je)
		}
	}
	return out
}

// worldURNs lists the resources that exist in the stand-in's world.
func (e *env) worldURNs() map[string]string {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(e.world, "world.json"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var st struct {
		Resources map[string]struct {
			Type string `json:"type"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for urn, r := range st.Resources {
		out[urn] = r.Type
	}
	return out
}

// ops counts the journal's operations by kind, failing on any error and
// on any warning: a route through a connection the stack itself accepts
// must wait for the acceptance, or it is a blackhole.
func ops(t testing.TB, entries []journalEntry) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, je := range entries {
		if je.Error != "" {
			t.Errorf("the stand-in refused %s %s: %s", je.Op, je.URN, je.Error)
		}
		if je.Warning != "" {
			t.Errorf("the stand-in warns about %s %s: %s", je.Op, je.URN, je.Warning)
		}
		n[je.Op]++
	}
	return n
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyRepoFile copies a file of the repository into the test's directory.
func (e *env) copyRepoFile(name, to string) string {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, name))
	if err != nil {
		e.t.Fatal(err)
	}
	path := filepath.Join(e.dir, to)
	writeFile(e.t, path, string(data))
	return path
}

// interrupt sends Ctrl-C to a running peerctl.
func interrupt(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGINT) }

// retainedURNs lists the resources a plan document marks retainOnDelete.
func retainedURNs(t testing.TB, doc []byte) map[string]bool {
	t.Helper()
	var d struct {
		Resources []struct {
			URN            string `json:"urn"`
			RetainOnDelete bool   `json:"retainOnDelete"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("plan document: %v", err)
	}
	out := map[string]bool{}
	for _, r := range d.Resources {
		if r.RetainOnDelete {
			out[r.URN] = true
		}
	}
	return out
}
