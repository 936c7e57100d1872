package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every validation failure.
var ErrInvalid = errors.New("invalid configuration")

// FieldError is one invalid setting: the key path, the offending value and
// what is wrong with it.
type FieldError struct {
	Field   string // e.g. peerctl:networks[1].cidr
	Value   string // the value as given; empty when the setting is missing
	Message string // what is wrong, phrased to follow "<field>: <value> "
	// Line is the stack file line the setting is on; 0 when the
	// configuration did not come from a file (PULUMI_CONFIG) or the setting
	// is absent from it.
	Line int
}

func (e *FieldError) Error() string {
	at := ""
	if e.Line > 0 {
		at = fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Value == "" {
		return fmt.Sprintf("%s%s: %s", at, e.Field, e.Message)
	}
	return fmt.Sprintf("%s%s: %q %s", at, e.Field, e.Value, e.Message)
}

// ValidationError collects every invalid setting of one configuration, so a
// user fixes them all in one round instead of one per run.
type ValidationError struct {
	Problems []*FieldError
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	if len(lines) == 1 {
		return "invalid configuration: " + lines[0]
	}
	return fmt.Sprintf("invalid configuration (%d problems):\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Is makes errors.Is(err, ErrInvalid) true for any ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems accumulates FieldErrors while decoding and validating.
type problems struct{ list []*FieldError }

func (p *problems) add(field, value, format string, args ...any) {
	p.list = append(p.list, &FieldError{Field: field, Value: value, Message: fmt.Sprintf(format, args...)})
}

// addAt is add for a problem whose stack file line is known.
func (p *problems) addAt(line int, field, value, format string, args ...any) {
	p.add(field, value, format, args...)
	p.list[len(p.list)-1].Line = line
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: p.list}
}
