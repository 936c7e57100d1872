package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/peerctl/peerctl/internal/regions"
)

// AWS resource ids are a prefix and 8 hex digits (resources created before
// 2016-2018) or 17 (the long ids every resource gets now), lowercase (EC2
// API reference, "Resource IDs"; ec2/latest/devguide/resource-ids.html).
var (
	vpcIDPattern        = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	routeTableIDPattern = regexp.MustCompile(`^rtb-([0-9a-f]{8}|[0-9a-f]{17})$`)
	peeringIDPattern    = regexp.MustCompile(`^pcx-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// hasExisting reports whether a network entry sets existing (null counts
// as unset, like every other key the decoder reads).
func hasExisting(ns networkSpec) bool {
	return len(ns.Existing) > 0 && string(ns.Existing) != "null"
}

// existingNetworkFromSpec resolves an existing network: peerctl creates no
// subnets in it, so the keys that shape subnets mean nothing and are
// refused rather than silently ignored. cidr stays required: routes,
// rules and alarms of its peers use it, and preview/up check that the
// VPC's CIDRs contain it.
func existingNetworkFromSpec(field string, ns networkSpec, n Network, p *problems) (Network, bool) {
	const why = "means nothing for an existing network (peerctl creates no subnets in it); remove it"
	if ns.AZCount != nil {
		p.add(field+".azCount", fmt.Sprint(*ns.AZCount), "%s", why)
	}
	if len(ns.AZs) > 0 { // azs: [] is refused as such (checkEmptyAZs)
		p.add(field+".azs", strings.Join(ns.AZs, ", "), "%s", why)
	}
	if ns.SubnetPrefixLength != nil {
		p.add(field+".subnetPrefixLength", fmt.Sprint(*ns.SubnetPrefixLength), "%s", why)
	}
	n.AZCount, n.AZs = 0, nil
	prefix, ok := validateExistingCIDR(field+".cidr", ns.CIDR, p)
	n.CIDR = prefix
	return n, ok
}

// validateExisting checks an existing network's VPC and route table ids.
func validateExisting(field string, es existingSpec, p *problems) {
	switch {
	case es.VPCID == "":
		p.add(field+".vpcId", "", "is required: the id of the existing VPC, like vpc-0a1b2c3d4e5f60718")
	case !vpcIDPattern.MatchString(es.VPCID):
		p.add(field+".vpcId", es.VPCID, "is not a VPC id: vpc- followed by 8 or 17 lowercase hexadecimal digits, like vpc-0a1b2c3d4e5f60718")
	}
	if es.RouteTableIDs != nil && len(es.RouteTableIDs) == 0 {
		p.add(field+".routeTableIds", "", "is an empty list; list the route tables that get routes to the peers, or remove the key to use every route table of the VPC")
	}
	for i, id := range es.RouteTableIDs {
		f := fmt.Sprintf("%s.routeTableIds[%d]", field, i)
		switch {
		case !routeTableIDPattern.MatchString(id):
			p.add(f, id, "is not a route table id: rtb- followed by 8 or 17 lowercase hexadecimal digits, like rtb-0a1b2c3d4e5f60719")
		case indexOf(es.RouteTableIDs, id) < i:
			p.add(f, id, "is listed twice (also %s.routeTableIds[%d])", field, indexOf(es.RouteTableIDs, id))
		}
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// validateNetworkRegion checks a network's own region: a region AWS has,
// in the partition of peerctl:region, because VPC peering connects VPCs of
// one partition only (and one stack's ARNs and principals are one
// partition's).
func validateNetworkRegion(field, region, stackRegion string, p *problems) {
	before := len(p.list)
	validateRegion(field, region, p)
	if len(p.list) > before {
		return
	}
	if got, want := regions.Partition(region), regions.Partition(stackRegion); got != want {
		p.add(field, region, "is in partition %s, but %s:region %s is in partition %s; VPC peering connects VPCs of one partition only",
			got, Namespace, stackRegion, want)
	}
}

// validateExistingSet refuses one VPC configured as two networks: peerctl
// would add every route and rule twice, and AWS refuses a peering of a
// VPC with itself.
func validateExistingSet(field string, nets []Network, p *problems) {
	for i, n := range nets {
		if !n.IsExisting() || n.Existing.VPCID == "" {
			continue
		}
		for j := range i {
			o := nets[j]
			if o.IsExisting() && o.Existing.VPCID == n.Existing.VPCID && o.Region == n.Region {
				p.add(fmt.Sprintf("%s[%d].existing.vpcId", field, i), n.Existing.VPCID, "is also %s[%d].existing.vpcId (%s); one VPC is one network", field, j, o.Name)
				break
			}
		}
	}
}

// validateNetworkCount refuses a stack with one network and nothing to
// peer it with: a single network needs a one-sided peering.
func validateNetworkCount(field string, c *Config, p *problems) {
	if len(c.Networks) != 1 {
		return
	}
	for _, pr := range c.Peerings {
		if pr.OneSided() && (pr.Requester == "") != (pr.Accepter == "") {
			return
		}
	}
	p.add(field, c.Networks[0].Name, "is the only network, and no peering is one-sided; configure a second network to peer it with, or a one-sided peering with a partner (accepter-only: accepter, connectionId, peerCidr; requester-only: requester, peerVpcId, peerAccountId, peerCidr)")
}

// RegionOf is a network's region: its own, which Parse always sets, else
// peerctl:region for a Network built by hand (tests). Every package asks
// here, so such a network gets one answer everywhere.
func (c *Config) RegionOf(n Network) string {
	if n.Region == "" {
		return c.Region
	}
	return n.Region
}
