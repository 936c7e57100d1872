# METADATA
# title: IAM baseline
# description: |
#   Least privilege in every policy document of the plan: identity policies,
#   role trust policies and resource policies (buckets, topics, queues).
#   Deliberately not read: KMS key and OAM sink policies, where "*" as the
#   resource means the key or sink itself, and VPC endpoint policies, where
#   peerctl's gateway endpoints allow s3:* and dynamodb:* to principal "*"
#   limited by aws:ResourceAccount (S3) or the stack's table ARNs (DynamoDB):
#   a data perimeter, not a grant.
package peerctl.baseline.iam

import rego.v1

import data.peerctl.lib

# sources lists where policy documents live: [type, path to the document
# under inputs, kind]. kind is identity, trust or resource.
sources := [
	["aws:iam/role:Role", ["assumeRolePolicy"], "trust"],
	["aws:iam/rolePolicy:RolePolicy", ["policy"], "identity"],
	["aws:iam/policy:Policy", ["policy"], "identity"],
	["aws:iam/userPolicy:UserPolicy", ["policy"], "identity"],
	["aws:iam/groupPolicy:GroupPolicy", ["policy"], "identity"],
	["aws:s3/bucketPolicy:BucketPolicy", ["policy"], "resource"],
	["aws:s3/bucketV2:BucketV2", ["policy"], "resource"],
	["aws:s3/bucket:Bucket", ["policy"], "resource"],
	["aws:sns/topicPolicy:TopicPolicy", ["policy"], "resource"],
	["aws:sns/topic:Topic", ["policy"], "resource"],
	["aws:sqs/queuePolicy:QueuePolicy", ["policy"], "resource"],
]

# raw is the set of [resource, where, kind, value] for every policy document
# in the plan, parsed or not.
raw contains [r, concat(".", path), kind, v] if {
	some src in sources
	[t, path, kind] := src
	some r in lib.of_type(t)
	v := lib.prop(r, path)
	v != null
}

raw contains [r, sprintf("inlinePolicies[%d].policy", [i]), "identity", v] if {
	some r in lib.of_type("aws:iam/role:Role")
	some i, p in lib.as_array(lib.prop(r, ["inlinePolicies"]))
	v := object.get(p, "policy", null)
	v != null
}

# documents is the set of parsed documents: {resource, where, kind, doc}.
documents contains {"r": r, "where": where, "kind": kind, "doc": d} if {
	some e in raw
	[r, where, kind, v] := e
	d := lib.doc(v)
	is_object(d)
}

# statements is the set of {resource, where, kind, statement}.
statements contains {"r": x.r, "where": x.where, "kind": x.kind, "s": s} if {
	some x in documents
	some s in lib.as_array(object.get(x.doc, "Statement", null))
	is_object(s)
}

allow_statements contains x if {
	some x in statements
	x.s.Effect == "Allow"
}

actions(s) := lib.as_array(object.get(s, "Action", null))

full_wildcard(a) if a == "*"

full_wildcard(a) if regex.match(`^[A-Za-z0-9-]+:\*$`, a)

# METADATA
# title: No policy allows every action ("*" or "service:*")
# custom:
#   rationale: Full-service wildcards grant actions nobody reviewed, including ones AWS adds later; list the actions needed. NotAction in an Allow is the same risk.
#   reference: CIS AWS Foundations v1.4.0 1.16 (Security Hub IAM.1 - stricter, service wildcards too); IAM User Guide, grant least privilege
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
deny_iam_001 contains lib.finding(x.r, msg) if {
	some x in allow_statements
	some a in actions(x.s)
	full_wildcard(a)
	msg := sprintf("%s: %s allows action %q; list the actions needed", [lib.label(x.r), x.where, a])
}

deny_iam_001 contains lib.finding(x.r, msg) if {
	some x in allow_statements
	object.get(x.s, "NotAction", null) != null
	msg := sprintf("%s: %s allows NotAction, which grants every other action", [lib.label(x.r), x.where])
}

read_verbs := `^[A-Za-z0-9-]+:(Get|List|Describe|BatchGet|Head|Lookup|Search|Query|Scan|Select|View)`

# Write actions that support no resource-level permissions: "*" is the only
# possible resource.
resourceless_writes := {
	"cloudwatch:PutMetricData",
	"xray:PutTelemetryRecords",
	"xray:PutTraceSegments",
}

write_action(a) if {
	not regex.match(read_verbs, a)
	not a in resourceless_writes
}

# METADATA
# title: No write action is allowed on every resource ("*")
# custom:
#   rationale: A write on "*" reaches every bucket, log group or topic in the account; scope writes to the ARNs the stack creates.
#   reference: IAM User Guide, grant least privilege; CIS AWS Foundations v1.4.0 1.16 (Security Hub IAM.1)
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
deny_iam_002 contains lib.finding(x.r, msg) if {
	some x in allow_statements
	"*" in lib.as_array(object.get(x.s, "Resource", null))
	writes := sort([a | some a in actions(x.s); write_action(a)])
	count(writes) > 0
	msg := sprintf("%s: %s allows write actions %s on resource \"*\"", [lib.label(x.r), x.where, concat(", ", writes)])
}

