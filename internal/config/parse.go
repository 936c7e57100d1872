package config

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/peerctl/peerctl/internal/netplan"
)

// Defaults of the original design: a Trading and an Analytics VPC, peered.
const (
	DefaultEnvironment = "dev"
	DefaultRegion      = "us-east-1"
	DefaultAZCount     = 3
)

// DefaultNetworks are used when the stack sets no peerctl:networks.
func DefaultNetworks() []Network {
	return []Network{
		{Name: "trading", CIDR: netip.MustParsePrefix("10.0.0.0/16"), CostCenter: "trading", AZCount: DefaultAZCount},
		{Name: "analytics", CIDR: netip.MustParsePrefix("10.1.0.0/16"), CostCenter: "analytics", AZCount: DefaultAZCount},
	}
}

// DefaultPeerings are used when the stack sets no peerctl:peerings.
func DefaultPeerings() []Peering { return []Peering{{Requester: "trading", Accepter: "analytics"}} }

// LookupEnv reads an environment variable; os.LookupEnv in production.
type LookupEnv func(key string) (string, bool)

// Parse decodes raw configuration, applies defaults and validates the result.
// The environment variable ENVIRONMENT_SUFFIX, read through lookup, wins over
// peerctl:environment for names; production safeguards follow the stack file
// (Config.IsProd). A returned error is a *ValidationError listing every
// problem found.
func Parse(raw Raw, lookup LookupEnv) (*Config, error) {
	p := &problems{}
	s := decodeSpec(raw, p)
	c := &Config{
		Environment:       DefaultEnvironment,
		EnvironmentSource: "default",
		Region:            DefaultRegion,
		Tags:              maps.Clone(s.Tags),
		Quotas:            withQuotaDefaults(s.Quotas),
	}
	envField := Namespace + ":environment"
	if s.Environment != nil {
		c.Environment, c.EnvironmentSource = *s.Environment, envField
		validateEnvironment(envField, c.Environment, p)
	}
	c.StackEnvironment = c.Environment
	if lookup != nil {
		if v, ok := lookup(EnvEnvironmentSuffix); ok && v != "" {
			c.Environment, c.EnvironmentSource = v, EnvEnvironmentSuffix
			validateEnvironment(EnvEnvironmentSuffix, c.Environment, p)
		}
	}
	if s.Region != nil {
		c.Region = *s.Region
	}
	validateRegion(Namespace+":region", c.Region, p)
	validateTags(Namespace+":tags", c.Tags, p)

	netField := Namespace + ":networks"
	var cidrOK []bool
	if s.HasNetworks {
		if len(s.Networks) == 0 && len(p.list) == 0 {
			p.add(netField, "", "is empty; configure at least two networks (or one with a one-sided peering) or remove the key for the default pair")
		}
		for i, ns := range s.Networks {
			if s.BadNetworks[i] {
				c.Networks = append(c.Networks, Network{Name: ns.Name, NACLSlot: -1})
				cidrOK = append(cidrOK, false)
				continue
			}
			field := fmt.Sprintf("%s[%d]", netField, i)
			n, ok := networkFromSpec(field, ns, p)
			n.Region = c.Region
			if ns.Region != nil {
				n.Region = *ns.Region
				validateNetworkRegion(field+".region", n.Region, c.Region, p)
			}
			n.Existing = existingFromSpec(field, ns, p)
			resolveNACLSlot(field, ns, &n, p)
			validateNetwork(field, n, n.Region, p)
			c.Networks = append(c.Networks, n)
			cidrOK = append(cidrOK, ok)
		}
	} else {
		c.Networks = DefaultNetworks()
		for i := range c.Networks {
			c.Networks[i].SubnetPrefixLength = netplan.DefaultSubnetPrefixLength
			c.Networks[i].NACLSlot = netplan.DefaultPeerSlot(c.Networks[i].Name)
			c.Networks[i].Region = c.Region
			cidrOK = append(cidrOK, true)
		}
	}
	validateNetworkSet(netField, c.Networks, cidrOK, p)
	validateAccountSet(netField, c.Networks, p)
	validateNACLSlots(netField, c.Networks, p)
	validateExistingSet(netField, c.Networks, p)

	c.Peerings = peeringsFromSpec(Namespace+":peerings", s.Peerings, s.BadPeerings, p)
	if s.HasPeerings {
		valid := validatePeerings(Namespace+":peerings", s.Peerings, s.BadPeerings, c.Peerings, c.Networks, p)
		validateOneSidedSet(Namespace+":peerings", s.Peerings, c, valid, p)
		validateNetworkCount(netField, c, p)
	} else {
		c.Peerings = DefaultPeerings()
		// Networks that could not be read are already reported; saying the
		// default peering lacks them too would only confuse.
		networksRead := !slices.Contains(s.BadNetworks, true)
		for _, pr := range c.Peerings {
			_, okR := c.Network(pr.Requester)
			_, okA := c.Network(pr.Accepter)
			if networksRead && (!okR || !okA) {
				p.add(Namespace+":peerings", "", "is not set, and the default peering (%s to %s) needs networks with those names; list the peerings explicitly",
					pr.Requester, pr.Accepter)
			}
		}
	}
	applyObservability(c, s, p)
	applyEndpoints(c, s, p)
	applyNACL(c, s, p)
	validateRegionServices(c, p)
	if len(p.list) == 0 {
		validateQuotas(c, p)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// networkFromSpec resolves one network's defaults; ok reports a usable CIDR.
func networkFromSpec(field string, ns networkSpec, p *problems) (Network, bool) {
	n := Network{
		Name:       strings.TrimSpace(ns.Name),
		CostCenter: ns.CostCenter,
		AZCount:    DefaultAZCount,
		AZs:        ns.AZs,
	}
	if len(ns.Account) > 0 {
		var a accountSpec
		if decodeObject(field+".account", string(ns.Account), &a, p) {
			n.Account = Account{ID: string(a.ID), Profile: a.Profile, RoleARN: a.RoleARN,
				SessionName: a.SessionName, ExternalID: a.ExternalID}
		}
	}
	if hasExisting(ns) {
		return existingNetworkFromSpec(field, ns, n, p)
	}
	switch {
	case ns.AZCount != nil && len(ns.AZs) > 0 && *ns.AZCount != len(ns.AZs):
		p.add(field+".azCount", fmt.Sprint(*ns.AZCount), "disagrees with the %d AZ IDs in %s.azs; set one of them", len(ns.AZs), field)
	case len(ns.AZs) > 0:
		n.AZCount = len(ns.AZs)
	case ns.AZCount != nil:
		n.AZCount = *ns.AZCount
	}
	prefix, ok := validateCIDR(field+".cidr", ns.CIDR, p)
	n.CIDR = prefix
	if !ok || n.AZCount < MinAZCount || n.AZCount > MaxAZCount {
		if !ok && ns.CIDR != "" {
			n.CIDR = netip.Prefix{}
		}
		return n, ok
	}
	requested := 0
	if ns.SubnetPrefixLength != nil {
		requested = *ns.SubnetPrefixLength
		if requested < 1 {
			p.add(field+".subnetPrefixLength", fmt.Sprint(requested), "must be a prefix length such as 20")
			return n, ok
		}
	}
	length, err := netplan.SubnetPrefixLength(prefix, n.AZCount, requested)
	if err != nil {
		value := ""
		if requested != 0 {
			value = fmt.Sprint(requested)
		}
		p.add(field+".subnetPrefixLength", value, "is not workable: %v", err)
		return n, ok
	}
	n.SubnetPrefixLength = length
	return n, ok
}
