package verify

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/netplan"
)

// IANA protocol numbers as NACL entries spell them.
const (
	protoAll  = "-1"
	protoTCP  = "6"
	protoUDP  = "17"
	protoICMP = "1"
)

// naclProbe is one packet the NACL must allow or deny.
type naclProbe struct {
	proto string
	port  int32
	allow bool
	what  string
}

// outsideAddr is an address outside every VPC and peer (TEST-NET-2, RFC
// 5737): what the NACL admits from it, it admits from anywhere.
var outsideAddr = netip.MustParsePrefix("198.51.100.1/32")

// outsideProbes are evaluated inbound from outsideAddr and must be denied:
// no remote administration port from anywhere (CIS AWS Foundations 5.1).
// They are not evaluated against the peers, whose return-traffic rule
// (1024-65535) rightly includes 3389, nor outbound, where the rule for the
// gateway endpoints allows 443 to 0.0.0.0/0.
var outsideProbes = []naclProbe{
	{protoTCP, 22, false, "tcp 22"},
	{protoTCP, 3389, false, "tcp 3389"},
}

// naclProbes are evaluated in both directions against every peer: the
// application ports pass; SSH, plain HTTP, DNS and ICMP do not. (The
// NACL deliberately allows TCP 1024-65535 for return traffic, which
// includes 5432; the security group is what narrows the peer to 443 and
// 5432, see netplan.NACLRules.)
var naclProbes = []naclProbe{
	{protoTCP, 443, true, "tcp 443"},
	{protoTCP, 5432, true, "tcp 5432"},
	{protoTCP, 22, false, "tcp 22"},
	{protoTCP, 80, false, "tcp 80"},
	{protoUDP, 53, false, "udp 53"},
	{protoICMP, 0, false, "icmp"},
}

// checkNACL checks the private subnets' network ACL: associated with every
// subnet of the network, allowing 443 and 5432 with each peer both ways,
// denying the other probes, holding no allow entry for the peer beyond TCP
// 443 and the ephemeral range, and denying SSH and RDP from outside.
func (v *verifier) checkNACL(ctx context.Context, n config.Network) []Result {
	id := v.out.NaclIDs[n.Name]
	if id == "" {
		return []Result{result(CheckNACL, n.Name, Fail, "no network ACL id for %s in the stack outputs (naclIds)", n.Name)}
	}
	subject := fmt.Sprintf("%s %s", n.Name, id)
	out, err := v.clients(n.Name).NACLs.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{id}})
	if err != nil {
		return []Result{result(CheckNACL, subject, Fail, "%s", apiReason("DescribeNetworkAcls", err))}
	}
	if len(out.NetworkAcls) == 0 {
		return []Result{result(CheckNACL, subject, Fail, "network ACL not found")}
	}
	acl := out.NetworkAcls[0]
	var problems []string
	associated := map[string]bool{}
	for _, a := range acl.Associations {
		associated[aws.ToString(a.SubnetId)] = true
	}
	for _, s := range v.out.SubnetIDs[n.Name] {
		if !associated[s] {
			problems = append(problems, fmt.Sprintf("subnet %s is not associated with it (it uses another ACL)", s))
		}
	}
	var peers []string
	for _, p := range v.peersOf(n) {
		peers = append(peers, p.Network.Name)
		for _, egress := range []bool{false, true} {
			dir, prep := dirWords(egress)
			for _, probe := range naclProbes {
				allowed, rule := naclDecision(acl.Entries, egress, p.Network.CIDR, probe.proto, probe.port)
				switch {
				case probe.allow && !allowed:
					problems = append(problems, fmt.Sprintf("%s: %s %s %s is denied (%s)", dir, probe.what, prep, p.Network.Name, rule))
				case !probe.allow && allowed:
					problems = append(problems, fmt.Sprintf("%s: %s %s %s is allowed (%s)", dir, probe.what, prep, p.Network.Name, rule))
				}
			}
			for _, e := range acl.Entries {
				if aws.ToBool(e.Egress) == egress && e.RuleAction == types.RuleActionAllow &&
					overlaps(aws.ToString(e.CidrBlock), p.Network.CIDR) && !expectedPeerAllow(e, v.cfg.NACLEphemeral) {
					problems = append(problems, fmt.Sprintf("%s: rule %d allows %s %s %s, more than 443 and return traffic",
						dir, aws.ToInt32(e.RuleNumber), describeACLEntry(e), prep, aws.ToString(e.CidrBlock)))
				}
			}
		}
	}
	for _, probe := range outsideProbes {
		if allowed, rule := naclDecision(acl.Entries, false, outsideAddr, probe.proto, probe.port); allowed {
			problems = append(problems, fmt.Sprintf("in: %s from outside (%s) is allowed (%s)", probe.what, outsideAddr.Addr(), rule))
		}
	}
	if len(problems) > 0 {
		return []Result{result(CheckNACL, subject, Fail, "%s", strings.Join(uniq(problems), "; "))}
	}
	return []Result{result(CheckNACL, subject, Pass, "tcp 443 and 5432 with %s both ways; ssh, http, dns, icmp denied; ssh and rdp from outside denied", strings.Join(peers, ", "))}
}

