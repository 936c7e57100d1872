package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/regions"
)

// A one-sided peering's partner: what AWS and the routes need of it.
//
// peerCidr is the partner's address space as our side routes to it. It need
// not be RFC 1918 or /16-/28 (a partner VPC may use any range AWS allows
// for VPCs, and peerCidr may summarise several of its CIDR blocks), but:
//   - at most as wide as /8: a wider route through the peering would take
//     traffic meant for elsewhere (0.0.0.0/0 the default route), and a
//     peering is not transitive, so AWS drops whatever is not the partner's;
//   - at most as narrow as /28, the smallest VPC CIDR block;
//   - not in the ranges AWS refuses for VPCs (Amazon VPC User Guide, "VPC
//     CIDR blocks", vpc-cidr-blocks.html): 0.0.0.0/8, loopback 127.0.0.0/8,
//     link-local 169.254.0.0/16, multicast and reserved 224.0.0.0/3;
//   - disjoint from our network's CIDR: AWS refuses to peer VPCs whose
//     CIDR blocks overlap (vpc-peering-basics, "VPC peering limitations");
//   - disjoint from every other peer of the same network, whose routes
//     would clash in the same route tables.
const (
	minPeerPrefixLength = 8
	maxPeerPrefixLength = 28
)

var reservedPeerRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("224.0.0.0/3"),
}

// validatePeerCIDR checks a partner's CIDR on its own (see above).
func validatePeerCIDR(field, raw string, p *problems) (netip.Prefix, bool) {
	prefix, ok := parseIPv4Block(field, raw, "172.31.0.0/16", p)
	switch {
	case !ok:
	case prefix.Bits() < minPeerPrefixLength:
		p.add(field, raw, "is wider than /%d; give the partner VPC's CIDR (a route this wide through the peering would take traffic meant for elsewhere, and AWS drops what is not the partner's)", minPeerPrefixLength)
	case prefix.Bits() > maxPeerPrefixLength:
		p.add(field, raw, "is narrower than /%d, the smallest VPC CIDR block AWS allows", maxPeerPrefixLength)
	case !unreserved(field, raw, prefix, p):
	default:
		return prefix, true
	}
	return netip.Prefix{}, false
}

