package flowfilter

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestAddressTerms(t *testing.T) {
	tests := []struct {
		cidr  string
		count int
		first string
		last  string
	}{
		{"10.1.0.0/16", 1, "10.1.*", "10.1.*"},
		{"10.0.0.0/16", 1, "10.0.*", "10.0.*"},
		{"172.16.0.0/12", 16, "172.16.*", "172.31.*"},
		{"10.1.2.0/24", 1, "10.1.2.*", "10.1.2.*"},
		{"10.0.16.0/20", 16, "10.0.16.*", "10.0.31.*"},
		{"10.0.0.0/17", 128, "10.0.0.*", "10.0.127.*"},
		{"192.168.4.0/23", 2, "192.168.4.*", "192.168.5.*"},
		{"10.0.0.16/28", 16, "10.0.0.16", "10.0.0.31"},
		{"10.0.0.0/8", 1, "10.*", "10.*"},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			terms, err := AddressTerms(netip.MustParsePrefix(tt.cidr))
			if err != nil {
				t.Fatal(err)
			}
			if len(terms) != tt.count || terms[0] != tt.first || terms[len(terms)-1] != tt.last {
				t.Errorf("AddressTerms(%s) = %d terms %s..%s, want %d terms %s..%s",
					tt.cidr, len(terms), terms[0], terms[len(terms)-1], tt.count, tt.first, tt.last)
			}
			if sorted := slices.Compact(slices.Sorted(slices.Values(terms))); len(sorted) != len(terms) {
				t.Errorf("duplicate terms: %v", terms)
			}
		})
	}
	if _, err := AddressTerms(netip.MustParsePrefix("fd00::/64")); err == nil {
		t.Error("IPv6 CIDR accepted")
	}
	if _, err := AddressTerms(netip.Prefix{}); err == nil {
		t.Error("invalid CIDR accepted")
	}
}

// The terms of a CIDR match an address (with CloudWatch's wildcard rules)
// exactly when the CIDR contains it: no address outside is counted, none
// inside is missed.
func TestAddressTermsMatchExactlyTheCIDR(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bits := rapid.IntRange(8, 32).Draw(t, "bits")
		raw := [4]byte{}
		for i := range raw {
			raw[i] = byte(rapid.IntRange(0, 255).Draw(t, "octet"))
		}
		cidr := netip.PrefixFrom(netip.AddrFrom4(raw), bits).Masked()
		terms, err := AddressTerms(cidr)
		if err != nil {
			t.Fatal(err)
		}
		// Addresses near the CIDR's edges and random ones.
		first := cidr.Addr()
		candidates := []netip.Addr{first, first.Prev(), lastOf(cidr), lastOf(cidr).Next()}
		for range 8 {
			var a [4]byte
			for i := range a {
				a[i] = byte(rapid.IntRange(0, 255).Draw(t, "addr"))
			}
			candidates = append(candidates, netip.AddrFrom4(a))
		}
		for _, addr := range candidates {
			if !addr.IsValid() {
				continue
			}
			matched := slices.ContainsFunc(terms, func(term string) bool { return matches(term, addr.String()) })
			if matched != cidr.Contains(addr) {
				t.Fatalf("%s: terms %v match %s = %v, but Contains = %v", cidr, terms, addr, matched, cidr.Contains(addr))
			}
		}
	})
}

func lastOf(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= uint32((uint64(1) << (32 - p.Bits())) - 1)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func TestMatchesKeepsNeighboursOut(t *testing.T) {
	tests := []struct {
		term, value string
		want        bool
	}{
		{"10.1.*", "10.1.0.5", true},
		{"10.1.*", "10.10.0.5", false},
		{"10.1.*", "110.1.0.5", false},
		{"10.0.0.16", "10.0.0.16", true},
		{"10.0.0.16", "10.0.0.160", false},
		{"10.1.*", "-", false},
	}
	for _, tt := range tests {
		if got := matches(tt.term, tt.value); got != tt.want {
			t.Errorf("matches(%q, %q) = %v, want %v", tt.term, tt.value, got, tt.want)
		}
	}
}

func TestPattern(t *testing.T) {
	tests := []struct {
		d      Direction
		term   string
		action string
		want   string
	}{
		{FromPeer, "10.1.*", Accept,
			`[version, account_id, interface_id, srcaddr = "10.1.*", dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action = "ACCEPT", log_status]`},
		{ToPeer, "10.0.*", Accept,
			`[version, account_id, interface_id, srcaddr, dstaddr = "10.0.*", srcport, dstport, protocol, packets, bytes, start, end, action = "ACCEPT", log_status]`},
		{FromPeer, "10.0.0.16", Reject,
			`[version, account_id, interface_id, srcaddr = "10.0.0.16", dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action = "REJECT", log_status]`},
	}
	for _, tt := range tests {
		if got := Pattern(tt.d, tt.term, tt.action); got != tt.want {
			t.Errorf("Pattern(%s, %s, %s) =\n%s\nwant\n%s", tt.d, tt.term, tt.action, got, tt.want)
		}
	}
}

// The pattern has one column per field of the CloudWatch log format, in the
// same order: otherwise CloudWatch would match no record at all.
func TestPatternColumnsFollowTheLogFormat(t *testing.T) {
	p := strings.Trim(Pattern(ToPeer, "10.1.*", Accept), "[]")
	cols := strings.Split(p, ", ")
	format := strings.Fields(LogFormat(CloudWatchFields))
	if len(cols) != len(format) {
		t.Fatalf("%d columns for %d fields", len(cols), len(format))
	}
	for i, c := range cols {
		name, _, _ := strings.Cut(c, " ")
		field := strings.TrimSuffix(strings.TrimPrefix(format[i], "${"), "}")
		if name != Column(field) {
			t.Errorf("column %d is %q, field is %q", i, name, field)
		}
	}
	for _, need := range []string{"srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "action"} {
		if !slices.Contains(CloudWatchFields, need) {
			t.Errorf("CloudWatch log format lacks %s", need)
		}
	}
	if !slices.Equal(S3Fields[:len(CloudWatchFields)], CloudWatchFields) {
		t.Error("the S3 format does not start with the CloudWatch fields")
	}
}

func TestFiltersFor(t *testing.T) {
	n, err := FiltersFor([]netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.2.16.0/20")})
	if err != nil {
		t.Fatal(err)
	}
	if want := MetricsPerPeer * (1 + 16); n != want {
		t.Errorf("FiltersFor = %d, want %d", n, want)
	}
}

func TestTermKey(t *testing.T) {
	for term, want := range map[string]string{"10.1.*": "10-1", "10.0.16.*": "10-0-16", "10.0.0.17": "10-0-0-17"} {
		if got := TermKey(term); got != want {
			t.Errorf("TermKey(%q) = %q, want %q", term, got, want)
		}
	}
}

// matches reports whether value matches term with CloudWatch's wildcard
// semantics (a trailing * matches any suffix; otherwise the whole string must
// be equal). Tests use it to check what the patterns select; production
// code only writes patterns.
func matches(term, value string) bool {
	if prefix, ok := strings.CutSuffix(term, "*"); ok {
		return strings.HasPrefix(value, prefix)
	}
	return term == value
}
