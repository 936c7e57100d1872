package policy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
)

// This file builds plan documents for the tests and benchmarks: the real
// ones, from the stack files at the repository root through plan.Build (what
// `peerctl plan --json` prints), and an N-network full mesh generated here.
// withObservability adds what the observability work is expected to add.

// doc is a plan document as the engine receives it: JSON decoded into
// map[string]any.
type doc = map[string]any

// decode round-trips v through JSON, as `peerctl plan --json | policy` would.
func decode(tb testing.TB, v any) doc {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		tb.Fatal(err)
	}
	return d
}

func noEnv(string) (string, bool) { return "", false }

// buildPlan runs the real Pulumi program offline for a stack file's contents.
func buildPlan(tb testing.TB, stack string, yaml []byte) doc {
	tb.Helper()
	raw, err := config.ParseStackYAML(yaml)
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Parse(raw, noEnv)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := plan.Build(cfg, stack)
	if err != nil {
		tb.Fatal(err)
	}
	return decode(tb, d)
}

// realPlan is the plan of the repository's Pulumi.<stack>.yaml.
func realPlan(tb testing.TB, stack string) doc {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return buildPlan(tb, stack, b)
}

var meshNames = []string{"trading", "analytics", "risk", "pricing", "ledger", "reporting", "ingest", "research"}

// meshPlan is the plan of n networks in n accounts, every pair peered:
// n*(n-1)/2 peerings. Above 6 networks the NACLs need the raised quota.
func meshPlan(tb testing.TB, n int) doc {
	tb.Helper()
	var b strings.Builder
	b.WriteString("config:\n  peerctl:environment: dev\n  peerctl:region: us-east-1\n")
	b.WriteString("  peerctl:quotas:\n    naclRulesPerDirection: 40\n")
	b.WriteString("  peerctl:networks:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - name: %s\n      cidr: 10.%d.0.0/16\n      costCenter: %s\n      azCount: 3\n", meshNames[i], i, meshNames[i])
		fmt.Fprintf(&b, "      account:\n        id: \"%012d\"\n        profile: %s-dev\n", 100000000000+i, meshNames[i])
	}
	b.WriteString("  peerctl:peerings:\n")
	for i := range n {
		for j := i + 1; j < n; j++ {
			fmt.Fprintf(&b, "    - requester: %s\n      accepter: %s\n", meshNames[i], meshNames[j])
		}
	}
	d := buildPlan(tb, "mesh", []byte(b.String()))
	if _, ok := d["quotas"]; !ok {
		// The plan document does not carry the stack's quotas yet; NET-007
		// reads them from there.
		d["quotas"] = map[string]any{"naclRulesPerDirection": 40}
	}
	return d
}

func resources(d doc) []any { r, _ := d["resources"].([]any); return r }

func inputs(r map[string]any) map[string]any {
	in, _ := r["inputs"].(map[string]any)
	if in == nil {
		in = map[string]any{}
		r["inputs"] = in
	}
	return in
}

func ofType(d doc, typ string) []map[string]any {
	var out []map[string]any
	for _, x := range resources(d) {
		if r, ok := x.(map[string]any); ok && r["type"] == typ {
			out = append(out, r)
		}
	}
	return out
}

