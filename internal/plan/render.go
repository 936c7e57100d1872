package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// noAccount labels resources without an account: providers and components.
const noAccount = "no account"

// WriteText renders the plan for a reviewer, as `terraform plan` does:
// every resource with the attributes that matter, at most TextWidth
// columns a line.
//
// Layout: one section per account, in configuration order, holding its
// provider and the components whose resources are all in that account;
// then one "across accounts" section holding each component whose
// resources are in several accounts (the peering, the dashboards) once,
// its resources grouped by account inside it. Two other layouts were
// worse: listing such a component under every account it touches (the
// compact tree does) repeats it, and filing it under one account hides
// that the other account is changed too. A resource always sits under the
// account whose provider manages it, so "what happens in account X" is
// one section plus X's groups in the last section.
//
// A resource line is "+ <type> <name>" with notes in brackets; the type is
// its token shortened to module.Type (aws:ec2/vpc:Vpc is ec2.Vpc,
// peerctl:network:Network is network.Network, pulumi:providers:aws is
// providers.aws). Attributes follow, one "label = value" a line, chosen per
// type by the attributes table; ids of other resources in the plan are
// shown as their names. Long lines wrap onto indented continuation lines;
// nothing is cut.
func (d *Document) WriteText(w io.Writer) error {
	t := newTextPlan(d)
	t.header()
	t.topologyBlock()
	for _, account := range d.accountSections() {
		t.blank()
		t.wrapped(0, d.accountHeading(account), 2)
		t.roots(t.rootsOf(account), account)
	}
	if roots := t.rootsOf(""); len(roots) > 0 {
		t.blank()
		t.wrapped(0, "across accounts (components with resources in several accounts, each shown once)", 2)
		t.roots(roots, "")
	}
	t.blank()
	for _, line := range d.textSummary() {
		t.wrapped(0, line, 4)
	}
	// Why a deploy takes the time it does: AWS creates these one by one.
	if line := d.CriticalPathLine(); line != "" {
		t.wrapped(0, line, 2)
	}
	t.archivePolicy()
	_, err := io.WriteString(w, strings.Join(t.lines, "\n")+"\n")
	return err
}

// textPlan accumulates the lines of the text plan.
type textPlan struct {
	d        *Document
	lines    []string
	byID     map[string]Resource
	byURN    map[string]Resource
	children map[string][]Resource // by parent URN, in URN order
	sections []string
}

func newTextPlan(d *Document) *textPlan {
	t := &textPlan{d: d, byID: map[string]Resource{}, byURN: map[string]Resource{}, children: map[string][]Resource{}, sections: d.accountSections()}
	known := map[string]bool{}
	for _, r := range d.Resources {
		known[r.URN] = true
		t.byURN[r.URN] = r
		if r.ID == "" {
			continue
		}
		// Resources that act on another share its id (a peering
		// connection's accepter and options have the connection's): the
		// id names its owner, the one that does not take it as an input.
		// An id that every holder takes as an input (a partner's
		// connection, accepted by id) belongs to nothing in the plan and
		// is shown as it is.
		if _, dup := t.byID[r.ID]; !dup && !takesID(r, r.ID) {
			t.byID[r.ID] = r
		}
	}
	for _, r := range d.Resources {
		parent := r.Parent
		if !known[parent] {
			parent = ""
		}
		t.children[parent] = append(t.children[parent], r)
	}
	for parent, kids := range t.children {
		t.children[parent] = d.creationOrder(kids, parent)
	}
	return t
}

// takesID reports whether one of r's inputs is id.
func takesID(r Resource, id string) bool {
	for _, v := range r.Inputs {
		if v == id {
			return true
		}
	}
	return false
}

func (t *textPlan) blank() { t.lines = append(t.lines, "") }

// wrapped adds a line indented by indent columns, wrapped with
// continuation lines indented cont columns further.
func (t *textPlan) wrapped(indent int, text string, cont int) {
	t.lines = append(t.lines, wrap(strings.Repeat(" ", indent)+text, indent, indent+cont, TextWidth)...)
}

// header is the headline, the production marker and any override warning.
func (t *textPlan) header() {
	d := t.d
	t.wrapped(0, d.headline(), 2)
	if d.isProd() {
		retained := 0
		for _, r := range d.Resources {
			if r.RetainOnDelete {
				retained++
			}
		}
		t.wrapped(0, fmt.Sprintf("PRODUCTION stack: the %d resources marked [retained on destroy] stay in AWS after `peerctl destroy`.",
			retained), 2)
	}
	// Every resource of an offline plan is a create: say where changes to
	// a deployed stack are shown instead.
	t.wrapped(0, "Actions: + create (the offline plan compares with nothing deployed; `peerctl preview` shows changes).", 2)
	if o := d.EnvironmentOverride; o != nil {
		t.blank()
		t.wrapped(0, overrideWarning(o), 2)
	}
}

