package config

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// The issue-12 examples are accepted and resolve as their comments say.
func TestModeExamplesAccepted(t *testing.T) {
	for _, name := range []string{"existing-vpc", "partner"} {
		data, err := os.ReadFile("../../examples/" + name + "/Pulumi.dev.yaml")
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseStack(data, env(nil))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, n := range c.Networks {
			got = append(got, fmt.Sprintf("%s %s existing=%v", n.Name, n.Region, n.IsExisting()))
		}
		for _, p := range c.Peerings {
			got = append(got, fmt.Sprintf("%s %s", p.Name(), p.Mode()))
		}
		want := map[string]string{
			"existing-vpc": "trading us-east-1 existing=false; legacy eu-west-1 existing=true; trading-legacy both-sides",
			"partner":      "trading us-east-1 existing=false; market-data-trading accepter-only; trading-clearing requester-only",
		}[name]
		if strings.Join(got, "; ") != want {
			t.Errorf("%s: got %s\nwant %s", name, strings.Join(got, "; "), want)
		}
	}
}

// VPC and gateway endpoint quotas count per account and region, and only
// the networks peerctl creates: AWS counts an existing VPC already.
func TestQuotasPerAccountAndRegion(t *testing.T) {
	nets := func(region func(i int) string, existing func(i int) bool) []string {
		var out []string
		for i := range 3 {
			extra := ""
			if r := region(i); r != "" {
				extra += ", region: " + r
			}
			if existing(i) {
				extra += fmt.Sprintf(", existing: {vpcId: vpc-0000000%d}", i)
			}
			out = append(out, fmt.Sprintf(`{name: n%d, cidr: 10.%d.0.0/16, costCenter: c, account: {id: "111111111111", profile: p}%s}`, i, i, extra))
		}
		return out
	}
	peerings := []string{`{requester: n0, accepter: n1}`, `{requester: n1, accepter: n2}`}
	quota := "peerctl:quotas: {vpcsPerRegion: 2}"
	none := func(int) bool { return false }
	same := func(int) string { return "" }
	wantProblems(t, modesProblems(t, modesYAML(nets(same, none), peerings, quota)),
		`peerctl:networks: "n0, n1, n2" would create 3 VPCs in account 111111111111 in us-east-1, over the quota of 2 VPCs per region (peerctl:quotas.vpcsPerRegion); the account's default VPC and any VPC made outside this stack count too`)
	// One of the three in another region: two per region fit.
	wantProblems(t, modesProblems(t, modesYAML(nets(func(i int) string {
		if i == 2 {
			return "us-west-2"
		}
		return ""
	}, none), peerings, quota)))
	// One of the three existing: two created VPCs fit.
	wantProblems(t, modesProblems(t, modesYAML(nets(same, func(i int) bool { return i == 1 }), peerings, quota)))
}

// A KMS key serves its own region only: it is compared with the region of
// each network that uses it.
func TestKMSKeyPerNetworkRegion(t *testing.T) {
	networks := []string{tradingNet, legacyNet(`, region: eu-west-1`)}
	key := func(region, account string) string {
		return fmt.Sprintf("arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab", region, account)
	}
	tests := []struct {
		setting string
		want    []string
	}{
		{fmt.Sprintf(`peerctl:flowLogs: {kmsKeyArns: {trading: "%s", legacy: "%s"}}`, key("us-east-1", "111111111111"), key("eu-west-1", "222222222222")), nil},
		{fmt.Sprintf(`peerctl:flowLogs: {kmsKeyArns: {legacy: "%s"}}`, key("us-east-1", "222222222222")),
			[]string{`peerctl:flowLogs.kmsKeyArns.legacy: "` + key("us-east-1", "222222222222") + `" is in region us-east-1, but network legacy is in eu-west-1 (its region key); AWS services use a KMS key only in its own region`}},
		{fmt.Sprintf(`peerctl:alarms: {emails: [ops@example.com], kmsKeyArns: {trading: "%s"}}`, key("eu-west-1", "111111111111")),
			[]string{`peerctl:alarms.kmsKeyArns.trading: "` + key("eu-west-1", "111111111111") + `" is in region eu-west-1, but the stack deploys to us-east-1 (peerctl:region); AWS services use a KMS key only in its own region`}},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			wantProblems(t, modesProblems(t, modesYAML(networks, []string{tradingPair}, tt.setting)), tt.want...)
		})
	}
}

// A partner CIDR is accepted exactly when it is a /8-/28 IPv4 block outside
// AWS's reserved ranges that overlaps neither its network nor any other
// peer of that network; the expectation is computed from those rules with
// netip, independently of the validator's code path.
func TestPartnerCIDRProperty(t *testing.T) {
	// Octet-aligned, so that flow-log metric filter counts stay small.
	pool := []string{"10.0.0.0/16", "10.0.5.0/24", "10.1.0.0/16", "10.1.7.0/24", "172.31.0.0/16", "172.31.9.0/24",
		"192.168.0.0/16", "100.0.0.0/8", "169.254.0.0/16", "127.0.0.0/8", "230.1.0.0/16", "0.0.0.0/0", "10.9.0.0/16"}
	reserved := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("127.0.0.0/8"),
		netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("224.0.0.0/3")}
	rapid.Check(t, func(t *rapid.T) {
		cidrs := rapid.SliceOfN(rapid.SampledFrom(pool), 1, 4).Draw(t, "partner cidrs")
		withAnalytics := rapid.Bool().Draw(t, "analytics peered")
		own := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
		networks := []string{tradingNet}
		var peerings []string
		if withAnalytics {
			networks = append(networks, `{name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {id: "222222222222", profile: a}}`)
			peerings = append(peerings, `{requester: trading, accepter: analytics}`)
		}
		want := true
		var peers []netip.Prefix
		if withAnalytics {
			peers = append(peers, netip.MustParsePrefix("10.1.0.0/16"))
		}
		for i, c := range cidrs {
			peerings = append(peerings, fmt.Sprintf(`{accepter: trading, connectionId: pcx-%08x, peerCidr: %s}`, i+1, c))
			p := netip.MustParsePrefix(c)
			if p.Bits() < 8 || p.Bits() > 28 || p.Overlaps(own[0]) {
				want = false
			}
			for _, r := range reserved {
				if p.Overlaps(r) {
					want = false
				}
			}
			for _, q := range peers {
				if p.Overlaps(q) {
					want = false
				}
			}
			peers = append(peers, p)
		}
		got := modesProblems(t, modesYAML(networks, peerings))
		if want != (got == nil) {
			t.Fatalf("cidrs %v (analytics %v): want accepted=%v, problems %v", cidrs, withAnalytics, want, got)
		}
		for _, g := range got {
			if !strings.Contains(g, ".peerCidr: ") {
				t.Fatalf("problem not about a peerCidr: %s", g)
			}
		}
	})
}
