// Package review is what a person reviews before anything reaches AWS: the
// offline plan of a stack and the policy findings on it. `peerctl plan`
// prints it; `peerctl preview` and `peerctl up` refuse to go on while it has
// deny findings.
package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/policy"
)

// Result is a plan document and its findings. It marshals as the plan JSON
// with "findings", "suppressed" (findings an exception hid) and
// "exceptions" (every exception, expired or not, with its counts) added.
type Result struct {
	*plan.Document
	Findings   []policy.Finding         `json:"findings"`
	Suppressed []policy.Suppressed      `json:"suppressed"`
	Exceptions []policy.ExceptionStatus `json:"exceptions"`
}

// Options select the policies evaluated.
type Options struct {
	// PolicyDirs are user policy directories evaluated after the baseline.
	PolicyDirs []string
	// Namespaces are packages evaluated besides data.peerctl (--namespace).
	Namespaces []string
	// Timeout bounds the evaluation (--policy-timeout); 0 is the default.
	Timeout time.Duration
	// ExceptionsFile is the project's policy-exceptions.yaml; "" or a
	// missing file is no exceptions.
	ExceptionsFile string
}

// Run plans cfg offline and evaluates the policies on the plan document, as
// its JSON form: the same input `peerctl plan --json | opa eval` would see.
func Run(ctx context.Context, cfg *config.Config, stack string, opts Options) (*Result, error) {
	var exceptions []policy.Exception
	if opts.ExceptionsFile != "" {
		var err error
		if exceptions, err = policy.LoadExceptions(opts.ExceptionsFile); err != nil {
			return nil, err
		}
	}
	engine, err := policy.New(ctx, policy.Options{
		Dirs: opts.PolicyDirs, Namespaces: opts.Namespaces, Timeout: opts.Timeout, Exceptions: exceptions,
	})
	if err != nil {
		return nil, err
	}
	doc, err := plan.Build(cfg, stack)
	if err != nil {
		return nil, err
	}
	input, err := asJSONValue(doc)
	if err != nil {
		return nil, err
	}
	report, err := engine.Check(ctx, input)
	if err != nil {
		return nil, err // "evaluate policies: ..." already
	}
	return &Result{Document: doc, Findings: report.Findings, Suppressed: report.Suppressed, Exceptions: report.Exceptions}, nil
}

// Counts returns the number of deny and warn findings.
func (r *Result) Counts() (deny, warn int) {
	for _, f := range r.Findings {
		if f.Severity == policy.SeverityDeny {
			deny++
		} else {
			warn++
		}
	}
	return deny, warn
}

// WriteJSON writes the plan document with its findings.
func (r *Result) WriteJSON(w io.Writer) error { return plan.EncodeJSON(w, r) }

// WriteFindings renders the findings for people, after the plan summary,
// then every finding an exception suppressed and every expired exception:
// nothing an exception does is out of sight.
func (r *Result) WriteFindings(w io.Writer) error {
	deny, warn := r.Counts()
	var b bytes.Buffer
	fmt.Fprintf(&b, "\nPolicy: %d deny, %d warn", deny, warn)
	if len(r.Exceptions) > 0 {
		fmt.Fprintf(&b, ", %d suppressed by exceptions", len(r.Suppressed))
	}
	b.WriteString(".\n")
	for _, f := range r.Findings {
		writeFinding(&b, "  ", f)
	}
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(&b, "\nSuppressed by exceptions (%d):\n", len(r.Suppressed))
		for _, s := range r.Suppressed {
			writeFinding(&b, "  ", s.Finding)
			fmt.Fprintf(&b, "      excepted by %s until %s: %s\n", s.Exception, s.Expires, s.Reason)
		}
	}
	for _, x := range r.Exceptions {
		if x.Expired {
			fmt.Fprintf(&b, "\nException %s:%d for %s on %q expired on %s; it no longer suppresses anything (%d finding(s) it matches are reported above).\n",
				x.File, x.Line, x.Rule, x.Resource, x.Expires, x.Matched)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeFinding(b *bytes.Buffer, indent string, f policy.Finding) {
	account := f.Account
	if account == "" {
		account = "-"
	}
	fmt.Fprintf(b, "%s%-4s %-10s %-10s %s\n", indent, f.Severity, f.Rule, account, f.Message)
	if f.URN != "" {
		fmt.Fprintf(b, "%s    %s\n", indent, f.URN)
	}
}

// asJSONValue converts v to the generic form OPA evaluates.
func asJSONValue(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
