// Package config loads, defaults and validates a peerctl stack configuration.
//
// Configuration arrives as Pulumi config: namespaced keys ("peerctl:networks")
// whose values are strings, structured values JSON-encoded. That is what the
// Pulumi engine hands a program in PULUMI_CONFIG and what LoadStackFile makes
// of a Pulumi.<stack>.yaml, so `peerctl plan` and `pulumi up` read the same
// settings through the same code. Everything is validated before a single
// resource is registered; errors name the key, the field and the value.
//
// The package knows nothing of Pulumi or AWS APIs.
package config

import (
	"net/netip"
	"slices"

	"github.com/peerctl/peerctl/internal/netplan"
)

// Namespace is the Pulumi project name, which namespaces every config key.
const Namespace = "peerctl"

// EnvEnvironmentSuffix overrides the environment name (as in the original
// design). It renames; it never switches production safeguards off (see
// Config.IsProd).
const EnvEnvironmentSuffix = "ENVIRONMENT_SUFFIX"

// ProdEnvironment is the environment name that gets production safeguards.
const ProdEnvironment = "prod"

// Config is a validated stack configuration with every default applied.
type Config struct {
	// Environment suffixes every physical name and is the Environment tag.
	Environment string
	// EnvironmentSource says where Environment came from ("default", the
	// stack file's key, or ENVIRONMENT_SUFFIX). The plan header names it when
	// ENVIRONMENT_SUFFIX overrides the stack file, and destroy names it when
	// it gives why a stack counts as production.
	EnvironmentSource string
	// StackEnvironment is the environment the stack file gives
	// (peerctl:environment, else the default), whatever ENVIRONMENT_SUFFIX
	// says. It decides production (IsProd) together with Environment, so
	// that an override can add production safeguards but never remove them.
	StackEnvironment string
	Region           string
	Networks         []Network
	Peerings         []Peering
	// Tags are extra tags for every resource, on top of the reserved ones.
	Tags          map[string]string
	Quotas        Quotas
	Observability Observability
	Endpoints     Endpoints

	// NACL is peerctl:nacl as written (defaults filled in); NACLEphemeral
	// is its ephemeral range, parsed and validated.
	NACL          NACL
	NACLEphemeral netplan.PortRange
}

// Network is one VPC in one account and region.
type Network struct {
	Name       string
	CIDR       netip.Prefix
	CostCenter string
	// Region is the network's AWS region: its region key, else peerctl:region.
	Region string
	// Existing is set when the VPC exists already (see Existing).
	Existing *Existing
	// AZCount is how many AZs (and private subnets) the network spans.
	AZCount int
	// AZs are explicit AZ IDs (use1-az1); empty means "pick AZCount shared ones".
	AZs []string
	// SubnetPrefixLength is resolved: the configured value or the computed default.
	SubnetPrefixLength int
	Account            Account

	// NACLSlot numbers this network's rules in its peers' network ACLs
	// (netplan.PeerRuleNumber): the configured naclSlot, else the slot its
	// name derives. NACLSlotSet says it was configured.
	NACLSlot    int
	NACLSlotSet bool
}

