package plan

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

// urnOf builds a URN the way the engine does for a child of parent.
func urnOf(parentType, typ, name string) string {
	if parentType != "" {
		typ = parentType + "$" + typ
	}
	return "urn:pulumi:prod::peerctl::" + typ + "::" + name
}

// smallPlan is a handcrafted production plan with what the text plan must
// get right: two accounts, a component spanning them, a retained bucket, a
// protected key, an ARN longer than a line, a line of exactly 120
// columns, a type without attributes and an ignored input.
func smallPlan() *Document {
	const (
		net  = "peerctl:network:Network"
		lb   = "peerctl:observability:LogBucket"
		peer = "peerctl:peering:Peering"
	)
	netURN := urnOf("", net, "trading")
	lbURN := urnOf("", lb, "trading-flow-logs-bucket")
	peerURN := urnOf("", peer, "trading-analytics")
	vpc := urnOf(net, "aws:ec2/vpc:Vpc", "trading-vpc")
	subnet := urnOf(net, "aws:ec2/subnet:Subnet", "trading-private-use1-az1")
	bucket := urnOf(lb, "aws:s3/bucketV2:BucketV2", "trading-flow-logs-bucket")
	conn := urnOf(peer, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-analytics-connection")
	accepter := urnOf(peer, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "trading-analytics-accepter")
	return &Document{
		Stack: "prod", Environment: "prod", Region: "us-east-1",
		Outputs:      map[string]any{"accountIds": map[string]any{"trading": "111111111111", "analytics": "222222222222"}},
		networkOrder: []string{"trading", "analytics"},
		Resources: []Resource{
			{URN: urnOf("", "pulumi:providers:aws", "trading"), Type: "pulumi:providers:aws", Name: "trading", ID: "prov-1",
				Inputs: map[string]any{"region": "us-east-1", "allowedAccountIds": []any{"111111111111"}, "profile": "trading-prod"}},
			{URN: urnOf("", "pulumi:providers:aws", "analytics"), Type: "pulumi:providers:aws", Name: "analytics", ID: "prov-2",
				Inputs: map[string]any{"region": "us-east-1", "assumeRole": map[string]any{
					"roleArn": "arn:aws:iam::222222222222:role/peerctl-deployer", "sessionName": "peerctl-prod"}}},
			{URN: netURN, Type: net, Name: "trading", Account: "trading",
				Inputs: map[string]any{"cidr": "10.0.0.0/16", "peers": map[string]any{"analytics": "10.1.0.0/16"}}},
			{URN: vpc, Type: "aws:ec2/vpc:Vpc", Name: "trading-vpc", ID: "vpc-1", Account: "trading", Parent: netURN,
				Inputs: map[string]any{"cidrBlock": "10.0.0.0/16", "enableDnsSupport": true, "enableDnsHostnames": true}},
			{URN: subnet, Type: "aws:ec2/subnet:Subnet", Name: "trading-private-use1-az1", ID: "subnet-1", Account: "trading",
				Parent: netURN, DependsOn: []string{vpc},
				Inputs: map[string]any{"cidrBlock": "10.0.0.0/20", "availabilityZoneId": "use1-az1", "vpcId": "vpc-1"}},
			{URN: urnOf(net, "aws:ec2/networkAcl:NetworkAcl", "trading-nacl"), Type: "aws:ec2/networkAcl:NetworkAcl",
				Name: "trading-nacl", ID: "acl-1", Account: "trading", Parent: netURN, DependsOn: []string{subnet, vpc},
				IgnoreChanges: []string{"subnetIds"},
				Inputs: map[string]any{"vpcId": "vpc-1", "subnetIds": []any{"subnet-1"},
					"ingress": []any{
						map[string]any{"ruleNo": 200.0, "action": "allow", "protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlock": "10.1.0.0/16"},
						map[string]any{"ruleNo": 100.0, "action": "allow", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlock": "10.0.0.0/16"},
					},
					"egress": []any{
						map[string]any{"ruleNo": 100.0, "action": "allow", "protocol": "6", "fromPort": 1024.0, "toPort": 65535.0, "cidrBlock": "10.1.0.0/16"},
					}}},
			{URN: urnOf(net, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "trading-app-sg-in-5432-analytics"),
				Type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", Name: "trading-app-sg-in-5432-analytics",
				ID: "sgr-1", Account: "trading", Parent: netURN,
				Inputs: map[string]any{"ipProtocol": "tcp", "fromPort": 5432.0, "toPort": 5432.0, "cidrIpv4": "10.1.0.0/16",
					"securityGroupId": "sg-0123456789abcdef0"}},
			{URN: urnOf(net, "aws:ec2/eip:Eip", "trading-eip"), Type: "aws:ec2/eip:Eip", Name: "trading-eip", ID: "eip-1",
				Account: "trading", Parent: netURN, DependsOn: []string{vpc}, Inputs: map[string]any{"domain": "vpc"}},
			{URN: urnOf(net, "aws:ec2/flowLog:FlowLog", "trading-flow-logs-cloudwatch"), Type: "aws:ec2/flowLog:FlowLog",
				Name: "trading-flow-logs-cloudwatch", ID: "fl-1", Account: "trading", Parent: netURN, DependsOn: []string{vpc},
				Inputs: map[string]any{"vpcId": "vpc-1", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
					"logDestination": "arn:aws:logs:us-east-1:111111111111:log-group:/peerctl/prod/vpc-flow-logs/" +
						"trading-network-with-a-log-group-name-long-enough-to-wrap"}},
			{URN: lbURN, Type: lb, Name: "trading-flow-logs-bucket", Account: "trading",
				Inputs: map[string]any{"bucket": "trading-flow-logs-prod-111111111111", "retentionDays": 365.0, "versioning": true}},
			{URN: bucket, Type: "aws:s3/bucketV2:BucketV2", Name: "trading-flow-logs-bucket", ID: "b-1", Account: "trading",
				Parent: lbURN, RetainOnDelete: true, Inputs: map[string]any{"bucket": "trading-flow-logs-prod-111111111111"}},
			{URN: urnOf(lb, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
				"trading-flow-logs-bucket-encryption"),
				Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
				Name: "trading-flow-logs-bucket-encryption", ID: "sse-1", Account: "trading", Parent: lbURN,
				RetainOnDelete: true, DependsOn: []string{bucket},
				Inputs: map[string]any{"bucket": "trading-flow-logs-prod-111111111111", "rules": []any{map[string]any{
					"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms",
						"kmsMasterKeyId": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
					"bucketKeyEnabled": true}}}},
			{URN: urnOf("", "aws:kms/key:Key", "analytics-alarm-key"), Type: "aws:kms/key:Key", Name: "analytics-alarm-key",
				ID: "key-1", Account: "analytics", Protect: true,
				Inputs: map[string]any{"description": "encrypts the alarm topic", "enableKeyRotation": true, "deletionWindowInDays": 30.0}},
			{URN: peerURN, Type: peer, Name: "trading-analytics",
				Inputs: map[string]any{"requester": "trading", "accepter": "analytics", "mode": "cross-account"}},
			{URN: conn, Type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", Name: "trading-analytics-connection",
				ID: "pcx-1", Account: "trading", Parent: peerURN,
				Inputs: map[string]any{"vpcId": "vpc-1", "peerVpcId": "vpc-0aaaabbbbccccdddd", "peerOwnerId": "222222222222",
					"peerRegion": "us-east-1"}},
			{URN: accepter, Type: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
				Name: "trading-analytics-accepter", ID: "pcx-1", Account: "analytics", Parent: peerURN, DependsOn: []string{conn},
				Inputs: map[string]any{"vpcPeeringConnectionId": "pcx-1", "autoAccept": true}},
			{URN: urnOf(peer, "aws:ec2/route:Route", "trading-analytics-route-analytics-use1-az1"), Type: "aws:ec2/route:Route",
				Name: "trading-analytics-route-analytics-use1-az1", ID: "r-1", Account: "analytics", Parent: peerURN,
				DependsOn: []string{accepter},
				Inputs: map[string]any{"destinationCidrBlock": "10.0.0.0/16", "routeTableId": "rtb-0123456789abcdef0",
					"vpcPeeringConnectionId": "pcx-1"}},
		},
	}
}

// The text plan of the handcrafted plan is testdata/text_small.golden,
// written by hand line by line (never generated from the output).
func TestTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := smallPlan().WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/text_small.golden")
	if err != nil {
		t.Fatal(err)
	}
	compareLines(t, buf.String(), string(want))
}

// compareLines reports every line that differs, with its number.
func compareLines(t *testing.T, got, want string) {
	t.Helper()
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
}

// placeholderPrefixList matches the prefix list ids the offline plan
// derives from a hash of the URN: no one can write those by hand.
var placeholderPrefixList = regexp.MustCompile(`\bpl-[0-9a-f]{8}\b`)

// goldenBlocks keeps the parts of a text plan the small-stack golden pins:
// the header, the account headings, the trading network, the peering and
// the summary. The rest (flow logs, alarms, AWS Config) has the same shape
// and is covered by the handcrafted golden and the properties below.
func goldenBlocks(out string) string {
	var kept []string
	for _, block := range strings.Split(strings.TrimSuffix(out, "\n"), "\n\n") {
		first, _, _ := strings.Cut(block, "\n")
		for _, prefix := range []string{"Plan for stack ", "Topology", "account ", "across accounts", "  + network.Network trading",
			"  + peering.Peering ", "Plan: "} {
			if strings.HasPrefix(first, prefix) {
				kept = append(kept, block)
				break
			}
		}
	}
	return placeholderPrefixList.ReplaceAllString(strings.Join(kept, "\n\n")+"\n", "pl-xxxxxxxx")
}

// The text plan of a real two-network stack (testdata/Pulumi.small.yaml),
// written by hand from the configuration and AWS's rules in
// testdata/text_small_stack.golden.
func TestTextGoldenSmallStack(t *testing.T) {
	raw, err := config.LoadStackFile("testdata/Pulumi.small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Build(cfg, "small")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/text_small_stack.golden")
	if err != nil {
		t.Fatal(err)
	}
	compareLines(t, goldenBlocks(buf.String()), string(want))
}
