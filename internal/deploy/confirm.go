package deploy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

// DestroyRequest is what decides whether destroy may go ahead.
type DestroyRequest struct {
	Stack string
	// Prod is a production stack (see ProductionReasons); ProdReason says
	// why, for the refusal.
	Prod        bool
	ProdReason  string
	Yes         bool
	ForceProd   bool
	Interactive bool
	// What describes what will be deleted, for the prompt.
	What string
}

// MarkProd records one more reason the stack is production.
func (r *DestroyRequest) MarkProd(reason string) {
	r.Prod = true
	if r.ProdReason == "" {
		r.ProdReason = reason
		return
	}
	r.ProdReason += "; " + reason
}

// ProductionReasons lists why a stack counts as production, none if it
// does not. Any one is enough, so that no single setting can turn the
// production safeguards off: the stack is named prod; its stack file says
// peerctl:environment: prod (read without the ENVIRONMENT_SUFFIX override,
// which could otherwise rename a production stack's environment away); or
// the effective environment (cfg, with the override) is prod. destroy adds
// the deployed stack's environment output (DeployedProdReason).
func ProductionReasons(stack, stackFile string, cfg *config.Config) ([]string, error) {
	var reasons []string
	if stack == config.ProdEnvironment {
		reasons = append(reasons, fmt.Sprintf("the stack is named %q", config.ProdEnvironment))
	}
	raw, err := config.LoadStackFile(stackFile)
	if err != nil {
		return nil, err
	}
	fileProd := raw[config.Namespace+":environment"] == config.ProdEnvironment
	if fileProd {
		reasons = append(reasons, fmt.Sprintf("%s sets %s:environment: %s", filepath.Base(stackFile), config.Namespace, config.ProdEnvironment))
	}
	// The effective environment, when it is prod for another reason than
	// the stack file already given (IsProd also counts the stack file's
	// own environment, which ENVIRONMENT_SUFFIX does not change).
	if cfg != nil && cfg.Environment == config.ProdEnvironment && !(fileProd && cfg.EnvironmentSource != config.EnvEnvironmentSuffix) {
		reasons = append(reasons, fmt.Sprintf("the environment is %s (from %s)", config.ProdEnvironment, cfg.EnvironmentSource))
	}
	return reasons, nil
}

// DeployedProdReason is the reason a deployed stack whose environment
// output is env counts as production, or "".
func DeployedProdReason(env string) string {
	if env != config.ProdEnvironment {
		return ""
	}
	return fmt.Sprintf("its deployed resources are environment %s (stack output environment)", config.ProdEnvironment)
}

// ConfirmDestroy applies the destroy safeguards, asking on in/out when it
// has to:
//   - production (unless --force-prod) needs --yes AND the stack name typed
//     back on a terminal;
//   - otherwise --yes goes ahead, a terminal gets a y/N question, and
//     without a terminal destroy refuses.
//
// A refusal wraps cmdutil.ErrUsage; a "no" wraps cmdutil.ErrCancelled.
func ConfirmDestroy(r DestroyRequest, in io.Reader, out io.Writer) error {
	if err := r.Refusal(); err != nil {
		return err
	}
	if r.Prod && !r.ForceProd {
		fmt.Fprintf(out, "This destroys PRODUCTION stack %q: %s.\nType the stack name to confirm: ", r.Stack, r.What)
		answer, err := readLine(in)
		if err != nil {
			return err
		}
		if answer != r.Stack {
			return fmt.Errorf("typed %q, not %q; nothing destroyed: %w", answer, r.Stack, cmdutil.ErrCancelled)
		}
		return nil
	}
	if r.Yes {
		return nil
	}
	fmt.Fprintf(out, "Destroy stack %q: %s? [y/N] ", r.Stack, r.What)
	answer, err := readLine(in)
	if err != nil {
		return err
	}
	switch strings.ToLower(answer) {
	case "y", "yes":
		return nil
	}
	return fmt.Errorf("nothing destroyed: %w", cmdutil.ErrCancelled)
}

// Refusal is the error destroy stops with before doing any work, or nil
// when it may go on (possibly to ask).
func (r DestroyRequest) Refusal() error {
	why := ""
	if r.ProdReason != "" {
		why = " (" + r.ProdReason + ")"
	}
	switch {
	case r.Prod && !r.ForceProd && !r.Yes:
		return usagef("refusing to destroy production stack %q%s: pass --yes and type the stack name when asked, or pass --force-prod", r.Stack, why)
	case r.Prod && !r.ForceProd && !r.Interactive:
		return usagef("refusing to destroy production stack %q%s without a terminal to type its name on; pass --force-prod as well to destroy it unattended", r.Stack, why)
	case !r.Yes && !r.Interactive:
		return usagef("destroy needs confirmation and there is no terminal to ask on: pass --yes")
	}
	return nil
}

// isTerminal reports whether fd is a terminal.
var isTerminal = func(fd uintptr) bool { return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd) }

// CanPrompt reports whether a person can answer a question on streams:
// destroy writes its question to ErrOut and reads the answer from In, so
// those two must be terminals; where Out goes does not matter
// (`peerctl destroy > destroy.log` still asks).
func CanPrompt(streams *cmdutil.IOStreams) bool { return canPrompt(streams, isTerminal) }

func canPrompt(streams *cmdutil.IOStreams, isTerminal func(uintptr) bool) bool {
	type file interface{ Fd() uintptr }
	in, okIn := streams.In.(file)
	errOut, okErr := streams.ErrOut.(file)
	return okIn && okErr && isTerminal(in.Fd()) && isTerminal(errOut.Fd())
}

func readLine(in io.Reader) (string, error) {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("no answer: %w", cmdutil.ErrCancelled)
		}
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// usagef is a command-line mistake: it maps to the usage exit status
// without "usage error" in its message.
func usagef(format string, args ...any) error {
	return &usageErr{msg: fmt.Sprintf(format, args...)}
}

type usageErr struct{ msg string }

func (e *usageErr) Error() string        { return e.msg }
func (e *usageErr) Is(target error) bool { return target == cmdutil.ErrUsage }
