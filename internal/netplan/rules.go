package netplan

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
)

// Port is one application port that may cross a peering.
type Port struct {
	Number int
	Name   string
}

// AppPorts are the only ports peered networks may open to each other:
// HTTPS and PostgreSQL. They are a guard rail, deliberately not configurable.
var AppPorts = []Port{{Number: 443, Name: "https"}, {Number: 5432, Name: "postgresql"}}

// postgresPort is the application port above 1023: the ephemeral rule
// carries it when the range contains it, else it gets a rule of its own.
const postgresPort = 5432

// The default TCP ephemeral range of the NACL's return-traffic rules: the
// range AWS's network ACL guidance gives for Elastic Load Balancing, NAT
// gateways and Lambda functions, which covers every client OS as well.
const (
	EphemeralFrom = 1024
	EphemeralTo   = 65535
)

// PortRange is an inclusive TCP port range.
type PortRange struct{ From, To int }

// DefaultEphemeral is EphemeralFrom-EphemeralTo.
var DefaultEphemeral = PortRange{From: EphemeralFrom, To: EphemeralTo}

// Contains reports whether port lies in r.
func (r PortRange) Contains(port int) bool { return r.From <= port && port <= r.To }

func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.From, r.To) }

// Peer is a network on the other side of a peering.
type Peer struct {
	Name string
	CIDR netip.Prefix
	// Slot places the peer's rules in every NACL it appears in (see
	// PeerRuleNumber); it belongs to the peer network, not to the NACL,
	// so it never moves when other peers come or go.
	Slot int
}

// ACLRule is one entry of a network ACL.
type ACLRule struct {
	Number   int
	Egress   bool
	Protocol string // "tcp" or "-1" (all)
	CIDR     string
	FromPort int
	ToPort   int
}

// Rule numbers. 101-999 stay free for operators' emergency denies, which
// then come before every allow below.
const (
	aclRuleLocal     = 100
	aclRuleEndpoints = 900
	anywhereIPv4     = "0.0.0.0/0"
	// rdpPort is left out of the 0.0.0.0/0 return range (CIS 5.1).
	rdpPort = 3389
)

// Peer rule slots. A peer's rules are numbered from PeerRuleNumber(slot):
// +0 HTTPS, +1 the ephemeral range, +2 PostgreSQL when the ephemeral range
// does not contain 5432. Slots are a network's own (configured, or derived
// from its name by DefaultPeerSlot), so adding or removing a peer never
// renumbers another peer's entries: the provider rewrites a NACL's inline
// entries by deleting before creating, and a renumbered entry would drop
// that peer's live traffic for the length of the update.
const (
	PeerRuleBase = 1000
	PeerRuleStep = 10
	// PeerSlots is how many slots there are: 0..3099, rule numbers up to
	// 31,992, inside the 1-32,766 AWS allows.
	PeerSlots = 3100
)

// PeerRuleNumber is the first rule number of slot.
func PeerRuleNumber(slot int) int { return PeerRuleBase + slot*PeerRuleStep }

// DefaultPeerSlot derives a network's slot from its name: FNV-1a (32 bit)
// of the name, modulo PeerSlots. A name never changes while the network
// exists (it keys every resource), so neither does the slot; two networks
// of one stack may land on the same slot, which config validation refuses
// and an explicit slot resolves.
func DefaultPeerSlot(name string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name)) // a hash.Hash never returns an error
	return int(h.Sum32() % PeerSlots)
}

// NACLRules returns the private-subnet NACL's rules with the default
// ephemeral range; see NACLRulesWith.
func NACLRules(vpc netip.Prefix, peers []Peer) (ingress, egress []ACLRule) {
	return NACLRulesWith(vpc, peers, DefaultEphemeral)
}

