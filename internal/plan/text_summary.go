package plan

import (
	"fmt"
	"slices"
	"strings"
)

// textSummary is the text plan's closing count: a total, then one line per
// account ("trading (111111111111): 74 to create, 14 retained on destroy")
// and one for the components across accounts. An account's count includes
// its provider, as its section does.
func (d *Document) textSummary() []string {
	aws, components, providers := d.kinds(d.Resources)
	total := fmt.Sprintf("Plan: %d to create (%s, %s, %s)", len(d.Resources), plural(aws, "AWS resource"), plural(components, "component"), plural(providers, "provider"))
	lines := []string{total + ", " + keptCounts(d.Resources) + "."}
	perAccount := map[string][]Resource{}
	for _, r := range d.Resources {
		account := r.Account
		if isProvider(r) {
			account = r.Name
		}
		perAccount[account] = append(perAccount[account], r)
	}
	sections := d.accountSections()
	for _, a := range sections {
		lines = append(lines, fmt.Sprintf("  %s: %d to create, %s", d.accountLabel(a), len(perAccount[a]), keptCounts(perAccount[a])))
	}
	// Whatever is in no account section: components across accounts, and
	// providers not named after an account.
	var rest []Resource
	for account, rs := range perAccount {
		if !slices.Contains(sections, account) {
			rest = append(rest, rs...)
		}
	}
	if len(rest) > 0 {
		aws, components, providers := d.kinds(rest)
		var parts []string
		for _, c := range []struct {
			n    int
			what string
		}{{components, "component"}, {aws, "AWS resource"}, {providers, "provider"}} {
			if c.n > 0 {
				parts = append(parts, plural(c.n, c.what))
			}
		}
		lines = append(lines, "  across accounts: "+strings.Join(parts, ", "))
	}
	return lines
}

// keptCounts is "N retained on destroy", with ", M protected" when any are.
func keptCounts(rs []Resource) string {
	retained, protected := 0, 0
	for _, r := range rs {
		if r.RetainOnDelete {
			retained++
		}
		if r.Protect {
			protected++
		}
	}
	s := fmt.Sprintf("%d retained on destroy", retained)
	if protected > 0 {
		s += fmt.Sprintf(", %d protected", protected)
	}
	return s
}

// kinds counts AWS resources, components and providers.
func (d *Document) kinds(rs []Resource) (aws, components, providers int) {
	for _, r := range rs {
		switch {
		case isProvider(r):
			providers++
		case r.ID == "":
			components++
		default:
			aws++
		}
	}
	return aws, components, providers
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
