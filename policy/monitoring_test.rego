package peerctl.baseline.monitoring_test

import rego.v1

import data.peerctl.baseline.monitoring

plan(rs) := {"stack": "dev", "environment": "dev", "region": "us-east-1", "resources": rs}

res(t, name, account, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": name,
	"account": account,
	"inputs": inputs,
}

vpc := object.union(res("aws:ec2/vpc:Vpc", "trading-vpc", "trading", {"cidrBlock": "10.0.0.0/16"}), {"id": "vpc-1"})

s3_flow_log(inputs) := res("aws:ec2/flowLog:FlowLog", "trading-flow-log", "trading", object.union(
	{
		"vpcId": "vpc-1",
		"trafficType": "ALL",
		"logDestinationType": "s3",
		"logDestination": "arn:aws:s3:::trading-flow-logs-111111111111",
		"maxAggregationInterval": 60,
		"destinationOptions": {"fileFormat": "parquet", "perHourPartition": true},
	},
	inputs,
))

cwl_flow_log(inputs) := res("aws:ec2/flowLog:FlowLog", "trading-flow-log-cwl", "trading", object.union(
	{
		"vpcId": "vpc-1",
		"trafficType": "ALL",
		"logDestinationType": "cloud-watch-logs",
		"logDestination": "arn:aws:logs:us-east-1:111111111111:log-group:/peerctl/dev/trading/flow-logs",
		"iamRoleArn": "arn:aws:iam::111111111111:role/trading-flow-logs",
		"maxAggregationInterval": 60,
	},
	inputs,
))

msgs(findings) := {f.msg | some f in findings}

# MON-001

test_deny_mon_001_fires_without_flow_log if {
	msgs(monitoring.deny_mon_001) == {`Vpc "trading-vpc" has no flow log (aws:ec2/flowLog:FlowLog with vpcId vpc-1)`} with input as plan([vpc])
}

test_deny_mon_001_fires_on_partial_traffic if {
	rs := [vpc, s3_flow_log({"trafficType": "REJECT"}), cwl_flow_log({"trafficType": "ACCEPT"})]
	msgs(monitoring.deny_mon_001) == {`Vpc "trading-vpc" has flow logs, but none with trafficType ALL (found ACCEPT, REJECT)`} with input as plan(rs)
}

test_deny_mon_001_fires_on_flow_log_of_other_vpc if {
	count(monitoring.deny_mon_001) == 1 with input as plan([vpc, s3_flow_log({"vpcId": "vpc-2"})])
}

test_deny_mon_001_passes if {
	count(monitoring.deny_mon_001) == 0 with input as plan([vpc, s3_flow_log({})])
	count(monitoring.deny_mon_001) == 0 with input as plan([vpc, s3_flow_log({"trafficType": "REJECT"}), cwl_flow_log({})])
	count(monitoring.deny_mon_001) == 0 with input as plan([])
}

# MON-002

test_deny_mon_002_fires_on_invalid_interval if {
	every v in [300, "300", 0] {
		count(monitoring.deny_mon_002) == 1 with input as plan([vpc, s3_flow_log({"maxAggregationInterval": v})])
	}
	msgs(monitoring.deny_mon_002) == {`FlowLog "trading-flow-log" sets maxAggregationInterval 300; AWS accepts only 60 or 600`} with input as plan([vpc, s3_flow_log({"maxAggregationInterval": 300})])
}

test_deny_mon_002_passes_valid_or_default if {
	every v in [60, 600, "60", 60.0] {
		count(monitoring.deny_mon_002) == 0 with input as plan([vpc, s3_flow_log({"maxAggregationInterval": v})])
	}
	unset := json.remove(s3_flow_log({}), ["inputs/maxAggregationInterval"])
	count(monitoring.deny_mon_002) == 0 with input as plan([vpc, unset])
}

# MON-003

test_deny_mon_003_fires_on_role_for_s3 if {
	rs := [vpc, s3_flow_log({"iamRoleArn": "arn:aws:iam::111111111111:role/x"})]
	msgs(monitoring.deny_mon_003) == {`FlowLog "trading-flow-log" delivers to s3 but sets iamRoleArn; only CloudWatch Logs delivery uses a role`} with input as plan(rs)
}

test_deny_mon_003_fires_on_cloudwatch_without_role if {
	fl := json.remove(cwl_flow_log({}), ["inputs/iamRoleArn"])
	count(monitoring.deny_mon_003) == 1 with input as plan([vpc, fl])

	# no logDestinationType means cloud-watch-logs
	fl2 := json.remove(cwl_flow_log({}), ["inputs/iamRoleArn", "inputs/logDestinationType"])
	count(monitoring.deny_mon_003) == 1 with input as plan([vpc, fl2])
}

