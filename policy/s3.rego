# METADATA
# title: S3 baseline
# description: |
#   Every bucket blocks public access, is encrypted by default, refuses plain
#   HTTP, and has a valid name that no other bucket in the plan uses.
package peerctl.baseline.s3

import rego.v1

import data.peerctl.lib

bucket_types := ["aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"]

buckets := {b | some t in bucket_types; some b in lib.of_type(t)}

public_access_block := "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"

encryption := "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"

bucket_policy := "aws:s3/bucketPolicy:BucketPolicy"

# keys(b) is what other resources may put in their bucket input to name b:
# its id or its bucket name (the same thing in the real provider).
keys(b) := {k |
	some k in [object.get(b, "id", null), lib.prop(b, ["bucket"])]
	lib.str(k)
}

# attached_to(b, t) is the set of resources of type t whose bucket input
# names bucket b.
attached_to(b, t) := {r | some r in lib.of_type(t); lib.prop(r, ["bucket"]) in keys(b)}

pab_flags := ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]

fully_blocked(pab) if every f in pab_flags {
	lib.truthy(lib.prop(pab, [f]))
}

# METADATA
# title: Every bucket blocks all public access
# custom:
#   rationale: The four Block Public Access flags stop ACLs and policies from ever making flow logs or Config history public.
#   reference: CIS AWS Foundations v3.0.0 2.1.4; Security Hub S3.8
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
deny_s3_001 contains lib.finding(b, msg) if {
	some b in buckets
	pabs := attached_to(b, public_access_block)
	count(pabs) == 0
	msg := sprintf("%s has no BucketPublicAccessBlock", [lib.label(b)])
}

deny_s3_001 contains lib.finding(b, msg) if {
	some b in buckets
	pabs := attached_to(b, public_access_block)
	count(pabs) > 0
	not any_fully_blocked(pabs)
	some pab in pabs
	off := [f | some f in pab_flags; not lib.truthy(lib.prop(pab, [f]))]
	msg := sprintf("%s: %s does not set %s true", [lib.label(b), lib.label(pab), concat(", ", off)])
}

any_fully_blocked(pabs) if {
	some pab in pabs
	fully_blocked(pab)
}

sse_algorithms := {"AES256", "aws:kms", "aws:kms:dsse"}

# encrypts holds when x, a configuration resource's inputs or a bucket's
# legacy inline configuration, sets a default sseAlgorithm.
encrypts(x) if {
	walk(x, [path, value])
	count(path) > 0
	path[count(path) - 1] == "sseAlgorithm"
	value in sse_algorithms
}

encrypted(b) if {
	some cfg in attached_to(b, encryption)
	encrypts(lib.prop(cfg, ["rules"]))
}

encrypted(b) if {
	some field in ["serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations"]
	encrypts(lib.prop(b, [field]))
}

# METADATA
# title: Every bucket has default encryption
# custom:
#   rationale: Objects are encrypted at rest with a declared algorithm (SSE-S3 or SSE-KMS) rather than relying on an account default nobody reviewed.
#   reference: CIS AWS Foundations v1.4.0 2.1.1; S3 User Guide, default bucket encryption
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
deny_s3_002 contains lib.finding(b, msg) if {
	some b in buckets
	not encrypted(b)
	msg := sprintf("%s has no BucketServerSideEncryptionConfigurationV2 with an sseAlgorithm (AES256, aws:kms or aws:kms:dsse)", [lib.label(b)])
}

# policies_of(b) is the set of parsed policy documents applying to bucket b.
policies_of(b) := {d | some p in attached_to(b, bucket_policy); d := lib.doc(lib.prop(p, ["policy"]))} | {d | d := lib.doc(lib.prop(b, ["policy"]))}

denies_insecure_transport(d) if {
	some s in lib.as_array(d.Statement)
	s.Effect == "Deny"
	any_principal(object.get(s, "Principal", null))
	some a in lib.as_array(object.get(s, "Action", null))
	a in {"*", "s3:*"}
	some op, conds in object.get(s, "Condition", {})
	op in {"Bool", "BoolIfExists"}
	some k, v in conds
	lower(k) == "aws:securetransport"
	some x in lib.as_array(v)
	lower(sprintf("%v", [x])) == "false"
}

any_principal(p) if p == "*"

any_principal(p) if {
	is_object(p)
	some x in lib.as_array(object.get(p, "AWS", null))
	x == "*"
}

# METADATA
# title: Every bucket policy denies requests without TLS
# custom:
#   rationale: A Deny on aws:SecureTransport false refuses plain-HTTP access for every principal, whatever else the policy allows.
#   reference: CIS AWS Foundations v3.0.0 2.1.1; Security Hub S3.5
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
deny_s3_003 contains lib.finding(b, msg) if {
	some b in buckets
	not any_denies_insecure_transport(policies_of(b))
	msg := sprintf("%s has no bucket policy statement denying s3:* for principal * when aws:SecureTransport is false", [lib.label(b)])
}

any_denies_insecure_transport(ds) if {
	some d in ds
	denies_insecure_transport(d)
}

# name_problems(n) is the set of S3 naming rules that bucket name n breaks.
name_problems(n) := {p |
	some rule in name_rules
	not regex.match(rule[0], n) == rule[1]
	p := rule[2]
}

