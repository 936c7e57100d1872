package verify

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/netplan"
)

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// world is a healthy deployment of the default trading/analytics pair in
// two accounts; tests break one thing at a time.
type world struct {
	cfg       *config.Config
	out       *deploy.Outputs
	trading   *fakeAccount
	analytics *fakeAccount
}

const pcx = "pcx-1"

func newWorld() *world {
	nets := config.DefaultNetworks()
	nets[0].Account = config.Account{ID: "111111111111", Profile: "trading"}
	nets[1].Account = config.Account{ID: "222222222222", Profile: "analytics"}
	cfg := &config.Config{Environment: "dev", Region: "us-east-1", Networks: nets, Peerings: config.DefaultPeerings(), NACLEphemeral: netplan.DefaultEphemeral}
	dashboard := "peerctl-dev"
	out := &deploy.Outputs{
		Environment:          "dev",
		AccountIDs:           map[string]string{"trading": "111111111111", "analytics": "222222222222"},
		VpcIDs:               map[string]string{},
		SubnetIDs:            map[string][]string{},
		RouteTableIDs:        map[string][]string{},
		SecurityGroupIDs:     map[string]string{},
		NaclIDs:              map[string]string{},
		PeeringConnectionIDs: map[string]string{"trading-analytics": pcx},
		PeeringStatuses:      map[string]string{"trading-analytics": "active"},
		FlowLogIDs:           map[string]map[string]string{},
		FlowLogBuckets:       map[string]string{},
		FlowLogGroups:        map[string]string{},
		AlarmNames:           map[string][]string{},
		AlarmTopicARNs:       map[string]string{},
		DashboardName:        &dashboard,
		ConfigRuleNames:      map[string][]string{},
		ConfigRecorderNames:  map[string]string{},
	}
	w := &world{cfg: cfg, out: out}
	w.trading = w.account(nets[0], nets[1], "t")
	w.analytics = w.account(nets[1], nets[0], "a")
	w.trading.dashboards = map[string]bool{dashboard: true}
	return w
}

