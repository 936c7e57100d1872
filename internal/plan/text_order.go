package plan

import (
	"slices"
	"strings"
)

// creationOrder sorts the children of parent in the order a deploy can
// create them: a resource after the siblings it depends on (directly or
// through resources nested under them), ties by URN. The text plan then
// reads top down: the VPC before its subnets, the peering connection
// before its accepter, the network before the flow logs that watch it.
func (d *Document) creationOrder(siblings []Resource, parent string) []Resource {
	parentOf := make(map[string]string, len(d.Resources))
	for _, r := range d.Resources {
		parentOf[r.URN] = r.Parent
	}
	isSibling := map[string]bool{}
	for _, s := range siblings {
		isSibling[s.URN] = true
	}
	// siblingOf maps a URN to the sibling it is, or is nested under.
	siblingOf := func(urn string) string {
		for seen := 0; urn != "" && seen < len(d.Resources); seen++ {
			if isSibling[urn] {
				return urn
			}
			urn = parentOf[urn]
		}
		return ""
	}
	after := map[string][]string{} // sibling -> siblings it waits for
	for _, r := range d.Resources {
		from := siblingOf(r.URN)
		if from == "" {
			continue
		}
		for _, dep := range r.DependsOn {
			if to := siblingOf(dep); to != "" && to != from && !slices.Contains(after[from], to) {
				after[from] = append(after[from], to)
			}
		}
	}
	depth := map[string]int{}
	visiting := map[string]bool{}
	var depthOf func(urn string) int
	depthOf = func(urn string) int {
		if n, ok := depth[urn]; ok {
			return n
		}
		if visiting[urn] {
			return 0 // a cycle: the engine reports it, the plan just lists
		}
		visiting[urn] = true
		n := 0
		for _, dep := range after[urn] {
			n = max(n, depthOf(dep)+1)
		}
		visiting[urn] = false
		depth[urn] = n
		return n
	}
	out := slices.Clone(siblings)
	slices.SortStableFunc(out, func(a, b Resource) int {
		if da, db := depthOf(a.URN), depthOf(b.URN); da != db {
			return da - db
		}
		return strings.Compare(a.URN, b.URN)
	})
	return out
}
