package names

import "testing"

// The tags the deployed resources carry, written by hand (docs/reference.md).
func TestNameTags(t *testing.T) {
	if got := VPCNameTag("trading", "dev"); got != "trading-vpc-dev" {
		t.Errorf("VPC Name tag %q", got)
	}
	if got := PeeringNameTag("trading-analytics", "prod"); got != "trading-analytics-peering-prod" {
		t.Errorf("peering Name tag %q", got)
	}
}
