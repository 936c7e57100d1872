// Package iamdoc builds IAM policy documents (identity, trust and resource
// policies) as Go values and marshals them to JSON. Building documents from
// structs rather than strings keeps them well-formed and deterministic: the
// same document always marshals to the same bytes (condition maps are sorted
// by encoding/json), so previews show no spurious diffs.
package iamdoc

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/peerctl/peerctl/internal/regions"
)

// Version is the policy language version every document uses.
const Version = "2012-10-17"

// Effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Document is a policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Action and Resource are always lists,
// which IAM accepts for single values too.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    string     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource,omitempty"`
	Condition Conditions `json:"Condition,omitempty"`
}

// Principal names who a resource or trust policy applies to. Anyone is the
// "*" principal: used in Deny statements (the TLS-only denies), and in the
// Allow statements of the gateway endpoint policies, each limited by a
// condition (aws:ResourceAccount) or by its resources (table ARNs, listed
// bucket ARNs), or, for DynamoDB's account-level calls, to three read-only
// actions.
type Principal struct {
	Anyone  bool
	Service []string
	AWS     []string
}

// MarshalJSON writes "*" for Anyone, otherwise an object of lists.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Anyone {
		return []byte(`"*"`), nil
	}
	type principal struct {
		AWS     []string `json:"AWS,omitempty"`
		Service []string `json:"Service,omitempty"`
	}
	return json.Marshal(principal{AWS: p.AWS, Service: p.Service})
}

// UnmarshalJSON reads what MarshalJSON writes, and single strings, so tests
// can parse documents back.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != "*" {
			return fmt.Errorf("principal %q: only \"*\" may be a bare string", s)
		}
		*p = Principal{Anyone: true}
		return nil
	}
	var raw map[string]StringList
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = Principal{Service: raw["Service"], AWS: raw["AWS"]}
	for k := range raw {
		if k != "Service" && k != "AWS" {
			return fmt.Errorf("principal kind %q is not used by peerctl", k)
		}
	}
	return nil
}

// Conditions maps an operator (StringEquals, ArnLike, Bool...) to condition
// keys and their allowed values.
type Conditions map[string]map[string][]string

// StringList unmarshals a JSON string or list of strings.
type StringList []string

// UnmarshalJSON accepts "x" and ["x", "y"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = StringList{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*l = list
	return nil
}

// Services is a principal of AWS service principals.
func Services(names ...string) *Principal { return &Principal{Service: names} }

// Accounts is a principal of AWS account ids.
func Accounts(ids ...string) *Principal { return &Principal{AWS: ids} }

// Anyone is the "*" principal.
func Anyone() *Principal { return &Principal{Anyone: true} }

// New returns a document with the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON marshals the document. It cannot fail for documents built from this
// package's types, so the error is only returned for completeness.
func (d Document) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("marshalling policy document: %w", err)
	}
	return string(b), nil
}

// MustJSON marshals a document built from constants; it panics on error,
// which would be a programming error.
func (d Document) MustJSON() string {
	s, err := d.JSON()
	if err != nil {
		panic(err)
	}
	return s
}

// Parse reads a policy document, as tests and checks do.
func Parse(s string) (ParsedDocument, error) {
	var d ParsedDocument
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return d, fmt.Errorf("not a policy document: %w", err)
	}
	if d.Version != Version {
		return d, fmt.Errorf("policy version %q, want %q", d.Version, Version)
	}
	return d, nil
}

// ParsedDocument is a document read back, with single values as lists.
type ParsedDocument struct {
	Version   string            `json:"Version"`
	Statement []ParsedStatement `json:"Statement"`
}

// ParsedStatement is a statement read back.
type ParsedStatement struct {
	Sid       string                           `json:"Sid"`
	Effect    string                           `json:"Effect"`
	Principal *Principal                       `json:"Principal"`
	Action    StringList                       `json:"Action"`
	NotAction StringList                       `json:"NotAction"`
	Resource  StringList                       `json:"Resource"`
	Condition map[string]map[string]StringList `json:"Condition"`
}

// ConditionValues returns the values of key under operator, matching the
// key case-insensitively as IAM does.
func (s ParsedStatement) ConditionValues(operator, key string) []string {
	for k, v := range s.Condition[operator] {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// HasConditionKey reports whether any operator of s tests key.
func (s ParsedStatement) HasConditionKey(key string) bool {
	for _, conds := range s.Condition {
		for k := range conds {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}

// Partition returns the ARN partition of an AWS region (aws, aws-cn,
// aws-us-gov...), from the region table of package regions, so every ARN
// peerctl builds is in the partition AWS will put the resource in.
func Partition(region string) string { return regions.Partition(region) }

// TLSOnly is the statement that denies every request to an S3 bucket (and
// its objects) made without TLS.
func TLSOnly(resources ...string) Statement {
	return Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    Deny,
		Principal: Anyone(),
		Action:    []string{"s3:*"},
		Resource:  resources,
		Condition: Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}
}
