package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/peerctl/peerctl/internal/netplan"
)

// Quotas are the AWS service quotas peerctl plans against. Raise them here
// only after AWS has raised them for every account of the stack. Per-VPC and
// per-table quotas concern resources peerctl owns; the per-region ones are
// shared with everything else in the account, so they may also be set lower
// than AWS's quota to keep room for VPCs and endpoints the stack does not
// manage (every account has a default VPC in each region unless deleted).
type Quotas struct {
	NACLRulesPerDirection          int `json:"naclRulesPerDirection,omitempty"`
	SecurityGroupRulesPerDirection int `json:"securityGroupRulesPerDirection,omitempty"`
	RoutesPerRouteTable            int `json:"routesPerRouteTable,omitempty"`
	// ActivePeeringsPerVPC bounds each network's peers.
	ActivePeeringsPerVPC int `json:"activePeeringsPerVpc,omitempty"`
	// VPCsPerRegion bounds the networks of one account.
	VPCsPerRegion int `json:"vpcsPerRegion,omitempty"`
	// GatewayEndpointsPerRegion bounds the S3 and DynamoDB endpoints (two
	// per network) of one account.
	GatewayEndpointsPerRegion int `json:"gatewayEndpointsPerRegion,omitempty"`

	// written marks the fields the stack file set (bit i: quotaLimits[i]),
	// so that an explicit 0 is refused rather than silently replaced by the
	// AWS default. withQuotaDefaults clears it.
	written uint
}

// quotaLimit is what AWS documents of one quota: its default, the most AWS
// grants (0: no documented maximum) and the lowest value peerctl accepts.
type quotaLimit struct {
	key        string
	at         func(*Quotas) *int
	awsDefault int
	min, max   int
}

// quotaLimits are from the Amazon VPC User Guide, "Amazon VPC quotas"
// (amazon-vpc-limits.html), and the General Reference, "Amazon Virtual
// Private Cloud endpoints and quotas" (vpc-service.html).
var quotaLimits = []quotaLimit{
	{"naclRulesPerDirection", func(q *Quotas) *int { return &q.NACLRulesPerDirection }, 20, 20, 40},
	{"securityGroupRulesPerDirection", func(q *Quotas) *int { return &q.SecurityGroupRulesPerDirection }, 60, 60, 1000},
	{"routesPerRouteTable", func(q *Quotas) *int { return &q.RoutesPerRouteTable }, 50, 50, 1000},
	{"activePeeringsPerVpc", func(q *Quotas) *int { return &q.ActivePeeringsPerVPC }, 50, 50, 125},
	// No documented maximum ("hundreds of VPCs per Region"); below the
	// default is allowed to leave room for the default VPC and others.
	{"vpcsPerRegion", func(q *Quotas) *int { return &q.VPCsPerRegion }, 5, 1, 0},
	// No documented regional maximum (255 gateway endpoints per VPC).
	{"gatewayEndpointsPerRegion", func(q *Quotas) *int { return &q.GatewayEndpointsPerRegion }, 20, 1, 0},
}

// UnmarshalJSON decodes peerctl:quotas strictly (exact field names, no
// unknown ones) and remembers which fields were written.
func (q *Quotas) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(b, &present); err != nil {
		return err
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range present {
			if !yield(k) {
				return
			}
		}
	}) {
		if !slices.ContainsFunc(quotaLimits, func(l quotaLimit) bool { return l.key == k }) {
			// The form encoding/json uses, which decodeObject turns into
			// "is not a known field".
			return fmt.Errorf("json: unknown field %q", k)
		}
	}
	type plain Quotas // without this method
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*q = Quotas(v)
	for i, l := range quotaLimits {
		if _, ok := present[l.key]; ok {
			q.written |= 1 << i
		}
	}
	return nil
}

// withQuotaDefaults gives every quota the stack file did not set its AWS
// default. A quota set to 0 stays 0, for validateQuotas to refuse.
func withQuotaDefaults(q Quotas) Quotas {
	for i, l := range quotaLimits {
		if v := l.at(&q); *v == 0 && q.written&(1<<i) == 0 {
			*v = l.awsDefault
		}
	}
	q.written = 0
	return q
}

