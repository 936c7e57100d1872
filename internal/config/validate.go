package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/peerctl/peerctl/internal/netplan"
)

var (
	// The suffix goes into S3 bucket names: lowercase, digits, inner hyphens.
	environmentPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$`)
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	// Network names prefix bucket names (<network>-flow-logs-<env>-<account>),
	// which must stay within 63 characters.
	networkNamePattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$`)
	accountIDPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	roleARNPattern     = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/[\w+=,.@/-]{1,512}$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]{2,}$`)
	azIDPattern        = regexp.MustCompile(`^([a-z]+[0-9]+)-az[0-9]+$`)
	tagCharsPattern    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// ReservedTags are set by peerctl on every resource and cannot be overridden.
var ReservedTags = []string{"Name", "Environment", "CostCenter", "Project", "ManagedBy"}

// AWS limits for the quotas: the default applies until AWS raises it.
const (
	MinAZCount = 1
	MaxAZCount = 6

	defaultNACLRules   = 20
	maxNACLRules       = 40
	defaultSGRules     = 60
	maxSGRules         = 1000
	defaultRoutes      = 50
	maxRoutesPerTable  = 1000
	profileMaxLength   = 128
	costCenterMaxChars = 256
)

func validateEnvironment(field, env string, p *problems) {
	if !environmentPattern.MatchString(env) {
		p.add(field, env, "must be 1-16 lowercase letters, digits or hyphens, not starting or ending with a hyphen (it goes into S3 bucket names)")
	}
}

func validateRegion(field, region string, p *problems) {
	if !regionPattern.MatchString(region) {
		p.add(field, region, "is not an AWS region name like us-east-1")
	}
}

func validateNetwork(field string, n Network, region string, p *problems) {
	if !networkNamePattern.MatchString(n.Name) {
		p.add(field+".name", n.Name, "must be 1-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen")
	}
	if n.CostCenter == "" {
		p.add(field+".costCenter", "", "is required (it becomes the CostCenter tag)")
	} else if len(n.CostCenter) > costCenterMaxChars || !tagCharsPattern.MatchString(n.CostCenter) {
		p.add(field+".costCenter", n.CostCenter, "is not a valid tag value (at most 256 letters, digits, spaces and _.:/=+-@)")
	}
	if n.AZCount < MinAZCount || n.AZCount > MaxAZCount {
		p.add(field+".azCount", strconv.Itoa(n.AZCount), "must be between %d and %d", MinAZCount, MaxAZCount)
	}
	wantCode := netplan.RegionCode(region)
	for i, az := range n.AZs {
		azField := fmt.Sprintf("%s.azs[%d]", field, i)
		m := azIDPattern.FindStringSubmatch(az)
		switch {
		case m == nil && strings.HasPrefix(az, region):
			p.add(azField, az, "is an AZ name; use AZ IDs like %s-az1 (names map to different zones in each account)", wantCode)
		case m == nil:
			p.add(azField, az, "is not an AZ ID like %s-az1", wantCode)
		case wantCode != "" && m[1] != wantCode:
			p.add(azField, az, "is not in region %s (its AZ IDs start with %s-)", region, wantCode)
		case slices.Index(n.AZs, az) < i:
			p.add(azField, az, "is listed twice")
		}
	}
	validateAccount(field+".account", n.Account, p)
}

// validateCIDR checks one network's CIDR and, if it is usable, its subnets.
func validateCIDR(field string, raw string, p *problems) (netip.Prefix, bool) {
	prefix, err := netip.ParsePrefix(raw)
	switch {
	case raw == "":
		p.add(field, "", "is required (an RFC 1918 CIDR such as 10.0.0.0/16)")
	case err != nil:
		p.add(field, raw, "is not a CIDR block like 10.0.0.0/16")
	case !prefix.Addr().Is4():
		p.add(field, raw, "is not an IPv4 CIDR block")
	case prefix.Masked() != prefix:
		p.add(field, raw, "has host bits set; did you mean %s?", prefix.Masked())
	case !netplan.IsPrivate(prefix):
		p.add(field, raw, "is not private: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)")
	case prefix.Bits() < netplan.MinVPCPrefixLength || prefix.Bits() > netplan.MaxVPCPrefixLength:
		p.add(field, raw, "must be between /%d and /%d, the VPC sizes AWS allows", netplan.MinVPCPrefixLength, netplan.MaxVPCPrefixLength)
	default:
		return prefix, true
	}
	return netip.Prefix{}, false
}

func validateAccount(field string, a Account, p *problems) {
	if a.ID != "" && !accountIDPattern.MatchString(a.ID) {
		hint := ""
		if len(a.ID) < 12 && strings.Trim(a.ID, "0123456789") == "" {
			hint = " (quote it in YAML: an unquoted number loses its leading zeros)"
		}
		p.add(field+".id", a.ID, "is not a 12-digit AWS account id%s", hint)
	}
	if a.Profile != "" && a.RoleARN != "" {
		p.add(field, "", "sets both profile %q and roleArn %q; choose one", a.Profile, a.RoleARN)
	}
	if len(a.Profile) > profileMaxLength || strings.ContainsAny(a.Profile, " \t\n[]") {
		p.add(field+".profile", a.Profile, "is not a valid AWS profile name")
	}
	if a.RoleARN != "" {
		m := roleARNPattern.FindStringSubmatch(a.RoleARN)
		switch {
		case m == nil:
			p.add(field+".roleArn", a.RoleARN, "is not an IAM role ARN like arn:aws:iam::111111111111:role/peerctl-deployer")
		case a.ID != "" && m[1] != a.ID:
			p.add(field+".roleArn", a.RoleARN, "is in account %s, but %s.id says %s", m[1], field, a.ID)
		}
	}
	if a.RoleARN == "" && (a.SessionName != "" || a.ExternalID != "") {
		p.add(field, "", "sets sessionName or externalId without roleArn")
	}
	if a.SessionName != "" && !sessionNamePattern.MatchString(a.SessionName) {
		p.add(field+".sessionName", a.SessionName, "must be 2-64 letters, digits or =,.@-_ characters")
	}
	if a.ExternalID != "" && (len(a.ExternalID) > 1224 || !externalIDPattern.MatchString(a.ExternalID)) {
		p.add(field+".externalId", a.ExternalID, "must be 2-1224 letters, digits or =,.@:/-_ characters")
	}
}

// validateNetworkSet checks what involves more than one network.
func validateNetworkSet(field string, nets []Network, cidrOK []bool, p *problems) {
	for i, n := range nets {
		for j := range i {
			if nets[j].Name == n.Name && n.Name != "" {
				p.add(fmt.Sprintf("%s[%d].name", field, i), n.Name, "is already used by %s[%d]", field, j)
			}
			if cidrOK[i] && cidrOK[j] && n.CIDR.Overlaps(nets[j].CIDR) {
				p.add(fmt.Sprintf("%s[%d].cidr", field, i), n.CIDR.String(), "(%s) overlaps %s[%d].cidr %s (%s); peered VPCs need disjoint address space",
					n.Name, field, j, nets[j].CIDR, nets[j].Name)
			}
		}
	}
}

func validatePeerings(field string, peerings []Peering, nets []Network, p *problems) {
	known := func(name string) bool {
		return slices.ContainsFunc(nets, func(n Network) bool { return n.Name == name })
	}
	names := make([]string, len(nets))
	for i, n := range nets {
		names[i] = n.Name
	}
	seen := map[[2]string]int{}
	for i, pr := range peerings {
		f := fmt.Sprintf("%s[%d]", field, i)
		for _, side := range []struct{ key, name string }{{"requester", pr.Requester}, {"accepter", pr.Accepter}} {
			if side.name == "" {
				p.add(f+"."+side.key, "", "is required (a network name: %s)", strings.Join(names, ", "))
			} else if !known(side.name) {
				p.add(f+"."+side.key, side.name, "is not a configured network (networks: %s)", strings.Join(names, ", "))
			}
		}
		if pr.Requester != "" && pr.Requester == pr.Accepter {
			p.add(f, pr.Name(), "peers network %q with itself", pr.Requester)
			continue
		}
		pair := [2]string{min(pr.Requester, pr.Accepter), max(pr.Requester, pr.Accepter)}
		if j, dup := seen[pair]; dup {
			p.add(f, pr.Name(), "duplicates %s[%d]: %s and %s are already peered", field, j, pr.Requester, pr.Accepter)
			continue
		}
		seen[pair] = i
	}
}

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

func validateTags(field string, tags map[string]string, p *problems) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := tags[k]
		switch {
		case slices.Contains(ReservedTags, k):
			p.add(field+"."+k, v, "cannot be set: peerctl sets the %s tag itself", k)
		case k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") || !tagCharsPattern.MatchString(k):
			p.add(field, k, "is not a valid tag key (1-128 characters, not starting with aws:)")
		case len(v) > 256 || !tagCharsPattern.MatchString(v):
			p.add(field+"."+k, v, "is not a valid tag value (at most 256 letters, digits, spaces and _.:/=+-@)")
		}
	}
}
