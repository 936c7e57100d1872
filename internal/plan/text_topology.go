package plan

import (
	"fmt"
	"strings"
)

// topologyBlock writes the "Topology" block near the top of the text plan:
// every network (region, CIDR, new or existing VPC) and every peering (which
// sides this stack manages, the partner of a one-sided one), so a reviewer
// sees what peerctl owns before reading the resources. Plans without
// summaries (handcrafted documents) have no block.
func (t *textPlan) topologyBlock() {
	d := t.d
	if len(d.Networks) == 0 && len(d.Peerings) == 0 {
		return
	}
	t.blank()
	t.wrapped(0, "Topology", 2)
	nameW, regionW, cidrW := 0, 0, 0
	for _, n := range d.Networks {
		nameW, regionW, cidrW = max(nameW, len(n.Name)), max(regionW, len(n.Region)), max(cidrW, len(n.CIDR))
	}
	for _, n := range d.Networks {
		head := fmt.Sprintf("network %-*s  %-*s  %-*s  ", nameW, n.Name, regionW, n.Region, cidrW, n.CIDR)
		t.wrapped(2, head+networkKind(n), len(head))
	}
	for _, p := range d.Peerings {
		t.wrapped(2, "peering "+p.Name+": "+t.peeringLine(p), 10)
	}
}

// networkKind says whether peerctl creates the network's VPC or peers an
// existing one, and what it adds to an existing one.
func networkKind(n NetworkSummary) string {
	e := n.Existing
	if e == nil {
		return "new VPC"
	}
	s := "existing " + e.VPCID + ", routes in "
	if e.RouteTablesDiscovered {
		s += "all route tables, discovered at preview/up"
	} else {
		s += strings.Join(e.RouteTableIDs, ", ")
	}
	if !e.SecurityGroup {
		s += "; no app security group (existing.securityGroup false)"
	}
	if !e.FlowLogs {
		s += "; no flow logs or alarms (existing.flowLogs false)"
	}
	return s
}

// peeringLine describes a peering: both sides, or the partner of a
// one-sided one.
func (t *textPlan) peeringLine(p PeeringSummary) string {
	var s string
	switch {
	case p.Partner == nil:
		s = p.Requester + " -> " + p.Accepter + ", both sides managed here"
	case p.Mode == "accepter-only":
		s = p.Accepter + " accepts " + p.Partner.ConnectionID + " from partner " + partnerText(p.Partner)
	default:
		s = p.Requester + " requests a connection to partner " + partnerText(p.Partner) + "; the partner accepts it"
	}
	if p.CrossRegion {
		s += "; cross-region " + t.regions(p) + " (inter-region data transfer is charged)"
	}
	if p.Mode == "requester-only" {
		if t.hasRoutes(p.Name) {
			s += "; our DNS option follows on the first `up` after the partner accepts"
		} else {
			s += "; our DNS option and routes follow on the first `up` after the partner accepts"
		}
	}
	return s
}

// regions is "<requester's region> -> <accepter's region>".
func (t *textPlan) regions(p PeeringSummary) string {
	region := func(network string) string {
		for _, n := range t.d.Networks {
			if n.Name == network {
				return n.Region
			}
		}
		return "?"
	}
	switch {
	case p.Partner == nil:
		return region(p.Requester) + " -> " + region(p.Accepter)
	case p.Mode == "accepter-only":
		return p.Partner.Region + " -> " + region(p.Accepter)
	default:
		return region(p.Requester) + " -> " + p.Partner.Region
	}
}

// partnerText names a partner's side: name, VPC, CIDR, account and region.
func partnerText(ps *PartnerSummary) string {
	s := ps.Name
	if ps.VPCID != "" {
		s += " " + ps.VPCID
	}
	s += " " + ps.CIDR
	if ps.AccountID != "" {
		s += " (account " + ps.AccountID + ", " + ps.Region + ")"
	} else {
		s += " (" + ps.Region + ")"
	}
	return s
}

// hasRoutes reports whether the plan routes through peering name already:
// a Route resource whose parent is the peering's component.
func (t *textPlan) hasRoutes(name string) bool {
	for _, r := range t.d.Resources {
		if r.Type != "peerctl:peering:Peering" || r.Name != name {
			continue
		}
		for _, c := range t.children[r.URN] {
			if c.Type == "aws:ec2/route:Route" {
				return true
			}
		}
	}
	return false
}
