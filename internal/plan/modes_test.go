package plan

// Plan tests for the issue-12 modes: existing VPCs (route tables given or
// discovered), accepter-only and requester-only peerings with a partner,
// and networks in different regions. Expected values are written by hand
// from the configuration and AWS's rules, never read back from the program.

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

const (
	modeVpcType      = "aws:ec2/vpc:Vpc"
	modeSubnetType   = "aws:ec2/subnet:Subnet"
	modeRTType       = "aws:ec2/routeTable:RouteTable"
	modeRTAType      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	modeNACLType     = "aws:ec2/networkAcl:NetworkAcl"
	modeEndpointType = "aws:ec2/vpcEndpoint:VpcEndpoint"
	modeDefaultRT    = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	modeDefaultSG    = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	modeDefaultNACL  = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	modeSGType       = "aws:ec2/securityGroup:SecurityGroup"
	modeIngressType  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	modeEgressType   = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	modePcxType      = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	modeAccepterType = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
	modeOptionsType  = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
	modeRouteType    = "aws:ec2/route:Route"
	modeNetworkType  = "peerctl:network:Network"
	modeProviderType = "pulumi:providers:aws"
)

// modesPlan is the plan of the whole program: its resources and outputs.
type modesPlan struct {
	resources []Resource
	outputs   map[string]any
}

