package stack

import (
	"net/netip"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

// The active-connection lookup of a requester-only peering filters on the
// partner's VPC and account, which it can only take as plain values.
func TestPartnerSideCarriesPlainPartnerIDs(t *testing.T) {
	cfg := &config.Config{Region: "us-east-1", Networks: []config.Network{{Name: "trading", Region: "us-east-1"}}}
	requester := config.Peering{Requester: "trading", PeerVPCID: "vpc-0fedcba9876543210", PeerAccountID: "333333333333",
		PeerCIDR: netip.MustParsePrefix("192.168.0.0/16"), PeerRegion: "us-west-2", PeerName: "clearing"}
	s := partnerSide(cfg, requester)
	if s.PartnerVPC != "vpc-0fedcba9876543210" || s.PartnerAccount != "333333333333" || s.Region != "us-west-2" || !s.Partner {
		t.Errorf("requester-only partner side = %+v", s)
	}
	accepter := config.Peering{Accepter: "trading", ConnectionID: "pcx-0123456789abcdef0", PeerCIDR: netip.MustParsePrefix("172.31.0.0/16")}
	s = partnerSide(cfg, accepter)
	if s.PartnerVPC != "" || s.ConnectionID != "pcx-0123456789abcdef0" || s.Region != "us-east-1" {
		t.Errorf("accepter-only partner side = %+v", s)
	}
}
