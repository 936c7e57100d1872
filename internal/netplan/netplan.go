// Package netplan holds the pure network arithmetic peerctl relies on: which
// CIDRs are private, how a VPC CIDR is carved into per-AZ subnets, which AZ
// IDs two accounts share, and how many NACL, security-group and route-table
// entries a network needs. Nothing here talks to AWS or Pulumi, so config
// validation and the components use the same numbers.
package netplan

import (
	"fmt"
	"math/bits"
	"net/netip"
)

// DefaultSubnetPrefixLength is the subnet size used when it fits: a /20 holds
// 4,091 usable addresses, enough for a busy private tier per AZ.
const DefaultSubnetPrefixLength = 20

// AWS accepts VPC CIDR blocks between /16 and /28; a subnet is at most /28.
const (
	MinVPCPrefixLength    = 16
	MaxVPCPrefixLength    = 28
	MaxSubnetPrefixLength = 28
)

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// IsPrivate reports whether p lies entirely inside one RFC 1918 range.
func IsPrivate(p netip.Prefix) bool {
	if !p.Addr().Is4() {
		return false
	}
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// bitsFor is the number of extra prefix bits needed to hold count subnets.
func bitsFor(count int) int {
	if count <= 1 {
		return 0
	}
	return bits.Len(uint(count - 1))
}

// SubnetPrefixLength returns the prefix length for count equal subnets of vpc.
// requested is the configured length, 0 for the default: /20 where count /20s
// fit, otherwise the largest subnets that fit.
func SubnetPrefixLength(vpc netip.Prefix, count, requested int) (int, error) {
	if count < 1 {
		return 0, fmt.Errorf("subnet count %d: need at least one", count)
	}
	smallest := vpc.Bits() + bitsFor(count)
	if requested == 0 {
		if smallest <= DefaultSubnetPrefixLength {
			return DefaultSubnetPrefixLength, nil
		}
		requested = smallest
	}
	if requested > MaxSubnetPrefixLength {
		return 0, fmt.Errorf("%d subnets do not fit in %s: they would be /%d, smaller than the /%d AWS allows",
			count, vpc, requested, MaxSubnetPrefixLength)
	}
	if requested < smallest {
		room := 0
		if requested >= vpc.Bits() {
			room = 1 << (requested - vpc.Bits())
		}
		return 0, fmt.Errorf("%d subnets of /%d do not fit in %s (room for %d)", count, requested, vpc, room)
	}
	return requested, nil
}

// Subnets carves count consecutive subnets of length prefixLen from the start
// of vpc. The i-th subnet always gets the i-th block, so adding an AZ at the
// end never moves an existing subnet.
func Subnets(vpc netip.Prefix, count, prefixLen int) ([]netip.Prefix, error) {
	if !vpc.Addr().Is4() {
		return nil, fmt.Errorf("%s is not an IPv4 prefix", vpc)
	}
	if prefixLen < vpc.Bits() || prefixLen > 32 || count < 0 || count > 1<<(prefixLen-vpc.Bits()) {
		return nil, fmt.Errorf("%d subnets of /%d do not fit in %s", count, prefixLen, vpc)
	}
	base := vpc.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := uint64(1) << (32 - prefixLen)
	out := make([]netip.Prefix, 0, count)
	for i := range count {
		a := uint32(uint64(start) + uint64(i)*size)
		addr := netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		out = append(out, netip.PrefixFrom(addr, prefixLen))
	}
	return out, nil
}
