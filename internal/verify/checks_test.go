package verify

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// checkCase breaks one thing in a healthy world and expects results.
type checkCase struct {
	name   string
	mutate func(w *world)
	want   []expect
}

func runCheckCases(t *testing.T, tests []checkCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.mutate(w)
			results := Run(context.Background(), w.options(false))
			checkExpectations(t, results, tt.want)
		})
	}
}

func sgRule(id, group string, egress bool, proto string, from, to int32) types.SecurityGroupRule {
	return types.SecurityGroupRule{SecurityGroupRuleId: aws.String(id), GroupId: aws.String(group), IsEgress: aws.Bool(egress),
		IpProtocol: aws.String(proto), FromPort: aws.Int32(from), ToPort: aws.Int32(to)}
}

func withCIDR(r types.SecurityGroupRule, cidr string) types.SecurityGroupRule {
	r.CidrIpv4 = aws.String(cidr)
	return r
}

func TestSecurityGroupRules(t *testing.T) {
	runCheckCases(t, []checkCase{
		{
			name: "the design passes, prefix lists included",
			mutate: func(w *world) {
			},
			want: []expect{
				{CheckSecurityGroup, "trading sg-t", Pass, "in: tcp 443, 5432 from analytics; out: tcp 443, 5432 to analytics; nothing else"},
				{CheckSecurityGroup, "analytics sg-a", Pass, "nothing else"},
			},
		},
		{
			name: "rules for only part of the peer CIDR do not count",
			mutate: func(w *world) {
				for i := range w.trading.sgRules {
					if r := &w.trading.sgRules[i]; r.CidrIpv4 != nil {
						r.CidrIpv4 = aws.String("10.1.0.0/20")
					}
				}
			},
			want: []expect{{CheckSecurityGroup, "trading sg-t", Fail,
				"in allows tcp 443 from only 10.1.0.0/20, part of analytics 10.1.0.0/16; in allows tcp 5432 from only 10.1.0.0/20, part of analytics 10.1.0.0/16; " +
					"out allows tcp 443 to only 10.1.0.0/20, part of analytics 10.1.0.0/16"}},
		},
		{
			name: "443 from anywhere and an all-traffic customer prefix list",
			mutate: func(w *world) {
				pl := sgRule("sgr-pl", "sg-t", false, "-1", -1, -1)
				pl.PrefixListId = aws.String("pl-0customer")
				w.trading.sgRules = append(w.trading.sgRules, withCIDR(sgRule("sgr-world", "sg-t", false, "tcp", 443, 443), "0.0.0.0/0"), pl)
			},
			want: []expect{{CheckSecurityGroup, "trading sg-t", Fail,
				"in allows tcp 443 from 0.0.0.0/0 (sgr-world): open to every address; " +
					"in allows all traffic from prefix list pl-0customer (sgr-pl): not the S3 or DynamoDB gateway prefix list"}},
		},
		{
			name: "IPv6 rules",
			mutate: func(w *world) {
				all := sgRule("sgr-v6all", "sg-a", true, "tcp", 443, 443)
				all.CidrIpv6 = aws.String("::/0")
				some := sgRule("sgr-v6", "sg-a", false, "tcp", 5432, 5432)
				some.CidrIpv6 = aws.String("2600:1f18:abcd::/56")
				w.analytics.sgRules = append(w.analytics.sgRules, all, some)
			},
			want: []expect{{CheckSecurityGroup, "analytics sg-a", Fail,
				"out allows tcp 443 to ::/0 (sgr-v6all): open to every IPv6 address; " +
					"in allows tcp 5432 from 2600:1f18:abcd::/56 (sgr-v6): an IPv6 rule, and the peering is IPv4 only"}},
		},
		{
			name: "a rule wider than the peer, and one for an address that is no peer's",
			mutate: func(w *world) {
				w.analytics.sgRules = append(w.analytics.sgRules,
					withCIDR(sgRule("sgr-wide", "sg-a", false, "tcp", 443, 443), "10.0.0.0/8"),
					withCIDR(sgRule("sgr-other", "sg-a", true, "tcp", 5432, 5432), "192.168.0.0/16"))
			},
			want: []expect{{CheckSecurityGroup, "analytics sg-a", Fail,
				"in allows tcp 443 from 10.0.0.0/8 (sgr-wide): wider than trading 10.0.0.0/16; out allows tcp 5432 to 192.168.0.0/16 (sgr-other): not a peer's CIDR"}},
		},
		{
			name: "a reference to a security group other than the peer's",
			mutate: func(w *world) {
				r := sgRule("sgr-ref", "sg-t", false, "tcp", 443, 443)
				r.ReferencedGroupInfo = &types.ReferencedSecurityGroup{GroupId: aws.String("sg-bastion"), UserId: aws.String("111111111111")}
				w.trading.sgRules = append(w.trading.sgRules, r)
			},
			want: []expect{{CheckSecurityGroup, "trading sg-t", Fail,
				"in allows tcp 443 from security group 111111111111/sg-bastion (sgr-ref): references a group other than the peers' application groups"}},
		},
		{
			name: "referencing the peer's group on 443 and 5432 instead of its CIDR passes",
			mutate: func(w *world) {
				var rules []types.SecurityGroupRule
				for _, r := range w.trading.sgRules {
					if !aws.ToBool(r.IsEgress) {
						r.CidrIpv4 = nil
						r.ReferencedGroupInfo = &types.ReferencedSecurityGroup{GroupId: aws.String("sg-a"), UserId: aws.String("222222222222")}
					}
					rules = append(rules, r)
				}
				w.trading.sgRules = rules
			},
			want: []expect{{CheckSecurityGroup, "trading sg-t", Pass, "in: tcp 443, 5432 from analytics"}},
		},
		{
			name: "the S3 prefix list in the wrong direction",
			mutate: func(w *world) {
				r := sgRule("sgr-s3in", "sg-t", false, "tcp", 443, 443)
				r.PrefixListId = aws.String("pl-63a5400a")
				w.trading.sgRules = append(w.trading.sgRules, r)
			},
			want: []expect{{CheckSecurityGroup, "trading sg-t", Fail,
				"in allows tcp 443 from prefix list pl-63a5400a (com.amazonaws.us-east-1.s3, sgr-s3in): only tcp 443 out may use it"}},
		},
		{
			name: "prefix lists that cannot be looked up fail the check",
			mutate: func(w *world) {
				w.analytics.errs["DescribePrefixLists"] = []error{apiError("UnauthorizedOperation", "no")}
			},
			want: []expect{{CheckSecurityGroup, "analytics sg-a", Fail,
				"cannot tell the S3 and DynamoDB prefix lists from others: DescribePrefixLists: access denied (UnauthorizedOperation)"}},
		},
	})
}

