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

// appPorts are the TCP ports that may cross a peering.
func appPorts() []int32 {
	out := make([]int32, len(netplan.AppPorts))
	for i, p := range netplan.AppPorts {
		out[i] = int32(p.Number)
	}
	return out
}

// checkSecurityGroup checks the application security group: from each peer
// exactly TCP 443 and 5432 in, and to each peer exactly those out; any other
// rule that lets the peer's addresses (or its security group) through fails.
func (v *verifier) checkSecurityGroup(ctx context.Context, n config.Network) []Result {
	sg := v.out.SecurityGroupIDs[n.Name]
	if sg == "" {
		return []Result{result(CheckSecurityGroup, n.Name, Fail, "no security group id for %s in the stack outputs (securityGroupIds)", n.Name)}
	}
	subject := fmt.Sprintf("%s %s", n.Name, sg)
	var rules []types.SecurityGroupRule
	pages := ec2.NewDescribeSecurityGroupRulesPaginator(v.clients(n.Name).SGRules, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{sg}}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return []Result{result(CheckSecurityGroup, subject, Fail, "%s", apiReason("DescribeSecurityGroupRules", err))}
		}
		rules = append(rules, page.SecurityGroupRules...)
	}
	var problems, ok []string
	for _, p := range v.peersOf(n) {
		peerSG := v.out.SecurityGroupIDs[p.Network.Name]
		for _, egress := range []bool{false, true} {
			dir, prep := "in", "from"
			if egress {
				dir, prep = "out", "to"
			}
			var allowed []int32
			for _, r := range rules {
				if aws.ToBool(r.IsEgress) != egress || !ruleCoversPeer(r, p.Network.CIDR, peerSG) {
					continue
				}
				port, single := singleTCPPort(r)
				if single && slices.Contains(appPorts(), port) {
					allowed = append(allowed, port)
					continue
				}
				problems = append(problems, fmt.Sprintf("%s also allows %s %s %s (%s)",
					dir, describeSGRule(r), prep, p.Network.Name, aws.ToString(r.SecurityGroupRuleId)))
			}
			for _, want := range appPorts() {
				if !slices.Contains(allowed, want) {
					problems = append(problems, fmt.Sprintf("%s does not allow tcp %d %s %s %s", dir, want, prep, p.Network.Name, p.Network.CIDR))
				}
			}
			ok = append(ok, fmt.Sprintf("%s: tcp %s %s %s", dir, joinPorts(appPorts()), prep, p.Network.Name))
		}
	}
	if len(problems) > 0 {
		return []Result{result(CheckSecurityGroup, subject, Fail, "%s", strings.Join(problems, "; "))}
	}
	return []Result{result(CheckSecurityGroup, subject, Pass, "%s; nothing else", strings.Join(ok, "; "))}
}

// ruleCoversPeer reports whether a rule applies to traffic with the peer:
// its CIDR overlaps the peer's, or it references the peer's security group
// (across accounts as <account>/<sg>).
func ruleCoversPeer(r types.SecurityGroupRule, peerCIDR netip.Prefix, peerSG string) bool {
	if c := aws.ToString(r.CidrIpv4); c != "" && overlaps(c, peerCIDR) {
		return true
	}
	if ref := r.ReferencedGroupInfo; ref != nil && peerSG != "" && aws.ToString(ref.GroupId) == peerSG {
		return true
	}
	return false
}

func singleTCPPort(r types.SecurityGroupRule) (int32, bool) {
	if aws.ToString(r.IpProtocol) != "tcp" && aws.ToString(r.IpProtocol) != "6" {
		return 0, false
	}
	from, to := aws.ToInt32(r.FromPort), aws.ToInt32(r.ToPort)
	return from, from == to
}

func describeSGRule(r types.SecurityGroupRule) string {
	proto := aws.ToString(r.IpProtocol)
	from, to := aws.ToInt32(r.FromPort), aws.ToInt32(r.ToPort)
	switch {
	case proto == "-1":
		return "all traffic"
	case proto == "icmp" || proto == "1":
		return "icmp"
	case from == to:
		return fmt.Sprintf("%s %d", proto, from)
	case from == 0 && to == 65535, from == -1:
		return "all " + proto
	}
	return fmt.Sprintf("%s %d-%d", proto, from, to)
}

func joinPorts(ports []int32) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}

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
// denying the other probes, and holding no allow entry for the peer beyond
// TCP 443 and the ephemeral range.
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
			dir, prep := "in", "from"
			if egress {
				dir, prep = "out", "to"
			}
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
					overlaps(aws.ToString(e.CidrBlock), p.Network.CIDR) && !expectedPeerAllow(e) {
					problems = append(problems, fmt.Sprintf("%s: rule %d allows %s %s %s, more than 443 and return traffic",
						dir, aws.ToInt32(e.RuleNumber), describeACLEntry(e), prep, aws.ToString(e.CidrBlock)))
				}
			}
		}
	}
	if len(problems) > 0 {
		return []Result{result(CheckNACL, subject, Fail, "%s", strings.Join(uniq(problems), "; "))}
	}
	return []Result{result(CheckNACL, subject, Pass, "tcp 443 and 5432 with %s both ways; ssh, http, dns, icmp denied", strings.Join(peers, ", "))}
}

// naclDecision evaluates entries as AWS does: lowest rule number first, the
// first entry matching direction, protocol, port and the peer's address wins;
// no match is a deny.
func naclDecision(entries []types.NetworkAclEntry, egress bool, peerCIDR netip.Prefix, proto string, port int32) (bool, string) {
	sorted := slices.Clone(entries)
	sort.SliceStable(sorted, func(i, j int) bool { return aws.ToInt32(sorted[i].RuleNumber) < aws.ToInt32(sorted[j].RuleNumber) })
	addr := peerCIDR.Masked().Addr()
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
// within the design: TCP 443, or TCP inside the ephemeral range.
func expectedPeerAllow(e types.NetworkAclEntry) bool {
	if aws.ToString(e.Protocol) != protoTCP || e.PortRange == nil {
		return false
	}
	from, to := aws.ToInt32(e.PortRange.From), aws.ToInt32(e.PortRange.To)
	if from == 443 && to == 443 {
		return true
	}
	return from >= netplan.EphemeralFrom && to <= netplan.EphemeralTo
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
