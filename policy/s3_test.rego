package peerctl.baseline.s3_test

import rego.v1

import data.peerctl.baseline.s3

plan(rs) := {"stack": "dev", "environment": "dev", "region": "us-east-1", "resources": rs}

res(t, name, id, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": id,
	"account": "trading",
	"inputs": inputs,
}

bucket_name := "trading-flow-logs-111111111111-us-east-1"

bucket := res("aws:s3/bucketV2:BucketV2", "trading-flow-logs", bucket_name, {"bucket": bucket_name})

pab := res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "trading-flow-logs-pab", bucket_name, {
	"bucket": bucket_name,
	"blockPublicAcls": true,
	"blockPublicPolicy": true,
	"ignorePublicAcls": true,
	"restrictPublicBuckets": true,
})

sse := res("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "trading-flow-logs-sse", bucket_name, {
	"bucket": bucket_name,
	"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
})

tls_statement := {
	"Sid": "DenyInsecureTransport",
	"Effect": "Deny",
	"Principal": "*",
	"Action": "s3:*",
	"Resource": [sprintf("arn:aws:s3:::%s", [bucket_name]), sprintf("arn:aws:s3:::%s/*", [bucket_name])],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

policy_doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

bucket_policy(statements) := res("aws:s3/bucketPolicy:BucketPolicy", "trading-flow-logs-policy", bucket_name, {"bucket": bucket_name, "policy": policy_doc(statements)})

good := [bucket, pab, sse, bucket_policy([tls_statement])]

without(rs, name) := [r | some r in rs; r.name != name]

with_inputs(r, inputs) := object.union(r, {"inputs": object.union(r.inputs, inputs)})

msgs(findings) := {f.msg | some f in findings}

# put(obj, k, v) replaces obj[k] with v (object.union would merge objects).
put(obj, k, v) := object.union(object.remove(obj, [k]), {k: v})

all_findings := ((((s3.deny_s3_001 | s3.deny_s3_002) | s3.deny_s3_003) | s3.deny_s3_004) | s3.deny_s3_005) | s3.warn_s3_006

test_good_bucket_has_no_findings if {
	count(all_findings) == 0 with input as plan(good)
}

test_no_buckets_no_findings if {
	count(all_findings) == 0 with input as plan([])
}

# S3-001

test_deny_s3_001_fires_without_public_access_block if {
	msgs(s3.deny_s3_001) == {`BucketV2 "trading-flow-logs" has no BucketPublicAccessBlock`} with input as plan(without(good, "trading-flow-logs-pab"))
}

test_deny_s3_001_fires_on_a_false_flag if {
	rs := array.concat(without(good, "trading-flow-logs-pab"), [with_inputs(pab, {"restrictPublicBuckets": false, "ignorePublicAcls": null})])
	msgs(s3.deny_s3_001) == {`BucketV2 "trading-flow-logs": BucketPublicAccessBlock "trading-flow-logs-pab" does not set ignorePublicAcls, restrictPublicBuckets true`} with input as plan(rs)
}

test_deny_s3_001_fires_for_legacy_bucket if {
	legacy := res("aws:s3/bucket:Bucket", "legacy", "legacy-bucket-111111111111", {"bucket": "legacy-bucket-111111111111"})
	count(s3.deny_s3_001) == 1 with input as plan(array.concat(good, [legacy]))
}

test_deny_s3_001_passes if {
	count(s3.deny_s3_001) == 0 with input as plan(good)
}

test_deny_s3_001_passes_when_matched_by_id if {
	# the mock's placeholder id, not the name, in the bucket input
	b := object.union(bucket, {"id": "bucket-placeholder-1"})
	p := with_inputs(pab, {"bucket": "bucket-placeholder-1"})
	count(s3.deny_s3_001) == 0 with input as plan([b, p])
}

# S3-002

test_deny_s3_002_fires_without_encryption if {
	count(s3.deny_s3_002) == 1 with input as plan(without(good, "trading-flow-logs-sse"))
}

test_deny_s3_002_fires_on_empty_rules if {
	rs := array.concat(without(good, "trading-flow-logs-sse"), [with_inputs(sse, {"rules": []})])
	count(s3.deny_s3_002) == 1 with input as plan(rs)
}

test_deny_s3_002_passes if {
	count(s3.deny_s3_002) == 0 with input as plan(good)
	kms := array.concat(without(good, "trading-flow-logs-sse"), [with_inputs(sse, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/logs"}, "bucketKeyEnabled": true}]})])
	count(s3.deny_s3_002) == 0 with input as plan(kms)
}

test_deny_s3_002_passes_legacy_inline_configuration if {
	legacy := res("aws:s3/bucket:Bucket", "legacy", "legacy-bucket-1", {"serverSideEncryptionConfiguration": {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}})
	count(s3.deny_s3_002) == 0 with input as plan([legacy])
}

# S3-003

test_deny_s3_003_fires_without_policy if {
	count(s3.deny_s3_003) == 1 with input as plan(without(good, "trading-flow-logs-policy"))
}

test_deny_s3_003_fires_on_policy_without_tls_deny if {
	allow := {"Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::x/*"}
	cases := [
		[allow],
		[object.union(tls_statement, {"Effect": "Allow"})],
		[put(tls_statement, "Condition", {"Bool": {"aws:SecureTransport": "true"}})],
		[put(tls_statement, "Condition", {"StringEquals": {"aws:SecureTransport": "false"}})],
		[object.union(tls_statement, {"Action": "s3:GetObject"})],
		[object.union(tls_statement, {"Principal": {"Service": "logs.amazonaws.com"}})],
	]
	every statements in cases {
		rs := array.concat(without(good, "trading-flow-logs-policy"), [bucket_policy(statements)])
		count(s3.deny_s3_003) == 1 with input as plan(rs)
	}
}

test_deny_s3_003_passes if {
	count(s3.deny_s3_003) == 0 with input as plan(good)
	variants := [
		object.union(tls_statement, {"Principal": {"AWS": "*"}, "Action": ["s3:*"], "Condition": {"Bool": {"aws:SecureTransport": false}}}),
		put(tls_statement, "Condition", {"Bool": {"AWS:SecureTransport": ["false"]}}),
	]
	every st in variants {
		rs := array.concat(without(good, "trading-flow-logs-policy"), [bucket_policy([st])])
		count(s3.deny_s3_003) == 0 with input as plan(rs)
	}
}

test_deny_s3_003_passes_policy_as_object if {
	p := with_inputs(bucket_policy([]), {"policy": {"Version": "2012-10-17", "Statement": [tls_statement]}})
	count(s3.deny_s3_003) == 0 with input as plan(array.concat(without(good, "trading-flow-logs-policy"), [p]))
}

# S3-004

named(name) := [res("aws:s3/bucketV2:BucketV2", "b", "b-id", {"bucket": name})]

test_deny_s3_004_fires_on_invalid_names if {
	bad := {
		"ab": "must be 3 to 63 characters long",
		"Trading-Logs": "may contain only lowercase letters, digits, dots and hyphens",
		"trading_logs": "may contain only lowercase letters, digits, dots and hyphens",
		"-trading": "must begin and end with a letter or digit",
		"trading..logs": "must not contain two adjacent dots",
		"192.168.5.4": "must not look like an IP address",
		"xn--trading": "must not start with xn--, sthree- or amzn-s3-demo-",
		"trading-s3alias": "must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3",
		concat("", ["a" | some _ in numbers.range(1, 64)]): "must be 3 to 63 characters long",
	}
	every name, problem in bad {
		some f in s3.deny_s3_004 with input as plan(named(name))
		contains(f.msg, problem)
	}
}

test_deny_s3_004_fires_on_invalid_prefix if {
	rs := [res("aws:s3/bucketV2:BucketV2", "b", "b-id", {"bucketPrefix": "Trading-flow-logs-with-a-prefix-far-too-long-"})]
	msgs(s3.deny_s3_004) == {`BucketV2 "b": bucketPrefix "Trading-flow-logs-with-a-prefix-far-too-long-" may contain only lowercase letters, digits, dots and hyphens; must be 1 to 37 characters long; must begin with a letter or digit`} with input as plan(rs)
}

test_deny_s3_004_passes_valid_names if {
	every name in ["abc", "trading-flow-logs-111111111111-us-east-1", "logs.example.com", concat("", ["a" | some _ in numbers.range(1, 63)])] {
		count(s3.deny_s3_004) == 0 with input as plan(named(name))
	}
	count(s3.deny_s3_004) == 0 with input as plan([res("aws:s3/bucketV2:BucketV2", "b", "b-id", {"bucketPrefix": "trading-flow-logs-"})])
}

# S3-005

test_deny_s3_005_fires_on_duplicate_names if {
	rs := [
		res("aws:s3/bucketV2:BucketV2", "trading-flow-logs", "x1", {"bucket": "flow-logs-dev"}),
		res("aws:s3/bucketV2:BucketV2", "analytics-flow-logs", "x2", {"bucket": "flow-logs-dev"}),
	]
	msgs(s3.deny_s3_005) == {
		`BucketV2 "trading-flow-logs": bucket name "flow-logs-dev" is also used by BucketV2 "analytics-flow-logs"`,
		`BucketV2 "analytics-flow-logs": bucket name "flow-logs-dev" is also used by BucketV2 "trading-flow-logs"`,
	} with input as plan(rs)
}

test_deny_s3_005_passes_unique_names if {
	rs := [
		res("aws:s3/bucketV2:BucketV2", "trading-flow-logs", "x1", {"bucket": "trading-flow-logs-111111111111"}),
		res("aws:s3/bucketV2:BucketV2", "analytics-flow-logs", "x2", {"bucket": "analytics-flow-logs-222222222222"}),
		res("aws:s3/bucketV2:BucketV2", "auto-named", "x3", {}),
	]
	count(s3.deny_s3_005) == 0 with input as plan(rs)
}

# S3-006

test_warn_s3_006_fires_in_prod if {
	rs := [with_inputs(bucket, {"forceDestroy": true})]
	count(s3.warn_s3_006) == 1 with input as object.union(plan(rs), {"environment": "prod"})
}

test_warn_s3_006_fires_on_a_prod_stack_renamed_by_environment_suffix if {
	rs := [with_inputs(bucket, {"forceDestroy": true})]
	override := {"environment": "qa", "environmentOverride": {"variable": "ENVIRONMENT_SUFFIX", "environment": "qa", "stackEnvironment": "prod", "production": true}}
	count(s3.warn_s3_006) == 1 with input as object.union(plan(rs), override)
}

test_warn_s3_006_passes_in_dev_or_without_force_destroy if {
	count(s3.warn_s3_006) == 0 with input as plan([with_inputs(bucket, {"forceDestroy": true})])
	count(s3.warn_s3_006) == 0 with input as object.union(plan([with_inputs(bucket, {"forceDestroy": false})]), {"environment": "prod"})
	dev_renamed := {"environment": "qa", "environmentOverride": {"variable": "ENVIRONMENT_SUFFIX", "environment": "qa", "stackEnvironment": "dev", "production": false}}
	count(s3.warn_s3_006) == 0 with input as object.union(plan([with_inputs(bucket, {"forceDestroy": true})]), dev_renamed)
}

# S3-007

log_bucket_res(inputs) := {
	"urn": "urn:pulumi:prod::peerctl::peerctl:observability:LogBucket$aws:s3/bucketV2:BucketV2::trading-flow-logs-bucket",
	"type": "aws:s3/bucketV2:BucketV2", "name": "trading-flow-logs-bucket", "id": "trading-flows-prod-use1-111111111111",
	"account": "trading", "inputs": inputs,
}

test_warn_s3_007_fires_on_an_unlocked_prod_log_bucket if {
	findings := s3.warn_s3_007 with input as object.union(plan([log_bucket_res({"objectLockEnabled": false})]), {"environment": "prod"})
	count(findings) == 1
	some f in findings
	contains(f.msg, "without S3 Object Lock")
	count(s3.warn_s3_007) == 1 with input as object.union(plan([log_bucket_res({})]), {"environment": "prod"})
}

test_warn_s3_007_passes_locked_dev_and_other_buckets if {
	count(s3.warn_s3_007) == 0 with input as object.union(plan([log_bucket_res({"objectLockEnabled": true})]), {"environment": "prod"})
	count(s3.warn_s3_007) == 0 with input as plan([log_bucket_res({"objectLockEnabled": false})])
	count(s3.warn_s3_007) == 0 with input as object.union(plan([with_inputs(bucket, {"objectLockEnabled": false})]), {"environment": "prod"})
	config_bucket := object.union(log_bucket_res({"objectLockEnabled": false}), {"urn": "urn:pulumi:prod::peerctl::peerctl:compliance:Compliance$peerctl:observability:LogBucket$aws:s3/bucketV2:BucketV2::trading-compliance-bucket"})
	count(s3.warn_s3_007) == 0 with input as object.union(plan([config_bucket]), {"environment": "prod"})
}

lock_res(mode) := res("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "trading-flow-logs-bucket-object-lock", "lock-1", {
	"bucket": "trading-flows-prod-use1-111111111111",
	"objectLockEnabled": "Enabled",
	"rule": {"defaultRetention": {"mode": mode, "days": 365}},
})

test_warn_s3_007_passes_a_bucket_locked_by_its_lock_configuration if {
	count(s3.warn_s3_007) == 0 with input as object.union(plan([log_bucket_res({}), lock_res("GOVERNANCE")]), {"environment": "prod"})
	count(s3.warn_s3_007) == 0 with input as object.union(plan([log_bucket_res({}), lock_res("COMPLIANCE")]), {"environment": "prod"})
}

test_warn_s3_007_fires_when_the_lock_configuration_names_another_bucket if {
	other := object.union(lock_res("GOVERNANCE"), {"inputs": object.union(lock_res("GOVERNANCE").inputs, {"bucket": "someone-elses-bucket"})})
	count(s3.warn_s3_007) == 1 with input as object.union(plan([log_bucket_res({}), other]), {"environment": "prod"})
}
