package obstest

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/plan"
)

// Queries over a plan document. They serve tests only, so they live here
// rather than on plan.Document.

// OfType returns the resources of type typ, in URN order.
func (p *Plan) OfType(typ string) []plan.Resource { return OfType(p.Document, typ) }

// Named returns the resource of type typ called name.
func (p *Plan) Named(typ, name string) (plan.Resource, bool) { return Named(p.Document, typ, name) }

// OfType returns the resources of type typ in d, in URN order.
func OfType(d *plan.Document, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range d.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the resource of type typ called name in d.
func Named(d *plan.Document, typ, name string) (plan.Resource, bool) {
	for _, r := range d.Resources {
		if r.Type == typ && r.Name == name {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// ByID returns the resource of d whose placeholder id is id.
func ByID(d *plan.Document, id string) (plan.Resource, bool) {
	for _, r := range d.Resources {
		if r.ID == id && id != "" {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// Policy parses the IAM policy document r holds at key (a bucket, key or
// role policy, or a trust policy), failing the test when it does not parse.
func Policy(t testing.TB, r plan.Resource, key string) iamdoc.ParsedDocument {
	t.Helper()
	raw, err := json.Marshal(r.Inputs[key])
	if err != nil {
		t.Fatal(err)
	}
	d, err := iamdoc.Parse(string(raw))
	if err != nil {
		t.Fatalf("%s %s: %v", r.Name, key, err)
	}
	return d
}

// StatementBySid finds the statement of d with the given Sid.
func StatementBySid(d iamdoc.ParsedDocument, sid string) (iamdoc.ParsedStatement, bool) {
	i := slices.IndexFunc(d.Statement, func(s iamdoc.ParsedStatement) bool { return s.Sid == sid })
	if i < 0 {
		return iamdoc.ParsedStatement{}, false
	}
	return d.Statement[i], true
}
