package deploy

import (
	"fmt"
	"io"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

// RenameRequest is what decides whether up may rename a deployed stack's
// resources. The environment suffixes every physical name, so a different
// one makes AWS replace the VPCs, buckets, roles and log groups of a stack
// that is already deployed: that must never happen because a variable was
// left set in a shell or a CI job, nor because one was not set this time
// (a stack deployed as qa through ENVIRONMENT_SUFFIX goes back to the stack
// file's name without it).
type RenameRequest struct {
	Stack string
	// Deployed is the deployed stack's environment output, "" for a stack
	// that has not been deployed.
	Deployed string
	Config   *config.Config
	// Confirmed is --rename-environment.
	Confirmed   bool
	Interactive bool
}

// Renames reports whether up would rename the deployed resources.
func (r RenameRequest) Renames() bool {
	return r.Config != nil && r.Deployed != "" && r.Deployed != r.Config.Environment
}

// ConfirmRename lets up go on when nothing is renamed, when
// --rename-environment says so, or when the person at the terminal types
// the new environment name. Without a terminal it refuses (cmdutil.ErrUsage),
// and a wrong answer cancels (cmdutil.ErrCancelled); either way before the
// engine changes anything.
func ConfirmRename(r RenameRequest, in io.Reader, out io.Writer) error {
	if !r.Renames() || r.Confirmed {
		return nil
	}
	env := r.Config.Environment
	cause, undo := config.EnvEnvironmentSuffix+"="+env, "unset "+config.EnvEnvironmentSuffix
	if r.Config.EnvironmentSource != config.EnvEnvironmentSuffix {
		cause = "the stack file's environment " + env
		undo = fmt.Sprintf("set %s=%s", config.EnvEnvironmentSuffix, r.Deployed)
	}
	what := fmt.Sprintf("%s renames every resource of stack %q from environment %s to %s, and AWS replaces them (new VPCs, subnets, buckets, roles and log groups; the old ones are deleted)",
		cause, r.Stack, r.Deployed, env)
	if !r.Interactive {
		return usagef("refusing to deploy: %s; pass --rename-environment to do that, or %s to update the stack as deployed", what, undo)
	}
	fmt.Fprintf(out, "%s.\nType the new environment name (%s) to go ahead: ", what, env)
	answer, err := readLine(in)
	if err != nil {
		return err
	}
	if answer != env {
		return fmt.Errorf("typed %q, not %q; nothing changed: %w", answer, env, cmdutil.ErrCancelled)
	}
	return nil
}