test_deny_mon_003_fires_on_s3_without_destination if {
	fl := json.remove(s3_flow_log({}), ["inputs/logDestination"])
	count(monitoring.deny_mon_003) == 1 with input as plan([vpc, fl])
}

test_deny_mon_003_passes if {
	count(monitoring.deny_mon_003) == 0 with input as plan([vpc, s3_flow_log({}), cwl_flow_log({})])
}

# MON-004

filter(account, namespace, name, dims) := res("aws:cloudwatch/logMetricFilter:LogMetricFilter", sprintf("%s-peer-bytes", [account]), account, {
	"logGroupName": "/peerctl/dev/flow-logs",
	"pattern": "[version, account, eni, source=\"10.1.*\", destination, ...]",
	"metricTransformation": object.union({"namespace": namespace, "name": name, "value": "$bytes", "unit": "Bytes"}, dims),
})

alarm(account, inputs) := res("aws:cloudwatch/metricAlarm:MetricAlarm", sprintf("%s-peer-bytes-alarm", [account]), account, object.union(
	{"comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1, "period": 300, "statistic": "Sum", "threshold": 1073741824},
	inputs,
))

test_deny_mon_004_fires_on_vpc_traffic_metrics if {
	a := alarm("trading", {"namespace": "AWS/VPC", "metricName": "BytesIn", "dimensions": {"VpcId": "vpc-1"}})
	msgs(monitoring.deny_mon_004) == {`MetricAlarm "trading-peer-bytes-alarm" watches AWS/VPC BytesIn (dimensions ["VpcId"]), which AWS does not publish`} with input as plan([a])
}

test_deny_mon_004_fires_on_unknown_aws_namespace if {
	a := alarm("trading", {"namespace": "AWS/VPCPeering", "metricName": "BytesOut"})
	count(monitoring.deny_mon_004) == 1 with input as plan([a])
}

test_deny_mon_004_fires_on_custom_metric_without_filter if {
	f := filter("trading", "Peerctl/Peering", "BytesToAnalytics", {})
	cases := [
		alarm("trading", {"namespace": "Peerctl/Peering", "metricName": "BytesToAnalytcs"}), # typo
		alarm("trading", {"namespace": "peerctl/peering", "metricName": "BytesToAnalytics"}), # case
		alarm("analytics", {"namespace": "Peerctl/Peering", "metricName": "BytesToAnalytics"}), # other account
		alarm("trading", {"namespace": "Peerctl/Peering", "metricName": "BytesToAnalytics", "dimensions": {"VpcId": "vpc-1"}}), # filter has no dimensions
	]
	every a in cases {
		count(monitoring.deny_mon_004) == 1 with input as plan([f, a])
	}
	msgs(monitoring.deny_mon_004) == {`MetricAlarm "analytics-peer-bytes-alarm" watches Peerctl/Peering BytesToAnalytics (dimensions []), which no LogMetricFilter on account "analytics" publishes with those dimensions`} with input as plan([f, cases[2]])
}

test_deny_mon_004_fires_on_metric_query if {
	a := alarm("trading", {"metricQueries": [
		{"id": "e1", "expression": "m1 / 1024", "returnData": true},
		{"id": "m1", "metric": {"namespace": "AWS/VPC", "metricName": "BytesOut", "period": 300, "stat": "Sum"}},
	]})
	count(monitoring.deny_mon_004) == 1 with input as plan([a])
}

test_deny_mon_004_passes if {
	f := filter("trading", "Peerctl/Peering", "BytesToAnalytics", {})
	fd := filter("analytics", "Peerctl/Peering", "BytesToTrading", {"dimensions": {"VpcId": "$vpc-id"}})
	rs := [
		f,
		fd,
		alarm("trading", {"namespace": "Peerctl/Peering", "metricName": "BytesToAnalytics"}),
		alarm("analytics", {"namespace": "Peerctl/Peering", "metricName": "BytesToTrading", "dimensions": {"VpcId": "vpc-2"}}),
		alarm("trading", {"namespace": "AWS/NATGateway", "metricName": "BytesOutToDestination"}),
		alarm("trading", {"namespace": "AWS/VPC", "metricName": "NetworkAddressUsage"}),
		alarm("trading", {"metricQueries": [{"id": "m1", "metric": {"namespace": "Peerctl/Peering", "metricName": "BytesToAnalytics", "period": 300, "stat": "Sum"}}]}),
	]
	count(monitoring.deny_mon_004) == 0 with input as plan(rs)
}

test_deny_mon_004_passes_without_alarms if {
	count(monitoring.deny_mon_004) == 0 with input as plan([filter("trading", "Peerctl/Peering", "BytesToAnalytics", {})])
}