// planModes runs stack.Define for cfg under the offline plan's mocks.
func planModes(t *testing.T, cfg *config.Config) *modesPlan {
	t.Helper()
	doc, err := Build(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &modesPlan{resources: doc.Resources, outputs: doc.Outputs}
}

func (p *modesPlan) named(t *testing.T, typ, name string) Resource {
	t.Helper()
	for _, r := range p.resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %s in the plan", typ, name)
	return Resource{}
}

func (p *modesPlan) ofType(typ string) []Resource {
	var out []Resource
	for _, r := range p.resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// names lists the names of typ's resources in account (network), sorted.
func (p *modesPlan) names(typ, account string) []string {
	var out []string
	for _, r := range p.ofType(typ) {
		if r.Account == account {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return out
}

func (p *modesPlan) provider(network string) Resource {
	for _, r := range p.ofType(modeProviderType) {
		if r.Name == network {
			return r
		}
	}
	return Resource{}
}

// output returns outputs[key][name].
func (p *modesPlan) output(t *testing.T, key, name string) (any, bool) {
	t.Helper()
	m, _ := p.outputs[key].(map[string]any)
	v, ok := m[name]
	return v, ok
}

func modesConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	raw, err := config.ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// existingYAML: trading (created, us-east-1, 111111111111) peered with
// legacy, an existing VPC in eu-west-1 (222222222222) — the existing-vpc
// example, with routeTables as legacy's routeTableIds line.
func existingYAML(routeTables string) string {
	return `config:
  peerctl:environment: dev
  peerctl:region: us-east-1
  peerctl:networks:
    - name: trading
      cidr: 10.0.0.0/16
      costCenter: trading
      azCount: 2
      account: {id: "111111111111", profile: trading-dev}
    - name: legacy
      cidr: 10.20.0.0/16
      costCenter: analytics
      region: eu-west-1
      existing:
        vpcId: vpc-0a1b2c3d4e5f60718
` + routeTables + `
      account: {id: "222222222222", profile: analytics-dev}
  peerctl:peerings:
    - {requester: trading, accepter: legacy}
`
}

const givenTables = "        routeTableIds: [rtb-0a1b2c3d4e5f6071a, rtb-0a1b2c3d4e5f60719]"

func TestExistingNetworkCreatesNoVPCParts(t *testing.T) {
	p := planModes(t, modesConfig(t, existingYAML(givenTables)))
	for _, typ := range []string{modeVpcType, modeSubnetType, modeRTType, modeRTAType, modeNACLType, modeEndpointType,
		modeDefaultRT, modeDefaultSG, modeDefaultNACL} {
		if got := p.names(typ, "legacy"); len(got) > 0 {
			t.Errorf("existing network legacy got %s %v", typ, got)
		}
	}
	// The created network still has everything.
	if got := p.names(modeVpcType, "trading"); !slices.Equal(got, []string{"trading-vpc"}) {
		t.Errorf("trading VPCs = %v", got)
	}
	comp := p.named(t, modeNetworkType, "legacy")
	if comp.Inputs["existing"] != true || comp.Inputs["vpcId"] != "vpc-0a1b2c3d4e5f60718" || comp.Inputs["routeTablesDiscovered"] != false {
		t.Errorf("legacy component inputs = %v", comp.Inputs)
	}
	if got := fmt.Sprint(comp.Inputs["routeTableIds"]); got != "[rtb-0a1b2c3d4e5f60719 rtb-0a1b2c3d4e5f6071a]" {
		t.Errorf("legacy routeTableIds input = %s, want the configured tables, sorted", got)
	}
}

func TestExistingNetworkRoutesInGivenTables(t *testing.T) {
	p := planModes(t, modesConfig(t, existingYAML(givenTables)))
	want := []string{"trading-legacy-route-legacy-rtb-0a1b2c3d4e5f60719", "trading-legacy-route-legacy-rtb-0a1b2c3d4e5f6071a"}
	if got := p.names(modeRouteType, "legacy"); !slices.Equal(got, want) {
		t.Fatalf("legacy routes = %v, want %v", got, want)
	}
	pcx := p.named(t, modeAccepterType, "trading-legacy-accepter").ID
	for _, name := range want {
		r := p.named(t, modeRouteType, name)
		if r.Inputs["routeTableId"] != strings.TrimPrefix(name, "trading-legacy-route-legacy-") ||
			r.Inputs["destinationCidrBlock"] != "10.0.0.0/16" || r.Inputs["vpcPeeringConnectionId"] != pcx {
			t.Errorf("%s inputs = %v", name, r.Inputs)
		}
	}
	// trading's routes stay keyed by AZ ID.
	if got := p.names(modeRouteType, "trading"); !slices.Equal(got, []string{"trading-legacy-route-trading-use1-az1", "trading-legacy-route-trading-use1-az2"}) {
		t.Errorf("trading routes = %v", got)
	}
	if v, _ := p.output(t, "routeTableIds", "legacy"); fmt.Sprint(v) != "[rtb-0a1b2c3d4e5f60719 rtb-0a1b2c3d4e5f6071a]" {
		t.Errorf("routeTableIds[legacy] = %v", v)
	}
}

func TestExistingNetworkRoutesInDiscoveredTables(t *testing.T) {
	p := planModes(t, modesConfig(t, existingYAML("")))
	// The mocks' placeholder for vpc-0a1b2c3d4e5f60718's tables.
	const rtb = "rtb-discovered-0a1b2c3d4e5f60718"
	if got := p.names(modeRouteType, "legacy"); !slices.Equal(got, []string{"trading-legacy-route-legacy-" + rtb}) {
		t.Fatalf("legacy routes = %v", got)
	}
	if r := p.named(t, modeRouteType, "trading-legacy-route-legacy-"+rtb); r.Inputs["routeTableId"] != rtb {
		t.Errorf("route table = %v", r.Inputs["routeTableId"])
	}
	if comp := p.named(t, modeNetworkType, "legacy"); comp.Inputs["routeTablesDiscovered"] != true {
		t.Errorf("routeTablesDiscovered = %v", comp.Inputs["routeTablesDiscovered"])
	}
}

func TestExistingNetworkSecurityGroup(t *testing.T) {
	p := planModes(t, modesConfig(t, existingYAML(givenTables)))
	sg := p.named(t, modeSGType, "legacy-app-sg")
	if sg.Inputs["vpcId"] != "vpc-0a1b2c3d4e5f60718" || sg.Account != "legacy" {
		t.Errorf("legacy-app-sg in %v (account %s), want vpc-0a1b2c3d4e5f60718", sg.Inputs["vpcId"], sg.Account)
	}
	for _, name := range []string{"legacy-app-sg-in-443-trading", "legacy-app-sg-in-5432-trading"} {
		if r := p.named(t, modeIngressType, name); r.Inputs["cidrIpv4"] != "10.0.0.0/16" {
			t.Errorf("%s from %v", name, r.Inputs["cidrIpv4"])
		}
	}
	// No endpoints, so no prefix-list egress in the existing VPC.
	if got := p.names(modeEgressType, "legacy"); !slices.Equal(got, []string{"legacy-app-sg-out-443-trading", "legacy-app-sg-out-5432-trading"}) {
		t.Errorf("legacy egress rules = %v", got)
	}

	off := modesConfig(t, existingYAML(givenTables+"\n        securityGroup: false"))
	p = planModes(t, off)
	for _, typ := range []string{modeSGType, modeIngressType, modeEgressType} {
		if got := p.names(typ, "legacy"); len(got) > 0 {
			t.Errorf("securityGroup: false still created %s %v", typ, got)
		}
	}
	if _, ok := p.output(t, "securityGroupIds", "legacy"); ok {
		t.Error("securityGroupIds has legacy without a security group")
	}
}

func TestExistingNetworkOutputs(t *testing.T) {
	p := planModes(t, modesConfig(t, existingYAML(givenTables)))
	if v, ok := p.output(t, "vpcIds", "legacy"); !ok || v != "vpc-0a1b2c3d4e5f60718" {
		t.Errorf("vpcIds[legacy] = %v", v)
	}
	for _, key := range []string{"subnetIds", "naclIds", "endpointIds"} {
		if v, ok := p.output(t, key, "legacy"); ok {
			t.Errorf("%s[legacy] = %v, want absent", key, v)
		}
		if _, ok := p.output(t, key, "trading"); !ok {
			t.Errorf("%s[trading] is missing", key)
		}
	}
}

// Cross-region, cross-account: each provider in its network's region, the
// request names the accepter's region, the accepter and its DNS option use
// the accepter's provider.
func TestCrossRegionProviders(t *testing.T) {
	p := planModes(t, modesConfig(t, existingYAML(givenTables)))
	if got := p.provider("trading").Inputs["region"]; got != "us-east-1" {
		t.Errorf("trading provider region = %v", got)
	}
	if got := p.provider("legacy").Inputs["region"]; got != "eu-west-1" {
		t.Errorf("legacy provider region = %v", got)
	}
	conn := p.named(t, modePcxType, "trading-legacy-connection")
	if conn.Inputs["peerRegion"] != "eu-west-1" || conn.Inputs["peerOwnerId"] != "222222222222" || conn.Account != "trading" {
		t.Errorf("connection = %v (account %s)", conn.Inputs, conn.Account)
	}
	if acc := p.named(t, modeAccepterType, "trading-legacy-accepter"); acc.Account != "legacy" {
		t.Errorf("accepter account = %s", acc.Account)
	}
	if o := p.named(t, modeOptionsType, "trading-legacy-accepter-options"); o.Account != "legacy" {
		t.Errorf("accepter options account = %s", o.Account)
	}
}

// sameAccountYAML: two created networks in one account (same id and
// profile), the second in region.
func sameAccountYAML(region string) string {
	return `config:
  peerctl:environment: dev
  peerctl:region: us-east-1
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, azCount: 2, account: {id: "111111111111", profile: p}}
    - {name: risk, cidr: 10.1.0.0/16, costCenter: risk, azCount: 2, region: ` + region + `, account: {id: "111111111111", profile: p}}
  peerctl:peerings:
    - {requester: trading, accepter: risk}
`
}

// autoAccept works only within one account AND one region.
func TestSameAccountCrossRegionUsesAnAccepter(t *testing.T) {
	p := planModes(t, modesConfig(t, sameAccountYAML("us-west-2")))
	conn := p.named(t, modePcxType, "trading-risk-connection")
	if conn.Inputs["autoAccept"] == true || conn.Inputs["peerRegion"] != "us-west-2" {
		t.Errorf("connection = %v, want peerRegion us-west-2 and no autoAccept", conn.Inputs)
	}
	if acc := p.named(t, modeAccepterType, "trading-risk-accepter"); acc.Account != "risk" {
		t.Errorf("accepter account = %s, want risk", acc.Account)
	}
	// AZ alignment only within a region: each network gets its own
	// region's lowest AZ IDs.
	for net, want := range map[string][]string{"trading": {"use1-az1", "use1-az2"}, "risk": {"usw2-az1", "usw2-az2"}} {
		var got []string
		for _, r := range p.ofType(modeSubnetType) {
			if r.Account == net {
				got = append(got, fmt.Sprint(r.Inputs["availabilityZoneId"]))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s subnets in %v, want %v", net, got, want)
		}
	}

	same := planModes(t, modesConfig(t, sameAccountYAML("us-east-1")))
	if conn := same.named(t, modePcxType, "trading-risk-connection"); conn.Inputs["autoAccept"] != true {
		t.Errorf("same account and region: autoAccept = %v, want true", conn.Inputs["autoAccept"])
	}
	if got := same.ofType(modeAccepterType); len(got) != 0 {
		t.Errorf("same account and region: accepters %v", got)
	}
}

// partnerConfig is trading alone (us-east-1, 111111111111) with one
// one-sided peering.
func partnerConfig(t *testing.T, p config.Peering) *config.Config {
	cfg := modesConfig(t, `config:
  peerctl:environment: dev
  peerctl:region: us-east-1
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, azCount: 2, account: {id: "111111111111", profile: trading-dev}}
    - {name: other, cidr: 10.1.0.0/16, costCenter: other, azCount: 2, account: {id: "111111111111", profile: trading-dev}}
  peerctl:peerings:
    - {requester: trading, accepter: other}
`)
	// Validation accepts one-sided peerings on the config branch; until
	// then, the configuration is built here.
	cfg.Networks = cfg.Networks[:1]
	cfg.Peerings = []config.Peering{p}
	return cfg
}

var accepterOnly = config.Peering{Accepter: "trading", ConnectionID: "pcx-0123456789abcdef0",
	PeerAccountID: "333333333333", PeerCIDR: netip.MustParsePrefix("172.31.0.0/16"), PeerName: "market-data", PeerNACLSlot: 7}

var requesterOnly = config.Peering{Requester: "trading", PeerVPCID: "vpc-0fedcba9876543210",
	PeerAccountID: "333333333333", PeerCIDR: netip.MustParsePrefix("192.168.0.0/16"), PeerRegion: "us-west-2",
	PeerName: "clearing", PeerNACLSlot: 8}

func TestAccepterOnly(t *testing.T) {
	p := planModes(t, partnerConfig(t, accepterOnly))
	if got := p.ofType(modePcxType); len(got) != 0 {
		t.Errorf("accepter-only created a connection: %v", got[0].Name)
	}
	acc := p.named(t, modeAccepterType, "market-data-trading-accepter")
	if acc.Inputs["vpcPeeringConnectionId"] != "pcx-0123456789abcdef0" || acc.Inputs["autoAccept"] != true || acc.Account != "trading" {
		t.Errorf("accepter = %v (account %s)", acc.Inputs, acc.Account)
	}
	if got := p.names(modeOptionsType, "trading"); !slices.Equal(got, []string{"market-data-trading-accepter-options"}) {
		t.Errorf("options = %v, want only our accepter side", got)
	}
	opts := p.named(t, modeOptionsType, "market-data-trading-accepter-options")
	if _, has := opts.Inputs["requester"]; has {
		t.Errorf("accepter options set the partner's requester side: %v", opts.Inputs)
	}
	routes := []string{"market-data-trading-route-trading-use1-az1", "market-data-trading-route-trading-use1-az2"}
	if got := p.names(modeRouteType, "trading"); !slices.Equal(got, routes) {
		t.Fatalf("routes = %v, want %v", got, routes)
	}
	for _, name := range routes {
		r := p.named(t, modeRouteType, name)
		if r.Inputs["destinationCidrBlock"] != "172.31.0.0/16" || r.Inputs["vpcPeeringConnectionId"] != "pcx-0123456789abcdef0" {
			t.Errorf("%s = %v", name, r.Inputs)
		}
	}
	if r := p.named(t, modeIngressType, "trading-app-sg-in-443-market-data"); r.Inputs["cidrIpv4"] != "172.31.0.0/16" {
		t.Errorf("SG rule from %v", r.Inputs["cidrIpv4"])
	}
	if v, _ := p.output(t, "peeringConnectionIds", "market-data-trading"); v != "pcx-0123456789abcdef0" {
		t.Errorf("peeringConnectionIds = %v", v)
	}
	if v, _ := p.output(t, "peeringModes", "market-data-trading"); v != "accepter-only" {
		t.Errorf("peeringModes = %v", v)
	}
}

func TestRequesterOnly(t *testing.T) {
	p := planModes(t, partnerConfig(t, requesterOnly))
	if got := p.ofType(modeAccepterType); len(got) != 0 {
		t.Errorf("requester-only created an accepter: %v", got[0].Name)
	}
	conn := p.named(t, modePcxType, "trading-clearing-connection")
	vpc := p.named(t, modeVpcType, "trading-vpc").ID
	want := map[string]any{"vpcId": vpc, "peerVpcId": "vpc-0fedcba9876543210", "peerOwnerId": "333333333333", "peerRegion": "us-west-2"}
	for k, v := range want {
		if conn.Inputs[k] != v {
			t.Errorf("connection %s = %v, want %v", k, conn.Inputs[k], v)
		}
	}
	if _, has := conn.Inputs["autoAccept"]; has {
		t.Errorf("requester-only sets autoAccept: %v", conn.Inputs["autoAccept"])
	}
	if conn.Account != "trading" {
		t.Errorf("connection account = %s", conn.Account)
	}
	// Offline the partner has not accepted: no DNS option yet.
	if got := p.ofType(modeOptionsType); len(got) != 0 {
		t.Errorf("options before acceptance: %v", got[0].Name)
	}
	routes := []string{"trading-clearing-route-trading-use1-az1", "trading-clearing-route-trading-use1-az2"}
	if got := p.names(modeRouteType, "trading"); !slices.Equal(got, routes) {
		t.Fatalf("routes = %v, want %v", got, routes)
	}
	for _, name := range routes {
		if r := p.named(t, modeRouteType, name); r.Inputs["destinationCidrBlock"] != "192.168.0.0/16" || r.Inputs["vpcPeeringConnectionId"] != conn.ID {
			t.Errorf("%s = %v", name, r.Inputs)
		}
	}
	if v, _ := p.output(t, "peeringConnectionIds", "trading-clearing"); v != conn.ID {
		t.Errorf("peeringConnectionIds = %v, want the requested connection %s", v, conn.ID)
	}
	if v, _ := p.output(t, "peeringStatuses", "trading-clearing"); v != "pending-acceptance" {
		t.Errorf("peeringStatuses = %v", v)
	}
}

// A stack of both-sided peerings keeps its outputs as they were.
func TestNoPeeringModesOutputWhenBothSided(t *testing.T) {
	p := planModes(t, modesConfig(t, sameAccountYAML("us-east-1")))
	if v, ok := p.outputs["peeringModes"]; ok {
		t.Errorf("peeringModes = %v on a both-sided stack", v)
	}
}
