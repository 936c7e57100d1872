package preflight

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

const (
	partnerPCX   = "pcx-0123456789abcdef0"
	tradingVPC   = "vpc-0111111111111111a"
	tradingWhere = "account 111111111111 (network trading) in us-east-1"
)

// partnerConfig: trading (greenfield) accepts partnerPCX from
// 333333333333 (172.31.0.0/16).
func partnerConfig(mutate func(*config.Config)) *config.Config {
	cfg := &config.Config{
		Environment: "dev",
		Region:      "us-east-1",
		Quotas:      config.Quotas{RoutesPerRouteTable: 50},
		Networks: []config.Network{{Name: "trading", CIDR: netip.MustParsePrefix("10.0.0.0/16"), CostCenter: "trading", Region: "us-east-1", AZCount: 3,
			Account: config.Account{ID: "111111111111", Profile: "trading-dev"}}},
		Peerings: []config.Peering{{Accepter: "trading", ConnectionID: partnerPCX, PeerAccountID: "333333333333",
			PeerCIDR: netip.MustParsePrefix("172.31.0.0/16")}},
	}
	if mutate != nil {
		mutate(cfg)
	}
	return cfg
}

func pendingConnection() ec2types.VpcPeeringConnection {
	return ec2types.VpcPeeringConnection{
		VpcPeeringConnectionId: aws.String(partnerPCX),
		AccepterVpcInfo:        &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String(tradingVPC), OwnerId: aws.String("111111111111"), Region: aws.String("us-east-1")},
		RequesterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-0333333333333333a"), OwnerId: aws.String("333333333333"),
			CidrBlock: aws.String("172.31.0.0/16"), CidrBlockSet: []ec2types.CidrBlock{{CidrBlock: aws.String("172.31.0.0/16")}, {CidrBlock: aws.String("100.64.0.0/16")}}},
		Status: &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodePendingAcceptance,
			Message: aws.String("Pending Acceptance by 111111111111")},
	}
}

func tradingAccount() *ec2Account {
	v := vpcWith(tradingVPC, "10.0.0.0/16")
	v.Tags = tagList("Name", "trading-vpc-dev", "ManagedBy", "peerctl")
	return &ec2Account{vpcs: []ec2types.Vpc{v}, peerings: []ec2types.VpcPeeringConnection{pendingConnection()}}
}

