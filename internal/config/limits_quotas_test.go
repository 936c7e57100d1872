package config

import (
	"fmt"
	"strings"
	"testing"
)

// Unset quotas are AWS's defaults, written here from the Amazon VPC quotas
// page: 20 NACL rules, 60 SG rules, 50 routes, 50 active peerings per VPC,
// 5 VPCs and 20 gateway endpoints per region.
func TestQuotaDefaultsAreAWSDefaults(t *testing.T) {
	c, err := Parse(Raw{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Quotas{NACLRulesPerDirection: 20, SecurityGroupRulesPerDirection: 60, RoutesPerRouteTable: 50,
		ActivePeeringsPerVPC: 50, VPCsPerRegion: 5, GatewayEndpointsPerRegion: 20}
	if c.Quotas != want {
		t.Errorf("quotas = %+v, want %+v", c.Quotas, want)
	}
}

// A quota written as 0 or negative is an error, never the default.
// (Unknown and misspelled fields are the decoder's, tested with it.)
func TestQuotaValues(t *testing.T) {
	tests := []struct {
		quotas string
		want   []string
	}{
		{`{"vpcsPerRegion": 0}`, []string{`peerctl:quotas.vpcsPerRegion: "0" must be at least 1 (unset means the AWS default of 5)`}},
		{`{"vpcsPerRegion": -3}`, []string{`peerctl:quotas.vpcsPerRegion: "-3" must be at least 1 (unset means the AWS default of 5)`}},
		{`{"gatewayEndpointsPerRegion": 0}`, []string{`peerctl:quotas.gatewayEndpointsPerRegion: "0" must be at least 1 (unset means the AWS default of 20)`}},
		{`{"activePeeringsPerVpc": 0}`, []string{`peerctl:quotas.activePeeringsPerVpc: "0" must be between 50 (the AWS default) and 125 (the most AWS grants)`}},
		{`{"activePeeringsPerVpc": 126}`, []string{`peerctl:quotas.activePeeringsPerVpc: "126" must be between 50 (the AWS default) and 125 (the most AWS grants)`}},
		{`{"naclRulesPerDirection": 0}`, []string{`peerctl:quotas.naclRulesPerDirection: "0" must be between 20 (the AWS default) and 40 (the most AWS grants)`}},
		{`{"securityGroupRulesPerDirection": -1}`, []string{`peerctl:quotas.securityGroupRulesPerDirection: "-1" must be between 60 (the AWS default) and 1000 (the most AWS grants)`}},
		{`{"routesPerRouteTable": 0}`, []string{`peerctl:quotas.routesPerRouteTable: "0" must be between 50 (the AWS default) and 1000 (the most AWS grants)`}},
		{`{"routesPerRouteTable": 1001}`, []string{`peerctl:quotas.routesPerRouteTable: "1001" must be between 50 (the AWS default) and 1000 (the most AWS grants)`}},
		{`{"vpcsPerRegion": 1, "gatewayEndpointsPerRegion": 125, "activePeeringsPerVpc": 125, "routesPerRouteTable": 1000}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.quotas, func(t *testing.T) {
			// One network per account, so that vpcsPerRegion 1 fits.
			raw := networksRaw(t, []limitsNet{
				{"trading", map[string]string{"id": "111111111111"}},
				{"analytics", map[string]string{"id": "222222222222", "profile": "analytics"}},
			}, Raw{"peerctl:quotas": tt.quotas})
			wantProblems(t, limitsProblems(t, raw), tt.want...)
		})
	}
}

// VPCs and gateway endpoints are counted per account and region across the
// whole stack. Accounts are known by id (account.id or the role ARN's), or,
// where no id is given, by identical credentials.
func TestPerAccountQuotas(t *testing.T) {
	def := map[string]string(nil)
	id1 := func(profile string) map[string]string {
		return map[string]string{"id": "111111111111", "profile": profile}
	}
	vpcs := func(names, where string, n, quota int) string {
		return fmt.Sprintf(`peerctl:networks: %q would create %d VPCs in %s in us-east-1, over the quota of %d VPCs per region (peerctl:quotas.vpcsPerRegion); the account's default VPC and any VPC made outside this stack count too`,
			names, n, where, quota)
	}
	six := "net0, net1, net2, net3, net4, net5"
	tests := []struct {
		name   string
		nets   []limitsNet
		quotas string
		want   []string
	}{
		{"five on default credentials", sameAccountNets(5, def), "", nil},
		{"six on default credentials", sameAccountNets(6, def), "",
			[]string{vpcs(six, "the account of the default credentials", 6, 5)}},
		{"six on one profile, ids unknown", sameAccountNets(6, map[string]string{"profile": "p"}), "",
			[]string{vpcs(six, "the account of profile p", 6, 5)}},
		{"six on one role", sameAccountNets(6, map[string]string{"roleArn": "arn:aws:iam::222222222222:role/deployer"}), "",
			[]string{vpcs(six, "account 222222222222", 6, 5)}},
		{"six profiles into one account id", []limitsNet{
			{"net0", id1("a")}, {"net1", id1("b")}, {"net2", id1("c")}, {"net3", id1("d")}, {"net4", id1("e")},
			{"net5", map[string]string{"roleArn": "arn:aws:iam::111111111111:role/deployer"}},
		}, "", []string{vpcs(six, "account 111111111111", 6, 5)}},
		{"an id learned through shared credentials", []limitsNet{
			// net5 has no id but shares net4's profile, and net4's id is
			// net0-net3's: one account.
			{"net0", id1("a")}, {"net1", id1("b")}, {"net2", id1("c")}, {"net3", id1("d")}, {"net4", id1("e")},
			{"net5", map[string]string{"profile": "e"}},
		}, "", []string{vpcs(six, "account 111111111111", 6, 5)}},
		{"two groups joined by a later network", []limitsNet{
			// net1 and net5 share profile b, which net2 shares too, and net2
			// has net0's id: one account of six, however the links arrive.
			{"net0", id1("a")}, {"net1", map[string]string{"profile": "b"}}, {"net2", id1("b")},
			{"net3", id1("c")}, {"net4", id1("d")}, {"net5", map[string]string{"profile": "b"}},
		}, "", []string{vpcs(six, "account 111111111111", 6, 5)}},
		{"six split over two accounts", []limitsNet{
			{"net0", nil}, {"net1", nil}, {"net2", nil},
			{"net3", map[string]string{"profile": "other"}}, {"net4", map[string]string{"profile": "other"}}, {"net5", map[string]string{"profile": "other"}},
		}, "", nil},
		{"six with the quota raised", sameAccountNets(6, def), `{"vpcsPerRegion": 6}`, nil},
		{"room kept for the default VPC", sameAccountNets(5, def), `{"vpcsPerRegion": 4}`,
			[]string{vpcs("net0, net1, net2, net3, net4", "the account of the default credentials", 5, 4)}},
		{"gateway endpoints, two per network", sameAccountNets(11, def), `{"vpcsPerRegion": 11}`,
			[]string{`peerctl:networks: "net0, net1, net2, net3, net4, net5, net6, net7, net8, net9, net10" would create 22 gateway endpoints (s3 and dynamodb for each network) in the account of the default credentials in us-east-1, over the quota of 20 per region (peerctl:quotas.gatewayEndpointsPerRegion); endpoints made outside this stack count too`}},
		{"gateway endpoints within a raised quota", sameAccountNets(11, def), `{"vpcsPerRegion": 11, "gatewayEndpointsPerRegion": 22}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := Raw{}
			if tt.quotas != "" {
				extra["peerctl:quotas"] = tt.quotas
			}
			wantProblems(t, limitsProblems(t, networksRaw(t, tt.nets, extra)), tt.want...)
		})
	}
}

// Active peerings per VPC: 50 by default, 125 at most. The NACL quota
// (40 rules at most) binds long before, so the check is exercised on a
// configuration built directly: a hub peered with 51 spokes in 52 accounts.
func TestActivePeeringsPerVPC(t *testing.T) {
	c := &Config{Environment: "dev", Region: "us-east-1", Quotas: withQuotaDefaults(Quotas{})}
	for i := range 52 {
		c.Networks = append(c.Networks, Network{Name: fmt.Sprintf("n%d", i), Account: Account{Profile: fmt.Sprintf("p%d", i)}})
		if i > 0 {
			c.Peerings = append(c.Peerings, Peering{Requester: "n0", Accepter: fmt.Sprintf("n%d", i)})
		}
	}
	want := `peerctl:networks[0]: "n0" has 51 peers, over the quota of 50 active peering connections per VPC (peerctl:quotas.activePeeringsPerVpc, at most 125 once AWS raises it)`
	p := &problems{}
	validateQuotas(c, p)
	if !containsProblem(p, want) {
		t.Errorf("problems:\n  %s\nwant among them:\n  %s", joinProblems(p), want)
	}
	c.Quotas.ActivePeeringsPerVPC = 51
	p = &problems{}
	validateQuotas(c, p)
	if strings.Contains(joinProblems(p), "active peering") {
		t.Errorf("51 peers within a quota of 51 were refused:\n  %s", joinProblems(p))
	}
}

func containsProblem(p *problems, want string) bool {
	for _, e := range p.list {
		if e.Error() == want {
			return true
		}
	}
	return false
}

func joinProblems(p *problems) string {
	var out []string
	for _, e := range p.list {
		out = append(out, e.Error())
	}
	return strings.Join(out, "\n  ")
}
