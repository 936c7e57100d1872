package verify

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// analysisResult judges one analysis. Across accounts a reachable path
// must end at the stack's peering connection, and "not reachable" counts
// only when the source side's own security group or network ACL blocks the
// traffic: a path that merely stops at what the source account cannot see
// proves nothing. Within one account either side's group or ACL may block.
func (r *probeRun) analysisResult(a *analysis) Result {
	subject := probeSubject(a.dir, a.pp)
	switch {
	case a.err != nil && ctxErr(a.err):
		return result(CheckReachability, subject, Fail, "cancelled: %s", a.err)
	case a.err != nil:
		return result(CheckReachability, subject, Fail, "%s", a.err)
	case a.res.Status == types.AnalysisStatusFailed:
		return result(CheckReachability, subject, Fail, "analysis %s failed: %s", a.id, aws.ToString(a.res.StatusMessage))
	}
	from, to := a.dir.from, a.dir.to
	found := aws.ToBool(a.res.NetworkPathFound)
	switch {
	case found && a.pp.reachable && r.sameAccount:
		return result(CheckReachability, subject, Pass, "reachable (analysis %s)", a.id)
	case found && a.pp.reachable:
		last := lastHop(a.res.ForwardPathComponents)
		if !componentIs(last, r.pcx) {
			return result(CheckReachability, subject, Fail, "a path was found, but it ends at %s, not at the stack's peering connection %s (analysis %s)",
				componentName(last), r.pcx, a.id)
		}
		return result(CheckReachability, subject, Pass, "reachable up to the peering connection %s (analysis %s; %s's half of the path, %s's half is checked in its own account by security-group and nacl)",
			r.pcx, a.id, from.net.Name, to.net.Name)
	case !found && !a.pp.reachable:
		blockers := []*probeSide{from}
		whose := from.net.Name + "'s"
		if r.sameAccount {
			blockers = append(blockers, to)
			whose = "either side's"
		}
		if blockedBySide(a.res.Explanations, blockers) {
			return result(CheckReachability, subject, Pass, "not reachable, as intended: %s", explain(a.res.Explanations))
		}
		return result(CheckReachability, subject, Fail,
			"not reachable, but not because of %s security group or network ACL, so this does not show that tcp %d is blocked: %s (analysis %s)",
			whose, a.pp.port, explain(a.res.Explanations), a.id)
	case found:
		return result(CheckReachability, subject, Fail, "reachable, but only 443 and 5432 may cross (analysis %s)", a.id)
	}
	return result(CheckReachability, subject, Fail, "not reachable: %s (analysis %s)", explain(a.res.Explanations), a.id)
}

// lastHop is the forward path's last component, nil if there is none.
func lastHop(path []types.PathComponent) *types.AnalysisComponent {
	var last *types.PathComponent
	for i := range path {
		if last == nil || aws.ToInt32(path[i].SequenceNumber) >= aws.ToInt32(last.SequenceNumber) {
			last = &path[i]
		}
	}
	if last == nil {
		return nil
	}
	return last.Component
}

// componentIs reports whether an analysis component is the resource id,
// given by id or by ARN.
func componentIs(c *types.AnalysisComponent, id string) bool {
	if c == nil || id == "" {
		return false
	}
	return aws.ToString(c.Id) == id || strings.HasSuffix(aws.ToString(c.Arn), "/"+id)
}

func componentName(c *types.AnalysisComponent) string {
	switch {
	case c == nil:
		return "no component"
	case aws.ToString(c.Id) != "":
		return aws.ToString(c.Id)
	case aws.ToString(c.Arn) != "":
		return aws.ToString(c.Arn)
	}
	return "an unnamed component"
}

// Explanation codes that put the block on a security group or a network
// ACL (docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
var (
	sgBlockCodes  = []string{"ENI_SG_RULES_MISMATCH", "SG_HAS_NO_RULES"}
	aclBlockCodes = []string{"SUBNET_ACL_RESTRICTION"}
)

// blockedBySide reports whether an explanation blames the security group
// (or the probe interface it is attached to) or the network ACL (or the
// subnet it guards) of one of sides.
func blockedBySide(exps []types.Explanation, sides []*probeSide) bool {
	for _, e := range exps {
		code := aws.ToString(e.ExplanationCode)
		var candidates []*types.AnalysisComponent
		var ids func(s *probeSide) []string
		switch {
		case slices.Contains(sgBlockCodes, code):
			candidates = []*types.AnalysisComponent{e.SecurityGroup, e.Component, e.NetworkInterface}
			for i := range e.SecurityGroups {
				candidates = append(candidates, &e.SecurityGroups[i])
			}
			ids = func(s *probeSide) []string { return []string{s.sg, s.eni} }
		case slices.Contains(aclBlockCodes, code):
			candidates = []*types.AnalysisComponent{e.Acl, e.Component, e.Subnet}
			ids = func(s *probeSide) []string { return []string{s.nacl, s.subnet} }
		default:
			continue
		}
		for _, s := range sides {
			for _, id := range ids(s) {
				for _, c := range candidates {
					if componentIs(c, id) {
						return true
					}
				}
			}
		}
	}
	return false
}

// explain summarizes Reachability Analyzer explanations: code and component.
func explain(exps []types.Explanation) string {
	if len(exps) == 0 {
		return "no explanation given"
	}
	var parts []string
	for _, e := range exps {
		s := aws.ToString(e.ExplanationCode)
		for _, c := range []*types.AnalysisComponent{e.SecurityGroup, e.Acl, e.RouteTable, e.VpcPeeringConnection, e.Component} {
			if c != nil && aws.ToString(c.Id) != "" {
				s += " at " + aws.ToString(c.Id)
				break
			}
		}
		if d := aws.ToString(e.Direction); d != "" {
			s += " (" + d + ")"
		}
		if len(parts) == 0 || parts[len(parts)-1] != s {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}