deny_iam_002 contains lib.finding(x.r, msg) if {
	some x in allow_statements
	object.get(x.s, "NotResource", null) != null
	writes := sort([a | some a in actions(x.s); write_action(a)])
	count(writes) > 0
	msg := sprintf("%s: %s allows write actions %s on NotResource, i.e. on every other resource", [lib.label(x.r), x.where, concat(", ", writes)])
}

trust_allows contains x if {
	some x in allow_statements
	x.kind == "trust"
}

principal_kinds(s) := {"*"} if object.get(s, "Principal", null) == "*"

principal_kinds(s) := {k | some k, _ in p} if {
	p := object.get(s, "Principal", null)
	is_object(p)
}

principal_kinds(s) := set() if object.get(s, "Principal", null) == null

services(s) := {svc |
	p := object.get(s, "Principal", {})
	is_object(p)
	some svc in lib.as_array(object.get(p, "Service", null))
}

# METADATA
# title: Role trust policies trust AWS service principals only
# custom:
#   rationale: The stack's roles exist for AWS services (flow logs, Config); trusting accounts, users, federated or anonymous principals widens who can assume them.
#   reference: IAM User Guide, AWS JSON policy elements - Principal
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
deny_iam_003 contains lib.finding(x.r, msg) if {
	some x in trust_allows
	others := principal_kinds(x.s) - {"Service"}
	count(others) > 0
	msg := sprintf("%s: %s trusts %s principals; trust only AWS service principals", [lib.label(x.r), x.where, concat(", ", sort(others))])
}

deny_iam_003 contains lib.finding(x.r, msg) if {
	some x in trust_allows
	count(services(x.s)) == 0
	msg := sprintf("%s: %s names no service principal", [lib.label(x.r), x.where])
}

# Service principals whose role assumption carries aws:SourceAccount and
# aws:SourceArn, so a trust policy can pin them (confused deputy).
source_condition_services := {
	"config.amazonaws.com",
	"logs.amazonaws.com",
	"scheduler.amazonaws.com",
	"vpc-flow-logs.amazonaws.com",
}

supports_source_condition(svc) if svc in source_condition_services

# Regional CloudWatch Logs principals (logs.us-east-1.amazonaws.com).
supports_source_condition(svc) if regex.match(`^logs\.[a-z0-9-]+\.amazonaws\.com$`, svc)

source_keys := {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}

has_source_condition(s) if {
	some _, conds in object.get(s, "Condition", {})
	some k, _ in conds
	lower(k) in source_keys
}

# METADATA
# title: Trust policies pin the source account or ARN where the service supports it
# custom:
#   rationale: Without aws:SourceAccount or aws:SourceArn, the service could be made to assume the role on behalf of another account (confused deputy).
#   reference: IAM User Guide, the confused deputy problem; VPC flow logs IAM role
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
deny_iam_004 contains lib.finding(x.r, msg) if {
	some x in trust_allows
	some svc in services(x.s)
	supports_source_condition(svc)
	not has_source_condition(x.s)
	msg := sprintf("%s: %s trusts %s without an aws:SourceAccount or aws:SourceArn condition", [lib.label(x.r), x.where, svc])
}

parsed(v) if is_object(lib.doc(v))

# METADATA
# title: Policy documents can be checked
# custom:
#   rationale: A document that is not a JSON object (unknown at preview, or malformed) escapes the IAM rules; AWS rejects malformed ones at apply time.
#   reference: IAM User Guide, IAM JSON policy reference
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies.html
warn_iam_005 contains lib.finding(r, msg) if {
	some e in raw
	[r, where, _, v] := e
	not parsed(v)
	msg := sprintf("%s: %s is not a JSON policy document, so it was not checked", [lib.label(r), where])
}

public_principal(s) if object.get(s, "Principal", null) == "*"

public_principal(s) if {
	p := object.get(s, "Principal", null)
	is_object(p)
	"*" in lib.as_array(object.get(p, "AWS", null))
}

# METADATA
# title: Resource policies do not allow anyone without a condition
# custom:
#   rationale: An Allow for principal "*" with no condition makes the bucket, topic or queue public.
#   reference: S3 User Guide, the meaning of public; Security Hub S3.2
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
deny_iam_006 contains lib.finding(x.r, msg) if {
	some x in allow_statements
	x.kind == "resource"
	public_principal(x.s)
	count(object.get(x.s, "Condition", {})) == 0
	msg := sprintf("%s: %s allows principal \"*\" without a condition", [lib.label(x.r), x.where])
}

# METADATA
# title: Resource policies for AWS services pin the source account or ARN
# custom:
#   rationale: A bucket or topic that lets a service principal write without aws:SourceAccount or aws:SourceArn can be written to on behalf of other accounts (confused deputy).
#   reference: IAM User Guide, the confused deputy problem; VPC flow logs to S3 permissions
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
warn_iam_007 contains lib.finding(x.r, msg) if {
	some x in allow_statements
	x.kind == "resource"
	some svc in services(x.s)
	not has_source_condition(x.s)
	msg := sprintf("%s: %s allows %s without an aws:SourceAccount or aws:SourceArn condition", [lib.label(x.r), x.where, svc])
}
