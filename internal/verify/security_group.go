package verify

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
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