// account builds one network's healthy account and fills its outputs.
func (w *world) account(n, peer config.Network, s string) *fakeAccount {
	name := n.Name
	vpc, sg, acl := "vpc-"+s, "sg-"+s, "acl-"+s
	subnets := []string{"subnet-" + s + "1", "subnet-" + s + "2"}
	rtbs := []string{"rtb-" + s + "1", "rtb-" + s + "2"}
	w.out.VpcIDs[name] = vpc
	w.out.SubnetIDs[name] = subnets
	w.out.RouteTableIDs[name] = rtbs
	w.out.SecurityGroupIDs[name] = sg
	w.out.NaclIDs[name] = acl
	w.out.FlowLogIDs[name] = map[string]string{"s3": "fl-" + s + "-s3", "cloudwatch": "fl-" + s + "-cw"}
	bucket := name + "-flow-logs-dev-" + n.Account.ID
	group := "/peerctl/dev/" + name + "/flow-logs"
	w.out.FlowLogBuckets[name] = bucket
	w.out.FlowLogGroups[name] = group
	alarms := []string{name + "-peering-bytes-in", name + "-peering-bytes-out"}
	w.out.AlarmNames[name] = alarms
	topic := "arn:aws:sns:us-east-1:" + n.Account.ID + ":peerctl-" + name + "-alarms"
	w.out.AlarmTopicARNs[name] = topic
	rules := []string{"peerctl-" + name + "-dns", "peerctl-" + name + "-tags"}
	w.out.ConfigRuleNames[name] = rules
	w.out.ConfigRecorderNames[name] = "peerctl-" + name

	a := &fakeAccount{name: s, errs: map[string][]error{}, sticky: map[string]bool{}, dashboards: map[string]bool{}}
	dns := &types.VpcPeeringConnectionOptionsDescription{AllowDnsResolutionFromRemoteVpc: aws.Bool(true)}
	a.peerings = []types.VpcPeeringConnection{{
		VpcPeeringConnectionId: aws.String(pcx),
		Status:                 &types.VpcPeeringConnectionStateReason{Code: types.VpcPeeringConnectionStateReasonCodeActive, Message: aws.String("Active")},
		RequesterVpcInfo:       &types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-t"), PeeringOptions: dns},
		AccepterVpcInfo:        &types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-a"), PeeringOptions: dns},
	}}
	for i, rtb := range rtbs {
		a.routeTables = append(a.routeTables, types.RouteTable{
			RouteTableId: aws.String(rtb), VpcId: aws.String(vpc),
			Associations: []types.RouteTableAssociation{{SubnetId: aws.String(subnets[i]), RouteTableId: aws.String(rtb)}},
			Routes: []types.Route{
				{DestinationCidrBlock: aws.String(n.CIDR.String()), GatewayId: aws.String("local"), State: types.RouteStateActive},
				{DestinationCidrBlock: aws.String(peer.CIDR.String()), VpcPeeringConnectionId: aws.String(pcx), State: types.RouteStateActive},
				{DestinationPrefixListId: aws.String("pl-63a5400a"), GatewayId: aws.String("vpce-" + s), State: types.RouteStateActive},
			},
		})
	}
	a.routeTables = append(a.routeTables, types.RouteTable{
		RouteTableId: aws.String("rtb-" + s + "main"), VpcId: aws.String(vpc),
		Associations: []types.RouteTableAssociation{{Main: aws.Bool(true)}},
		Routes:       []types.Route{{DestinationCidrBlock: aws.String(n.CIDR.String()), GatewayId: aws.String("local"), State: types.RouteStateActive}},
	})
	for _, egress := range []bool{false, true} {
		for _, port := range []int32{443, 5432} {
			a.sgRules = append(a.sgRules, types.SecurityGroupRule{
				SecurityGroupRuleId: aws.String(fmt.Sprintf("sgr-%s-%s-%d", s, boolWord(egress), port)),
				GroupId:             aws.String(sg), IsEgress: aws.Bool(egress), IpProtocol: aws.String("tcp"),
				FromPort: aws.Int32(port), ToPort: aws.Int32(port), CidrIpv4: aws.String(peer.CIDR.String()),
			})
		}
	}
	a.prefixLists = []types.PrefixList{
		{PrefixListId: aws.String("pl-63a5400a"), PrefixListName: aws.String("com.amazonaws.us-east-1.s3"), Cidrs: []string{"54.231.0.0/16"}},
		{PrefixListId: aws.String("pl-02cd2c6b"), PrefixListName: aws.String("com.amazonaws.us-east-1.dynamodb"), Cidrs: []string{"52.94.0.0/22"}},
	}
	for _, pl := range []string{"pl-63a5400a", "pl-02cd2c6b"} {
		a.sgRules = append(a.sgRules, types.SecurityGroupRule{
			SecurityGroupRuleId: aws.String("sgr-" + s + pl), GroupId: aws.String(sg), IsEgress: aws.Bool(true),
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), PrefixListId: aws.String(pl),
		})
	}
	ingress, egress := netplan.NACLRules(n.CIDR, []netplan.Peer{{Name: peer.Name, CIDR: peer.CIDR}})
	var entries []types.NetworkAclEntry
	for _, r := range append(ingress, egress...) {
		e := types.NetworkAclEntry{
			RuleNumber: aws.Int32(int32(r.Number)), Egress: aws.Bool(r.Egress), RuleAction: types.RuleActionAllow,
			CidrBlock: aws.String(r.CIDR), Protocol: aws.String(map[string]string{"tcp": "6", "-1": "-1"}[r.Protocol]),
		}
		if r.Protocol == "tcp" {
			e.PortRange = &types.PortRange{From: aws.Int32(int32(r.FromPort)), To: aws.Int32(int32(r.ToPort))}
		}
		entries = append(entries, e)
	}
	for _, eg := range []bool{false, true} {
		entries = append(entries, types.NetworkAclEntry{RuleNumber: aws.Int32(32767), Egress: aws.Bool(eg),
			RuleAction: types.RuleActionDeny, CidrBlock: aws.String("0.0.0.0/0"), Protocol: aws.String("-1")})
	}
	a.nacls = []types.NetworkAcl{{NetworkAclId: aws.String(acl), VpcId: aws.String(vpc), Entries: entries,
		Associations: []types.NetworkAclAssociation{{SubnetId: aws.String(subnets[0])}, {SubnetId: aws.String(subnets[1])}}}}
	a.flowLogs = []types.FlowLog{
		{FlowLogId: aws.String("fl-" + s + "-s3"), FlowLogStatus: aws.String("ACTIVE"), DeliverLogsStatus: aws.String("SUCCESS"),
			ResourceId: aws.String(vpc), TrafficType: types.TrafficTypeAll,
			LogDestinationType: types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::" + bucket)},
		{FlowLogId: aws.String("fl-" + s + "-cw"), FlowLogStatus: aws.String("ACTIVE"), DeliverLogsStatus: aws.String("SUCCESS"),
			ResourceId: aws.String(vpc), TrafficType: types.TrafficTypeAll,
			LogDestinationType: types.LogDestinationTypeCloudWatchLogs, LogGroupName: aws.String(group),
			LogDestination: aws.String("arn:aws:logs:us-east-1:" + n.Account.ID + ":log-group:" + group)},
	}
	a.publicAccess = map[string]*s3types.PublicAccessBlockConfiguration{bucket: {
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
	}}
	a.logGroups = []cwltypes.LogGroup{{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(7)}}
	a.metricFilters = map[string][]cwltypes.MetricFilter{group: {}}
	a.recorders = []cstypes.ConfigurationRecorderStatus{{Name: aws.String("peerctl-" + name), Recording: true, LastStatus: cstypes.RecorderStatusSuccess}}
	for _, r := range rules {
		a.compliance = append(a.compliance, cstypes.ComplianceByConfigRule{ConfigRuleName: aws.String(r),
			Compliance: &cstypes.Compliance{ComplianceType: cstypes.ComplianceTypeCompliant}})
	}
	for i, al := range alarms {
		metric := []string{"BytesFromPeer", "BytesToPeer"}[i]
		a.alarms = append(a.alarms, cwtypes.MetricAlarm{AlarmName: aws.String(al), StateValue: cwtypes.StateValueOk,
			StateUpdatedTimestamp: aws.Time(testNow.Add(-2 * time.Hour)), AlarmActions: []string{topic},
			Namespace: aws.String("Peerctl/Peering"), MetricName: aws.String(metric), TreatMissingData: aws.String("notBreaching")})
		a.metricFilters[group] = append(a.metricFilters[group], cwltypes.MetricFilter{
			FilterName: aws.String(name + "-" + metric), LogGroupName: aws.String(group),
			FilterPattern: aws.String(`[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, start, end, action="ACCEPT", status]`),
			MetricTransformations: []cwltypes.MetricTransformation{{
				MetricNamespace: aws.String("Peerctl/Peering"), MetricName: aws.String(metric), MetricValue: aws.String("$bytes")}},
		})
	}
	a.analysis = reachableOnAppPorts(sg)
	return a
}

