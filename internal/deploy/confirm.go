package deploy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// DestroyRequest is what decides whether destroy may go ahead.
type DestroyRequest struct {
	Stack string
	// Prod is a production environment (or the stack called prod).
	Prod        bool
	Yes         bool
	ForceProd   bool
	Interactive bool
	// What describes what will be deleted, for the prompt.
	What string
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
	switch {
	case r.Prod && !r.ForceProd && !r.Yes:
		return usagef("refusing to destroy production stack %q: pass --yes and type the stack name when asked, or pass --force-prod", r.Stack)
	case r.Prod && !r.ForceProd && !r.Interactive:
		return usagef("refusing to destroy production stack %q without a terminal to type its name on; pass --force-prod as well to destroy it unattended", r.Stack)
	case !r.Yes && !r.Interactive:
		return usagef("destroy needs confirmation and there is no terminal to ask on: pass --yes")
	}
	return nil
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
