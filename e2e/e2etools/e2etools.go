// Package e2etools builds, or finds in the cache, the tools the end-to-end
// tests run: the Pulumi CLI (from the tools/pulumi module, at the version
// its go.mod pins) and the stand-in AWS provider (./e2e/standin). Both are
// cached under the user cache directory, keyed by what they are built from,
// so a version change rebuilds and nothing else does.
package e2etools

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
)

// EnvCache overrides the cache directory.
const EnvCache = "PEERCTL_E2E_CACHE"

// standinBinary is the stand-in's file name: the engine looks for the aws
// provider plugin as pulumi-resource-aws on PATH.
const standinBinary = "pulumi-resource-aws"

// pulumiModule is the module whose cmd/pulumi is the CLI.
const pulumiModule = "github.com/pulumi/pulumi/pkg/v3"

// CacheDir is where the tools are kept between runs.
func CacheDir() (string, error) {
	if dir := os.Getenv(EnvCache); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set %s): %w", EnvCache, err)
	}
	return filepath.Join(base, "peerctl-e2e"), nil
}

// PulumiVersion is the CLI version tools/pulumi/go.mod pins.
func PulumiVersion(repo string) (string, error) {
	f, err := os.Open(filepath.Join(repo, "tools", "pulumi", "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, w := range fields {
			if w == pulumiModule && i+1 < len(fields) {
				return fields[i+1], nil
			}
		}
	}
	return "", fmt.Errorf("tools/pulumi/go.mod does not require %s", pulumiModule)
}

// PulumiPath is where the CLI of this checkout is cached; it may not exist.
func PulumiPath(repo string) (string, error) {
	version, err := PulumiVersion(repo)
	if err != nil {
		return "", err
	}
	key, err := hashFiles(filepath.Join(repo, "tools", "pulumi"), "go.mod", "go.sum")
	if err != nil {
		return "", err
	}
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, fmt.Sprintf("pulumi-%s-%s-%s", version, runtime.Version(), key), "pulumi"), nil
}

// Pulumi returns the cached CLI, building it first if needed (about 25
// minutes on 2 cores the first time, seconds from Go's build cache).
func Pulumi(ctx context.Context, repo string) (string, error) {
	path, err := PulumiPath(repo)
	if err != nil {
		return "", err
	}
	version, err := PulumiVersion(repo)
	if err != nil {
		return "", err
	}
	// Without the version stamped in, `pulumi version` prints nothing and
	// the Automation API refuses the CLI.
	ldflags := "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=" + version
	err = buildOnce(ctx, path, filepath.Join(repo, "tools", "pulumi"), "-ldflags", ldflags, pulumiModule+"/cmd/pulumi")
	return path, err
}

// Standin returns the directory holding the stand-in provider, named
// pulumi-resource-aws so the engine finds it on PATH.
func Standin(ctx context.Context, repo string) (string, error) {
	// The key covers every package of this module the stand-in is built
	// from (it answers through internal/plan, which reaches config, stack,
	// regions and the components), so a change to any of them rebuilds it.
	dirs, err := moduleDeps(ctx, repo, "./e2e/standin")
	if err != nil {
		return "", err
	}
	absRepo, err := filepath.Abs(repo)
	if err != nil {
		return "", err
	}
	var files []string
	for _, dir := range dirs {
		matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, m := range matches {
			if !strings.HasSuffix(m, "_test.go") {
				rel, err := filepath.Rel(absRepo, m)
				if err != nil {
					return "", err
				}
				files = append(files, rel)
			}
		}
	}
	files = append(files, "go.mod", "go.sum")
	key, err := hashFiles(repo, files...)
	if err != nil {
		return "", err
	}
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(cache, "standin-"+runtime.Version()+"-"+key, standinBinary)
	if err := buildOnce(ctx, path, repo, "./e2e/standin"); err != nil {
		return "", err
	}
	pruneStandins(cache, filepath.Dir(path))
	return filepath.Dir(path), nil
}

// moduleDeps lists the directories of the packages of the module in repo
// that pkg is built from, itself included.
func moduleDeps(ctx context.Context, repo, pkg string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", pkg)
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %w", pkg, err)
	}
	root, err := filepath.Abs(repo)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, d := range strings.Fields(string(out)) {
		if rel, err := filepath.Rel(root, d); err == nil && !strings.HasPrefix(rel, "..") {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

// buildOnce builds pkg (go build, in dir) to path unless it exists. A lock
// beside path makes concurrent runs (go test of several packages, .ci/run's
// background build) wait for one build instead of doing it twice.
func buildOnce(ctx context.Context, path, dir string, args ...string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing unlocks too
	if _, err := os.Stat(path); err == nil {
		return nil // built while we waited
	}
	tmp := path + ".tmp"
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", tmp}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s in %s: %w\n%s", strings.Join(args, " "), dir, err, out)
	}
	return os.Rename(tmp, path)
}

// hashFiles hashes the named files of dir, in a stable order.
func hashFiles(dir string, names ...string) (string, error) {
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(name), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// RepoRoot finds the main module's directory from dir upwards.
func RepoRoot(dir string) (string, error) {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(data), "module github.com/peerctl/peerctl\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no peerctl go.mod above the working directory: %w", fs.ErrNotExist)
		}
		dir = parent
	}
}