name_rules := [
	[`^.{3,63}$`, true, "must be 3 to 63 characters long"],
	[`^[a-z0-9.-]*$`, true, "may contain only lowercase letters, digits, dots and hyphens"],
	[`^[a-z0-9].*[a-z0-9]$`, true, "must begin and end with a letter or digit"],
	[`\.\.`, false, "must not contain two adjacent dots"],
	[`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`, false, "must not look like an IP address"],
	[`^(xn--|sthree-|amzn-s3-demo-)`, false, "must not start with xn--, sthree- or amzn-s3-demo-"],
	[`(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$`, false, "must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3"],
]

prefix_rules := [
	[`^.{1,37}$`, true, "must be 1 to 37 characters long"],
	[`^[a-z0-9.-]*$`, true, "may contain only lowercase letters, digits, dots and hyphens"],
	[`^[a-z0-9]`, true, "must begin with a letter or digit"],
	[`\.\.`, false, "must not contain two adjacent dots"],
	[`^(xn--|sthree-|amzn-s3-demo-)`, false, "must not start with xn--, sthree- or amzn-s3-demo-"],
]

prefix_problems(n) := {p |
	some rule in prefix_rules
	not regex.match(rule[0], n) == rule[1]
	p := rule[2]
}

# METADATA
# title: Bucket names follow the S3 naming rules
# custom:
#   rationale: An invalid name fails only at apply time, after the rest of the stack is half created.
#   reference: S3 User Guide, general purpose bucket naming rules
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
deny_s3_004 contains lib.finding(b, msg) if {
	some b in buckets
	name := lib.str(lib.prop(b, ["bucket"]))
	problems := name_problems(name)
	count(problems) > 0
	msg := sprintf("%s: bucket name %q %s", [lib.label(b), name, concat("; ", sort(problems))])
}

deny_s3_004 contains lib.finding(b, msg) if {
	some b in buckets
	prefix := lib.str(lib.prop(b, ["bucketPrefix"]))
	problems := prefix_problems(prefix)
	count(problems) > 0
	msg := sprintf("%s: bucketPrefix %q %s", [lib.label(b), prefix, concat("; ", sort(problems))])
}

names := {name: {b | some b in buckets; lib.prop(b, ["bucket"]) == name} |
	some name in {n | some x in buckets; n := lib.str(lib.prop(x, ["bucket"]))}
}

# METADATA
# title: Bucket names are unique in the plan
# custom:
#   rationale: Bucket names are global; two resources with one name means the second fails with BucketAlreadyOwnedByYou or BucketAlreadyExists. Include the account id and region in names.
#   reference: S3 User Guide, general purpose bucket naming rules
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
deny_s3_005 contains lib.finding(b, msg) if {
	some name, bs in names
	count(bs) > 1
	some b in bs
	others := sort([lib.label(o) | some o in bs; o.urn != b.urn])
	msg := sprintf("%s: bucket name %q is also used by %s", [lib.label(b), name, concat(", ", others)])
}

production := {"prod", "production"}

# production_plan: the environment is production, or ENVIRONMENT_SUFFIX
# renamed a production stack (its safeguards stay on: plan.environmentOverride).
production_plan if lower(object.get(lib.plan, "environment", "")) in production

production_plan if object.get(object.get(lib.plan, "environmentOverride", {}), "production", false) == true

# METADATA
# title: Production buckets do not set forceDestroy
# custom:
#   rationale: forceDestroy deletes every object, audit logs included, when the stack is destroyed; production must keep its logs.
#   reference: pulumi-aws BucketV2 forceDestroy; docs/observability.md (Buckets)
# related_resources:
#   - ref: https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketv2/#forcedestroy_go
warn_s3_006 contains lib.finding(b, msg) if {
	production_plan
	some b in buckets
	lib.truthy(lib.prop(b, ["forceDestroy"]))
	msg := sprintf("%s sets forceDestroy in environment %q; destroying the stack would delete its logs", [lib.label(b), input.environment])
}

# flow_log_bucket(b): b is the bucket of a peerctl log bucket component
# that holds flow logs. AWS Config's history bucket is left out: Config
# cannot deliver into a bucket with Object Lock enabled.
flow_log_bucket(b) if {
	contains(b.urn, "peerctl:observability:LogBucket$")
	not contains(b.urn, "peerctl:compliance:Compliance$")
}

object_lock := "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"

# object_locked(b): Object Lock is on for bucket b, enabled when it was
# created or by a lock configuration with a default retention (which
# enables it on an existing versioned bucket, as peerctl does).
object_locked(b) if lib.truthy(lib.prop(b, ["objectLockEnabled"]))

object_locked(b) if {
	some lock in attached_to(b, object_lock)
	lib.prop(lock, ["objectLockEnabled"]) in {"Enabled", null}
	lib.prop(lock, ["rule", "defaultRetention", "mode"]) in {"GOVERNANCE", "COMPLIANCE"}
}

# METADATA
# title: Production flow-log buckets are under S3 Object Lock
# custom:
#   rationale: Audit logs kept in the account they audit can be deleted by anyone with s3:DeleteObject there; Object Lock (or delivery to a log-archive account) keeps them for the retention period. flowLogs.objectLockMode NONE switches it off on purpose, which this rule reports. AWS Config's bucket cannot be locked (Config does not deliver into it then) and is not judged.
#   reference: S3 User Guide, Object Lock; Security Hub S3.15; docs/observability.md (Audit-grade logs)
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
warn_s3_007 contains lib.finding(b, msg) if {
	production_plan
	some b in buckets
	flow_log_bucket(b)
	not object_locked(b)
	msg := sprintf("%s holds audit logs in environment %q without S3 Object Lock; set flowLogs.objectLockMode, or deliver to a log archive (peerctl:logArchive)", [lib.label(b), input.environment])
}