func add(d doc, rs ...map[string]any) {
	all := resources(d)
	for _, r := range rs {
		all = append(all, r)
	}
	d["resources"] = all
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// newResource makes a resource as the plan document lists it.
func newResource(d doc, parentType, parent, typ, name, id, account string, in map[string]any) map[string]any {
	stack, _ := d["stack"].(string)
	parentURN := fmt.Sprintf("urn:pulumi:%s::peerctl::%s::%s", stack, parentType, parent)
	return map[string]any{
		"urn":       fmt.Sprintf("urn:pulumi:%s::peerctl::%s$%s::%s", stack, parentType, typ, name),
		"type":      typ,
		"name":      name,
		"id":        id,
		"account":   account,
		"parent":    parentURN,
		"provider":  fmt.Sprintf("urn:pulumi:%s::peerctl::pulumi:providers:aws::%s", stack, account),
		"dependsOn": []any{},
		"inputs":    in,
	}
}

const observability = "peerctl:observability:Observability"

// withObservability adds, for every network, what AWS-NOTES.md describes:
// an encrypted, private, TLS-only flow-log bucket with the log-delivery
// policy and a flow log (ALL, 60 s, parquet) into it; a CloudWatch Logs flow
// log through a role trusted by vpc-flow-logs.amazonaws.com; and, per peer,
// a metric filter summing bytes to the peer CIDR with an alarm on it that
// notifies an SNS topic. A plan that already has flow logs, from the real
// observability code, is returned as it is.
func withObservability(d doc) doc {
	if len(ofType(d, "aws:ec2/flowLog:FlowLog")) > 0 {
		return d
	}
	env, _ := d["environment"].(string)
	type net struct{ name, vpcID, cidr, acct, region string }
	nets := map[string]*net{}
	var order []string
	for _, p := range ofType(d, "pulumi:providers:aws") {
		in := inputs(p)
		name, _ := p["name"].(string)
		ids, _ := in["allowedAccountIds"].([]any)
		acct := "000000000000"
		if len(ids) > 0 {
			acct, _ = ids[0].(string)
		}
		region, _ := in["region"].(string)
		nets[name] = &net{name: name, acct: acct, region: region}
	}
	for _, v := range ofType(d, "aws:ec2/vpc:Vpc") {
		n := nets[v["account"].(string)]
		n.vpcID, _ = v["id"].(string)
		n.cidr, _ = inputs(v)["cidrBlock"].(string)
		order = append(order, n.name)
	}
	peers := map[string][]string{}
	byVPC := map[string]string{}
	for _, n := range nets {
		byVPC[n.vpcID] = n.name
	}
	for _, c := range ofType(d, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection") {
		a, b := byVPC[inputs(c)["vpcId"].(string)], byVPC[inputs(c)["peerVpcId"].(string)]
		peers[a] = append(peers[a], b)
		peers[b] = append(peers[b], a)
	}

	for _, name := range order {
		n := nets[name]
		r := func(typ, rname, id string, in map[string]any) map[string]any {
			return newResource(d, observability, n.name, typ, rname, id, n.name, in)
		}
		bucket := fmt.Sprintf("%s-flow-logs-%s-%s-%s", n.name, env, n.acct, n.region)
		bucketARN := "arn:aws:s3:::" + bucket
		logGroup := fmt.Sprintf("/peerctl/%s/%s/flow-logs", env, n.name)
		logGroupARN := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", n.region, n.acct, logGroup)
		roleARN := fmt.Sprintf("arn:aws:iam::%s:role/%s-flow-logs-%s", n.acct, n.name, env)
		topicARN := fmt.Sprintf("arn:aws:sns:%s:%s:%s-peering-alarms-%s", n.region, n.acct, n.name, env)
		source := map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": n.acct},
			"ArnLike":      map[string]any{"aws:SourceArn": fmt.Sprintf("arn:aws:logs:%s:%s:*", n.region, n.acct)},
		}
		component := map[string]any{
			"urn":  fmt.Sprintf("urn:pulumi:%s::peerctl::%s::%s", d["stack"], observability, n.name),
			"type": observability, "name": n.name, "account": n.name, "parent": "", "provider": "",
			"dependsOn": []any{}, "inputs": map[string]any{"environment": env},
		}
		add(d, component,
			r("aws:s3/bucketV2:BucketV2", n.name+"-flow-logs", bucket, map[string]any{
				"bucket": bucket, "forceDestroy": env != "prod", "tags": map[string]any{"Name": bucket},
			}),
			r("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", n.name+"-flow-logs-public-access", bucket, map[string]any{
				"bucket": bucket, "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true,
			}),
			r("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", n.name+"-flow-logs-encryption", bucket, map[string]any{
				"bucket": bucket,
				"rules":  []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}, "bucketKeyEnabled": true}},
			}),
			r("aws:s3/bucketPolicy:BucketPolicy", n.name+"-flow-logs-policy", bucket, map[string]any{
				"bucket": bucket,
				"policy": mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{
					map[string]any{
						"Sid": "AWSLogDeliveryWrite", "Effect": "Allow",
						"Principal": map[string]any{"Service": "delivery.logs.amazonaws.com"},
						"Action":    "s3:PutObject", "Resource": fmt.Sprintf("%s/AWSLogs/%s/*", bucketARN, n.acct),
						"Condition": map[string]any{
							"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": n.acct},
							"ArnLike":      source["ArnLike"],
						},
					},
					map[string]any{
						"Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow",
						"Principal": map[string]any{"Service": "delivery.logs.amazonaws.com"},
						"Action":    []any{"s3:GetBucketAcl", "s3:ListBucket"}, "Resource": bucketARN,
						"Condition": source,
					},
					map[string]any{
						"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
						"Resource":  []any{bucketARN, bucketARN + "/*"},
						"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					},
				}}),
			}),
			r("aws:ec2/flowLog:FlowLog", n.name+"-flow-log-s3", "fl-s3-"+n.name, map[string]any{
				"vpcId": n.vpcID, "trafficType": "ALL", "logDestinationType": "s3", "logDestination": bucketARN,
				"maxAggregationInterval": 60,
				"destinationOptions":     map[string]any{"fileFormat": "parquet", "hiveCompatiblePartitions": true, "perHourPartition": true},
			}),
			r("aws:cloudwatch/logGroup:LogGroup", n.name+"-flow-logs", logGroup, map[string]any{
				"name": logGroup, "retentionInDays": 7,
			}),
			r("aws:iam/role:Role", n.name+"-flow-logs-role", n.name+"-flow-logs-"+env, map[string]any{
				"name": n.name + "-flow-logs-" + env,
				"assumeRolePolicy": mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole",
					"Condition": map[string]any{
						"StringEquals": map[string]any{"aws:SourceAccount": n.acct},
						"ArnLike":      map[string]any{"aws:SourceArn": fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/*", n.region, n.acct)},
					},
				}}}),
			}),
			r("aws:iam/rolePolicy:RolePolicy", n.name+"-flow-logs-role-policy", n.name+"-flow-logs-"+env+":logs", map[string]any{
				"role": n.name + "-flow-logs-" + env,
				"policy": mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{
					map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, "Resource": logGroupARN + ":*"},
					map[string]any{"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
				}}),
			}),
			r("aws:ec2/flowLog:FlowLog", n.name+"-flow-log-cwl", "fl-cwl-"+n.name, map[string]any{
				"vpcId": n.vpcID, "trafficType": "ALL", "logDestinationType": "cloud-watch-logs", "logDestination": logGroupARN,
				"iamRoleArn": roleARN, "maxAggregationInterval": 60,
			}),
			r("aws:sns/topic:Topic", n.name+"-peering-alarms", topicARN, map[string]any{"name": n.name + "-peering-alarms-" + env}),
			r("aws:sns/topicPolicy:TopicPolicy", n.name+"-peering-alarms-policy", topicARN, map[string]any{
				"arn": topicARN,
				"policy": mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topicARN,
					"Condition": map[string]any{"ArnLike": map[string]any{"aws:SourceArn": fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:*", n.region, n.acct)}},
				}}}),
			}),
		)
		for _, p := range peers[name] {
			peer := nets[p]
			metric := "BytesTo-" + peer.name
			add(d,
				r("aws:cloudwatch/logMetricFilter:LogMetricFilter", n.name+"-bytes-to-"+peer.name, n.name+"-bytes-to-"+peer.name, map[string]any{
					"name": n.name + "-bytes-to-" + peer.name, "logGroupName": logGroup,
					"pattern":              fmt.Sprintf("[version, account, eni, srcaddr, dstaddr=%q, ...]", strings.TrimSuffix(peer.cidr, ".0.0/16")+".*"),
					"metricTransformation": map[string]any{"namespace": "Peerctl/Peering", "name": metric, "value": "$bytes", "unit": "Bytes", "defaultValue": "0"},
				}),
				r("aws:cloudwatch/metricAlarm:MetricAlarm", n.name+"-bytes-to-"+peer.name+"-alarm", n.name+"-bytes-to-"+peer.name+"-alarm", map[string]any{
					"name": fmt.Sprintf("%s-bytes-to-%s-%s", n.name, peer.name, env), "namespace": "Peerctl/Peering", "metricName": metric,
					"statistic": "Sum", "period": 300, "evaluationPeriods": 1, "threshold": 1 << 30,
					"comparisonOperator": "GreaterThanThreshold", "treatMissingData": "notBreaching",
					"alarmActions": []any{topicARN},
				}),
			)
		}
	}
	return decodeDoc(d)
}

// decodeDoc normalizes Go values (ints, []map) to what JSON decoding gives.
func decodeDoc(d doc) doc {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