func TestCheckPartners(t *testing.T) {
	wrongVPC := "vpc-0999999999999999a"
	tests := []struct {
		name    string
		mutate  func(*config.Config)
		account func(*ec2Account)
		want    []string
		wantOut string
	}{
		{name: "pending acceptance, all matches"},
		{name: "active (a re-run)", account: func(a *ec2Account) {
			a.peerings[0].Status.Code = ec2types.VpcPeeringConnectionStateReasonCodeActive
		}},
		{name: "peerCidr inside a secondary requester block", mutate: func(c *config.Config) {
			c.Peerings[0].PeerCIDR = netip.MustParsePrefix("100.64.8.0/24")
		}},
		{name: "no peerAccountId: any requester", mutate: func(c *config.Config) { c.Peerings[0].PeerAccountID = "" },
			account: func(a *ec2Account) { a.peerings[0].RequesterVpcInfo.OwnerId = aws.String("222222222222") }},
		{
			name:    "greenfield VPC not deployed yet",
			account: func(a *ec2Account) { a.vpcs = nil },
			want: []string{tradingWhere + ": network trading's VPC does not exist yet, so no partner can have requested connection pcx-0123456789abcdef0 (peerctl:peerings[0].connectionId) to it; " +
				"deploy without this peering first, give the partner the VPC id (peerctl outputs: vpcIds), then add the peering once they have requested it"},
		},
		{
			name:    "a VPC with the name but not peerctl's is not ours",
			account: func(a *ec2Account) { a.vpcs[0].Tags = tagList("Name", "trading-vpc-dev") },
			want: []string{tradingWhere + ": network trading's VPC does not exist yet, so no partner can have requested connection pcx-0123456789abcdef0 (peerctl:peerings[0].connectionId) to it; " +
				"deploy without this peering first, give the partner the VPC id (peerctl outputs: vpcIds), then add the peering once they have requested it"},
		},
		{
			name:    "connection not visible",
			account: func(a *ec2Account) { a.peerings = nil },
			want: []string{tradingWhere + " cannot see peering connection pcx-0123456789abcdef0 (peerctl:peerings[0].connectionId): it does not exist, was deleted long ago, " +
				"or was requested to another account or region; ask the partner for the id of a connection requested to VPC vpc-0111111111111111a in us-east-1"},
		},
		{
			name: "requested to another VPC, by another account, from another CIDR",
			account: func(a *ec2Account) {
				c := &a.peerings[0]
				c.AccepterVpcInfo.VpcId = aws.String(wrongVPC)
				c.RequesterVpcInfo.OwnerId = aws.String("222222222222")
			},
			mutate: func(c *config.Config) { c.Peerings[0].PeerCIDR = netip.MustParsePrefix("172.16.0.0/12") },
			want: []string{
				tradingWhere + ": peering connection pcx-0123456789abcdef0 (peerctl:peerings[0].connectionId) is requested to VPC vpc-0999999999999999a, not to network trading's VPC vpc-0111111111111111a; ask the partner for a connection to vpc-0111111111111111a",
				tradingWhere + ": peering connection pcx-0123456789abcdef0 was requested by account 222222222222, but peerctl:peerings[0].peerAccountId says 333333333333; accept only connections from the partner you expect",
				tradingWhere + ": peering connection pcx-0123456789abcdef0's requester VPC has CIDR blocks 172.31.0.0/16, 100.64.0.0/16, none of which contains peerctl:peerings[0].peerCidr 172.16.0.0/12; set peerCidr to the partner's CIDR",
			},
		},
		{
			name: "requested from another region than peerRegion says",
			account: func(a *ec2Account) {
				a.peerings[0].RequesterVpcInfo.Region = aws.String("eu-central-1")
			},
			mutate: func(c *config.Config) { c.Peerings[0].PeerRegion = "us-west-2" },
			want:   []string{tradingWhere + ": peering connection pcx-0123456789abcdef0 was requested from region eu-central-1, but peerctl:peerings[0].peerRegion says us-west-2; set peerRegion to the partner's region or remove it"},
		},
		{
			name: "requested from the region peerRegion says: fine",
			account: func(a *ec2Account) {
				a.peerings[0].RequesterVpcInfo.Region = aws.String("us-west-2")
			},
			mutate: func(c *config.Config) { c.Peerings[0].PeerRegion = "us-west-2" },
		},
		{
			name: "existing network: accepter VPC is existing.vpcId",
			mutate: func(c *config.Config) {
				c.Networks[0].Existing = &config.Existing{VPCID: wrongVPC, SecurityGroup: true, FlowLogs: true}
			},
			want: []string{tradingWhere + ": peering connection pcx-0123456789abcdef0 (peerctl:peerings[0].connectionId) is requested to VPC vpc-0111111111111111a, not to network trading's VPC vpc-0999999999999999a; ask the partner for a connection to vpc-0999999999999999a"},
		},
		{
			name: "expired",
			account: func(a *ec2Account) {
				a.peerings[0].Status = &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeExpired, Message: aws.String("Expired")}
			},
			want: []string{tradingWhere + ": peering connection pcx-0123456789abcdef0 is expired (Expired) and can no longer be accepted; ask the partner to request a new one and set peerctl:peerings[0].connectionId to its id"},
		},
		{
			name: "rejected",
			account: func(a *ec2Account) {
				a.peerings[0].Status = &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeRejected}
			},
			want: []string{tradingWhere + ": peering connection pcx-0123456789abcdef0 is rejected (none) and can no longer be accepted; ask the partner to request a new one and set peerctl:peerings[0].connectionId to its id"},
		},
		{
			name: "requester-only, nothing requested yet",
			mutate: func(c *config.Config) {
				c.Peerings = []config.Peering{{Requester: "trading", PeerVPCID: "vpc-0333333333333333a", PeerAccountID: "333333333333",
					PeerCIDR: netip.MustParsePrefix("192.168.0.0/16"), PeerRegion: "us-west-2", PeerName: "partner"}}
			},
			account: func(a *ec2Account) { a.peerings = nil },
		},
		{
			name: "requester-only, pending: said, not refused",
			mutate: func(c *config.Config) {
				c.Peerings = []config.Peering{{Requester: "trading", PeerVPCID: "vpc-0333333333333333a", PeerAccountID: "333333333333",
					PeerCIDR: netip.MustParsePrefix("192.168.0.0/16"), PeerName: "partner"}}
			},
			account: func(a *ec2Account) {
				a.peerings[0].VpcPeeringConnectionId = aws.String("pcx-0aaaaaaaaaaaaaaa0")
				a.peerings[0].Tags = tagList("Name", "trading-partner-peering-dev", "ManagedBy", "peerctl")
			},
			wantOut: "peering trading-partner: connection pcx-0aaaaaaaaaaaaaaa0 is waiting for the partner (account 333333333333) to accept it; the requester's DNS option follows on the first up after they do\n",
		},
		{
			name: "requester-only, rejected by the partner",
			mutate: func(c *config.Config) {
				c.Peerings = []config.Peering{{Requester: "trading", PeerVPCID: "vpc-0333333333333333a", PeerAccountID: "333333333333",
					PeerCIDR: netip.MustParsePrefix("192.168.0.0/16"), PeerName: "partner"}}
			},
			account: func(a *ec2Account) {
				a.peerings = append(a.peerings, pendingConnection())
				a.peerings[1].VpcPeeringConnectionId = aws.String("pcx-0aaaaaaaaaaaaaaa0")
				a.peerings[1].Tags = tagList("Name", "trading-partner-peering-dev", "ManagedBy", "peerctl")
				a.peerings[1].Status = &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeRejected, Message: aws.String("Rejected by 333333333333")}
			},
			want: []string{tradingWhere + ": peering connection pcx-0aaaaaaaaaaaaaaa0, requested by this stack toward vpc-0333333333333333a (partner), is rejected (Rejected by 333333333333) and can never become active; " +
				"remove the peering from the stack and run up (which deletes the connection), then add it again to request a new one"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := partnerConfig(tt.mutate)
			acct := tradingAccount()
			if tt.account != nil {
				tt.account(acct)
			}
			clients := func(n config.Network) (Clients, error) {
				return Clients{VPCs: acct, RouteTables: acct, FlowLogs: acct, Peerings: acct}, nil
			}
			var out bytes.Buffer
			conflicts, err := checkPartners(context.Background(), cfg, map[string]string{"trading": "111111111111"}, clients, &out)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range conflicts {
				got = append(got, c.Message)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("conflicts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if out.String() != tt.wantOut {
				t.Errorf("out = %q, want %q", out.String(), tt.wantOut)
			}
		})
	}
}
