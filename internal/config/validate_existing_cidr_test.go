package config

import (
	"net/netip"
	"testing"

	"pgregory.net/rapid"
)

// An existing VPC may use any CIDR block AWS allows for a VPC, not only
// RFC 1918 (Amazon VPC User Guide, "VPC CIDR blocks": "You can create a
// VPC with a publicly routable CIDR block that falls outside of the private
// IPv4 address ranges specified in RFC 1918"; 100.64.0.0/10 and
// 198.19.0.0/16 are rows of its association table); the VPCs peerctl
// creates keep the private-range rule. Messages written by hand.
func TestExistingNetworkCIDR(t *testing.T) {
	existing := func(cidr string) string {
		return `{name: legacy, cidr: "` + cidr + `", costCenter: legacy, account: {id: "222222222222", profile: legacy}, existing: {vpcId: vpc-0a1b2c3d4e5f60718}}`
	}
	created := func(cidr string) string {
		return `{name: legacy, cidr: "` + cidr + `", costCenter: legacy, account: {id: "222222222222", profile: legacy}}`
	}
	const field = `peerctl:networks[1].cidr: `
	tests := []struct {
		name    string
		network string
		want    string
	}{
		{"shared address space (RFC 6598)", existing("100.64.0.0/16"), ""},
		{"a public range the company owns", existing("52.94.0.0/16"), ""},
		{"the 198.19.0.0/16 row of AWS's table", existing("198.19.0.0/16"), ""},
		{"the smallest VPC, /28", existing("203.0.113.16/28"), ""},
		{"RFC 1918 as before", existing("10.20.0.0/16"), ""},
		{"link-local, which AWS names", existing("169.254.0.0/16"),
			field + `"169.254.0.0/16" overlaps 169.254.0.0/16, a range AWS does not allow for VPCs`},
		{"loopback", existing("127.0.0.0/16"),
			field + `"127.0.0.0/16" overlaps 127.0.0.0/8, a range AWS does not allow for VPCs`},
		{"this network, 0.0.0.0/8", existing("0.0.0.0/16"),
			field + `"0.0.0.0/16" overlaps 0.0.0.0/8, a range AWS does not allow for VPCs`},
		{"multicast", existing("224.0.0.0/16"),
			field + `"224.0.0.0/16" overlaps 224.0.0.0/3, a range AWS does not allow for VPCs`},
		{"class E", existing("240.0.0.0/16"),
			field + `"240.0.0.0/16" overlaps 224.0.0.0/3, a range AWS does not allow for VPCs`},
		{"wider than /16", existing("100.64.0.0/15"),
			field + `"100.64.0.0/15" must be between /16 and /28, the VPC sizes AWS allows`},
		{"narrower than /28", existing("100.64.0.0/29"),
			field + `"100.64.0.0/29" must be between /16 and /28, the VPC sizes AWS allows`},
		{"host bits", existing("100.64.0.1/16"),
			field + `"100.64.0.1/16" has host bits set; did you mean 100.64.0.0/16?`},
		{"IPv6", existing("fd00::/56"),
			field + `"fd00::/56" is not an IPv4 CIDR block`},
		{"not a CIDR", existing("legacy"),
			field + `"legacy" is not a CIDR block like 10.0.0.0/16`},
		{"a created VPC keeps the private-range rule", created("100.64.0.0/16"),
			field + `"100.64.0.0/16" is not private: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)`},
		{"a created public range too", created("52.94.0.0/16"),
			field + `"52.94.0.0/16" is not private: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			wantProblems(t, modesProblems(t, modesYAML([]string{tradingNet, tt.network}, []string{tradingPair})), want...)
		})
	}
}

// awsAllowsVPC is AWS's rule for a VPC CIDR block, written from the
// guide's text by octets rather than with the code's range list: /16 to
// /28, not link-local 169.254/16, and unicast (not 0/8, 127/8, 224-255).
func awsAllowsVPC(p netip.Prefix) bool {
	a := p.Addr().As4()
	switch {
	case p.Bits() < 16 || p.Bits() > 28:
		return false
	case a[0] == 0 || a[0] == 127 || a[0] >= 224:
		return false
	case a[0] == 169 && a[1] == 254:
		return false
	}
	return true
}

// Every IPv4 block: an existing network's cidr is accepted exactly when
// AWS allows it for a VPC, and every cidr a created network may have
// (RFC 1918, /16-/28) is accepted for an existing one too.
func TestExistingCIDRProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		addr := netip.AddrFrom4([4]byte{
			rapid.Byte().Draw(t, "a"), rapid.Byte().Draw(t, "b"), rapid.Byte().Draw(t, "c"), rapid.Byte().Draw(t, "d")})
		prefix := netip.PrefixFrom(addr, rapid.IntRange(8, 32).Draw(t, "bits")).Masked()
		var p problems
		_, ok := validateExistingCIDR("cidr", prefix.String(), &p)
		if ok != awsAllowsVPC(prefix) || ok != (len(p.list) == 0) {
			t.Fatalf("%s: accepted %v with problems %v, AWS allows %v", prefix, ok, p.list, awsAllowsVPC(prefix))
		}
		var q problems
		if _, created := validateCIDR("cidr", prefix.String(), &q); created && !ok {
			t.Fatalf("%s: accepted for a created VPC but not for an existing one: %v", prefix, p.list)
		}
	})
}
