package plan

import (
	"github.com/peerctl/peerctl/internal/config"
)

// NetworkSummary says what kind of network the plan covers, so a reviewer
// or a policy sees at once which VPCs peerctl creates and which it only
// peers (existing), and in which region each is.
type NetworkSummary struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	CIDR   string `json:"cidr"`
	// Account is the configured (or role ARN's) account id, "" when only
	// the credentials know it.
	Account  string           `json:"account"`
	Existing *ExistingSummary `json:"existing,omitempty"`
}

// ExistingSummary is an existing network's adoption: which VPC, which route
// tables get routes (none listed: every route table, found at preview/up),
// and whether peerctl adds a security group and flow logs.
type ExistingSummary struct {
	VPCID                 string   `json:"vpcId"`
	RouteTableIDs         []string `json:"routeTableIds"`
	RouteTablesDiscovered bool     `json:"routeTablesDiscovered"`
	SecurityGroup         bool     `json:"securityGroup"`
	FlowLogs              bool     `json:"flowLogs"`
}

// PeeringSummary is one peering: which sides the stack manages (mode), and
// for a one-sided peering what it knows of the partner.
type PeeringSummary struct {
	Name      string `json:"name"`
	Mode      string `json:"mode"`
	Requester string `json:"requester,omitempty"`
	Accepter  string `json:"accepter,omitempty"`
	// CrossRegion: the two sides are in different regions (inter-region
	// data transfer is charged; see docs).
	CrossRegion bool            `json:"crossRegion"`
	Partner     *PartnerSummary `json:"partner,omitempty"`
}

// PartnerSummary is the partner's side of a one-sided peering.
type PartnerSummary struct {
	Name         string `json:"name"`
	CIDR         string `json:"cidr"`
	Region       string `json:"region"`
	AccountID    string `json:"accountId,omitempty"`
	VPCID        string `json:"vpcId,omitempty"`
	ConnectionID string `json:"connectionId,omitempty"`
}

// topology summarises cfg's networks and peerings in configuration order.
func topology(cfg *config.Config) ([]NetworkSummary, []PeeringSummary) {
	nets := make([]NetworkSummary, 0, len(cfg.Networks))
	for _, n := range cfg.Networks {
		s := NetworkSummary{Name: n.Name, Region: n.Region, CIDR: n.CIDR.String(), Account: n.Account.ExpectedID()}
		if e := n.Existing; e != nil {
			rts := append([]string{}, e.RouteTableIDs...)
			s.Existing = &ExistingSummary{VPCID: e.VPCID, RouteTableIDs: rts, RouteTablesDiscovered: len(rts) == 0,
				SecurityGroup: e.SecurityGroup, FlowLogs: e.FlowLogs}
		}
		nets = append(nets, s)
	}
	peerings := make([]PeeringSummary, 0, len(cfg.Peerings))
	for _, p := range cfg.Peerings {
		s := PeeringSummary{Name: p.Name(), Mode: string(p.Mode()), Requester: p.Requester, Accepter: p.Accepter}
		if p.OneSided() {
			ours, _ := cfg.Network(p.Ours())
			region := cfg.PartnerRegion(p)
			s.CrossRegion = region != ours.Region
			s.Partner = &PartnerSummary{Name: p.PartnerName(), CIDR: p.PeerCIDR.String(), Region: region,
				AccountID: p.PeerAccountID, VPCID: p.PeerVPCID, ConnectionID: p.ConnectionID}
		} else {
			a, _ := cfg.Network(p.Requester)
			b, _ := cfg.Network(p.Accepter)
			s.CrossRegion = a.Region != b.Region
		}
		peerings = append(peerings, s)
	}
	return nets, peerings
}
