package peerctl.baseline.iam_test

import rego.v1

import data.peerctl.baseline.iam

plan(rs) := {"stack": "dev", "environment": "dev", "region": "us-east-1", "resources": rs}

res(t, name, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": name,
	"account": "trading",
	"inputs": inputs,
}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

flow_logs_trust := {
	"Effect": "Allow",
	"Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
	"Action": "sts:AssumeRole",
	"Condition": {
		"StringEquals": {"aws:SourceAccount": "111111111111"},
		"ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:111111111111:vpc-flow-log/*"},
	},
}

role(statement) := res("aws:iam/role:Role", "trading-flow-logs-role", {"assumeRolePolicy": doc([statement])})

log_writes := {
	"Effect": "Allow",
	"Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
	"Resource": "arn:aws:logs:us-east-1:111111111111:log-group:/peerctl/dev/trading/flow-logs:*",
}

role_policy(statements) := res("aws:iam/rolePolicy:RolePolicy", "trading-flow-logs-role-policy", {"role": "trading-flow-logs-role", "policy": doc(statements)})

managed_policy(statements) := res("aws:iam/policy:Policy", "trading-policy", {"policy": doc(statements)})

bucket_policy(statements) := res("aws:s3/bucketPolicy:BucketPolicy", "trading-flow-logs-policy", {"bucket": "b", "policy": doc(statements)})

topic_policy(statements) := res("aws:sns/topicPolicy:TopicPolicy", "trading-alarms-policy", {"arn": "arn:aws:sns:us-east-1:111111111111:alarms", "policy": doc(statements)})

delivery := {
	"Sid": "AWSLogDeliveryWrite",
	"Effect": "Allow",
	"Principal": {"Service": "delivery.logs.amazonaws.com"},
	"Action": "s3:PutObject",
	"Resource": "arn:aws:s3:::b/AWSLogs/111111111111/*",
	"Condition": {
		"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": "111111111111"},
		"ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:111111111111:*"},
	},
}

deny_tls := {
	"Effect": "Deny",
	"Principal": "*",
	"Action": "s3:*",
	"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

alarm_publish := {
	"Effect": "Allow",
	"Principal": {"Service": "cloudwatch.amazonaws.com"},
	"Action": "sns:Publish",
	"Resource": "arn:aws:sns:us-east-1:111111111111:alarms",
	"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111111111111:alarm:*"}},
}

good := [
	role(flow_logs_trust),
	role_policy([log_writes]),
	bucket_policy([delivery, deny_tls]),
	topic_policy([alarm_publish]),
]

msgs(findings) := {f.msg | some f in findings}

# put(obj, k, v) replaces obj[k] with v (object.union would merge objects).
put(obj, k, v) := object.union(object.remove(obj, [k]), {k: v})

all_findings := iam.deny_iam_001 | iam.deny_iam_002 | iam.deny_iam_003 | iam.deny_iam_004 | iam.warn_iam_005 | iam.deny_iam_006 | iam.warn_iam_007

test_good_documents_have_no_findings if {
	count(all_findings) == 0 with input as plan(good)
}

# IAM-001

test_deny_iam_001_fires_on_wildcard_actions if {
	every action in ["*", "s3:*", ["logs:PutLogEvents", "logs:*"]] {
		st := object.union(log_writes, {"Action": action})
		count(iam.deny_iam_001) == 1 with input as plan([role_policy([st])])
	}
}

test_deny_iam_001_fires_on_not_action if {
	st := object.remove(object.union(log_writes, {"NotAction": "iam:*"}), ["Action"])
	count(iam.deny_iam_001) == 1 with input as plan([managed_policy([st])])
}

test_deny_iam_001_fires_in_inline_role_policies if {
	r := res("aws:iam/role:Role", "r", {"assumeRolePolicy": doc([flow_logs_trust]), "inlinePolicies": [{"name": "p", "policy": doc([object.union(log_writes, {"Action": "*"})])}]})
	msgs(iam.deny_iam_001) == {`Role "r": inlinePolicies[0].policy allows action "*"; list the actions needed`} with input as plan([r])
}

test_deny_iam_001_passes_specific_actions_and_deny_wildcards if {
	count(iam.deny_iam_001) == 0 with input as plan(good)

	# s3:* in a Deny (the TLS statement) is fine; so are prefixes like s3:Get*
	st := object.union(log_writes, {"Action": ["s3:Get*", "logs:PutLogEvents"]})
	count(iam.deny_iam_001) == 0 with input as plan([role_policy([st])])
}

# IAM-002

test_deny_iam_002_fires_on_write_to_every_resource if {
	st := object.union(log_writes, {"Resource": "*"})
	msgs(iam.deny_iam_002) == {`RolePolicy "trading-flow-logs-role-policy": policy allows write actions logs:CreateLogStream, logs:PutLogEvents on resource "*"`} with input as plan([role_policy([st])])
}

test_deny_iam_002_fires_on_not_resource if {
	st := object.remove(object.union(log_writes, {"NotResource": "arn:aws:logs:*:*:log-group:secret"}), ["Resource"])
	count(iam.deny_iam_002) == 1 with input as plan([role_policy([st])])
}

