// Package cmdutil holds what every peerctl command shares: IO streams, the
// project and stack-config lookup, and the mapping of errors to exit codes.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
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
// set, otherwise from Pulumi.<stack>.yaml in the project directory. The
// stack name must be one Pulumi accepts, which also keeps the file it names
// inside the project directory (--stack ../../etc/x reads nothing).
func (f *Factory) StackConfig(stack, file string) (*config.Config, error) {
	if err := ValidateStackName(stack); err != nil {
		return nil, err
	}
	if file == "" {
		dir, err := f.ProjectDir()
		if err != nil {
			return nil, err
		}
		file = filepath.Join(dir, config.StackFileName(stack))
		if filepath.Dir(file) != filepath.Clean(dir) {
			return nil, stackNameError(stack, "would name a file outside the project directory")
		}
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("stack %q has no %s in %s (stacks here: %s): %w",
				stack, config.StackFileName(stack), dir, strings.Join(Stacks(dir), ", "), config.ErrStackFileNotFound)
		}
	}
	return config.LoadStack(file, f.Getenv)
}

// Pulumi's rule for stack names (tokens.ParseStackName in the Pulumi Go SDK,
// sdk/go/common/tokens/stack_name.go): letters, digits, hyphens, underscores
// and periods, 1 to 100 characters.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// MaxStackNameLength is the longest stack name Pulumi accepts.
const MaxStackNameLength = 100

// ValidateStackName refuses a stack name Pulumi would refuse, before any file
// is read: the name picks Pulumi.<stack>.yaml, so it must not be a path.
// The error is a configuration error (exit status 3).
func ValidateStackName(name string) error {
	parts := strings.Split(name, "/")
	switch {
	case name == "":
		return stackNameError(name, "is empty; name a stack such as dev")
	case len(name) > MaxStackNameLength:
		return stackNameError(name, fmt.Sprintf("is longer than %d characters, the most Pulumi allows", MaxStackNameLength))
	case len(parts) == 3 && !slices.ContainsFunc(parts, func(p string) bool { return !stackNamePattern.MatchString(p) || p == ".." || p == "." }):
		return stackNameError(name, fmt.Sprintf("is a fully qualified name (organization/project/stack); give the stack name only (%s), whose file is %s", parts[2], config.StackFileName(parts[2])))
	case !stackNamePattern.MatchString(name):
		return stackNameError(name, "may only contain letters, digits, hyphens, underscores and periods (Pulumi's rule for stack names); it names the file Pulumi.<stack>.yaml in the project directory")
	}
	return nil
}

func stackNameError(name, message string) error {
	return &config.ValidationError{Problems: []*config.FieldError{{Field: "stack name", Value: name, Message: message}}}
}

// Stacks lists the stacks that have a Pulumi.<stack>.yaml in dir, or
// "none", for messages.
func Stacks(dir string) []string {
	if out := StackNames(dir); len(out) > 0 {
		return out
	}
	return []string{"none"}
}

// StackNames lists, sorted, the stacks that have a Pulumi.<stack>.yaml in
// dir and a name Pulumi accepts.
func StackNames(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml")
		if ValidateStackName(name) == nil {
			out = append(out, name)
		}
	}
	slices.Sort(out)
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