// validateOneSidedEntry checks one peering that names a single network and
// a partner, and reports whether it can take part in the checks across
// peerings (its network is configured and its partner identified).
func validateOneSidedEntry(f string, spec peeringSpec, pr Peering, nets []Network, names []string, p *problems) bool {
	ours, side := pr.Requester, "requester"
	if pr.Mode() == AccepterOnly {
		ours, side = pr.Accepter, "accepter"
	}
	ni := slices.IndexFunc(nets, func(n Network) bool { return n.Name == ours })
	if ni < 0 {
		p.add(f+"."+side, ours, "is not a configured network (networks: %s)", strings.Join(names, ", "))
	}
	identified := true
	if pr.Mode() == AccepterOnly {
		switch {
		case pr.ConnectionID == "":
			p.add(f+".connectionId", "", "is required for an accepter-only peering (one that names only accepter): the id of the partner's connection, like pcx-0123456789abcdef0; to peer two configured networks, name the requester too")
			identified = false
		case !peeringIDPattern.MatchString(pr.ConnectionID):
			p.add(f+".connectionId", pr.ConnectionID, "is not a VPC peering connection id: pcx- followed by 8 or 17 lowercase hexadecimal digits, like pcx-0123456789abcdef0")
			identified = false
		}
		if pr.PeerVPCID != "" {
			p.add(f+".peerVpcId", pr.PeerVPCID, "belongs to a requester-only peering (one that names only requester); an accepter-only peering accepts connectionId, which names the partner's VPC already (preview and up check its requester account and CIDR): remove it")
		}
	} else {
		if pr.ConnectionID != "" {
			p.add(f+".connectionId", pr.ConnectionID, "belongs to an accepter-only peering (one that names only accepter); a requester-only peering creates its connection, whose id peerctl outputs for the partner (peeringConnectionIds): remove it")
		}
		switch {
		case pr.PeerVPCID == "":
			p.add(f+".peerVpcId", "", "is required for a requester-only peering (one that names only requester): the partner's VPC id, like vpc-0fedcba9876543210; to peer two configured networks, name the accepter too")
			identified = false
		case !vpcIDPattern.MatchString(pr.PeerVPCID):
			p.add(f+".peerVpcId", pr.PeerVPCID, "is not a VPC id: vpc- followed by 8 or 17 lowercase hexadecimal digits, like vpc-0fedcba9876543210")
			identified = false
		}
		if pr.PeerAccountID == "" {
			p.add(f+".peerAccountId", "", "is required for a requester-only peering: the partner's 12-digit AWS account id (quoted in YAML)")
		}
	}
	if id := pr.PeerAccountID; id != "" {
		switch {
		case !accountIDPattern.MatchString(id):
			hint := ""
			if len(id) < 12 && strings.Trim(id, "0123456789") == "" {
				hint = " (quote it in YAML: an unquoted number loses its leading zeros)"
			}
			p.add(f+".peerAccountId", id, "is not a 12-digit AWS account id%s", hint)
		case ni >= 0 && nets[ni].Account.ExpectedID() == id:
			p.add(f+".peerAccountId", id, "is the account of network %s; a partner account equal to ours means both VPCs are ours: configure the partner's VPC as a network (existing: {vpcId: ...}) and peer the two networks (requester and accepter)", ours)
		}
	}
	if spec.PeerCIDR == "" {
		p.add(f+".peerCidr", "", "is required for a one-sided peering: the partner VPC's CIDR, like 172.31.0.0/16 (routes, security group and network ACL rules and alarms use it)")
	}
	if pr.PeerRegion != "" && ni >= 0 {
		before := len(p.list)
		validateRegion(f+".peerRegion", pr.PeerRegion, p)
		ourRegion := nets[ni].Region
		if len(p.list) == before && regions.Partition(pr.PeerRegion) != regions.Partition(ourRegion) {
			p.add(f+".peerRegion", pr.PeerRegion, "is in partition %s, but network %s is in %s (partition %s); VPC peering connects VPCs of one partition only",
				regions.Partition(pr.PeerRegion), ours, ourRegion, regions.Partition(ourRegion))
		}
	}
	if pr.PeerName != "" && !networkNamePattern.MatchString(pr.PeerName) {
		p.add(f+".peerName", pr.PeerName, "must be 1-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (it names the partner in resource names)")
	} else if name := pr.PartnerName(); identified || pr.PeerName != "" {
		partnerNameProblem(f, pr, name, nets, p)
	}
	if spec.NACLSlot != nil {
		v := *spec.NACLSlot
		switch {
		case ni >= 0 && nets[ni].IsExisting():
			p.add(f+".naclSlot", fmt.Sprint(v), "numbers the partner's rules in %s's network ACL, and peerctl creates no network ACL in existing network %s; remove it", ours, ours)
		case v < 0 || v >= netplan.PeerSlots:
			p.add(f+".naclSlot", fmt.Sprint(v), "must be between 0 and %d (the partner's rules in %s's network ACL are numbered from its slot)", netplan.PeerSlots-1, ours)
		}
	}
	return ni >= 0 && identified
}

// partnerNameProblem refuses a partner name that names something else: a
// configured network (the NACL, security group and alarm names of its
// peers would not say which one is meant) or a gateway endpoint service.
func partnerNameProblem(f string, pr Peering, name string, nets []Network, p *problems) {
	field, value, how := f+".peerName", name, ""
	if pr.PeerName == "" {
		field, value = f, name
		how = " (the partner's default name, its id); set peerName"
	}
	if slices.Contains(ReservedNetworkNames, name) {
		p.add(field, value, "is reserved: peerctl names the security group rules to the S3 and DynamoDB gateway endpoints with it%s", how)
		return
	}
	if j := slices.IndexFunc(nets, func(n Network) bool { return n.Name == name }); j >= 0 {
		p.add(field, value, "is the name of network %s (%s:networks[%d]); a partner needs a name of its own%s", name, Namespace, j, how)
	}
}
