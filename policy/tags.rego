# METADATA
# title: Tagging baseline
# description: |
#   Every taggable AWS resource ends up with the cost-allocation tags, from
#   its provider's defaultTags or its own tags.
package peerctl.baseline.tags

import rego.v1

import data.peerctl.lib

required := ["CostCenter", "Environment"]

taggable contains r if {
	some r in lib.resources
	r.type in lib.taggable_types
}

# tags_of[urn] is the effective tags of the taggable resource with that urn.
tags_of := {r.urn: lib.effective_tags(r) | some r in taggable}

missing(tags) := [k | some k in required; not lib.str(object.get(tags, k, null))]

# METADATA
# title: Every taggable resource has CostCenter and Environment tags
# custom:
#   rationale: Cost allocation and environment scoping need both tags on everything; set them in both providers' defaultTags so no resource can miss them.
#   reference: AWS Tagging Best Practices; AWS Config managed rule REQUIRED_TAGS
# related_resources:
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html
deny_tag_001 contains lib.finding(r, msg) if {
	some r in taggable
	m := missing(tags_of[r.urn])
	count(m) > 0
	msg := sprintf("%s has no %s tag (neither in its tags nor in its provider's defaultTags)", [lib.label(r), concat(" or ", m)])
}

# METADATA
# title: The Environment tag matches the plan's environment
# custom:
#   rationale: A resource tagged with another environment's name is counted in the wrong cost and access scope; usually a copied stack file.
#   reference: AWS Tagging Best Practices
# related_resources:
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html
warn_tag_002 contains lib.finding(r, msg) if {
	want := lib.str(object.get(lib.plan, "environment", null))
	some r in taggable
	got := lib.str(object.get(tags_of[r.urn], "Environment", null))
	got != want
	msg := sprintf("%s is tagged Environment=%q but the plan's environment is %q", [lib.label(r), got, want])
}
