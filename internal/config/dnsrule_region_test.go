package config

import "testing"

// VPC_PEERING_DNS_RESOLUTION_CHECK per account group's region: unset, it
// is on wherever AWS Config offers it, whatever peerctl:region is; set, it
// is what it says in every region.
func TestPeeringDNSRuleIn(t *testing.T) {
	tests := []struct {
		name     string
		settings string
		want     map[string]bool // by region
	}{
		{"unset, peerctl:region offers it", "  peerctl:region: us-east-1",
			map[string]bool{"us-east-1": true, "eu-west-1": true, "ap-southeast-3": false, "il-central-1": false}},
		// peerctl:region lacks the rule; a group in eu-west-1 still gets it.
		{"unset, peerctl:region lacks it", "  peerctl:region: ap-southeast-3",
			map[string]bool{"ap-southeast-3": false, "eu-west-1": true}},
		{"forced on", "  peerctl:region: us-east-1\n  peerctl:compliance: {peeringDnsRule: true}",
			map[string]bool{"us-east-1": true, "ap-southeast-3": true}},
		{"off", "  peerctl:region: us-east-1\n  peerctl:compliance: {peeringDnsRule: false}",
			map[string]bool{"us-east-1": false, "eu-west-1": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const body = `  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111", profile: t}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "222222222222", profile: a}}
`
			c, err := ParseStack([]byte("config:\n"+tt.settings+"\n"+body), env(nil))
			if err != nil {
				t.Fatal(err)
			}
			for region, want := range tt.want {
				if got := c.Observability.Compliance.PeeringDNSRuleIn(region); got != want {
					t.Errorf("%s: DNS rule %v, want %v", region, got, want)
				}
			}
		})
	}
}
