// Package tags is the one place tags are merged. Providers carry the default
// tags of their network; resources add only a Name, and CostCenter=shared
// where they serve more than one network: the peering connection and its
// accepter, the OAM sink and links, and the AWS Config resources of an
// account whose networks have different cost centers.
package tags

import "maps"

// Values of the fixed tags.
const (
	Project   = "peerctl"
	ManagedBy = "peerctl"
	// SharedCostCenter is the CostCenter of resources that serve both networks.
	SharedCostCenter = "shared"
)

// Defaults are a network provider's default tags: Environment, CostCenter,
// Project and ManagedBy, plus the stack's extra tags (which config validation
// keeps from overriding these four).
func Defaults(environment, costCenter string, extra map[string]string) map[string]string {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]string{}
	}
	out["Environment"] = environment
	out["CostCenter"] = costCenter
	out["Project"] = Project
	out["ManagedBy"] = ManagedBy
	return out
}

// Named returns the resource-level tags for a resource called name, with
// optional key/value overrides (e.g. "CostCenter", SharedCostCenter).
func Named(name string, kv ...string) map[string]string {
	out := map[string]string{"Name": name}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
