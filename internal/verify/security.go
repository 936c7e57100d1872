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

// checkSecurityGroup checks the application security group rule by rule.
// Each peer needs TCP 443 and 5432 both ways from a rule whose CIDR holds
// the peer's whole CIDR, or that references the peer's application group.
// Every rule must be one of those, a rule within a peer's CIDR on those
// ports, or egress TCP 443 to the S3 or DynamoDB gateway prefix list; any
// other rule fails the check: open to 0.0.0.0/0 or ::/0, IPv6, wider than
// the peer, for an address that is not a peer's, for another port, another
// prefix list, or another security group.
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
	var gateway map[string]string
	if slices.ContainsFunc(rules, func(r types.SecurityGroupRule) bool { return aws.ToString(r.PrefixListId) != "" }) {
		var err error
		if gateway, err = v.gatewayPrefixLists(ctx, n); err != nil {
			return []Result{result(CheckSecurityGroup, subject, Fail, "cannot tell the S3 and DynamoDB prefix lists from others: %s", apiReason("DescribePrefixLists", err))}
		}
	}
	peers := v.peersOf(n)
	peerSGs := map[string]string{}
	for _, p := range peers {
		if id := v.out.SecurityGroupIDs[p.Network.Name]; id != "" {
			peerSGs[id] = p.Network.Name
		}
	}
	var problems, ok []string
	for _, r := range rules {
		if p := sgRuleProblem(r, peers, peerSGs, gateway); p != "" {
			problems = append(problems, p)
		}
	}
	for _, p := range peers {
		peerSG := v.out.SecurityGroupIDs[p.Network.Name]
		for _, egress := range []bool{false, true} {
			dir, prep := dirWords(egress)
			for _, want := range appPorts() {
				covered, partial := false, ""
				for _, r := range rules {
					port, single := singleTCPPort(r)
					if aws.ToBool(r.IsEgress) != egress || !single || port != want {
						continue
					}
					switch c := ruleCoverage(r, p.Network.CIDR, peerSG); c {
					case coverWhole:
						covered = true
					case coverPart:
						partial = aws.ToString(r.CidrIpv4)
					}
				}
				switch {
				case covered:
				case partial != "":
					problems = append(problems, fmt.Sprintf("%s allows tcp %d %s only %s, part of %s %s", dir, want, prep, partial, p.Network.Name, p.Network.CIDR))
				default:
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

func dirWords(egress bool) (dir, prep string) {
	if egress {
		return "out", "to"
	}
	return "in", "from"
}

// gatewayPrefixLists returns the AWS-managed prefix lists of the S3 and
// DynamoDB gateway endpoints in the stack's region, id to name.
func (v *verifier) gatewayPrefixLists(ctx context.Context, n config.Network) (map[string]string, error) {
	prefix := "com.amazonaws."
	if strings.HasPrefix(v.cfg.Region, "cn-") {
		prefix = "cn.com.amazonaws."
	}
	names := []string{prefix + v.cfg.Region + ".s3", prefix + v.cfg.Region + ".dynamodb"}
	out := map[string]string{}
	pages := ec2.NewDescribePrefixListsPaginator(v.clients(n.Name).PrefixLists, &ec2.DescribePrefixListsInput{
		Filters: []types.Filter{{Name: aws.String("prefix-list-name"), Values: names}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, pl := range page.PrefixLists {
			if slices.Contains(names, aws.ToString(pl.PrefixListName)) {
				out[aws.ToString(pl.PrefixListId)] = aws.ToString(pl.PrefixListName)
			}
		}
	}
	return out, nil
}

// coverage is how much of a peer a rule's source or destination holds.
type coverage int

const (
	coverNone coverage = iota
	coverPart
	coverWhole
)

// ruleCoverage: whole if the rule's CIDR contains the peer's CIDR or it
// references the peer's application group (across accounts as
// <account>/<sg>); part if its CIDR lies inside the peer's.
func ruleCoverage(r types.SecurityGroupRule, peerCIDR netip.Prefix, peerSG string) coverage {
	if ref := r.ReferencedGroupInfo; ref != nil {
		if peerSG != "" && aws.ToString(ref.GroupId) == peerSG {
			return coverWhole
		}
		return coverNone
	}
	q, err := netip.ParsePrefix(aws.ToString(r.CidrIpv4))
	switch {
	case err != nil || !q.Overlaps(peerCIDR):
		return coverNone
	case q.Bits() <= peerCIDR.Bits():
		return coverWhole
	}
	return coverPart
}

// sgRuleProblem says what is wrong with one rule of the application group,
// or "" if it is one the design has.
func sgRuleProblem(r types.SecurityGroupRule, peers []peer, peerSGs, gateway map[string]string) string {
	egress := aws.ToBool(r.IsEgress)
	dir, prep := dirWords(egress)
	id := aws.ToString(r.SecurityGroupRuleId)
	what := describeSGRule(r)
	port, single := singleTCPPort(r)
	app := single && slices.Contains(appPorts(), port)
	switch {
	case aws.ToString(r.CidrIpv6) == "::/0":
		return fmt.Sprintf("%s allows %s %s ::/0 (%s): open to every IPv6 address", dir, what, prep, id)
	case aws.ToString(r.CidrIpv6) != "":
		return fmt.Sprintf("%s allows %s %s %s (%s): an IPv6 rule, and the peering is IPv4 only", dir, what, prep, aws.ToString(r.CidrIpv6), id)
	case aws.ToString(r.CidrIpv4) == "0.0.0.0/0":
		return fmt.Sprintf("%s allows %s %s 0.0.0.0/0 (%s): open to every address", dir, what, prep, id)
	case aws.ToString(r.PrefixListId) != "":
		pl := aws.ToString(r.PrefixListId)
		name, ok := gateway[pl]
		switch {
		case !ok:
			return fmt.Sprintf("%s allows %s %s prefix list %s (%s): not the S3 or DynamoDB gateway prefix list", dir, what, prep, pl, id)
		case !egress || !single || port != 443:
			return fmt.Sprintf("%s allows %s %s prefix list %s (%s, %s): only tcp 443 out may use it", dir, what, prep, pl, name, id)
		}
		return ""
	case r.ReferencedGroupInfo != nil:
		ref := aws.ToString(r.ReferencedGroupInfo.GroupId)
		if owner := aws.ToString(r.ReferencedGroupInfo.UserId); owner != "" {
			ref = owner + "/" + ref
		}
		name, ok := peerSGs[aws.ToString(r.ReferencedGroupInfo.GroupId)]
		switch {
		case !ok:
			return fmt.Sprintf("%s allows %s %s security group %s (%s): references a group other than the peers' application groups", dir, what, prep, ref, id)
		case !app:
			return fmt.Sprintf("%s also allows %s %s %s (%s)", dir, what, prep, name, id)
		}
		return ""
	}
	cidr := aws.ToString(r.CidrIpv4)
	q, err := netip.ParsePrefix(cidr)
	if err != nil {
		return fmt.Sprintf("%s allows %s %s %q (%s): not a CIDR", dir, what, prep, cidr, id)
	}
	for _, p := range peers {
		if !q.Overlaps(p.Network.CIDR) {
			continue
		}
		switch {
		case q.Bits() < p.Network.CIDR.Bits():
			return fmt.Sprintf("%s allows %s %s %s (%s): wider than %s %s", dir, what, prep, cidr, id, p.Network.Name, p.Network.CIDR)
		case !app:
			return fmt.Sprintf("%s also allows %s %s %s (%s)", dir, what, prep, p.Network.Name, id)
		}
		return ""
	}
	return fmt.Sprintf("%s allows %s %s %s (%s): not a peer's CIDR", dir, what, prep, cidr, id)
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
					overlaps(aws.ToString(e.CidrBlock), p.Network.CIDR) && !expectedPeerAllow(e) {
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
