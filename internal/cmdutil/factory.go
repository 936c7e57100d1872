// Package cmdutil holds what every peerctl command shares: IO streams, the
// project and stack-config lookup, and the mapping of errors to exit codes.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/peerctl/peerctl/internal/config"
)

// IOStreams are the streams a command reads and writes; tests swap in buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsInteractive reports whether a person can answer prompts on In.
	IsInteractive func() bool
}

// SystemIO returns the process's streams.
func SystemIO() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		// Prompts are written to stderr, so stdout may be redirected.
		IsInteractive: func() bool { return isatty.IsTerminal(os.Stdin.Fd()) && isatty.IsTerminal(os.Stderr.Fd()) },
	}
}

// Factory gives commands their dependencies, so tests can inject fakes.
type Factory struct {
	IO *IOStreams
	// Getenv looks up environment variables (os.LookupEnv in production).
	Getenv config.LookupEnv
	// WorkDir is where the project search starts (the current directory).
	WorkDir func() (string, error)
}

// New returns the production Factory.
func New() *Factory {
	return &Factory{IO: SystemIO(), Getenv: os.LookupEnv, WorkDir: os.Getwd}
}

// ProjectFile is the Pulumi project file that marks the project directory.
const ProjectFile = "Pulumi.yaml"

// ErrNoProject means no Pulumi.yaml was found from the work dir upwards.
var ErrNoProject = errors.New("no Pulumi.yaml found")

// ProjectDir finds the directory holding Pulumi.yaml, from WorkDir upwards,
// as the pulumi CLI does.
func (f *Factory) ProjectDir() (string, error) {
	dir, err := f.WorkDir()
	if err != nil {
		return "", err
	}
	for start := dir; ; {
		if _, err := os.Stat(filepath.Join(dir, ProjectFile)); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w in %s or any parent directory: run peerctl from the project directory, or pass --config FILE", ErrNoProject, start)
		}
		dir = parent
	}
}

// StackConfig loads and validates a stack's configuration: from file when
// set, otherwise from Pulumi.<stack>.yaml in the project directory.
func (f *Factory) StackConfig(stack, file string) (*config.Config, error) {
	if file == "" {
		dir, err := f.ProjectDir()
		if err != nil {
			return nil, err
		}
		file = filepath.Join(dir, config.StackFileName(stack))
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("stack %q has no %s in %s (stacks here: %s): %w",
				stack, config.StackFileName(stack), dir, strings.Join(Stacks(dir), ", "), config.ErrStackFileNotFound)
		}
	}
	raw, err := config.LoadStackFile(file)
	if err != nil {
		return nil, err
	}
	return config.Parse(raw, f.Getenv)
}

// Stacks lists the stacks that have a Pulumi.<stack>.yaml in dir.
func Stacks(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	slices.Sort(out)
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

// StackFromFile returns the stack a Pulumi.<stack>.yaml file belongs to, or
// fallback when the file is named otherwise.
func StackFromFile(path, fallback string) string {
	base := filepath.Base(path)
	if name, ok := strings.CutPrefix(base, "Pulumi."); ok {
		if name, ok = strings.CutSuffix(name, ".yaml"); ok && name != "" {
			return name
		}
	}
	return fallback
}
