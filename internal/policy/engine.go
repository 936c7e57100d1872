package policy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

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

// Options configure New.
type Options struct {
	// Dirs are user policy directories (repeatable --policy-dir), loaded
	// recursively after the embedded baseline. *_test.rego files are skipped.
	Dirs []string
}

// Finding is one result of a deny_ or warn_ rule.
type Finding struct {
	Rule     string `json:"rule"`     // rule id, e.g. "PEER-001"
	Severity string `json:"severity"` // "deny" or "warn"
	URN      string `json:"urn"`
	Account  string `json:"account"`
	Message  string `json:"message"`
}

// Rule describes one loaded deny_ or warn_ rule, from its name and its
// METADATA annotation.
type Rule struct {
	ID        string   `json:"id"`
	Severity  string   `json:"severity"`
	Ref       string   `json:"ref"` // data.peerctl.baseline.peering.deny_peer_001
	Title     string   `json:"title,omitempty"`
	Rationale string   `json:"rationale,omitempty"`
	Reference string   `json:"reference,omitempty"`
	URLs      []string `json:"urls,omitempty"`
	File      string   `json:"file"`
	Baseline  bool     `json:"baseline"`
}

// Engine holds compiled policies. It is safe for concurrent use.
type Engine struct {
	rules      []Rule
	exceptions []string // refs of exception rules
	query      rego.PreparedEvalQuery
}

var ruleName = regexp.MustCompile(`^(deny|warn)_([A-Za-z0-9_]+)$`)

// New compiles the embedded baseline and the policies in opts.Dirs. Errors
// in policy files wrap ErrInvalidPolicy and name file, line and column.
func New(ctx context.Context, opts Options) (*Engine, error) {
	srcs, err := baselineSources(false)
	if err != nil {
		return nil, err
	}
	isBaseline := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		isBaseline[s.name] = true
	}
	for _, d := range opts.Dirs {
		s, err := dirSources(d, false)
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
		srcs = append(srcs, s...)
	}
	mods, err := parse(srcs)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	var names []string // load order, each file once
	seen := map[string]bool{}
	for _, s := range srcs {
		if !seen[s.name] {
			seen[s.name] = true
			names = append(names, s.name)
		}
	}
	rules, exceptions, err := discover(mods, names, isBaseline)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	c, err := compile(mods)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	q, err := buildQuery(rules, exceptions)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	pq, err := rego.New(rego.Compiler(c), rego.ParsedQuery(q)).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("load policies: prepare query: %w", err)
	}
	return &Engine{rules: rules, exceptions: exceptions, query: pq}, nil
}

// Rules lists the loaded rules sorted by id.
func (e *Engine) Rules() []Rule {
	out := make([]Rule, len(e.rules))
	copy(out, e.rules)
	return out
}

