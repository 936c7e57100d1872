package policy

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// findingName is the contract for finding rules, conftest's names: deny,
// violation or warn, alone or with a lowercase _suffix.
var findingName = regexp.MustCompile(`^(deny|violation|warn)(?:_([a-z0-9]+(?:_[a-z0-9]+)*))?$`)

// findingLike catches names an author meant as finding rules (Deny_x,
// deny_UP, warn_, exception) so that they are errors, never silently
// skipped. Helpers such as denied or warnings are not caught.
var findingLike = regexp.MustCompile(`(?i)^(deny|violation|warn|exception)(_|$)`)

// reserved packages belong to peerctl: a user file may read them but not
// declare them or add rules to them.
var reserved = []ast.Ref{
	ast.MustParseRef("data." + Namespace + ".baseline"),
	ast.MustParseRef("data." + Namespace + ".lib"),
}

// namespaces are the package roots whose finding rules are evaluated:
// data.peerctl and the extra ones asked for (conftest's --namespace).
type namespaces []ast.Ref

func newNamespaces(extra []string) (namespaces, error) {
	ns := namespaces{ast.MustParseRef("data." + Namespace)}
	for _, n := range extra {
		ref, err := ast.ParseRef("data." + strings.TrimPrefix(n, "data."))
		if err != nil || !ref.IsGround() {
			return nil, errors.New("namespace " + n + " is not a package name such as main or policy.aws")
		}
		ns = append(ns, ref)
	}
	return ns, nil
}

func (ns namespaces) evaluates(pkg ast.Ref) bool {
	for _, n := range ns {
		if pkg.HasPrefix(n) {
			return true
		}
	}
	return false
}

func isReserved(ref ast.Ref) bool {
	for _, r := range reserved {
		if ref.HasPrefix(r) {
			return true
		}
	}
	return false
}

// discover finds the finding rules of every evaluated package and checks
// the contract. names is the load order (baseline first), so that a clash
// is reported in the later file.
func discover(mods map[string]*ast.Module, names []string, baseline map[string]bool, ns namespaces) ([]Rule, error) {
	byRef := map[string]*Rule{}
	byID := map[string]*Rule{}
	var errs []error
	for _, n := range names {
		m, ok := mods[n]
		if !ok {
			continue
		}
		pkg := m.Package.Path
		user := !baseline[n]
		if user && isReserved(pkg) {
			errs = append(errs, contractErr(m.Package.Location,
				"package %s belongs to peerctl's baseline; user policies may import it but not declare it (use a package such as data.%s.acme)", pkg, Namespace))
			continue
		}
		evaluated := ns.evaluates(pkg)
		for _, r := range m.Rules {
			head := r.Head.Ref()
			first, ok := head[0].Value.(ast.Var)
			if !ok {
				continue
			}
			name := string(first)
			full := pkg.Append(ast.StringTerm(name)).Concat(head[1:])
			if user && isReserved(full) {
				errs = append(errs, contractErr(r.Location, "rule %s adds to peerctl's baseline; user policies may not", full))
				continue
			}
			if !findingLike.MatchString(name) {
				continue // a helper
			}
			if strings.EqualFold(name, "exception") {
				errs = append(errs, contractErr(r.Location,
					"%s: exceptions are not written in policies; add the rule id, resource, reason and expiry to %s in the project directory", full, ExceptionsFile))
				continue
			}
			match := findingName.FindStringSubmatch(name)
			switch {
			case match == nil:
				errs = append(errs, contractErr(r.Location,
					"%s looks like a finding rule but does not fit the contract: name it deny, violation or warn, alone or with a lowercase _suffix (deny_acme_001)", full))
				continue
			case len(head) != 1 || r.Head.RuleKind() != ast.MultiValue || len(r.Head.Args) > 0:
				errs = append(errs, contractErr(r.Location, "%s must be a partial set rule: %s contains msg if { ... }", full, name))
				continue
			case !evaluated:
				errs = append(errs, contractErr(r.Location,
					"%s is in package %s, which peerctl does not evaluate: use a package under data.%s, or pass --namespace %s", full, pkg, Namespace, strings.TrimPrefix(pkg.String(), "data.")))
				continue
			}
			ref := full.String()
			if prev, ok := byRef[ref]; ok {
				mergeAnnotations(prev, r)
				continue
			}
			rule := &Rule{
				ID:       ruleIDFor(pkg, match[1], match[2]),
				Severity: severityOf(match[1]),
				Ref:      ref,
				File:     r.Location.File,
				Line:     r.Location.Row,
				Baseline: baseline[r.Location.File],
			}
			if prev, ok := byID[rule.ID]; ok {
				errs = append(errs, contractErr(r.Location, "rule id %s of %s is already used by %s (%s)", rule.ID, ref, prev.Ref, prev.File))
				continue
			}
			mergeAnnotations(rule, r)
			byRef[ref], byID[rule.ID] = rule, rule
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	rules := make([]Rule, 0, len(byID))
	for _, r := range byID {
		rules = append(rules, *r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

// ruleIDFor maps a rule name to the id findings and exceptions use:
// deny_acme_001 is ACME-001; a plain deny, violation or warn (conftest's
// usual names) is named by its package: peerctl.acme.deny, main.warn.
func ruleIDFor(pkg ast.Ref, kind, suffix string) string {
	if suffix == "" {
		return strings.TrimPrefix(pkg.String(), "data.") + "." + kind
	}
	return strings.ToUpper(strings.ReplaceAll(suffix, "_", "-"))
}

// severityOf: conftest's violation is a deny that may carry an object.
func severityOf(kind string) string {
	if kind == "warn" {
		return SeverityWarn
	}
	return SeverityDeny
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