func boolWord(b bool) string {
	if b {
		return "out"
	}
	return "in"
}

// reachableOnAppPorts is a correctly configured network whose probe
// interfaces carry security group sg, as Reachability Analyzer sees it: 443
// and 5432 reachable along a path that ends at the path's destination (the
// peer interface, or the peering connection across accounts), anything else
// blocked by the source interface's security group on the way out.
func reachableOnAppPorts(sg string) func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
	return func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis {
		port := aws.ToInt32(p.DestinationPort)
		if port == 443 || port == 5432 {
			return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded, NetworkPathFound: aws.Bool(true),
				ForwardPathComponents: pathTo(aws.ToString(p.Source), sg, aws.ToString(p.Destination))}
		}
		return types.NetworkInsightsAnalysis{Status: types.AnalysisStatusSucceeded, NetworkPathFound: aws.Bool(false),
			Explanations: []types.Explanation{{ExplanationCode: aws.String("ENI_SG_RULES_MISMATCH"), Direction: aws.String("egress"),
				Component:     &types.AnalysisComponent{Id: p.Source, Arn: aws.String("arn:aws:ec2:us-east-1:111111111111:network-interface/" + aws.ToString(p.Source))},
				SecurityGroup: &types.AnalysisComponent{Id: aws.String(sg)}}}}
	}
}

// pathTo is a forward path as Reachability Analyzer lists it: the source
// interface, its security group, the subnet's ACL and route table, then the
// destination.
func pathTo(source, sg, dest string) []types.PathComponent {
	var out []types.PathComponent
	for i, id := range []string{source, sg, "acl-x", "rtb-x", dest} {
		out = append(out, types.PathComponent{SequenceNumber: aws.Int32(int32(i + 1)), Component: &types.AnalysisComponent{Id: aws.String(id)}})
	}
	return out
}

func fastWait() WaitOptions {
	return WaitOptions{
		ENIMinDelay: time.Millisecond, ENIMaxDelay: 2 * time.Millisecond, ENIMaxWait: 5 * time.Second,
		AnalysisMinDelay: time.Millisecond, AnalysisMaxDelay: 2 * time.Millisecond, AnalysisMaxWait: 5 * time.Second,
		CreateTimeout: time.Second, DrainTimeout: 200 * time.Millisecond,
		CleanupCallTimeout: time.Second, CleanupTimeout: 5 * time.Second, CleanupRetryDelay: time.Millisecond,
	}
}

func (w *world) options(probe bool) Options {
	return Options{
		Config:  w.cfg,
		Outputs: w.out,
		Clients: map[string]Clients{"trading": w.trading.clients(), "analytics": w.analytics.clients()},
		Probe:   probe,
		Now:     func() time.Time { return testNow },
		Wait:    fastWait(),
		RunID:   "test-run",
	}
}

// expect is one result a test looks for: the first result of check whose
// subject contains subject.
type expect struct {
	check, subject string
	status         Status
	detail         string
}

func findResult(results []Result, check, subject string) (Result, bool) {
	i := slices.IndexFunc(results, func(r Result) bool { return r.Check == check && strings.Contains(r.Subject, subject) })
	if i < 0 {
		return Result{}, false
	}
	return results[i], true
}

func checkExpectations(t *testing.T, results []Result, want []expect) {
	t.Helper()
	for _, e := range want {
		r, ok := findResult(results, e.check, e.subject)
		if !ok {
			t.Errorf("no %s result for %q in:\n%s", e.check, e.subject, dump(results))
			continue
		}
		if r.Status != e.status || !strings.Contains(r.Detail, e.detail) {
			t.Errorf("%s %s = %s %q, want %s containing %q", e.check, r.Subject, r.Status, r.Detail, e.status, e.detail)
		}
	}
}

func dump(results []Result) string {
	var b strings.Builder
	for _, r := range results {
		b.WriteString("  " + r.Check + " | " + r.Subject + " | " + string(r.Status) + " | " + r.Detail + "\n")
	}
	return b.String()
}