func naclEntry(number int32, egress bool, action types.RuleAction, cidr, proto string, from, to int32) types.NetworkAclEntry {
	e := types.NetworkAclEntry{RuleNumber: aws.Int32(number), Egress: aws.Bool(egress), RuleAction: action,
		CidrBlock: aws.String(cidr), Protocol: aws.String(proto)}
	if proto == protoTCP || proto == protoUDP {
		e.PortRange = &types.PortRange{From: aws.Int32(from), To: aws.Int32(to)}
	}
	return e
}

func TestNACLFromOutside(t *testing.T) {
	runCheckCases(t, []checkCase{
		{
			name:   "the design denies ssh and rdp from outside, though it admits 1024-3388 and 3390-65535 from anywhere",
			mutate: func(w *world) {},
			want: []expect{{CheckNACL, "trading acl-t", Pass,
				"tcp 443 and 5432 with analytics both ways; ssh, http, dns, icmp denied; ssh and rdp from outside denied"}},
		},
		{
			name: "the 3389 gap closed: rdp from anywhere",
			mutate: func(w *world) {
				acl := &w.trading.nacls[0]
				acl.Entries = append(acl.Entries, naclEntry(899, false, types.RuleActionAllow, "0.0.0.0/0", protoTCP, 1024, 65535))
			},
			want: []expect{{CheckNACL, "trading acl-t", Fail, "in: tcp 3389 from outside (198.51.100.1) is allowed (rule 899)"}},
		},
		{
			name: "ssh from anywhere, denied from the peer by an earlier rule",
			mutate: func(w *world) {
				acl := &w.analytics.nacls[0]
				acl.Entries = append(acl.Entries,
					naclEntry(110, false, types.RuleActionDeny, "10.0.0.0/16", protoTCP, 22, 22),
					naclEntry(120, false, types.RuleActionAllow, "0.0.0.0/0", protoTCP, 22, 22))
			},
			want: []expect{{CheckNACL, "analytics acl-a", Fail, "in: tcp 22 from outside (198.51.100.1) is allowed (rule 120)"}},
		},
		{
			name: "an outbound allow to anywhere does not count as admitting from outside",
			mutate: func(w *world) {
				acl := &w.analytics.nacls[0]
				acl.Entries = append(acl.Entries, naclEntry(950, true, types.RuleActionAllow, "0.0.0.0/0", protoTCP, 3389, 3389))
			},
			want: []expect{{CheckNACL, "analytics acl-a", Pass, "ssh and rdp from outside denied"}},
		},
	})
}

