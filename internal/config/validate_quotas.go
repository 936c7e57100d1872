package config

import (
	"fmt"
	"strconv"

	"github.com/peerctl/peerctl/internal/netplan"
)

// Quotas are the AWS service quotas peerctl plans against. Raise them here
// only after AWS has raised them for both accounts.
type Quotas struct {
	NACLRulesPerDirection          int `json:"naclRulesPerDirection,omitempty"`
	SecurityGroupRulesPerDirection int `json:"securityGroupRulesPerDirection,omitempty"`
	RoutesPerRouteTable            int `json:"routesPerRouteTable,omitempty"`
}

// AWS limits for the quotas: the default applies until AWS raises it.
const (
	defaultNACLRules  = 20
	maxNACLRules      = 40
	defaultSGRules    = 60
	maxSGRules        = 1000
	defaultRoutes     = 50
	maxRoutesPerTable = 1000
)

// validateQuotas checks that each network's rules and routes fit the quotas.
func validateQuotas(c *Config, p *problems) {
	q := c.Quotas
	checkRange := func(name string, v, lo, hi int) bool {
		if v < lo || v > hi {
			p.add(Namespace+":quotas."+name, strconv.Itoa(v), "must be between %d (the AWS default) and %d (the most AWS grants)", lo, hi)
			return false
		}
		return true
	}
	naclOK := checkRange("naclRulesPerDirection", q.NACLRulesPerDirection, defaultNACLRules, maxNACLRules)
	sgOK := checkRange("securityGroupRulesPerDirection", q.SecurityGroupRulesPerDirection, defaultSGRules, maxSGRules)
	rtOK := checkRange("routesPerRouteTable", q.RoutesPerRouteTable, defaultRoutes, maxRoutesPerTable)
	for i, n := range c.Networks {
		peers := len(c.Peers(n.Name))
		field := fmt.Sprintf("%s:networks[%d]", Namespace, i)
		if rules := netplan.NACLRulesPerDirection(peers); naclOK && rules > q.NACLRulesPerDirection {
			p.add(field, n.Name, "has %d peers and would need %d network ACL rules per direction, over the quota of %d (%s:quotas.naclRulesPerDirection, at most 40 once AWS raises it)",
				peers, rules, q.NACLRulesPerDirection, Namespace)
		}
		in, out := netplan.SecurityGroupRules(peers)
		if sgOK && max(in, out) > q.SecurityGroupRulesPerDirection {
			p.add(field, n.Name, "has %d peers and would need %d security group rules in one direction, over the quota of %d (%s:quotas.securityGroupRulesPerDirection)",
				peers, max(in, out), q.SecurityGroupRulesPerDirection, Namespace)
		}
		if routes := netplan.RoutesPerRouteTable(peers); rtOK && routes > q.RoutesPerRouteTable {
			p.add(field, n.Name, "has %d peers and would need %d routes per route table, over the quota of %d (%s:quotas.routesPerRouteTable)",
				peers, routes, q.RoutesPerRouteTable, Namespace)
		}
	}
}

func withQuotaDefaults(q Quotas) Quotas {
	if q.NACLRulesPerDirection == 0 {
		q.NACLRulesPerDirection = defaultNACLRules
	}
	if q.SecurityGroupRulesPerDirection == 0 {
		q.SecurityGroupRulesPerDirection = defaultSGRules
	}
	if q.RoutesPerRouteTable == 0 {
		q.RoutesPerRouteTable = defaultRoutes
	}
	return q
}
