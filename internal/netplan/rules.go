package netplan

import (
	"fmt"
	"net/netip"
)

// Port is one application port that may cross a peering.
type Port struct {
	Number int
	Name   string
}

// AppPorts are the only ports peered networks may open to each other:
// HTTPS and PostgreSQL. They are a guard rail, deliberately not configurable.
var AppPorts = []Port{{Number: 443, Name: "https"}, {Number: 5432, Name: "postgresql"}}

// The TCP ephemeral range AWS recommends for NACL return traffic; it covers
// every client port Linux, Windows and NAT devices use.
const (
	EphemeralFrom = 1024
	EphemeralTo   = 65535
)

// Peer is a network on the other side of a peering.
type Peer struct {
	Name string
	CIDR netip.Prefix
}

// ACLRule is one entry of a network ACL.
type ACLRule struct {
	Number   int
	Egress   bool
	Protocol string // "tcp" or "-1" (all)
	CIDR     string
	FromPort int
	ToPort   int
	Purpose  string
}

// Rule numbers leave gaps so operators can insert emergency denies before
// our allows without renumbering.
const (
	aclRuleLocal     = 100
	aclRulePeerBase  = 200
	aclRulePeerStep  = 10
	aclRuleEndpoints = 900
	anywhereIPv4     = "0.0.0.0/0"
	// rdpPort is left out of the 0.0.0.0/0 return range (CIS 5.1).
	rdpPort = 3389
)

// NACLRules returns the ingress and egress rules of a network's private-subnet
// NACL. The NACL is a stateless backstop behind the security group:
//   - all traffic inside the VPC;
//   - per peer, TCP 443 and the TCP ephemeral range 1024-65535 each way. The
//     ephemeral range carries return traffic, and it contains 5432, so a
//     separate 5432 rule would add nothing but quota use; the security group
//     is what narrows the peer to exactly 443 and 5432;
//   - TCP 443 out to, and 1024-65535 back from, 0.0.0.0/0 for the S3 and
//     DynamoDB gateway endpoints: NACLs cannot reference prefix lists and the
//     services' public ranges change. Nothing else is reachable that way: the
//     subnets have no internet or NAT gateway, so their only routes are the
//     VPC, the peers and the endpoint prefix lists. The return range skips
//     3389 (split in two rules) so that no rule admits a remote
//     administration port from 0.0.0.0/0 (CIS AWS Foundations 5.1; 22 is
//     below the range anyway).
//
// Everything else falls through to the NACL's implicit deny.
func NACLRules(vpc netip.Prefix, peers []Peer) (ingress, egress []ACLRule) {
	local := vpc.Masked().String()
	ingress = append(ingress, ACLRule{Number: aclRuleLocal, Protocol: "-1", CIDR: local, Purpose: "traffic inside the VPC"})
	egress = append(egress, ACLRule{Number: aclRuleLocal, Egress: true, Protocol: "-1", CIDR: local, Purpose: "traffic inside the VPC"})
	for i, p := range peers {
		n := aclRulePeerBase + i*aclRulePeerStep
		cidr := p.CIDR.Masked().String()
		ingress = append(ingress,
			ACLRule{Number: n, Protocol: "tcp", CIDR: cidr, FromPort: 443, ToPort: 443,
				Purpose: fmt.Sprintf("HTTPS from %s", p.Name)},
			ACLRule{Number: n + 1, Protocol: "tcp", CIDR: cidr, FromPort: EphemeralFrom, ToPort: EphemeralTo,
				Purpose: fmt.Sprintf("PostgreSQL 5432 and return traffic from %s", p.Name)})
		egress = append(egress,
			ACLRule{Number: n, Egress: true, Protocol: "tcp", CIDR: cidr, FromPort: 443, ToPort: 443,
				Purpose: fmt.Sprintf("HTTPS to %s", p.Name)},
			ACLRule{Number: n + 1, Egress: true, Protocol: "tcp", CIDR: cidr, FromPort: EphemeralFrom, ToPort: EphemeralTo,
				Purpose: fmt.Sprintf("PostgreSQL 5432 and return traffic to %s", p.Name)})
	}
	ingress = append(ingress,
		ACLRule{Number: aclRuleEndpoints, Protocol: "tcp", CIDR: anywhereIPv4, FromPort: EphemeralFrom, ToPort: rdpPort - 1,
			Purpose: "return traffic from the S3 and DynamoDB gateway endpoints"},
		ACLRule{Number: aclRuleEndpoints + 1, Protocol: "tcp", CIDR: anywhereIPv4, FromPort: rdpPort + 1, ToPort: EphemeralTo,
			Purpose: "return traffic from the S3 and DynamoDB gateway endpoints"})
	egress = append(egress, ACLRule{Number: aclRuleEndpoints, Egress: true, Protocol: "tcp", CIDR: anywhereIPv4,
		FromPort: 443, ToPort: 443, Purpose: "HTTPS to the S3 and DynamoDB gateway endpoints"})
	return ingress, egress
}

// Gateway endpoints every network gets; each adds a prefix-list route to
// every private route table and a security-group egress rule.
var GatewayEndpointServices = []string{"s3", "dynamodb"}

// NACLRulesPerDirection is how many rules NACLRules writes in the fuller
// direction for that many peers: counted from NACLRules itself, so quota
// validation and the network component cannot disagree.
func NACLRulesPerDirection(peers int) int {
	in, out := NACLRules(netip.MustParsePrefix("10.0.0.0/16"), make([]Peer, peers))
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
