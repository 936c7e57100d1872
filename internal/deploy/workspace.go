package deploy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// errNoStack means the stack does not exist in the backend.
var errNoStack = errors.New("no such stack")

// noStackPattern is how the CLI says a stack does not exist (the pattern
// auto.IsSelectStack404Error matches).
var noStackPattern = regexp.MustCompile(`no stack named.*found`)

// projectWorkspace is the session's LocalWorkspace, except that it never
// changes which stack the project has selected: `pulumi stack select` and
// `pulumi stack init` record the stack in the user's workspace settings
// (~/.pulumi/workspaces), where a later plain `pulumi destroy` would pick it
// up. Every operation of an auto.Stack names its stack with --stack, so no
// selection is needed.
type projectWorkspace struct {
	auto.Workspace
	// secretsProvider is given to `pulumi stack init` ("" for the default).
	secretsProvider string
	// created runs after `pulumi stack init` (nil: nothing).
	created func() error
}

// SelectStack checks that the stack exists, without selecting it: the
// Automation API does the same for remote workspaces.
func (w projectWorkspace) SelectStack(ctx context.Context, stackName string) error {
	stdout, stderr, code, err := w.run(ctx, "stack", "--show-name", "--stack", stackName)
	if err != nil {
		if noStackPattern.MatchString(stderr) {
			return fmt.Errorf("%w: %s", errNoStack, strings.TrimSpace(stderr))
		}
		return cliError("failed to select stack", err, stdout, stderr, code)
	}
	return nil
}

// CreateStack creates the stack without selecting it, with the secrets
// provider of its stack file.
func (w projectWorkspace) CreateStack(ctx context.Context, stackName string) error {
	args := []string{"stack", "init", stackName, "--no-select"}
	if w.secretsProvider != "" {
		args = append(args, "--secrets-provider", w.secretsProvider)
	}
	stdout, stderr, code, err := w.run(ctx, args...)
	if err != nil {
		return cliError("failed to create stack", err, stdout, stderr, code)
	}
	if w.created != nil {
		return w.created()
	}
	return nil
}

// run runs a workspace command as the LocalWorkspace does: in its
// directory, with its PULUMI_HOME and environment variables.
func (w projectWorkspace) run(ctx context.Context, args ...string) (string, string, int, error) {
	var env []string
	if home := w.PulumiHome(); home != "" {
		env = append(env, "PULUMI_HOME="+home)
	}
	for k, v := range w.GetEnvVars() {
		env = append(env, k+"="+v)
	}
	return w.PulumiCommand().Run(ctx, w.WorkDir(), nil, nil, nil, env, args...)
}

// cliError formats a failed CLI command as the Automation API does, so
// that EngineError finds its stderr.
func cliError(what string, err error, stdout, stderr string, code int) error {
	return fmt.Errorf("%s: %w\ncode: %d\nstdout: %s\nstderr: %s", what, err, code, stdout, stderr)
}
