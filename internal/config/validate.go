package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/peerctl/peerctl/internal/netplan"
)

var (
	// The suffix goes into S3 bucket names: lowercase, digits, inner hyphens.
	environmentPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$`)
	// Network names prefix bucket names (<network>-flows-<env>-<region
	// code>-<account>, internal/names), which must stay within 63 characters.
	networkNamePattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$`)
)

// Logical names join a network's (or peering's) name and the words of its
// children with hyphens, and network names contain hyphens too, so different
// configurations could spell the same name; Pulumi refuses a second
// resource with one URN and AWS a second bucket, role or alarm with one
// name. Rather than renaming (which would replace deployed resources), the
// names that could collide are refused:
var (
	// ReservedNetworkNames are the gateway endpoint services: the app
	// security group's rule to a peer is <network>-app-sg-out-443-<peer>,
	// the same shape as its rule to an endpoint, <network>-app-sg-out-443-s3.
	ReservedNetworkNames = []string{"s3", "dynamodb"}
	// networkNameWords start the names peerctl puts after a network's name
	// where a peer's name follows (<network>-app-sg-in-443-<peer>, alarms
	// <network>-from-<peer>-traffic, <network>-peer-alarms-to-<peer>-...):
	// network "a-app-sg-in-443-b" peered with "c" would name a rule exactly
	// like network "a" peered with "b-app-sg-in-443-c". A network name that
	// is another's followed by one of these words is refused.
	networkNameWords = []string{"app", "from", "peer", "to"}
	// peeringNameWords start the names peerctl puts after a peering's name
	// (<peering>-route-<network>-<az>, <peering>-accepter-options beside a
	// same-account peering's <peering>-options).
	peeringNameWords = []string{"accepter", "requester", "route"}
)

// AZ counts a network may span.
const (
	MinAZCount = 1
	MaxAZCount = 6
)

func validateEnvironment(field, env string, p *problems) {
	if !environmentPattern.MatchString(env) {
		p.add(field, env, "must be 1-16 lowercase letters, digits or hyphens, not starting or ending with a hyphen (it goes into S3 bucket names)")
	}
}

func validateNetwork(field string, n Network, region string, p *problems) {
	if !networkNamePattern.MatchString(n.Name) {
		p.add(field+".name", n.Name, "must be 1-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen")
	}
	if n.CostCenter == "" {
		p.add(field+".costCenter", "", "is required (it becomes the CostCenter tag)")
	} else if reason := tagValueProblem(n.CostCenter); reason != "" {
		p.add(field+".costCenter", n.CostCenter, "is not a valid tag value: %s", reason)
	}
	// An existing network has no AZs or subnets of peerctl's
	// (existingNetworkFromSpec refuses the keys).
	if !n.IsExisting() {
		if n.AZCount < MinAZCount || n.AZCount > MaxAZCount {
			p.add(field+".azCount", strconv.Itoa(n.AZCount), "must be between %d and %d", MinAZCount, MaxAZCount)
		}
		validateAZs(field, n.AZs, n.AZCount, region, p)
	}
	validateAccount(field+".account", n.Account, p)
}

// validateCIDR checks one network's CIDR and, if it is usable, its subnets.
func validateCIDR(field string, raw string, p *problems) (netip.Prefix, bool) {
	if raw == "" {
		p.add(field, "", "is required (an RFC 1918 CIDR such as 10.0.0.0/16)")
		return netip.Prefix{}, false
	}
	prefix, ok := parseIPv4Block(field, raw, "10.0.0.0/16", p)
	switch {
	case !ok:
	case !netplan.IsPrivate(prefix):
		p.add(field, raw, "is not private: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)")
	case !vpcSized(field, raw, prefix, p):
	default:
		return prefix, true
	}
	return netip.Prefix{}, false
}

// validateExistingCIDR checks an existing network's cidr. peerctl creates
// no VPC for it, so the private-range rule of the VPCs peerctl creates
// does not apply: AWS lets a VPC use a publicly routable block outside
// RFC 1918 (an address range the company owns) or one from 100.64.0.0/10,
// and peers route to it like any other. What AWS allows for any VPC CIDR
// block still holds (Amazon VPC User Guide, "VPC CIDR blocks",
// vpc-cidr-blocks.html): a size between /16 and /28, and none of the
// ranges AWS refuses for VPCs, as for a partner's peerCidr
// (reservedPeerRanges): link-local 169.254.0.0/16, which the guide names,
// and 0.0.0.0/8, loopback 127.0.0.0/8, multicast and reserved 224.0.0.0/3,
// which are no unicast address space at all. Preview and up check that
// the VPC's CIDRs contain it.
func validateExistingCIDR(field string, raw string, p *problems) (netip.Prefix, bool) {
	if raw == "" {
		p.add(field, "", "is required: a CIDR block of the existing VPC, such as 10.20.0.0/16")
		return netip.Prefix{}, false
	}
	prefix, ok := parseIPv4Block(field, raw, "10.0.0.0/16", p)
	if !ok || !vpcSized(field, raw, prefix, p) || !unreserved(field, raw, prefix, p) {
		return netip.Prefix{}, false
	}
	return prefix, true
}

