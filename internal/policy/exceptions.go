package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ExceptionsFile is the one place exceptions live: this file in the project
// directory, beside Pulumi.yaml, where a team can require a reviewer for it
// (CODEOWNERS). Policy files cannot except anything.
const ExceptionsFile = "policy-exceptions.yaml"

// ErrInvalidExceptions is wrapped by every error about the exceptions file's
// contents. Check it with errors.Is.
var ErrInvalidExceptions = errors.New("invalid policy exceptions")

// Exception suppresses the findings of one rule on the resources whose URN
// matches Resource, until the end of the Expires day (UTC).
type Exception struct {
	Rule     string `json:"rule" yaml:"rule"`
	Resource string `json:"resource" yaml:"resource"` // URN pattern: * matches any run of characters
	Reason   string `json:"reason" yaml:"reason"`
	Expires  string `json:"expires" yaml:"expires"` // YYYY-MM-DD
	File     string `json:"file" yaml:"-"`
	Line     int    `json:"line" yaml:"-"`

	expiresAt time.Time // the first instant it no longer applies
	pattern   *regexp.Regexp
}

// Expired reports whether the exception no longer applies at now.
func (x Exception) Expired(now time.Time) bool { return !now.Before(x.expiresAt) }

// matches reports whether the exception covers finding f.
func (x Exception) matches(f Finding) bool {
	return x.Rule == f.Rule && x.pattern.MatchString(f.URN)
}

func (x Exception) where() string { return fmt.Sprintf("%s:%d", x.File, x.Line) }

var ruleID = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$|^[a-z0-9_.]+\.(deny|violation|warn)$`)

// LoadExceptions reads an exceptions file. A missing file is no exceptions.
func LoadExceptions(file string) ([]Exception, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read policy exceptions: %w", err)
	}
	return ParseExceptions(file, b)
}

// ParseExceptions parses the exceptions document:
//
//	exceptions:
//	  - rule: NET-007
//	    resource: "urn:pulumi:prod::peerctl::*::trading-nacl"
//	    reason: AWS raised the quota to 40 (case 1234)
//	    expires: 2027-03-31
func ParseExceptions(file string, b []byte) ([]Exception, error) {
	var doc struct {
		Exceptions []yaml.Node `yaml:"exceptions"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w: %v", file, ErrInvalidExceptions, err)
	}
	var out []Exception
	var errs []error
	for _, n := range doc.Exceptions {
		if err := knownFields(n); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w: %v", file, n.Line, ErrInvalidExceptions, err))
			continue
		}
		var x Exception
		if err := n.Decode(&x); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w: %v", file, n.Line, ErrInvalidExceptions, err))
			continue
		}
		// The file's own name, not its path: it goes into the plan JSON,
		// which must not depend on where the checkout is.
		x.File, x.Line = filepath.Base(file), n.Line
		if err := x.check(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w: %v", x.where(), ErrInvalidExceptions, err))
			continue
		}
		out = append(out, x)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// knownFields refuses keys an exception does not have (yaml.v3's
// KnownFields does not reach Node.Decode): a misspelt key must not be
// dropped silently.
func knownFields(n yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("an exception is a mapping with rule, resource, reason and expires")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i]; k.Value {
		case "rule", "resource", "reason", "expires":
		default:
			return fmt.Errorf("line %d: unknown field %q; an exception has rule, resource, reason and expires", k.Line, k.Value)
		}
	}
	return nil
}

// check validates the fields and compiles the pattern.
func (x *Exception) check() error {
	switch {
	case !ruleID.MatchString(x.Rule):
		return fmt.Errorf("rule %q is not a rule id such as NET-007 (peerctl policy list shows them)", x.Rule)
	case x.Resource == "":
		return fmt.Errorf("rule %s: resource is required: a URN, a pattern with * or \"*\" for every resource", x.Rule)
	case strings.TrimSpace(x.Reason) == "":
		return fmt.Errorf("rule %s: reason is required: say why the finding is accepted and who accepted it", x.Rule)
	}
	day, err := time.Parse(time.DateOnly, x.Expires)
	if err != nil {
		return fmt.Errorf("rule %s: expires %q is not a date YYYY-MM-DD", x.Rule, x.Expires)
	}
	x.expiresAt = day.AddDate(0, 0, 1) // valid through the whole day, UTC
	parts := strings.Split(x.Resource, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	x.pattern = regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
	return nil
}

// Suppressed is a finding an exception hid.
type Suppressed struct {
	Finding
	Exception string `json:"exception"` // file:line of the exception
	Reason    string `json:"reason"`
	Expires   string `json:"expires"`
}

// ExceptionStatus reports how each exception applied in one evaluation.
type ExceptionStatus struct {
	Exception
	Expired    bool `json:"expired"`
	Suppressed int  `json:"suppressed"` // findings it hid (0 when expired)
	Matched    int  `json:"matched"`    // findings it matches, hidden or not
}

// applyExceptions splits findings into those that remain and those an
// active exception hides. Expired exceptions hide nothing; their findings
// stay and their status says so.
func applyExceptions(fs []Finding, xs []Exception, now time.Time) ([]Finding, []Suppressed, []ExceptionStatus) {
	status := make([]ExceptionStatus, len(xs))
	for i, x := range xs {
		status[i] = ExceptionStatus{Exception: x, Expired: x.Expired(now)}
	}
	var kept []Finding
	var hidden []Suppressed
	for _, f := range fs {
		by := -1
		for i, x := range xs {
			if !x.matches(f) {
				continue
			}
			status[i].Matched++
			if by < 0 && !status[i].Expired {
				by = i
			}
		}
		if by < 0 {
			kept = append(kept, f)
			continue
		}
		status[by].Suppressed++
		x := xs[by]
		hidden = append(hidden, Suppressed{Finding: f, Exception: x.where(), Reason: x.Reason, Expires: x.Expires})
	}
	return kept, hidden, status
}