// NACLRulesWith returns the ingress and egress rules of a network's
// private-subnet NACL, each sorted by number. The NACL is a stateless
// backstop behind the security group:
//   - all traffic inside the VPC (rule 100);
//   - per peer, in the peer's slot: TCP 443 and the TCP ephemeral range each
//     way. The ephemeral range carries return traffic; when it contains 5432
//     (the default 1024-65535 does) it also carries PostgreSQL, otherwise
//     5432 gets its own rule. The security group is what narrows the peer
//     to exactly 443 and 5432;
//   - TCP 443 out to, and the ephemeral range back from, 0.0.0.0/0 for the
//     S3 and DynamoDB gateway endpoints (rules 900, 901): NACLs cannot
//     reference prefix lists and the services' public ranges change.
//     Nothing else is reachable that way: the subnets have no internet or
//     NAT gateway, so their only routes are the VPC, the peers and the
//     endpoint prefix lists. The return range skips 3389 (split in two
//     rules when it contains it) so that no rule admits a remote
//     administration port from 0.0.0.0/0 (CIS AWS Foundations 5.1; 22 is
//     below any allowed range).
//
// Everything else falls through to the NACL's implicit deny.
func NACLRulesWith(vpc netip.Prefix, peers []Peer, ephemeral PortRange) (ingress, egress []ACLRule) {
	local := vpc.Masked().String()
	ingress = append(ingress, ACLRule{Number: aclRuleLocal, Protocol: "-1", CIDR: local})
	egress = append(egress, ACLRule{Number: aclRuleLocal, Egress: true, Protocol: "-1", CIDR: local})
	for _, p := range peers {
		n := PeerRuleNumber(p.Slot)
		cidr := p.CIDR.Masked().String()
		for _, eg := range []bool{false, true} {
			rules := []ACLRule{
				{Number: n, Egress: eg, Protocol: "tcp", CIDR: cidr, FromPort: 443, ToPort: 443},
				{Number: n + 1, Egress: eg, Protocol: "tcp", CIDR: cidr, FromPort: ephemeral.From, ToPort: ephemeral.To},
			}
			if !ephemeral.Contains(postgresPort) {
				rules = append(rules, ACLRule{Number: n + 2, Egress: eg, Protocol: "tcp", CIDR: cidr, FromPort: postgresPort, ToPort: postgresPort})
			}
			if eg {
				egress = append(egress, rules...)
			} else {
				ingress = append(ingress, rules...)
			}
		}
	}
	for i, r := range withoutPort(ephemeral, rdpPort) {
		ingress = append(ingress, ACLRule{Number: aclRuleEndpoints + i, Protocol: "tcp", CIDR: anywhereIPv4, FromPort: r.From, ToPort: r.To})
	}
	egress = append(egress, ACLRule{Number: aclRuleEndpoints, Egress: true, Protocol: "tcp", CIDR: anywhereIPv4, FromPort: 443, ToPort: 443})
	byNumber := func(a, b ACLRule) int { return a.Number - b.Number }
	slices.SortStableFunc(ingress, byNumber)
	slices.SortStableFunc(egress, byNumber)
	return ingress, egress
}

// withoutPort splits r around port: the non-empty ranges that cover r
// except port.
func withoutPort(r PortRange, port int) []PortRange {
	if !r.Contains(port) {
		return []PortRange{r}
	}
	var out []PortRange
	if r.From < port {
		out = append(out, PortRange{From: r.From, To: port - 1})
	}
	if port < r.To {
		out = append(out, PortRange{From: port + 1, To: r.To})
	}
	return out
}

// Gateway endpoints every network gets; each adds a prefix-list route to
// every private route table and a security-group egress rule.
var GatewayEndpointServices = []string{"s3", "dynamodb"}

// NACLRulesPerDirection is how many rules NACLRulesWith writes in the
// fuller direction for that many peers and that ephemeral range: counted
// from NACLRulesWith itself, so quota validation and the network component
// cannot disagree.
func NACLRulesPerDirection(peers int, ephemeral PortRange) int {
	in, out := NACLRulesWith(netip.MustParsePrefix("10.0.0.0/16"), make([]Peer, peers), ephemeral)
	return max(len(in), len(out))
}

// SecurityGroupRules counts the application security group's rules: one per
// peer and port inbound; the same outbound plus 443 to each endpoint's prefix list.
func SecurityGroupRules(peers int) (ingress, egress int) {
	return peers * len(AppPorts), peers*len(AppPorts) + len(GatewayEndpointServices)
}

// RoutesPerRouteTable counts the entries of a private route table: the local
// route, one per peer and one per gateway endpoint.
func RoutesPerRouteTable(peers int) int { return 1 + peers + len(GatewayEndpointServices) }
