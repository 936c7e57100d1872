# METADATA
# title: Monitoring baseline
# description: |
#   Every VPC logs all its traffic with a valid aggregation interval and a
#   destination set up as AWS requires; alarms watch metrics that exist.
package peerctl.baseline.monitoring

import rego.v1

import data.peerctl.lib

flow_log := "aws:ec2/flowLog:FlowLog"

flow_logs_by_vpc := {vpc_id: {f | some f in flow_logs; lib.prop(f, ["vpcId"]) == vpc_id} |
	some vpc_id in {id | some x in flow_logs; id := lib.str(lib.prop(x, ["vpcId"]))}
}

flow_logs := lib.of_type(flow_log)

# METADATA
# title: Every VPC has a flow log capturing ALL traffic
# custom:
#   rationale: Accepted and rejected flows are the record of what crossed the peering; without them there is no audit trail and no traffic metrics.
#   reference: CIS AWS Foundations v3.0.0 3.7; Security Hub EC2.6
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
deny_mon_001 contains lib.finding(v, msg) if {
	some v in lib.of_type("aws:ec2/vpc:Vpc")
	logs := object.get(flow_logs_by_vpc, object.get(v, "id", ""), set())
	not any_all(logs)
	msg := flow_log_message(v, logs)
}

any_all(logs) if {
	some f in logs
	lib.prop(f, ["trafficType"]) == "ALL"
}

flow_log_message(v, logs) := sprintf("%s has no flow log (aws:ec2/flowLog:FlowLog with vpcId %v)", [lib.label(v), object.get(v, "id", "?")]) if {
	count(logs) == 0
} else := sprintf("%s has flow logs, but none with trafficType ALL (found %s)", [
	lib.label(v),
	concat(", ", sort({sprintf("%v", [lib.prop(f, ["trafficType"])]) | some f in logs})),
])

valid_intervals := {60, 600}

# METADATA
# title: Flow logs use a maxAggregationInterval of 60 or 600 seconds
# custom:
#   rationale: AWS accepts only 60 and 600; anything else (300, say) fails at apply time. The 5 minutes in the S3 docs is the delivery batch, not this setting.
#   reference: EC2 API Reference, CreateFlowLogs MaxAggregationInterval
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html
deny_mon_002 contains lib.finding(f, msg) if {
	some f in lib.of_type(flow_log)
	v := lib.prop(f, ["maxAggregationInterval"])
	v != null
	not lib.num(v) in valid_intervals
	msg := sprintf("%s sets maxAggregationInterval %v; AWS accepts only 60 or 600", [lib.label(f), v])
}

destination_type(f) := t if {
	t := lib.str(lib.prop(f, ["logDestinationType"]))
} else := "cloud-watch-logs"

# METADATA
# title: Flow log destinations are set up as AWS requires
# custom:
#   rationale: Delivery to S3 or Firehose uses no IAM role (the bucket policy grants delivery.logs.amazonaws.com); delivery to CloudWatch Logs needs one. A wrong combination fails at apply time.
#   reference: VPC User Guide, flow logs to S3 (permissions) and to CloudWatch Logs (IAM role)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
deny_mon_003 contains lib.finding(f, msg) if {
	some f in lib.of_type(flow_log)
	destination_type(f) != "cloud-watch-logs"
	lib.str(lib.prop(f, ["iamRoleArn"]))
	msg := sprintf("%s delivers to %s but sets iamRoleArn; only CloudWatch Logs delivery uses a role", [lib.label(f), destination_type(f)])
}

deny_mon_003 contains lib.finding(f, msg) if {
	some f in lib.of_type(flow_log)
	destination_type(f) == "cloud-watch-logs"
	not lib.str(lib.prop(f, ["iamRoleArn"]))
	msg := sprintf("%s delivers to CloudWatch Logs but sets no iamRoleArn (a role trusted by vpc-flow-logs.amazonaws.com)", [lib.label(f)])
}

deny_mon_003 contains lib.finding(f, msg) if {
	some f in lib.of_type(flow_log)
	destination_type(f) != "cloud-watch-logs"
	not lib.str(lib.prop(f, ["logDestination"]))
	msg := sprintf("%s delivers to %s but sets no logDestination ARN", [lib.label(f), destination_type(f)])
}

