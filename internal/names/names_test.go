package names_test

import (
	"testing"

	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/regions"
)

// Expected names written by hand from the naming scheme in docs/observability.md.
func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{names.FlowLogBucket("trading", "prod", "us-east-1", "111111111111"), "trading-flows-prod-use1-111111111111"},
		{names.ConfigBucket("trading", "prod", "eu-west-1", "111111111111"), "trading-config-prod-euw1-111111111111"},
		{names.FlowLogRole("analytics", "dev", "ap-southeast-2"), "analytics-vpc-flow-logs-dev-apse2"},
		{names.ConfigRole("analytics", "dev", "us-gov-west-1"), "analytics-aws-config-dev-usgw1"},
		{names.Dashboard("prod", "us-west-2"), "vpc-peering-dashboard-prod-usw2"},
		{names.AccountDashboard("analytics", "prod", "us-west-2"), "vpc-peering-dashboard-analytics-prod-usw2"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// The same environment in two regions gets different global names (the
// point of the region code), and the code is AWS's own AZ ID prefix.
func TestRegionCodeIsTheAZIDPrefix(t *testing.T) {
	for _, r := range regions.All() {
		if len(r.AZIDs) == 0 {
			continue
		}
		if got := names.RegionCode(r.Name); got != r.AZIDPrefix() {
			t.Errorf("RegionCode(%s) = %q, its AZ IDs start %q", r.Name, got, r.AZIDPrefix())
		}
	}
	if names.FlowLogRole("a", "prod", "us-east-1") == names.FlowLogRole("a", "prod", "us-east-2") {
		t.Error("a network's role has the same name in us-east-1 and us-east-2")
	}
}

// The longest inputs configuration accepts (network 20, environment 16, a
// 5-character region code) fit AWS's limits.
func TestLongestInputsFit(t *testing.T) {
	for _, g := range names.ForNetwork("trading-network-0001", "staging-blue-001", "ap-southeast-2", "111111111111") {
		if len(g.Name) > g.Kind.Limit() {
			t.Errorf("%s %q has %d characters, over %d", g.Kind, g.Name, len(g.Name), g.Kind.Limit())
		}
	}
}