func TestAlarmMetricFilters(t *testing.T) {
	runCheckCases(t, []checkCase{
		{
			name: "an alarm in OK on a metric no filter publishes fails",
			mutate: func(w *world) {
				group := w.out.FlowLogGroups["trading"]
				w.trading.metricFilters[group] = w.trading.metricFilters[group][:1]
			},
			want: []expect{
				{CheckAlarms, "trading trading-peering-bytes-in", Pass, "OK (Peerctl/Peering/BytesFromPeer)"},
				{CheckAlarms, "trading trading-peering-bytes-out", Fail,
					"no metric filter on /peerctl/dev/trading/flow-logs publishes Peerctl/Peering/BytesToPeer: the alarm can never fire (missing data counts as not breaching); run peerctl up"},
			},
		},
		{
			name: "a filter publishing to another namespace does not count",
			mutate: func(w *world) {
				group := w.out.FlowLogGroups["analytics"]
				w.analytics.metricFilters[group][0].MetricTransformations[0].MetricNamespace = aws.String("Peerctl/Old")
			},
			want: []expect{{CheckAlarms, "analytics analytics-peering-bytes-in", Fail, "no metric filter on /peerctl/dev/analytics/flow-logs publishes Peerctl/Peering/BytesFromPeer"}},
		},
		{
			name: "a filter publishing with dimensions feeds another metric",
			mutate: func(w *world) {
				group := w.out.FlowLogGroups["analytics"]
				w.analytics.metricFilters[group][1].MetricTransformations[0].Dimensions = map[string]string{"Peer": "$destination"}
			},
			want: []expect{{CheckAlarms, "analytics analytics-peering-bytes-out", Fail, "no metric filter on /peerctl/dev/analytics/flow-logs publishes Peerctl/Peering/BytesToPeer"}},
		},
		{
			name: "an alarm on metric math is matched through its queries",
			mutate: func(w *world) {
				a := &w.trading.alarms[0]
				a.Namespace, a.MetricName = nil, nil
				a.Metrics = []cwtypes.MetricDataQuery{
					{Id: aws.String("m1"), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String("Peerctl/Peering"), MetricName: aws.String("BytesFromPeer")}}},
					{Id: aws.String("m2"), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String("Peerctl/Peering"), MetricName: aws.String("Nothing")}}},
					{Id: aws.String("e1"), Expression: aws.String("m1+m2")},
				}
			},
			want: []expect{{CheckAlarms, "trading trading-peering-bytes-in", Fail, "publishes Peerctl/Peering/Nothing: the alarm can never fire"}},
		},
		{
			name: "metric filters found on a later page",
			mutate: func(w *world) {
				group := w.out.FlowLogGroups["trading"]
				var other []cwltypes.MetricFilter
				for i := range 5 {
					other = append(other, cwltypes.MetricFilter{FilterName: aws.String(fmt.Sprint("other-", i)), MetricTransformations: []cwltypes.MetricTransformation{
						{MetricNamespace: aws.String("Other"), MetricName: aws.String(fmt.Sprint("M", i))}}})
				}
				w.trading.metricFilters[group] = append(other, w.trading.metricFilters[group]...)
				w.trading.pageSize = 2
			},
			want: []expect{
				{CheckAlarms, "trading trading-peering-bytes-in", Pass, "OK"},
				{CheckAlarms, "trading trading-peering-bytes-out", Pass, "OK"},
			},
		},
		{
			name: "the flow-log group is gone",
			mutate: func(w *world) {
				w.analytics.logGroups = nil
			},
			want: []expect{{CheckAlarms, "analytics analytics-peering-bytes-in", Fail,
				"the flow-log group /peerctl/dev/analytics/flow-logs does not exist, so whether a metric filter feeds Peerctl/Peering/BytesFromPeer is unknown"}},
		},
		{
			name: "metric filters that cannot be read",
			mutate: func(w *world) {
				w.trading.errs["DescribeMetricFilters"] = []error{apiError("AccessDeniedException", "no")}
			},
			want: []expect{{CheckAlarms, "trading trading-peering-bytes-out", Fail,
				"cannot read the metric filters of /peerctl/dev/trading/flow-logs: DescribeMetricFilters: access denied (AccessDeniedException)"}},
		},
	})
}