// rootsOf returns the top-level resources of a section: its provider first,
// then the rest in URN order.
func (t *textPlan) rootsOf(section string) []Resource {
	var providers, rest []Resource
	for _, r := range t.children[""] {
		switch {
		case t.sectionOf(r) != section:
		case isProvider(r):
			providers = append(providers, r)
		default:
			rest = append(rest, r)
		}
	}
	return append(providers, rest...)
}

// sectionOf is the account section a top-level resource is shown in: a
// provider's is the account it is named after, anything else's its own
// account; "" (across accounts) for components spanning accounts.
func (t *textPlan) sectionOf(r Resource) string {
	if isProvider(r) {
		if slices.Contains(t.sections, r.Name) {
			return r.Name
		}
		return ""
	}
	return r.Account
}

// roots writes the top-level resources of a section, a blank line apart.
func (t *textPlan) roots(roots []Resource, account string) {
	for _, r := range roots {
		t.blank()
		t.node(r, 2, account)
	}
}

// node writes r, its attributes and its children. account is the account
// of the section or group r is shown in ("" across accounts).
func (t *textPlan) node(r Resource, indent int, account string) {
	line := "+ " + ShortType(r.Type) + " " + r.Name
	if n := t.notes(r, account); n != "" {
		line += "  " + n
	}
	t.wrapped(indent, line, 4)
	t.attributes(r, indent+4)
	kids := t.children[r.URN]
	if r.ID != "" || r.Account != "" || len(kids) == 0 {
		for _, c := range kids {
			t.node(c, indent+2, account)
		}
		return
	}
	// A component spanning accounts: its children grouped by account.
	groups := map[string][]Resource{}
	for _, c := range kids {
		groups[c.Account] = append(groups[c.Account], c)
	}
	for _, c := range groups[""] {
		t.node(c, indent+2, "")
	}
	for _, a := range t.sections {
		if len(groups[a]) == 0 {
			continue
		}
		t.wrapped(indent+2, "# in account "+t.d.accountLabel(a), 2)
		for _, c := range groups[a] {
			t.node(c, indent+2, a)
		}
	}
}

// notes are the bracketed marks a reviewer must not miss.
func (t *textPlan) notes(r Resource, account string) string {
	var out []string
	if r.RetainOnDelete {
		out = append(out, "[retained on destroy]")
	}
	if r.Protect {
		out = append(out, "[protected]")
	}
	if len(r.IgnoreChanges) > 0 {
		out = append(out, "[ignores changes to "+strings.Join(r.IgnoreChanges, ", ")+"]")
	}
	if r.Account != "" && account != "" && r.Account != account && !isProvider(r) {
		out = append(out, "[in account "+r.Account+"]")
	}
	return strings.Join(out, " ")
}

// attributes writes r's attributes, labels padded to one width so values
// line up, each value wrapped under its own column.
//
// A context attribute the enclosing component already shows, same label
// and value, is left out: the bucket name on each of a log bucket's parts
// said nothing the component's own line did not.
func (t *textPlan) attributes(r Resource, indent int) {
	shown := map[string]string{}
	if p, ok := t.byURN[r.Parent]; ok {
		for _, row := range t.attributeRows(p) {
			shown[row.label] = strings.Join(row.values, "\n")
		}
	}
	var rows []attributeRow
	width := 0
	for _, row := range t.attributeRows(r) {
		if v, ok := shown[row.label]; ok && row.context && v == strings.Join(row.values, "\n") {
			continue
		}
		rows = append(rows, row)
		width = max(width, len(row.label))
	}
	pad := strings.Repeat(" ", indent)
	valueColumn := indent + width + 3
	for _, row := range rows {
		for i, val := range row.values {
			head := strings.Repeat(" ", width+3)
			if i == 0 {
				head = row.label + strings.Repeat(" ", width-len(row.label)) + " = "
			}
			// Continuations hang 2 columns in, so that the next value of
			// a list (a policy's next statement) stands out.
			t.lines = append(t.lines, wrap(pad+head+val, valueColumn, valueColumn+2, TextWidth)...)
		}
	}
}

// attributeRow is one attribute of a resource with its values.
type attributeRow struct {
	label   string
	values  []string
	context bool
}

// attributeRows reads r's attributes from the attributes table, leaving
// out those without a value.
func (t *textPlan) attributeRows(r Resource) []attributeRow {
	v := view{r: r, byID: t.byID, doc: t.d}
	var rows []attributeRow
	for _, a := range attributes[r.Type] {
		if vals := a.values(v); len(vals) > 0 {
			rows = append(rows, attributeRow{a.label, vals, a.context})
		}
	}
	return rows
}

// ShortType shortens a type token to module.Type: "aws:ec2/vpc:Vpc" is
// "ec2.Vpc", "peerctl:network:Network" is "network.Network" and
// "pulumi:providers:aws" is "providers.aws". The package is left out (a
// resource is AWS's, a component peerctl's); a token of another shape is
// returned as it is.
func ShortType(token string) string {
	parts := strings.Split(token, ":")
	if len(parts) != 3 {
		return token
	}
	module, _, _ := strings.Cut(parts[1], "/")
	return module + "." + parts[2]
}
