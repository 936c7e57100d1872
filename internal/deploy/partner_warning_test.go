package deploy

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

func TestPartnerConnectionWarnings(t *testing.T) {
	cfg := &config.Config{
		Networks: []config.Network{
			{Name: "trading", Region: "us-east-1"},
			{Name: "legacy", Region: "eu-west-1", Existing: &config.Existing{VPCID: "vpc-0a1b2c3d4e5f60718"}},
		},
		Peerings: []config.Peering{
			{Requester: "trading", Accepter: "legacy"},
			{Accepter: "trading", ConnectionID: "pcx-0123456789abcdef0", PeerCIDR: netip.MustParsePrefix("172.31.0.0/16"), PeerName: "market-data"},
			// An existing VPC is never deleted, so its partner blocks nothing.
			{Accepter: "legacy", ConnectionID: "pcx-0fedcba9876543210", PeerCIDR: netip.MustParsePrefix("192.168.0.0/16")},
			// A connection this stack requested is deleted by destroy.
			{Requester: "trading", PeerVPCID: "vpc-0fedcba9876543210", PeerAccountID: "333333333333", PeerCIDR: netip.MustParsePrefix("192.168.0.0/16")},
		},
	}
	want := []string{"warning: network trading's VPC is used by the partner's connection pcx-0123456789abcdef0 (peering market-data-trading), which peerctl accepted but does not own; " +
		"AWS refuses to delete the VPC while that connection is active, so destroy stops at the VPC until the partner deletes it, or you do: " +
		"aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id pcx-0123456789abcdef0 --region us-east-1"}
	if got := PartnerConnectionWarnings(cfg); !slices.Equal(got, want) {
		t.Errorf("warnings:\n%q\nwant:\n%q", got, want)
	}
}