// naclDecision evaluates entries as AWS does: lowest rule number first, the
// first entry matching direction, protocol, port and the remote address (the
// first of remote) wins; no match is a deny.
func naclDecision(entries []types.NetworkAclEntry, egress bool, remote netip.Prefix, proto string, port int32) (bool, string) {
	sorted := slices.Clone(entries)
	sort.SliceStable(sorted, func(i, j int) bool { return aws.ToInt32(sorted[i].RuleNumber) < aws.ToInt32(sorted[j].RuleNumber) })
	addr := remote.Masked().Addr()
	for _, e := range sorted {
		if aws.ToBool(e.Egress) != egress {
			continue
		}
		cidr, err := netip.ParsePrefix(aws.ToString(e.CidrBlock))
		if err != nil || !cidr.Contains(addr) {
			continue
		}
		p := aws.ToString(e.Protocol)
		if p != protoAll && p != proto {
			continue
		}
		if p != protoAll && (proto == protoTCP || proto == protoUDP) && e.PortRange != nil {
			if port < aws.ToInt32(e.PortRange.From) || port > aws.ToInt32(e.PortRange.To) {
				continue
			}
		}
		return e.RuleAction == types.RuleActionAllow, fmt.Sprintf("rule %s", ruleNumber(e))
	}
	return false, "no rule matches"
}

// expectedPeerAllow reports whether an allow entry covering the peer stays
// within the design: TCP 443, TCP 5432 (a rule of its own when the
// ephemeral range leaves it out), or TCP inside the stack's configured
// ephemeral range (peerctl:nacl.ephemeralPorts), not merely AWS's widest.
func expectedPeerAllow(e types.NetworkAclEntry, ephemeral netplan.PortRange) bool {
	if aws.ToString(e.Protocol) != protoTCP || e.PortRange == nil {
		return false
	}
	from, to := int(aws.ToInt32(e.PortRange.From)), int(aws.ToInt32(e.PortRange.To))
	if from == to && (from == 443 || from == 5432) {
		return true
	}
	return from >= ephemeral.From && to <= ephemeral.To
}

func ruleNumber(e types.NetworkAclEntry) string {
	if n := aws.ToInt32(e.RuleNumber); n != 32767 {
		return fmt.Sprint(n)
	}
	return "* (default deny)"
}

func describeACLEntry(e types.NetworkAclEntry) string {
	switch aws.ToString(e.Protocol) {
	case protoAll:
		return "all traffic"
	case protoICMP:
		return "icmp"
	}
	name := map[string]string{protoTCP: "tcp", protoUDP: "udp"}[aws.ToString(e.Protocol)]
	if name == "" {
		name = "protocol " + aws.ToString(e.Protocol)
	}
	if e.PortRange == nil {
		return "all " + name
	}
	from, to := aws.ToInt32(e.PortRange.From), aws.ToInt32(e.PortRange.To)
	if from == to {
		return fmt.Sprintf("%s %d", name, from)
	}
	return fmt.Sprintf("%s %d-%d", name, from, to)
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