// parseIPv4Block reads an IPv4 CIDR block without host bits, the form
// every CIDR in the configuration takes; example shows the form.
func parseIPv4Block(field, raw, example string, p *problems) (netip.Prefix, bool) {
	prefix, err := netip.ParsePrefix(raw)
	switch {
	case err != nil:
		p.add(field, raw, "is not a CIDR block like %s", example)
	case !prefix.Addr().Is4():
		p.add(field, raw, "is not an IPv4 CIDR block")
	case prefix.Masked() != prefix:
		p.add(field, raw, "has host bits set; did you mean %s?", prefix.Masked())
	default:
		return prefix, true
	}
	return netip.Prefix{}, false
}

// vpcSized: a VPC CIDR block is between /16 and /28.
func vpcSized(field, raw string, prefix netip.Prefix, p *problems) bool {
	if prefix.Bits() < netplan.MinVPCPrefixLength || prefix.Bits() > netplan.MaxVPCPrefixLength {
		p.add(field, raw, "must be between /%d and /%d, the VPC sizes AWS allows", netplan.MinVPCPrefixLength, netplan.MaxVPCPrefixLength)
		return false
	}
	return true
}

// unreserved: no part of the block is in a range AWS does not allow for
// VPCs (reservedPeerRanges).
func unreserved(field, raw string, prefix netip.Prefix, p *problems) bool {
	for _, r := range reservedPeerRanges {
		if prefix.Overlaps(r) {
			p.add(field, raw, "overlaps %s, a range AWS does not allow for VPCs", r)
			return false
		}
	}
	return true
}

// validateNetworkSet checks what involves more than one network.
func validateNetworkSet(field string, nets []Network, cidrOK []bool, p *problems) {
	validateNetworkNames(field, nets, p)
	for i, n := range nets {
		for j := range i {
			if nets[j].Name == n.Name && n.Name != "" {
				p.add(fmt.Sprintf("%s[%d].name", field, i), n.Name, "is already used by %s[%d]", field, j)
			}
			if cidrOK[i] && cidrOK[j] && n.CIDR.Overlaps(nets[j].CIDR) {
				p.add(fmt.Sprintf("%s[%d].cidr", field, i), n.CIDR.String(), "(%s) overlaps %s[%d].cidr %s (%s); peered VPCs need disjoint address space",
					n.Name, field, j, nets[j].CIDR, nets[j].Name)
			}
		}
	}
}

// validateNetworkNames refuses network names whose resource names could
// collide with another network's or with peerctl's own (see
// ReservedNetworkNames and networkNameWords).
func validateNetworkNames(field string, nets []Network, p *problems) {
	for i, n := range nets {
		f := fmt.Sprintf("%s[%d].name", field, i)
		if slices.Contains(ReservedNetworkNames, n.Name) {
			p.add(f, n.Name, "is reserved: peerctl names the security group rules to the S3 and DynamoDB gateway endpoints with it (<network>-app-sg-out-443-%s)", n.Name)
			continue
		}
		for j, other := range nets {
			if word, ok := continues(n.Name, other.Name, networkNameWords); ok && i != j {
				p.add(f, n.Name, "is network %q (%s[%d]) followed by %q, a word peerctl puts after network names (%s-%s-...); the two networks' resource names could collide: rename one",
					other.Name, field, j, "-"+word, other.Name, word)
				break
			}
		}
	}
}

// continues reports whether name is prefix, a hyphen, and then one of
// words as a whole word, and which word.
func continues(name, prefix string, words []string) (string, bool) {
	rest, ok := strings.CutPrefix(name, prefix+"-")
	if !ok || prefix == "" {
		return "", false
	}
	word, _, _ := strings.Cut(rest, "-")
	return word, slices.Contains(words, word)
}

// validatePeeringNames refuses peerings whose logical names, and so their
// resources' names, could be another peering's: the same name spelled by
// other networks (a + b-c and a-b + c both give a-b-c), or a name that is
// another peering's followed by a word of its children's names.
func validatePeeringNames(field string, peerings []Peering, valid []bool, p *problems) {
	for i, pr := range peerings {
		if !valid[i] {
			continue
		}
		for j, other := range peerings {
			if !valid[j] || i == j {
				continue
			}
			if pr.Name() == other.Name() && j < i {
				p.add(fmt.Sprintf("%s[%d]", field, i), pr.Name(), "(%s) has the same name as %s[%d] (%s): a peering is named <requester>-<accepter>, and network names contain hyphens; rename a network%s",
					sides(pr), field, j, sides(other), partnerHint(pr, other))
				break
			}
			if word, ok := continues(pr.Name(), other.Name(), peeringNameWords); ok {
				p.add(fmt.Sprintf("%s[%d]", field, i), pr.Name(), "(%s) is peering %q (%s[%d]) followed by %q, a word peerctl puts after peering names (%s-%s-...); the two peerings' resource names could collide: rename a network%s",
					sides(pr), other.Name(), field, j, "-"+word, other.Name(), word, partnerHint(pr, other))
				break
			}
		}
	}
}
