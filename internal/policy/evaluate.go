package policy

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// ErrPolicyEval is wrapped by every error a rule raises while it is
// evaluated (a failing built-in, conflicting values, a bad finding).
var ErrPolicyEval = errors.New("policy evaluation failed")

// ErrPolicyTimeout is wrapped when evaluation runs past the time limit.
var ErrPolicyTimeout = errors.New("policy evaluation timed out")

// Report is one evaluation: the findings that count, the ones exceptions
// hid, and how every exception applied.
type Report struct {
	Findings   []Finding         `json:"findings"`
	Suppressed []Suppressed      `json:"suppressed"`
	Exceptions []ExceptionStatus `json:"exceptions"`
}

// Evaluate runs every rule against input and returns the findings that
// exceptions do not hide. See Check.
func (e *Engine) Evaluate(ctx context.Context, input any) ([]Finding, error) {
	r, err := e.Check(ctx, input)
	if err != nil {
		return nil, err
	}
	return r.Findings, nil
}

// Check runs every rule against input, the plan document (a map[string]any
// decoded from JSON, or anything that marshals to it), within the engine's
// time limit, and applies the exceptions. Findings are sorted by severity,
// rule, urn and message. A rule that fails (a built-in error such as
// to_number on a CIDR) fails the whole evaluation, naming rule, file and
// line: a rule that silently never fires is a gate that silently passes.
func (e *Engine) Check(ctx context.Context, input any) (*Report, error) {
	in, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: input: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("evaluate policies: stopped after %s (--policy-timeout): a rule runs too long, usually a loop over every pair of resources or an unbounded numbers.range; run peerctl policy test, or raise the limit: %w", e.timeout, ErrPolicyTimeout)
		}
		return nil, fmt.Errorf("evaluate policies: %w", e.explainEvalError(err))
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate policies: query returned %d results, want 1", len(rs))
	}
	bind := rs[0].Bindings
	accounts := accountsByURN(in)
	seen := map[Finding]bool{}
	var out []Finding
	for i, r := range e.rules {
		v := bind[fmt.Sprintf("r%d", i)]
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("evaluate policies: %s: value is %T, want a set: %w", r.Ref, v, ErrPolicyEval)
		}
		for _, it := range items {
			f, err := toFinding(r, it)
			if err != nil {
				return nil, fmt.Errorf("evaluate policies: %w", err)
			}
			if f.Account == "" && f.URN != "" {
				f.Account = accounts[f.URN]
			}
			if seen[f] {
				continue
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	kept, hidden, status := applyExceptions(out, e.exceptions, e.now())
	if kept == nil {
		kept = []Finding{}
	}
	if hidden == nil {
		hidden = []Suppressed{}
	}
	if status == nil {
		status = []ExceptionStatus{}
	}
	return &Report{Findings: kept, Suppressed: hidden, Exceptions: status}, nil
}

// EvalError is a rule that failed during evaluation.
type EvalError struct {
	Rule    string // data.peerctl.acme.deny_x, "" when OPA gave no position
	File    string
	Line    int
	Code    string // OPA's code: eval_builtin_error, eval_conflict_error, ...
	Message string
	err     error
}

func (e *EvalError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Code, e.Message)
	}
	return fmt.Sprintf("%s:%d: rule %s: %s: %s", e.File, e.Line, e.Rule, e.Code, e.Message)
}

// Unwrap matches ErrPolicyEval and OPA's *topdown.Error.
func (e *EvalError) Unwrap() []error { return []error{ErrPolicyEval, e.err} }

// explainEvalError names the rule whose body holds the failing expression.
func (e *Engine) explainEvalError(err error) error {
	var te *topdown.Error
	if !errors.As(err, &te) {
		return fmt.Errorf("%w: %w", ErrPolicyEval, err)
	}
	ee := &EvalError{Code: te.Code, Message: te.Message, err: err}
	if te.Location != nil {
		ee.File, ee.Line = te.Location.File, te.Location.Row
		ee.Rule = e.ruleAt(te.Location)
	}
	return ee
}

// ruleAt is the rule of the module loaded from loc.File that encloses
// loc: the last rule that starts at or before its line.
func (e *Engine) ruleAt(loc *ast.Location) string {
	m, ok := e.modules[loc.File]
	if !ok {
		return ""
	}
	var best *ast.Rule
	for _, r := range m.Rules {
		if r.Location != nil && r.Location.Row <= loc.Row && (best == nil || r.Location.Row >= best.Location.Row) {
			best = r
		}
	}
	if best == nil {
		return ""
	}
	return m.Package.Path.String() + "." + best.Head.Ref().String()
}
