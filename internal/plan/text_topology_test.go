package plan

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// topologyPlan is a handcrafted plan of the issue-12 modes: a new network and
// an existing one in another region (every route table, no security group,
// no flow logs), a both-sided cross-region peering, a cross-region
// accepter-only peering with no partner account, and two requester-only
// peerings, one whose routes wait for acceptance and one routed already.
func topologyPlan() *Document {
	const peer = "peerctl:peering:Peering"
	clearing := urnOf("", peer, "trading-clearing")
	settlement := urnOf("", peer, "trading-settlement")
	return &Document{
		Stack: "dev", Environment: "dev", Region: "us-east-1",
		networkOrder: []string{"trading", "legacy"},
		Networks: []NetworkSummary{
			{Name: "trading", Region: "us-east-1", CIDR: "10.0.0.0/16", Account: "111111111111"},
			{Name: "legacy", Region: "eu-west-1", CIDR: "10.20.0.0/16", Account: "222222222222",
				Existing: &ExistingSummary{VPCID: "vpc-0a1b2c3d4e5f60718", RouteTableIDs: []string{}, RouteTablesDiscovered: true}},
		},
		Peerings: []PeeringSummary{
			{Name: "trading-legacy", Mode: "both-sides", Requester: "trading", Accepter: "legacy", CrossRegion: true},
			{Name: "market-data-trading", Mode: "accepter-only", Accepter: "trading", CrossRegion: true,
				Partner: &PartnerSummary{Name: "market-data", CIDR: "172.31.0.0/16", Region: "us-west-2", ConnectionID: "pcx-0123456789abcdef0"}},
			{Name: "trading-clearing", Mode: "requester-only", Requester: "trading", CrossRegion: true,
				Partner: &PartnerSummary{Name: "clearing", CIDR: "192.168.0.0/16", Region: "us-west-2", AccountID: "333333333333",
					VPCID: "vpc-0fedcba9876543210"}},
			{Name: "trading-settlement", Mode: "requester-only", Requester: "trading",
				Partner: &PartnerSummary{Name: "settlement", CIDR: "10.99.0.0/16", Region: "us-east-1", AccountID: "333333333333",
					VPCID: "vpc-0123456789abcdef1"}},
		},
		Resources: []Resource{
			{URN: urnOf("", "pulumi:providers:aws", "trading"), Type: "pulumi:providers:aws", Name: "trading", ID: "prov-1",
				Inputs: map[string]any{"region": "us-east-1", "allowedAccountIds": []any{"111111111111"}}},
			{URN: clearing, Type: peer, Name: "trading-clearing", Account: "trading"},
			{URN: urnOf(peer, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-clearing-connection"),
				Type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", Name: "trading-clearing-connection", ID: "pcx-1",
				Account: "trading", Parent: clearing, Inputs: map[string]any{"peerVpcId": "vpc-0fedcba9876543210"}},
			{URN: settlement, Type: peer, Name: "trading-settlement", Account: "trading"},
			{URN: urnOf(peer, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-settlement-connection"),
				Type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", Name: "trading-settlement-connection", ID: "pcx-2",
				Account: "trading", Parent: settlement, Inputs: map[string]any{"peerVpcId": "vpc-0123456789abcdef1"}},
			{URN: urnOf(peer, "aws:ec2/route:Route", "trading-settlement-route-trading-use1-az1"), Type: "aws:ec2/route:Route",
				Name: "trading-settlement-route-trading-use1-az1", ID: "r-1", Account: "trading", Parent: settlement,
				Inputs: map[string]any{"destinationCidrBlock": "10.99.0.0/16", "vpcPeeringConnectionId": "pcx-2"}},
		},
	}
}

// The header and Topology block of topologyPlan are
// testdata/text_modes_topology.golden, written by hand (wrapping counted by
// hand at TextWidth); the resources below them render as in any plan.
func TestTextGoldenModesTopology(t *testing.T) {
	var buf bytes.Buffer
	if err := topologyPlan().WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	head, _, found := strings.Cut(buf.String(), "\n\naccount ")
	if !found {
		t.Fatalf("no account section in:\n%s", buf.String())
	}
	want, err := os.ReadFile("testdata/text_modes_topology.golden")
	if err != nil {
		t.Fatal(err)
	}
	compareLines(t, head+"\n", string(want))
}

// A plan without summaries (built by hand, or before issue 12) has no
// Topology block.
func TestTextTopologyOmittedWithoutSummaries(t *testing.T) {
	var buf bytes.Buffer
	if err := smallPlan().WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Topology") {
		t.Error("the plan without summaries has a Topology block")
	}
}
