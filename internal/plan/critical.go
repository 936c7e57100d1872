package plan

import (
	"fmt"
	"strings"
)

// CriticalPath returns the longest chain of dependent resources in the
// plan, first to last: each one waits for the one before it, so however
// wide the engine runs, a deploy takes at least the sum of their create
// times. Only resources that AWS creates count: components and providers
// take no time. A dependency on a component stands for a dependency on
// every resource under it (the engine waits for all of them). Ties go to
// the chain whose resources come first by URN, so the answer is stable.
func (d *Document) CriticalPath() []Resource {
	byURN := map[string]int{}
	children := map[string][]string{}
	for i, r := range d.Resources {
		byURN[r.URN] = i
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.URN)
		}
	}
	isStep := func(r Resource) bool { return r.ID != "" && !strings.HasPrefix(r.Type, "pulumi:providers:") }

	// steps expands a URN into the resources it stands for.
	var steps func(urn string, seen map[string]bool) []string
	steps = func(urn string, seen map[string]bool) []string {
		i, ok := byURN[urn]
		if !ok || seen[urn] {
			return nil
		}
		seen[urn] = true
		if isStep(d.Resources[i]) {
			return []string{urn}
		}
		var out []string
		for _, c := range children[urn] {
			out = append(out, steps(c, seen)...)
		}
		return out
	}

	// longest[u] is the length of the longest chain ending at u, next[u]
	// the resource before u on it.
	longest := map[string]int{}
	prev := map[string]string{}
	visiting := map[string]bool{}
	var walk func(urn string) int
	walk = func(urn string) int {
		if n, ok := longest[urn]; ok {
			return n
		}
		if visiting[urn] {
			return 0 // a cycle cannot be deployed; the engine reports it
		}
		visiting[urn] = true
		best, bestDep := 0, ""
		for _, dep := range d.Resources[byURN[urn]].DependsOn {
			for _, s := range steps(dep, map[string]bool{}) {
				if s == urn {
					continue
				}
				if n := walk(s); n > best || (n == best && n > 0 && s < bestDep) {
					best, bestDep = n, s
				}
			}
		}
		visiting[urn] = false
		longest[urn] = best + 1
		prev[urn] = bestDep
		return best + 1
	}

	end, endLen := "", 0
	for _, r := range d.Resources {
		if !isStep(r) {
			continue
		}
		if n := walk(r.URN); n > endLen || (n == endLen && r.URN < end) {
			end, endLen = r.URN, n
		}
	}
	var chain []Resource
	for u := end; u != ""; u = prev[u] {
		chain = append([]Resource{d.Resources[byURN[u]]}, chain...)
	}
	return chain
}

// CriticalPathLine describes the critical path for the text plan, or ""
// for a plan with nothing to create.
func (d *Document) CriticalPathLine() string {
	path := d.CriticalPath()
	if len(path) == 0 {
		return ""
	}
	names := make([]string, len(path))
	for i, r := range path {
		names[i] = r.Name
	}
	return fmt.Sprintf("Critical path: %d resources, each created after the one before: %s", len(path), strings.Join(names, " -> "))
}