# AWS namespaces whose metrics AWS publishes by itself; for those mapped to a
# set, only those metric names exist. AWS/VPC has no traffic metrics (no
# BytesIn/BytesOut per VPC or per peering).
aws_namespaces := {
	"AWS/ApiGateway": "*",
	"AWS/ApplicationELB": "*",
	"AWS/AutoScaling": "*",
	"AWS/Backup": "*",
	"AWS/Billing": "*",
	"AWS/CertificateManager": "*",
	"AWS/CloudFront": "*",
	"AWS/CloudTrail": "*",
	"AWS/Config": "*",
	"AWS/DX": "*",
	"AWS/DynamoDB": "*",
	"AWS/EBS": "*",
	"AWS/EC2": "*",
	"AWS/ECS": "*",
	"AWS/EFS": "*",
	"AWS/ELB": "*",
	"AWS/ElastiCache": "*",
	"AWS/Events": "*",
	"AWS/Firehose": "*",
	"AWS/GatewayELB": "*",
	"AWS/KMS": "*",
	"AWS/Kinesis": "*",
	"AWS/Lambda": "*",
	"AWS/Logs": "*",
	"AWS/NATGateway": "*",
	"AWS/NetworkELB": "*",
	"AWS/NetworkFirewall": "*",
	"AWS/PrivateLinkEndpoints": "*",
	"AWS/PrivateLinkServices": "*",
	"AWS/RDS": "*",
	"AWS/Route53": "*",
	"AWS/Route53Resolver": "*",
	"AWS/S3": "*",
	"AWS/SES": "*",
	"AWS/SNS": "*",
	"AWS/SQS": "*",
	"AWS/States": "*",
	"AWS/TransitGateway": "*",
	"AWS/Usage": "*",
	"AWS/VPC": {"NetworkAddressUsage", "NetworkAddressUsagePeered"},
	"AWS/VPN": "*",
	"AWS/WAFV2": "*",
}

# metrics is the set of [namespace, metric, account, dimension keys] the
# alarms watch: the alarm's own metric, and each metric of its metric
# queries (metric math).
metrics(a) := {[ns, name, object.get(a, "account", ""), dims] |
	ns := lib.str(lib.prop(a, ["namespace"]))
	name := lib.str(lib.prop(a, ["metricName"]))
	dims := dimension_keys(lib.prop(a, ["dimensions"]))
} | {[ns, name, acct, dims] |
	some q in lib.as_array(lib.prop(a, ["metricQueries"]))
	m := object.get(q, "metric", null)
	is_object(m)
	ns := lib.str(object.get(m, "namespace", null))
	name := lib.str(object.get(m, "metricName", null))
	acct := query_account(a, q)
	dims := dimension_keys(object.get(m, "dimensions", null))
}

# A metric query naming another account id is a cross-account alarm: the
# metric filter cannot be matched by account.
query_account(_, q) := "*" if lib.str(object.get(q, "accountId", null))

query_account(a, q) := object.get(a, "account", "") if not lib.str(object.get(q, "accountId", null))

dimension_keys(d) := sort([k | some k, _ in d]) if is_object(d)

dimension_keys(d) := [] if not is_object(d)

# published contains [namespace, metric, account, dimension keys] for every
# metric a LogMetricFilter in the plan publishes.
published contains [ns, name, object.get(f, "account", ""), dims] if {
	some f in lib.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
	some t in lib.as_array(lib.prop(f, ["metricTransformation"]))
	ns := lib.str(object.get(t, "namespace", null))
	name := lib.str(object.get(t, "name", null))
	dims := dimension_keys(object.get(t, "dimensions", null))
}

published_metric(m) if aws_namespaces[m[0]] == "*"

published_metric(m) if {
	names := aws_namespaces[m[0]]
	is_set(names)
	m[1] in names
}

published_metric(m) if {
	not startswith(m[0], "AWS/")
	m in published
}

# A cross-account metric query may read a metric published in any account.
published_metric(m) if {
	not startswith(m[0], "AWS/")
	m[2] == "*"
	some account in {p[2] | some p in published}
	[m[0], m[1], account, m[3]] in published
}

# METADATA
# title: Alarms watch metrics that something publishes
# custom:
#   rationale: An alarm on a metric nobody publishes (AWS/VPC BytesIn, a typo in a custom namespace, a filter in the other account) sits in INSUFFICIENT_DATA forever and never fires.
#   reference: CloudWatch User Guide, AWS services that publish metrics; VPC User Guide, CloudWatch metrics for VPCs
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/aws-services-cloudwatch-metrics.html
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cloudwatch.html
deny_mon_004 contains lib.finding(a, msg) if {
	some a in lib.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
	some m in metrics(a)
	not published_metric(m)
	msg := sprintf("%s watches %s %s (dimensions %v), which %s", [lib.label(a), m[0], m[1], m[3], why_missing(m)])
}

why_missing(m) := "AWS does not publish" if startswith(m[0], "AWS/")

why_missing(m) := sprintf("no LogMetricFilter on account %q publishes with those dimensions", [m[2]]) if not startswith(m[0], "AWS/")