test_deny_iam_002_passes_reads_and_resourceless_writes if {
	reads := {"Effect": "Allow", "Action": ["logs:DescribeLogGroups", "ec2:DescribeVpcs", "s3:ListAllMyBuckets"], "Resource": "*"}
	metrics := {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}
	count(iam.deny_iam_002) == 0 with input as plan([role_policy([reads, metrics, log_writes])])
}

# IAM-003

test_deny_iam_003_fires_on_non_service_principals if {
	cases := [
		put(flow_logs_trust, "Principal", {"AWS": "arn:aws:iam::333333333333:root"}),
		object.union(flow_logs_trust, {"Principal": "*"}),
		object.union(flow_logs_trust, {"Principal": {"Service": "vpc-flow-logs.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"}}),
	]
	every st in cases {
		count(iam.deny_iam_003) > 0 with input as plan([role(st)])
	}
}

test_deny_iam_003_fires_message if {
	st := put(flow_logs_trust, "Principal", {"AWS": "arn:aws:iam::333333333333:root"})
	msgs(iam.deny_iam_003) == {
		`Role "trading-flow-logs-role": assumeRolePolicy trusts AWS principals; trust only AWS service principals`,
		`Role "trading-flow-logs-role": assumeRolePolicy names no service principal`,
	} with input as plan([role(st)])
}

test_deny_iam_003_passes_service_principals if {
	count(iam.deny_iam_003) == 0 with input as plan([role(flow_logs_trust)])
	st := object.union(flow_logs_trust, {"Principal": {"Service": ["config.amazonaws.com"]}})
	count(iam.deny_iam_003) == 0 with input as plan([role(st)])
}

# IAM-004

test_deny_iam_004_fires_without_source_condition if {
	every svc in ["vpc-flow-logs.amazonaws.com", "config.amazonaws.com", "logs.us-east-1.amazonaws.com"] {
		st := object.remove(object.union(flow_logs_trust, {"Principal": {"Service": svc}}), ["Condition"])
		msgs(iam.deny_iam_004) == {sprintf(`Role "trading-flow-logs-role": assumeRolePolicy trusts %s without an aws:SourceAccount or aws:SourceArn condition`, [svc])} with input as plan([role(st)])
	}
}

test_deny_iam_004_fires_with_unrelated_condition if {
	st := put(flow_logs_trust, "Condition", {"StringEquals": {"sts:ExternalId": "x"}})
	count(iam.deny_iam_004) == 1 with input as plan([role(st)])
}

test_deny_iam_004_passes if {
	count(iam.deny_iam_004) == 0 with input as plan([role(flow_logs_trust)])

	# keys are case-insensitive; one of the two is enough
	st := put(flow_logs_trust, "Condition", {"StringEquals": {"AWS:SourceAccount": "111111111111"}})
	count(iam.deny_iam_004) == 0 with input as plan([role(st)])
}

test_deny_iam_004_passes_services_without_source_keys if {
	st := object.remove(object.union(flow_logs_trust, {"Principal": {"Service": "ec2.amazonaws.com"}}), ["Condition"])
	count(iam.deny_iam_004) == 0 with input as plan([role(st)])
}

# IAM-005

test_warn_iam_005_fires_on_unparseable_documents if {
	every v in ["not json", "", 42] {
		r := res("aws:iam/rolePolicy:RolePolicy", "p", {"policy": v})
		msgs(iam.warn_iam_005) == {`RolePolicy "p": policy is not a JSON policy document, so it was not checked`} with input as plan([r])
	}
}

test_warn_iam_005_passes_strings_and_objects if {
	count(iam.warn_iam_005) == 0 with input as plan(good)
	r := res("aws:iam/rolePolicy:RolePolicy", "p", {"policy": {"Version": "2012-10-17", "Statement": [log_writes]}})
	count(iam.warn_iam_005) == 0 with input as plan([r])
}

# IAM-006

test_deny_iam_006_fires_on_public_allow if {
	every principal in ["*", {"AWS": "*"}, {"AWS": ["*"]}] {
		st := {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
		count(iam.deny_iam_006) == 1 with input as plan([bucket_policy([st, deny_tls])])
	}
	st := {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:111111111111:alarms"}
	count(iam.deny_iam_006) == 1 with input as plan([topic_policy([st])])
}

test_deny_iam_006_passes_conditioned_or_named_principals if {
	count(iam.deny_iam_006) == 0 with input as plan(good)
	st := {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}
	count(iam.deny_iam_006) == 0 with input as plan([bucket_policy([st])])
}

# IAM-007

test_warn_iam_007_fires_on_service_without_source_condition if {
	st := object.remove(delivery, ["Condition"])
	msgs(iam.warn_iam_007) == {`BucketPolicy "trading-flow-logs-policy": policy allows delivery.logs.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition`} with input as plan([bucket_policy([st])])
}

test_warn_iam_007_passes if {
	count(iam.warn_iam_007) == 0 with input as plan(good)
}
