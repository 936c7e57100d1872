# METADATA
# title: ACME's own rules, an example of a user policy directory
package peerctl.acme

import rego.v1

import data.peerctl.lib

# METADATA
# title: Flow-log buckets are versioned in production
# custom:
#   rationale: Audit logs must survive an overwrite.
#   reference: ACME logging standard 4.2
deny_acme_001 contains {"urn": b.urn, "msg": sprintf("%s is not versioned", [lib.label(b)])} if {
	input.environment == "prod"
	some b in lib.of_type("aws:s3/bucketV2:BucketV2")
	not versioned[b.id]
}

versioned contains id if {
	some v in lib.of_type("aws:s3/bucketVersioningV2:BucketVersioningV2")
	v.inputs.versioningConfiguration.status == "Enabled"
	id := v.inputs.bucket
}

# Plain strings are findings too, with no urn.
warn_acme_002 contains "the plan peers more than 2 networks" if {
	count(lib.of_type("aws:ec2/vpc:Vpc")) > 2
}
