package netplan

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestIsPrivate(t *testing.T) {
	tests := []struct {
		cidr string
		want bool
	}{
		{"10.0.0.0/16", true},
		{"10.0.0.0/8", true},
		{"172.16.0.0/12", true},
		{"172.31.255.0/24", true},
		{"172.32.0.0/16", false},
		{"192.168.10.0/24", true},
		{"192.169.0.0/16", false},
		{"100.64.0.0/16", false},
		{"8.0.0.0/8", false},
		{"0.0.0.0/0", false},
		{"10.0.0.0/7", false}, // wider than 10/8
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			if got := IsPrivate(netip.MustParsePrefix(tt.cidr)); got != tt.want {
				t.Errorf("IsPrivate(%s) = %v, want %v", tt.cidr, got, tt.want)
			}
		})
	}
	if IsPrivate(netip.MustParsePrefix("fd00::/8")) {
		t.Error("IPv6 ULA must not count as RFC 1918")
	}
}

func TestSubnetPrefixLength(t *testing.T) {
	tests := []struct {
		vpc       string
		count     int
		requested int
		want      int
		wantErr   string
	}{
		{"10.0.0.0/16", 3, 0, 20, ""},
		{"10.0.0.0/16", 6, 0, 20, ""},
		{"10.0.0.0/18", 3, 0, 20, ""},
		{"10.0.0.0/19", 3, 0, 21, ""},
		{"10.0.0.0/24", 3, 0, 26, ""},
		{"10.0.0.0/24", 1, 0, 24, ""},
		{"10.0.0.0/16", 3, 24, 24, ""},
		{"10.0.0.0/27", 3, 0, 0, "3 subnets do not fit in 10.0.0.0/27: they would be /29, smaller than the /28 AWS allows"},
		{"10.0.0.0/22", 3, 22, 0, "3 subnets of /22 do not fit in 10.0.0.0/22 (room for 1)"},
		{"10.0.0.0/22", 3, 20, 0, "3 subnets of /20 do not fit in 10.0.0.0/22 (room for 0)"},
		{"10.0.0.0/16", 0, 0, 0, "subnet count 0: need at least one"},
	}
	for _, tt := range tests {
		t.Run(tt.vpc, func(t *testing.T) {
			got, err := SubnetPrefixLength(netip.MustParsePrefix(tt.vpc), tt.count, tt.requested)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("SubnetPrefixLength = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestSubnetsAreConsecutiveBlocks(t *testing.T) {
	got, err := Subnets(netip.MustParsePrefix("10.1.0.0/16"), 3, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/20"}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("subnet %d = %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := Subnets(netip.MustParsePrefix("10.1.0.0/16"), 17, 20); err == nil {
		t.Error("17 /20s in a /16 must not fit")
	}
}

// genVPC draws a private VPC CIDR of an AWS-valid size.
func genVPC(t *rapid.T) netip.Prefix {
	bitsLen := rapid.IntRange(MinVPCPrefixLength, MaxVPCPrefixLength).Draw(t, "bits")
	base := rapid.SampledFrom([]netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}).Draw(t, "range")
	if bitsLen < base.Bits() {
		bitsLen = base.Bits()
	}
	a := base.Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= rapid.Uint32().Draw(t, "offset") & (^uint32(0) >> base.Bits())
	addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	return netip.PrefixFrom(addr, bitsLen).Masked()
}

// Every planned subnet lies inside its VPC, subnets never overlap, there is
// one per AZ, and the default size is /20 whenever that fits.
func TestSubnetPlanProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vpc := genVPC(t)
		count := rapid.IntRange(1, 6).Draw(t, "count")
		length, err := SubnetPrefixLength(vpc, count, 0)
		if err != nil {
			if vpc.Bits()+bitsFor(count) <= MaxSubnetPrefixLength {
				t.Fatalf("%d subnets should fit in %s: %v", count, vpc, err)
			}
			return
		}
		if vpc.Bits()+bitsFor(count) <= DefaultSubnetPrefixLength && length != DefaultSubnetPrefixLength {
			t.Fatalf("default length for %s = /%d, want /20", vpc, length)
		}
		subnets, err := Subnets(vpc, count, length)
		if err != nil {
			t.Fatal(err)
		}
		if len(subnets) != count {
			t.Fatalf("got %d subnets, want %d", len(subnets), count)
		}
		for i, s := range subnets {
			if !vpc.Contains(s.Addr()) || s.Bits() < vpc.Bits() || s.Masked() != s {
				t.Fatalf("subnet %s is not a block inside %s", s, vpc)
			}
			for _, o := range subnets[:i] {
				if s.Overlaps(o) {
					t.Fatalf("subnets %s and %s overlap", s, o)
				}
			}
		}
	})
}

func TestChooseAZs(t *testing.T) {
	trading := []string{"use1-az4", "use1-az1", "use1-az2", "use1-az6"}
	analytics := []string{"use1-az2", "use1-az1", "use1-az4", "use1-az5"}
	got, err := ChooseAZs([][]string{trading, analytics}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"use1-az1", "use1-az2", "use1-az4"}; !slices.Equal(got, want) {
		t.Errorf("ChooseAZs = %v, want %v", got, want)
	}
	_, err = ChooseAZs([][]string{trading, analytics}, 4)
	if err == nil || !strings.Contains(err.Error(), "share 3 availability zone IDs (use1-az1, use1-az2, use1-az4), need 4") {
		t.Errorf("error = %v", err)
	}
}

// The chosen AZs are offered by every account, sorted, distinct and as many
// as asked.
func TestChooseAZsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.SampledFrom([]string{"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"})
		lists := rapid.SliceOfN(rapid.SliceOfN(zone, 1, 6), 1, 4).Draw(t, "lists")
		count := rapid.IntRange(1, 6).Draw(t, "count")
		got, err := ChooseAZs(lists, count)
		if err != nil {
			return
		}
		if len(got) != count || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != count {
			t.Fatalf("ChooseAZs = %v for count %d", got, count)
		}
		for _, id := range got {
			for _, l := range lists {
				if !slices.Contains(l, id) {
					t.Fatalf("%s is not offered by %v", id, l)
				}
			}
		}
	})
}

