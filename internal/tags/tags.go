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

// Keys of the tags peerctl sets on every resource.
const (
	KeyName        = "Name"
	KeyEnvironment = "Environment"
	KeyCostCenter  = "CostCenter"
	KeyProject     = "Project"
	KeyManagedBy   = "ManagedBy"
)

// AWS's tag limits, the same for every service peerctl tags (EC2, S3, IAM,
// CloudWatch, CloudWatch Logs, SNS, KMS, AWS Config, CloudWatch OAM); see
// "Tag naming limits and requirements" in the Tagging AWS Resources guide.
const (
	// MaxPerResource counts user tags, which include the provider's default
	// tags and Name; only AWS's own aws:-prefixed tags do not count.
	MaxPerResource = 50
	// MaxKeyChars and MaxValueChars are in Unicode characters, not bytes.
	MaxKeyChars   = 128
	MaxValueChars = 256
)

// Fixed lists the keys peerctl sets on every resource, in a stable order.
// A stack's own tags may not use them (nor, see config, a case variant).
func Fixed() []string {
	return []string{KeyName, KeyEnvironment, KeyCostCenter, KeyProject, KeyManagedBy}
}

// Defaults are a network provider's default tags: Environment, CostCenter,
// Project and ManagedBy, plus the stack's extra tags (which config validation
// keeps from overriding these four).
func Defaults(environment, costCenter string, extra map[string]string) map[string]string {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]string{}
	}
	out[KeyEnvironment] = environment
	out[KeyCostCenter] = costCenter
	out[KeyProject] = Project
	out[KeyManagedBy] = ManagedBy
	return out
}

// Named returns the resource-level tags for a resource called name, with
// optional key/value overrides (e.g. "CostCenter", SharedCostCenter).
func Named(name string, kv ...string) map[string]string {
	out := map[string]string{KeyName: name}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// Effective is the tag set AWS stores on a resource: the provider's default
// tags overlaid by the resource's own, as the AWS provider merges them (a
// resource tag wins over a default tag with the same key). Its size is what
// counts against MaxPerResource.
func Effective(defaults, resource map[string]string) map[string]string {
	out := maps.Clone(defaults)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, resource)
	return out
}
