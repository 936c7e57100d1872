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

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/policy"
)

// Result is a plan document and its findings. It marshals as the plan JSON
// with a "findings" array added.
type Result struct {
	*plan.Document
	Findings []policy.Finding `json:"findings"`
}

// Options select the policies evaluated.
type Options struct {
	// PolicyDirs are user policy directories evaluated after the baseline.
	PolicyDirs []string
}

// Run plans cfg offline and evaluates the policies on the plan document, as
// its JSON form: the same input `peerctl plan --json | opa eval` would see.
func Run(ctx context.Context, cfg *config.Config, stack string, opts Options) (*Result, error) {
	engine, err := policy.New(ctx, policy.Options{Dirs: opts.PolicyDirs})
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
	findings, err := engine.Evaluate(ctx, input)
	if err != nil {
		return nil, fmt.Errorf("evaluating policies: %w", err)
	}
	if findings == nil {
		findings = []policy.Finding{}
	}
	return &Result{Document: doc, Findings: findings}, nil
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

// WriteFindings renders the findings for people, after the plan summary.
func (r *Result) WriteFindings(w io.Writer) error {
	deny, warn := r.Counts()
	var b bytes.Buffer
	fmt.Fprintf(&b, "\nPolicy: %d deny, %d warn.\n", deny, warn)
	for _, f := range r.Findings {
		account := f.Account
		if account == "" {
			account = "-"
		}
		fmt.Fprintf(&b, "  %-4s %-10s %-10s %s\n", f.Severity, f.Rule, account, f.Message)
		if f.URN != "" {
			fmt.Fprintf(&b, "      %s\n", f.URN)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
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