func TestRegionCode(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "use1", "us-west-2": "usw2", "eu-central-1": "euc1", "ap-southeast-2": "apse2",
		"ap-northeast-1": "apne1", "us-gov-west-1": "usgw1", "sa-east-1": "sae1", "mars-1": "",
	} {
		if got := RegionCode(region); got != want {
			t.Errorf("RegionCode(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestNACLRules(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	peers := []Peer{
		{Name: "analytics", CIDR: netip.MustParsePrefix("10.1.0.0/16"), Slot: 1195},
		{Name: "risk", CIDR: netip.MustParsePrefix("10.2.0.0/16"), Slot: 2370},
	}
	for _, eph := range []PortRange{DefaultEphemeral, {From: 32768, To: 65535}} {
		t.Run(eph.String(), func(t *testing.T) {
			in, out := NACLRulesWith(vpc, peers, eph)
			if max(len(in), len(out)) != NACLRulesPerDirection(2, eph) {
				t.Fatalf("got %d/%d rules, NACLRulesPerDirection says %d", len(in), len(out), NACLRulesPerDirection(2, eph))
			}
			for _, rules := range [][]ACLRule{in, out} {
				seen := map[int]bool{}
				for _, r := range rules {
					if seen[r.Number] || r.Number < 1 || r.Number > 32766 {
						t.Errorf("rule number %d is repeated or outside 1-32766", r.Number)
					}
					seen[r.Number] = true
				}
			}
			for _, r := range in {
				if r.CIDR == "0.0.0.0/0" && (r.Protocol != "tcp" || r.FromPort < eph.From || r.ToPort > eph.To) {
					t.Errorf("0.0.0.0/0 ingress rules may only admit TCP return traffic, got %+v", r)
				}
				if r.CIDR == "0.0.0.0/0" && (r.FromPort <= 22 && 22 <= r.ToPort || r.FromPort <= 3389 && 3389 <= r.ToPort) {
					t.Errorf("rule %d admits a remote administration port from 0.0.0.0/0 (CIS 5.1): %+v", r.Number, r)
				}
			}
			for _, r := range out {
				if r.CIDR == "0.0.0.0/0" && (r.Protocol != "tcp" || r.FromPort != 443 || r.ToPort != 443) {
					t.Errorf("the only 0.0.0.0/0 egress rule must be TCP 443 to the endpoints, got %+v", r)
				}
			}
			// Every peer gets 443 and 5432 both ways, and replies to its
			// clients' ports at both ends of the range.
			for _, p := range peers {
				for _, port := range []int{443, 5432, eph.From, eph.To} {
					for dir, rules := range map[string][]ACLRule{"ingress": in, "egress": out} {
						if !slices.ContainsFunc(rules, func(r ACLRule) bool {
							return r.CIDR == p.CIDR.String() && r.FromPort <= port && port <= r.ToPort && r.Protocol == "tcp"
						}) {
							t.Errorf("no %s rule admits %s on %d", dir, p.Name, port)
						}
					}
				}
			}
		})
	}
}

func TestQuotaCounts(t *testing.T) {
	in, out := SecurityGroupRules(7)
	if in != 14 || out != 16 {
		t.Errorf("SecurityGroupRules(7) = %d, %d; want 14, 16", in, out)
	}
	if got := RoutesPerRouteTable(7); got != 10 {
		t.Errorf("RoutesPerRouteTable(7) = %d, want 10", got)
	}
	// Local + 2 per peer + 2 endpoint return rules (split around 3389).
	if got := NACLRulesPerDirection(8, DefaultEphemeral); got != 19 {
		t.Errorf("NACLRulesPerDirection(8, default) = %d, want 19 (8 peers is the most the default quota allows)", got)
	}
	// Local + 3 per peer (5432 outside the range) + 1 endpoint rule (3389
	// is below the range) in each direction.
	if got := NACLRulesPerDirection(6, PortRange{From: 32768, To: 65535}); got != 20 {
		t.Errorf("NACLRulesPerDirection(6, 32768-65535) = %d, want 20 (6 peers is the most the default quota allows)", got)
	}
}
