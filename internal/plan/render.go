package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// noAccount labels resources without an account: providers and components.
const noAccount = "no account"

// WriteText renders the plan for people: resources grouped by account, then
// by the component they belong to, then a one-line summary.
func (d *Document) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan for stack %s (environment %s, region %s)\n", d.Stack, d.Environment, d.Region)
	byURN := map[string]Resource{}
	width := 0
	for _, r := range d.Resources {
		byURN[r.URN] = r
		width = max(width, len(r.Type))
	}
	for _, account := range d.accounts() {
		fmt.Fprintf(&b, "\n%s\n", accountHeading(account, d.Resources))
		groups, order := d.groupByComponent(account, byURN)
		for _, parent := range order {
			indent := "  "
			if parent != "" {
				p := byURN[parent]
				marker := " "
				if p.Account == account {
					marker = "+" // the component itself belongs to this account
				}
				fmt.Fprintf(&b, "  %s %-*s  %s\n", marker, width, p.Type, p.Name)
				indent = "      "
			}
			for _, r := range groups[parent] {
				fmt.Fprintf(&b, "%s+ %-*s  %s\n", indent, width-len(indent)+2, r.Type, r.Name)
			}
		}
	}
	fmt.Fprintf(&b, "\n%s\n", d.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is one line: the total and the count per account and type.
func (d *Document) Summary() string {
	parts := []string{}
	for _, account := range d.accounts() {
		counts := map[string]int{}
		total := 0
		for _, r := range d.Resources {
			if label(r.Account) == account {
				counts[shortType(r.Type)]++
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
		parts = append(parts, fmt.Sprintf("%s %d (%s)", account, total, strings.Join(items, ", ")))
	}
	return fmt.Sprintf("Plan: %d to create; %s.", len(d.Resources), strings.Join(parts, "; "))
}

// accounts lists account labels: networks in configuration order (sorted by
// name when the order is unknown), then "no account".
func (d *Document) accounts() []string {
	var names []string
	hasNone := false
	for _, r := range d.Resources {
		if r.Account == "" {
			hasNone = true
		} else if !slices.Contains(names, r.Account) {
			names = append(names, r.Account)
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return slices.Index(d.networkOrder, a) - slices.Index(d.networkOrder, b)
	})
	if hasNone {
		names = append(names, noAccount)
	}
	return names
}

func label(account string) string {
	if account == "" {
		return noAccount
	}
	return account
}

// accountHeading describes how an account is reached, from its provider.
func accountHeading(account string, all []Resource) string {
	if account == noAccount {
		return "no account (providers and components)"
	}
	for _, r := range all {
		if r.Type != "pulumi:providers:aws" || r.Name != account {
			continue
		}
		how := "default credentials"
		if p, ok := r.Inputs["profile"].(string); ok {
			how = "profile " + p
		}
		if role, ok := r.Inputs["assumeRole"].(map[string]any); ok {
			how = fmt.Sprintf("role %v", role["roleArn"])
		}
		id := "account id from credentials"
		if ids, ok := r.Inputs["allowedAccountIds"].([]any); ok && len(ids) == 1 {
			id = fmt.Sprintf("account %v", ids[0])
		}
		return fmt.Sprintf("account %s (%s, %s)", account, how, id)
	}
	return "account " + account
}

// groupByComponent groups one account's resources under their component.
func (d *Document) groupByComponent(account string, byURN map[string]Resource) (map[string][]Resource, []string) {
	groups := map[string][]Resource{}
	var order []string
	for _, r := range d.Resources {
		if label(r.Account) != account {
			continue
		}
		if r.ID == "" && r.Account != "" {
			continue // a component of this account: printed as its group's heading
		}
		parent := ""
		if p, ok := byURN[r.Parent]; ok && p.ID == "" {
			parent = p.URN
		}
		if _, seen := groups[parent]; !seen {
			order = append(order, parent)
		}
		groups[parent] = append(groups[parent], r)
	}
	slices.SortFunc(order, func(a, b string) int {
		return strings.Compare(byURN[a].Type+byURN[a].Name, byURN[b].Type+byURN[b].Name)
	})
	return groups, order
}

// shortType turns "aws:ec2/vpc:Vpc" into "Vpc" and "pulumi:providers:aws"
// into "aws provider".
func shortType(t string) string {
	if rest, ok := strings.CutPrefix(t, "pulumi:providers:"); ok {
		return rest + " provider"
	}
	return t[strings.LastIndex(t, ":")+1:]
}