// discover finds the deny_/warn_/exception rules of every package under
// data.peerctl and checks the naming contract. names is the load order
// (baseline first), so that a clash is reported in the later file.
func discover(mods map[string]*ast.Module, names []string, baseline map[string]bool) ([]Rule, []string, error) {
	byRef := map[string]*Rule{}
	byID := map[string]*Rule{}
	exceptions := map[string]bool{}
	var errs []error
	for _, n := range names {
		m, ok := mods[n]
		if !ok {
			continue
		}
		pkg := m.Package.Path
		if !inNamespace(pkg) {
			errs = append(errs, contractErr(m.Package.Location,
				"package %s is outside data.%s; peerctl evaluates only packages under data.%s", pkg, Namespace, Namespace))
			continue
		}
		for _, r := range m.Rules {
			head := r.Head.Ref()
			v, ok := head[0].Value.(ast.Var)
			if len(head) != 1 || !ok {
				continue // ref heads (a.b.c) are not findings rules
			}
			name := string(v)
			full := pkg.Append(ast.StringTerm(name)).String()
			if name == "exception" {
				if r.Head.RuleKind() != ast.MultiValue || len(r.Head.Args) > 0 {
					errs = append(errs, contractErr(r.Location, "%s must be a partial set rule: exception contains x if { ... }", full))
					continue
				}
				exceptions[full] = true
				continue
			}
			match := ruleName.FindStringSubmatch(name)
			if match == nil {
				continue
			}
			if r.Head.RuleKind() != ast.MultiValue || len(r.Head.Args) > 0 {
				errs = append(errs, contractErr(r.Location, "%s must be a partial set rule: %s contains msg if { ... }", name, name))
				continue
			}
			if prev, ok := byRef[full]; ok {
				mergeAnnotations(prev, r)
				continue
			}
			id := strings.ToUpper(strings.ReplaceAll(match[2], "_", "-"))
			rule := &Rule{
				ID:       id,
				Severity: match[1],
				Ref:      full,
				File:     r.Location.File,
				Baseline: baseline[r.Location.File],
			}
			if prev, ok := byID[id]; ok {
				errs = append(errs, contractErr(r.Location, "rule id %s of %s is already used by %s (%s)", id, full, prev.Ref, prev.File))
				continue
			}
			mergeAnnotations(rule, r)
			byRef[full], byID[id] = rule, rule
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	rules := make([]Rule, 0, len(byID))
	for _, r := range byID {
		rules = append(rules, *r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	exc := make([]string, 0, len(exceptions))
	for ref := range exceptions {
		exc = append(exc, ref)
	}
	sort.Strings(exc)
	return rules, exc, nil
}

func inNamespace(pkg ast.Ref) bool {
	return len(pkg) >= 2 && pkg[1].Equal(ast.StringTerm(Namespace))
}

// mergeAnnotations copies title, rationale, reference and URLs from a rule
// definition's METADATA, keeping what an earlier definition already gave.
func mergeAnnotations(dst *Rule, r *ast.Rule) {
	for _, a := range r.Annotations {
		if dst.Title == "" {
			dst.Title = a.Title
		}
		if s, ok := a.Custom["rationale"].(string); ok && dst.Rationale == "" {
			dst.Rationale = s
		}
		if s, ok := a.Custom["reference"].(string); ok && dst.Reference == "" {
			dst.Reference = s
		}
		if len(dst.URLs) == 0 {
			for _, rr := range a.RelatedResources {
				if rr.Ref.String() != "" {
					dst.URLs = append(dst.URLs, rr.Ref.String())
				}
			}
		}
	}
}

// buildQuery evaluates every rule in one query, so that the indexes the
// rules share (data.peerctl.lib) are computed once per evaluation.
func buildQuery(rules []Rule, exceptions []string) (ast.Body, error) {
	var b strings.Builder
	for i, r := range rules {
		fmt.Fprintf(&b, "r%d = %s\n", i, r.Ref)
	}
	for i, ref := range exceptions {
		fmt.Fprintf(&b, "x%d = %s\n", i, ref)
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

// Evaluate runs every rule against input, the plan document (a
// map[string]any decoded from JSON, or anything that marshals to it), and
// returns the findings sorted by severity, rule, urn and message.
func (e *Engine) Evaluate(ctx context.Context, input any) ([]Finding, error) {
	in, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: input: %w", err)
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate policies: query returned %d results, want 1", len(rs))
	}
	bind := rs[0].Bindings

	skip, err := e.collectExceptions(bind)
	if err != nil {
		return nil, err
	}
	accounts := accountsByURN(in)
	seen := map[Finding]bool{}
	var out []Finding
	for i, r := range e.rules {
		v := bind[fmt.Sprintf("r%d", i)]
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("evaluate policies: %s: value is %T, want a set", r.Ref, v)
		}
		for _, it := range items {
			f, err := toFinding(r, it)
			if err != nil {
				return nil, fmt.Errorf("evaluate policies: %w", err)
			}
			if f.Account == "" && f.URN != "" {
				f.Account = accounts[f.URN]
			}
			if skip[exceptionKey{f.Rule, ""}] || skip[exceptionKey{f.Rule, f.URN}] || seen[f] {
				continue
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out, nil
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

type exceptionKey struct{ rule, urn string }

func (e *Engine) collectExceptions(bind rego.Vars) (map[exceptionKey]bool, error) {
	skip := map[exceptionKey]bool{}
	for i, ref := range e.exceptions {
		items, _ := bind[fmt.Sprintf("x%d", i)].([]any)
		for _, it := range items {
			switch x := it.(type) {
			case string:
				skip[exceptionKey{x, ""}] = true
			case map[string]any:
				id, ok := x["rule"].(string)
				if !ok {
					return nil, fmt.Errorf("evaluate policies: %s: exception %v has no string \"rule\"", ref, it)
				}
				urn, _ := x["urn"].(string)
				skip[exceptionKey{id, urn}] = true
			default:
				return nil, fmt.Errorf("evaluate policies: %s: exception %v is %T, want a rule id or {\"rule\": id, \"urn\": urn}", ref, it, it)
			}
		}
	}
	return skip, nil
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