// Account says which AWS account a network lives in and how to reach it.
type Account struct {
	// ID is the expected account id; it becomes the provider's allowedAccountIds.
	ID          string `json:"id,omitempty"`
	Profile     string `json:"profile,omitempty"`
	RoleARN     string `json:"roleArn,omitempty"`
	SessionName string `json:"sessionName,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
}

// Peering connects a requester network to an accepter network. A
// one-sided peering (Mode) names only one of them; the partner's side is
// described by the Peer* fields and ConnectionID.
type Peering struct {
	Requester string
	Accepter  string

	// ConnectionID is the partner's connection to accept (accepter-only).
	ConnectionID string
	// PeerVPCID is the partner's VPC to request toward (requester-only).
	PeerVPCID string
	// PeerAccountID is the partner's account: required to request, checked
	// against the connection when accepting.
	PeerAccountID string
	// PeerCIDR is the partner's CIDR: routes, rules and alarms use it.
	PeerCIDR netip.Prefix
	// PeerRegion is the partner's region (default: our network's).
	PeerRegion string
	// PeerName names the partner in resource names (see PartnerName).
	PeerName string
	// PeerNACLSlot numbers the partner's rules in our network's NACL.
	PeerNACLSlot int
}

// Name is the peering's logical name: "<requester>-<accepter>", with the
// partner's name (PartnerName) for the side a one-sided peering lacks.
// Network names contain hyphens, so two peerings can spell the same name (a
// + b-c and a-b + c); validation refuses that (validatePeeringNames).
func (p Peering) Name() string {
	switch p.Mode() {
	case AccepterOnly:
		return p.PartnerName() + "-" + p.Accepter
	case RequesterOnly:
		return p.Requester + "-" + p.PartnerName()
	}
	return p.Requester + "-" + p.Accepter
}

// IsProd reports whether production safeguards apply: the stack file says
// peerctl:environment: prod, or the effective environment is prod. The
// stack file decides, so ENVIRONMENT_SUFFIX=qa on a production stack file
// keeps retention, versioning and no forceDestroy; an override to prod on
// another stack file adds them, because its resources then carry the
// production stack's physical names and must be treated with the same care.
func (c *Config) IsProd() bool {
	return c.StackEnvironment == ProdEnvironment || c.Environment == ProdEnvironment
}

// EnvironmentOverridden reports whether ENVIRONMENT_SUFFIX changed the
// environment the stack file gives, which renames every physical resource
// name (and so replaces a deployed stack's resources). `up` asks before
// doing that to an existing stack; the plan header says it loudly.
func (c *Config) EnvironmentOverridden() bool {
	return c.EnvironmentSource == EnvEnvironmentSuffix && c.Environment != c.StackEnvironment
}

// Network returns the network called name.
func (c *Config) Network(name string) (Network, bool) {
	i := slices.IndexFunc(c.Networks, func(n Network) bool { return n.Name == name })
	if i < 0 {
		return Network{}, false
	}
	return c.Networks[i], true
}

// Peers lists what name is peered with, configured networks and partners
// alike, sorted by name so that rule numbers and resource names do not
// depend on the order of the peerings list.
func (c *Config) Peers(name string) []Peer {
	var out []Peer
	for _, p := range c.Peerings {
		if p.OneSided() {
			if p.Ours() == name {
				out = append(out, p.partnerPeer(c))
			}
			continue
		}
		other := ""
		switch name {
		case p.Requester:
			other = p.Accepter
		case p.Accepter:
			other = p.Requester
		default:
			continue
		}
		if n, ok := c.Network(other); ok {
			out = append(out, Peer{Name: n.Name, CIDR: n.CIDR, Region: n.Region, NACLSlot: n.NACLSlot})
		}
	}
	slices.SortFunc(out, func(a, b Peer) int { return compareStrings(a.Name, b.Name) })
	return out
}

// partnerPeer is a one-sided peering's partner as a Peer.
func (p Peering) partnerPeer(c *Config) Peer {
	region := p.PeerRegion
	if region == "" {
		if n, ok := c.Network(p.Ours()); ok {
			region = n.Region
		}
	}
	return Peer{Name: p.PartnerName(), CIDR: p.PeerCIDR, Region: region, NACLSlot: p.PeerNACLSlot, Partner: true}
}

// PartnerRegion is a one-sided peering's partner region: peerRegion, else
// our network's.
func (c *Config) PartnerRegion(p Peering) string { return p.partnerPeer(c).Region }

// SameAccount reports whether both ends of p are provably in one account, in
// which case the requester can auto-accept and no accepter resource is needed.
// Expected account ids decide when both are set; otherwise only identical
// credentials (both default, the same profile, or the same role) count.
// Anything else takes the cross-account path, which also works in one account.
func (c *Config) SameAccount(p Peering) bool {
	if p.OneSided() {
		return false
	}
	a, okA := c.Network(p.Requester)
	b, okB := c.Network(p.Accepter)
	if !okA || !okB {
		return false
	}
	if idA, idB := a.Account.ExpectedID(), b.Account.ExpectedID(); idA != "" && idB != "" {
		return idA == idB
	}
	// Without ids, only identical credentials prove one account: one profile
	// can assume roles in other accounts, so the role must match too.
	return a.Account.Profile == b.Account.Profile && a.Account.RoleARN == b.Account.RoleARN
}

// ExpectedID is the configured account id, or the one in the role ARN.
func (a Account) ExpectedID() string {
	if a.ID != "" {
		return a.ID
	}
	if m := roleARNPattern.FindStringSubmatch(a.RoleARN); m != nil {
		return m[1]
	}
	return ""
}

// Credentials describes how the account is reached, for messages.
func (a Account) Credentials() string {
	switch {
	case a.RoleARN != "":
		return "role " + a.RoleARN
	case a.Profile != "":
		return "profile " + a.Profile
	default:
		return "default credentials"
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
