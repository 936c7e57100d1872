package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteCompact renders the plan as the one-line-per-resource tree peerctl
// printed before the attribute view (`peerctl plan --compact`): resources
// grouped by account and, within an account, under the (possibly nested)
// component they belong to, then a summary. Scripts that grep it keep
// working; a component that spans accounts heads its children in every
// account and is listed again under "no account".
func (d *Document) WriteCompact(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", d.headline())
	if o := d.EnvironmentOverride; o != nil {
		fmt.Fprintf(&b, "\n%s\n", overrideWarning(o))
	}
	byURN := map[string]Resource{}
	for _, r := range d.Resources {
		byURN[r.URN] = r
	}
	for _, account := range d.accounts() {
		fmt.Fprintf(&b, "\n%s\n", d.accountHeading(account))
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		d.writeAccount(tw, account, byURN)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(&b, "\n%s\n", d.Summary())
	// Why a deploy takes the time it does: AWS creates these one by one.
	if line := d.CriticalPathLine(); line != "" {
		fmt.Fprintf(&b, "%s\n", line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeAccount writes one account's resources: each under the chain of
// components it belongs to, a component's own line marked "+" when the
// component itself is attributed to this account.
func (d *Document) writeAccount(w io.Writer, account string, byURN map[string]Resource) {
	type row struct {
		path []Resource // component ancestors, outermost first
		r    Resource
	}
	var rows []row
	for _, r := range d.Resources {
		if label(r.Account) != account || (r.ID == "" && r.Account != "") {
			continue // components of this account are printed as headings
		}
		rows = append(rows, row{componentPath(r, byURN), r})
	}
	key := func(path []Resource) string {
		var parts []string
		for _, c := range path {
			parts = append(parts, c.Type+" "+c.Name)
		}
		return strings.Join(parts, "\x00")
	}
	slices.SortStableFunc(rows, func(a, b row) int { return strings.Compare(key(a.path), key(b.path)) })
	var printed []Resource // the component chain printed last
	for _, r := range rows {
		for depth, c := range r.path {
			if depth < len(printed) && printed[depth].URN == c.URN {
				continue
			}
			printed = append(printed[:depth], c)
			marker := " "
			if c.Account == account {
				marker = "+"
			}
			fmt.Fprintf(w, "%s%s %s\t%s\n", strings.Repeat("  ", depth+1), marker, c.Type, c.Name)
		}
		fmt.Fprintf(w, "%s+ %s\t%s%s\n", strings.Repeat("  ", len(r.path)+1), r.r.Type, r.r.Name, notes(r.r))
	}
}

// notes points out what a reviewer should not miss about a resource.
func notes(r Resource) string {
	var out []string
	if r.RetainOnDelete {
		out = append(out, "kept on destroy")
	}
	if r.Protect {
		out = append(out, "protected")
	}
	if len(r.IgnoreChanges) > 0 {
		out = append(out, "ignores drift of "+strings.Join(r.IgnoreChanges, ", "))
	}
	if len(out) == 0 {
		return ""
	}
	return "  (" + strings.Join(out, "; ") + ")"
}

// componentPath lists the components r is nested in, outermost first.
func componentPath(r Resource, byURN map[string]Resource) []Resource {
	var path []Resource
	for p, ok := byURN[r.Parent]; ok && p.ID == ""; p, ok = byURN[p.Parent] {
		path = append([]Resource{p}, path...)
	}
	return path
}

// Summary is the compact tree's summary: a total split into AWS resources,
// components and providers, then one line per account with counts by type.
func (d *Document) Summary() string {
	aws, components, providers := d.kinds(d.Resources)
	lines := []string{fmt.Sprintf("Plan: %d to create (%d AWS resources, %d components, %d providers).",
		len(d.Resources), aws, components, providers)}
	for _, account := range d.accounts() {
		counts := map[string]int{}
		total := 0
		for _, r := range d.Resources {
			if label(r.Account) == account {
				counts[summaryType(r)]++
				total++
			}
		}
		types := make([]string, 0, len(counts))
		for t := range counts {
			types = append(types, t)
		}
		slices.Sort(types)
		items := make([]string, len(types))
		for i, t := range types {
			items[i] = fmt.Sprintf("%d %s", counts[t], t)
		}
		lines = append(lines, fmt.Sprintf("  %s: %d (%s)", account, total, strings.Join(items, ", ")))
	}
	return strings.Join(lines, "\n")
}

// summaryType names a type for the summary: short AWS type names, and
// components and providers marked as such.
func summaryType(r Resource) string {
	t := lastTypeSegment(r.Type)
	switch {
	case isProvider(r):
		return t
	case r.ID == "":
		return t + " component"
	}
	return t
}

// lastTypeSegment turns "aws:ec2/vpc:Vpc" into "Vpc" and
// "pulumi:providers:aws" into "aws provider".
func lastTypeSegment(t string) string {
	if rest, ok := strings.CutPrefix(t, "pulumi:providers:"); ok {
		return rest + " provider"
	}
	return t[strings.LastIndex(t, ":")+1:]
}
