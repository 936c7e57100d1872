package policy

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Severities of findings.
const (
	SeverityDeny = "deny"
	SeverityWarn = "warn"
)

// Namespace is the package prefix under which the engine looks for rules.
const Namespace = "peerctl"

// DefaultTimeout bounds one evaluation when Options.Timeout is zero. The
// baseline takes well under a second on an 8-network mesh (see
// BenchmarkEvaluate), so this only stops a rule that runs away.
const DefaultTimeout = 5 * time.Second

// Options configure New.
type Options struct {
	// Dirs are user policy directories (repeatable --policy-dir), loaded
	// recursively after the embedded baseline. *_test.rego files are skipped.
	Dirs []string
	// Namespaces are packages evaluated besides data.peerctl (conftest's
	// --namespace), e.g. "main". Packages under them are evaluated too.
	Namespaces []string
	// Timeout bounds one Evaluate (--policy-timeout); 0 is DefaultTimeout.
	Timeout time.Duration
	// Exceptions suppress findings until they expire (LoadExceptions).
	Exceptions []Exception
	// Now is the clock exceptions expire by; nil is time.Now.
	Now func() time.Time
}

// Finding is one result of a finding rule.
type Finding struct {
	Rule     string `json:"rule"`     // rule id, e.g. "PEER-001"
	Severity string `json:"severity"` // "deny" or "warn"
	URN      string `json:"urn"`
	Account  string `json:"account"`
	Message  string `json:"message"`
}

// Rule describes one loaded finding rule, from its name and its METADATA
// annotation.
type Rule struct {
	ID        string   `json:"id"`
	Severity  string   `json:"severity"`
	Ref       string   `json:"ref"` // data.peerctl.baseline.peering.deny_peer_001
	Title     string   `json:"title,omitempty"`
	Rationale string   `json:"rationale,omitempty"`
	Reference string   `json:"reference,omitempty"`
	URLs      []string `json:"urls,omitempty"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Baseline  bool     `json:"baseline"`
}

// Engine holds compiled policies. It is safe for concurrent use.
type Engine struct {
	rules      []Rule
	exceptions []Exception
	timeout    time.Duration
	now        func() time.Time
	modules    map[string]*ast.Module
	query      rego.PreparedEvalQuery
}

// New compiles the embedded baseline and the policies in opts.Dirs in the
// sandbox (sandboxCapabilities). Errors in policy files wrap
// ErrInvalidPolicy and name file, line and column.
func New(ctx context.Context, opts Options) (*Engine, error) {
	ns, err := newNamespaces(opts.Namespaces)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	mods, names, isBaseline, err := loadModules(opts.Dirs, false)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	rules, err := discover(mods, names, isBaseline, ns)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	c, err := compile(mods)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	q, err := buildQuery(rules)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	pq, err := rego.New(
		rego.Compiler(c),
		rego.ParsedQuery(q),
		rego.Capabilities(sandboxCapabilities()),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("load policies: prepare query: %w", err)
	}
	e := &Engine{rules: rules, exceptions: opts.Exceptions, timeout: opts.Timeout, now: opts.Now, modules: mods, query: pq}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	if e.now == nil {
		e.now = time.Now
	}
	return e, nil
}

// loadModules parses the baseline and the user directories. names is the
// load order, baseline first, each file once.
func loadModules(dirs []string, withTests bool) (map[string]*ast.Module, []string, map[string]bool, error) {
	srcs, err := baselineSources(withTests)
	if err != nil {
		return nil, nil, nil, err
	}
	isBaseline := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		isBaseline[s.name] = true
	}
	seenDirs := map[string]bool{}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("policy dir %q: %w", d, err)
		}
		if seenDirs[abs] {
			continue // the same directory given twice
		}
		seenDirs[abs] = true
		s, err := dirSources(d, withTests)
		if err != nil {
			return nil, nil, nil, err
		}
		for i := range s {
			// A user's policy/s3.rego (conftest's default directory is
			// policy/) has the name of an embedded baseline file: name it by
			// its absolute path, so it is loaded, and checked, as the
			// user's own file rather than dropped as a duplicate.
			if isBaseline[s[i].name] {
				if s[i].name, err = filepath.Abs(s[i].name); err != nil {
					return nil, nil, nil, err
				}
			}
		}
		srcs = append(srcs, s...)
	}
	mods, err := parse(srcs)
	if err != nil {
		return nil, nil, nil, err
	}
	var names []string
	seen := map[string]bool{}
	for _, s := range srcs {
		if !seen[s.name] {
			seen[s.name] = true
			names = append(names, s.name)
		}
	}
	return mods, names, isBaseline, nil
}

// Rules lists the loaded rules sorted by id.
func (e *Engine) Rules() []Rule {
	out := make([]Rule, len(e.rules))
	copy(out, e.rules)
	return out
}

// buildQuery evaluates every rule in one query, so that the indexes the
// rules share (data.peerctl.lib) are computed once per evaluation.
func buildQuery(rules []Rule) (ast.Body, error) {
	var b strings.Builder
	for i, r := range rules {
		fmt.Fprintf(&b, "r%d = %s\n", i, r.Ref)
	}
	if b.Len() == 0 {
		b.WriteString("true\n")
	}
	body, err := ast.ParseBodyWithOpts(b.String(), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	return body, nil
}

func less(a, b Finding) bool {
	switch {
	case a.Severity != b.Severity:
		return a.Severity < b.Severity
	case a.Rule != b.Rule:
		return a.Rule < b.Rule
	case a.URN != b.URN:
		return a.URN < b.URN
	case a.Message != b.Message:
		return a.Message < b.Message
	default:
		return a.Account < b.Account
	}
}

// toFinding converts one element of a rule's set.
func toFinding(r Rule, v any) (Finding, error) {
	f := Finding{Rule: r.ID, Severity: r.Severity}
	switch x := v.(type) {
	case string:
		f.Message = x
		return f, nil
	case map[string]any:
		msg, ok := x["msg"].(string)
		if !ok {
			return f, fmt.Errorf("%s: finding %v has no string \"msg\"", r.Ref, v)
		}
		f.Message = msg
		for key, dst := range map[string]*string{"urn": &f.URN, "account": &f.Account} {
			switch s := x[key].(type) {
			case nil:
			case string:
				*dst = s
			default:
				return f, fmt.Errorf("%s: finding %v: %q is %T, want a string", r.Ref, v, key, s)
			}
		}
		return f, nil
	default:
		return f, fmt.Errorf("%s: finding %v is %T, want a string or an object with \"msg\"", r.Ref, v, v)
	}
}

// accountsByURN maps resource URNs to accounts, for findings that name only
// a URN.
func accountsByURN(in ast.Value) map[string]string {
	out := map[string]string{}
	obj, ok := in.(ast.Object)
	if !ok {
		return out
	}
	res := obj.Get(ast.StringTerm("resources"))
	if res == nil {
		return out
	}
	arr, ok := res.Value.(*ast.Array)
	if !ok {
		return out
	}
	arr.Foreach(func(t *ast.Term) {
		o, ok := t.Value.(ast.Object)
		if !ok {
			return
		}
		urn, _ := stringAt(o, "urn")
		acct, _ := stringAt(o, "account")
		if urn != "" {
			out[urn] = acct
		}
	})
	return out
}

func stringAt(o ast.Object, key string) (string, bool) {
	t := o.Get(ast.StringTerm(key))
	if t == nil {
		return "", false
	}
	s, ok := t.Value.(ast.String)
	return string(s), ok
}

// HasDeny reports whether any finding has severity deny.
func HasDeny(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityDeny {
			return true
		}
	}
	return false
}