// validateQuotas checks the quotas themselves, then that the whole stack
// fits them and AWS's other limits: per network (rules, routes, peerings),
// per account and region (VPCs, gateway endpoints), and the names and ARNs
// that depend on more than one setting (validateStackLimits).
func validateQuotas(c *Config, p *problems) {
	q := c.Quotas
	ok := map[string]bool{}
	for _, l := range quotaLimits {
		ok[l.key] = checkQuotaRange(l, *l.at(&q), p)
	}
	for i, n := range c.Networks {
		peers := len(c.Peers(n.Name))
		field := fmt.Sprintf("%s:networks[%d]", Namespace, i)
		// An existing network gets no network ACL and, with
		// existing.securityGroup false, no security group from peerctl.
		if rules := netplan.NACLRulesPerDirection(peers, c.NACLEphemeral); !n.IsExisting() && ok["naclRulesPerDirection"] && rules > q.NACLRulesPerDirection {
			p.add(field, n.Name, "has %d peers and would need %d network ACL rules per direction, over the quota of %d (%s:quotas.naclRulesPerDirection, at most 40 once AWS raises it)%s",
				peers, rules, q.NACLRulesPerDirection, Namespace, ephemeralCost(c.NACLEphemeral))
		}
		in, out := netplan.SecurityGroupRules(peers)
		if n.HasSecurityGroup() && ok["securityGroupRulesPerDirection"] && max(in, out) > q.SecurityGroupRulesPerDirection {
			p.add(field, n.Name, "has %d peers and would need %d security group rules in one direction, over the quota of %d (%s:quotas.securityGroupRulesPerDirection)",
				peers, max(in, out), q.SecurityGroupRulesPerDirection, Namespace)
		}
		if routes := netplan.RoutesPerRouteTable(peers); ok["routesPerRouteTable"] && routes > q.RoutesPerRouteTable {
			p.add(field, n.Name, "has %d peers and would need %d routes per route table, over the quota of %d (%s:quotas.routesPerRouteTable)",
				peers, routes, q.RoutesPerRouteTable, Namespace)
		}
		if ok["activePeeringsPerVpc"] && peers > q.ActivePeeringsPerVPC {
			p.add(field, n.Name, "has %d peers, over the quota of %d active peering connections per VPC (%s:quotas.activePeeringsPerVpc, at most 125 once AWS raises it)",
				peers, q.ActivePeeringsPerVPC, Namespace)
		}
	}
	for _, group := range accountGroups(c.Networks) {
		for _, created := range createdByRegion(c.Networks, group) {
			validateAccountQuotas(c, created, ok, p)
		}
	}
	validateStackLimits(c, p)
}

// createdByRegion splits one account's networks by region, keeping only
// those peerctl creates: VPC and gateway endpoint quotas are per account
// and region, and an existing VPC is already counted by AWS (its
// endpoints, if any, are not peerctl's).
func createdByRegion(nets []Network, group []int) [][]int {
	var out [][]int
	index := map[string]int{}
	for _, i := range group {
		if nets[i].IsExisting() {
			continue
		}
		k, seen := index[nets[i].Region]
		if !seen {
			k = len(out)
			index[nets[i].Region] = k // Parse sets every network's region
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// validateAccountQuotas checks the per-region quotas of one account in one
// region: the VPCs and gateway endpoints of the networks peerctl creates.
func validateAccountQuotas(c *Config, group []int, ok map[string]bool, p *problems) {
	names := make([]string, len(group))
	for i, ni := range group {
		names[i] = c.Networks[ni].Name
	}
	where := fmt.Sprintf("%s in %s", accountLabel(c.Networks, group), c.RegionOf(c.Networks[group[0]]))
	field := Namespace + ":networks"
	value := strings.Join(names, ", ")
	q := c.Quotas
	if vpcs := len(group); ok["vpcsPerRegion"] && vpcs > q.VPCsPerRegion {
		p.add(field, value, "would create %d VPCs in %s, over the quota of %d VPCs per region (%s:quotas.vpcsPerRegion); the account's default VPC and any VPC made outside this stack count too",
			vpcs, where, q.VPCsPerRegion, Namespace)
	}
	if eps := len(group) * len(netplan.GatewayEndpointServices); ok["gatewayEndpointsPerRegion"] && eps > q.GatewayEndpointsPerRegion {
		p.add(field, value, "would create %d gateway endpoints (%s for each network) in %s, over the quota of %d per region (%s:quotas.gatewayEndpointsPerRegion); endpoints made outside this stack count too",
			eps, strings.Join(netplan.GatewayEndpointServices, " and "), where, q.GatewayEndpointsPerRegion, Namespace)
	}
}

func checkQuotaRange(l quotaLimit, v int, p *problems) bool {
	field := Namespace + ":quotas." + l.key
	switch {
	case l.max == 0 && v < l.min:
		p.add(field, strconv.Itoa(v), "must be at least %d (unset means the AWS default of %d)", l.min, l.awsDefault)
	case l.max != 0 && (v < l.min || v > l.max):
		p.add(field, strconv.Itoa(v), "must be between %d (the AWS default) and %d (the most AWS grants)", l.min, l.max)
	default:
		return true
	}
	return false
}

// ephemeralCost explains the extra NACL rule per peer that an ephemeral
// range without 5432 costs, for the quota message.
func ephemeralCost(r netplan.PortRange) string {
	if r.Contains(5432) {
		return ""
	}
	return fmt.Sprintf("; %s:nacl.ephemeralPorts %s leaves out 5432, which then takes a rule of its own per peer", Namespace, r)
}
