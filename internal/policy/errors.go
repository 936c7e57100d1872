package policy

import (
	"errors"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ErrInvalidPolicy is wrapped by every error New returns because a policy
// file is wrong (syntax, compile error, contract violation) rather than
// because a file could not be read. Check it with errors.Is.
var ErrInvalidPolicy = errors.New("invalid policy")

// PolicyError is one problem in a policy file, at a position. It matches
// ErrInvalidPolicy and, when OPA reported it, the *ast.Error it came from.
type PolicyError struct {
	File    string
	Line    int
	Column  int
	Code    string // OPA's error code (rego_parse_error, ...) or "peerctl_contract_error"
	Message string
	err     *ast.Error
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Code, e.Message)
}

// Unwrap makes errors.Is(err, ErrInvalidPolicy) and errors.As(err, **ast.Error)
// work.
func (e *PolicyError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrInvalidPolicy, e.err}
	}
	return []error{ErrInvalidPolicy}
}

const contractError = "peerctl_contract_error"

// fromOPA converts OPA's parse or compile errors, filling in the file name
// where OPA left it out.
func fromOPA(file string, err error) []error {
	var astErrs ast.Errors
	var astErr *ast.Error
	switch {
	case errors.As(err, &astErrs):
	case errors.As(err, &astErr):
		astErrs = ast.Errors{astErr}
	default:
		return []error{&PolicyError{File: file, Line: 1, Column: 1, Code: ast.ParseErr, Message: err.Error()}}
	}
	out := make([]error, 0, len(astErrs))
	for _, e := range astErrs {
		pe := &PolicyError{File: file, Line: 1, Column: 1, Code: e.Code, Message: e.Message, err: e}
		if e.Location != nil {
			if e.Location.File != "" {
				pe.File = e.Location.File
			}
			if e.Location.Row > 0 {
				pe.Line, pe.Column = e.Location.Row, max(e.Location.Col, 1)
			}
		}
		explainSandbox(pe)
		out = append(out, pe)
	}
	return out
}

func contractErr(loc *ast.Location, format string, args ...any) *PolicyError {
	pe := &PolicyError{Code: contractError, Message: fmt.Sprintf(format, args...)}
	if loc != nil {
		pe.File, pe.Line, pe.Column = loc.File, loc.Row, loc.Col
	}
	return pe
}