func TestFlowLogDestinations(t *testing.T) {
	runCheckCases(t, []checkCase{
		{
			name: "the S3 flow log delivers to another bucket",
			mutate: func(w *world) {
				w.trading.flowLogs[0].LogDestination = aws.String("arn:aws:s3:::someone-elses-bucket/AWSLogs")
			},
			want: []expect{
				{CheckFlowLogs, "trading s3 fl-t-s3", Fail, "delivers to bucket someone-elses-bucket, not to the stack's bucket trading-flow-logs-dev-111111111111"},
				{CheckFlowLogs, "trading cloudwatch fl-t-cw", Pass, "ACTIVE"},
			},
		},
		{
			name: "a prefix inside the stack's bucket is the stack's bucket",
			mutate: func(w *world) {
				w.trading.flowLogs[0].LogDestination = aws.String("arn:aws:s3:::trading-flow-logs-dev-111111111111/vpc/")
			},
			want: []expect{{CheckFlowLogs, "trading s3 fl-t-s3", Pass, "ACTIVE, ALL traffic to arn:aws:s3:::trading-flow-logs-dev-111111111111/vpc/"}},
		},
		{
			name: "the S3 flow log delivers to a log group",
			mutate: func(w *world) {
				f := &w.analytics.flowLogs[0]
				f.LogDestinationType = types.LogDestinationTypeCloudWatchLogs
				f.LogDestination, f.LogGroupName = nil, aws.String("/somewhere")
			},
			want: []expect{{CheckFlowLogs, "analytics s3 fl-a-s3", Fail, "delivers to cloud-watch-logs (/somewhere), not to the stack's bucket analytics-flow-logs-dev-222222222222"}},
		},
		{
			name: "the CloudWatch flow log delivers to another log group",
			mutate: func(w *world) {
				w.analytics.flowLogs[1].LogGroupName = aws.String("/other/flow-logs")
			},
			want: []expect{{CheckFlowLogs, "analytics cloudwatch fl-a-cw", Fail, `delivers to log group "/other/flow-logs", not to the stack's log group /peerctl/dev/analytics/flow-logs`}},
		},
		{
			name: "the flow-log group is found past a page of groups sharing its prefix",
			mutate: func(w *world) {
				group := w.out.FlowLogGroups["trading"]
				var groups []cwltypes.LogGroup
				for i := range 5 {
					groups = append(groups, cwltypes.LogGroup{LogGroupName: aws.String(fmt.Sprintf("%s-old-%d", group, i))})
				}
				w.trading.logGroups = append(groups, w.trading.logGroups...)
				w.trading.pageSize = 2
			},
			want: []expect{{CheckFlowLogGroup, "trading /peerctl/dev/trading/flow-logs", Pass, "exists, retention 7 days"}},
		},
		{
			name: "the flow-log group is in no page",
			mutate: func(w *world) {
				group := w.out.FlowLogGroups["trading"]
				w.trading.logGroups = []cwltypes.LogGroup{{LogGroupName: aws.String(group + "-old")}, {LogGroupName: aws.String(group + "-older")}}
				w.trading.pageSize = 1
			},
			want: []expect{{CheckFlowLogGroup, "trading /peerctl/dev/trading/flow-logs", Fail, "log group does not exist"}},
		},
	})
}
