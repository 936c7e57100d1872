package e2e

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// An existing VPC in another account and region (eu-west-1), with its two
// route tables, and a VPC beside it in the same account and region that
// the stack does not name.
const (
	legacyVPC     = "vpc-0a1b2c3d4e5f60718"
	legacyMainRtb = "rtb-0a1b2c3d4e5f60719"
	legacyRtb     = "rtb-0a1b2c3d4e5f6071a"
	otherVPC      = "vpc-0b1b2c3d4e5f60718"
	otherRtb      = "rtb-0b1b2c3d4e5f60719"
)

// existingStack peers a new trading VPC (us-east-1) with the existing
// legacy VPC; its route tables are not listed, so every route table of the
// VPC gets routes, discovered at preview/up.
const existingStack = `config:
  peerctl:environment: dev
  peerctl:region: us-east-1
  peerctl:networks:
    - name: trading
      cidr: 10.0.0.0/16
      costCenter: trading
      account:
        id: "111111111111"
        profile: trading-dev
    - name: legacy
      cidr: 10.20.0.0/16
      costCenter: analytics
      region: eu-west-1
      existing:
        vpcId: ` + legacyVPC + `
      account:
        id: "222222222222"
        profile: analytics-dev
  peerctl:peerings:
    - requester: trading
      accepter: legacy
`

func legacySeeds() []*worldResource {
	const account, region = "222222222222", "eu-west-1"
	return []*worldResource{
		{Type: typeVpc, ID: legacyVPC, Account: account, Region: region, Outputs: map[string]any{
			"cidrBlock": "10.20.0.0/16", "mainRouteTableId": legacyMainRtb, "tags": map[string]any{"Name": "legacy"}}},
		{Type: typeRouteTable, ID: legacyMainRtb, Account: account, Region: region, Outputs: map[string]any{"vpcId": legacyVPC}},
		{Type: typeRouteTable, ID: legacyRtb, Account: account, Region: region, Outputs: map[string]any{
			"vpcId": legacyVPC, "routes": []any{map[string]any{"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-0a1b2c3d4e5f60718"}}}},
		{Type: typeVpc, ID: otherVPC, Account: account, Region: region, Outputs: map[string]any{"cidrBlock": "10.30.0.0/16", "mainRouteTableId": otherRtb}},
		{Type: typeRouteTable, ID: otherRtb, Account: account, Region: region, Outputs: map[string]any{"vpcId": otherVPC}},
	}
}

// notForExisting are the types peerctl creates for a network it builds and
// must never create (or adopt) for an existing one.
var notForExisting = []string{
	typeVpc, "aws:ec2/subnet:Subnet", typeRouteTable, "aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ec2/networkAcl:NetworkAcl", "aws:ec2/networkAclRule:NetworkAclRule", "aws:ec2/vpcEndpoint:VpcEndpoint",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
	"aws:ec2/defaultRouteTable:DefaultRouteTable", "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
}

// TestExistingVPCThroughTheEngine: a stack of a new network and an
// existing VPC in another account and region, through preview, up, a
// second preview and destroy. Nothing is created or adopted in the
// existing VPC but the routes (in every route table of that VPC, found
// by the program at run time, and none in the VPC beside it), the
// application security group and the flow log; the accepter and its
// options act in the existing VPC's region; destroy removes what the
// stack created and leaves the VPC and its route tables as they were.
func TestExistingVPCThroughTheEngine(t *testing.T) {
	e := newEnv(t)
	writeFile(t, filepath.Join(e.dir, "Pulumi.dev.yaml"), existingStack)
	seeds := legacySeeds()
	e.seedAWS(t, seeds...)

	r := e.must("preview", "--config", "Pulumi.dev.yaml")
	if n := ops(t, e.journal()); n["create"]+n["update"]+n["delete"] != 0 {
		t.Fatalf("preview changed AWS: %v\n%s", n, r)
	}

	r = e.must("up", "--config", "Pulumi.dev.yaml")
	// The pre-flight check lists the discovered route tables before any
	// change, and only the existing VPC's.
	if want := "discovered now: " + legacyMainRtb + ", " + legacyRtb + "\n"; !strings.Contains(r.stdout+r.stderr, want) {
		t.Errorf("up does not list the discovered route tables (%q):\n%s", want, r)
	}
	created := ops(t, e.journal())
	if created["create"] == 0 || created["update"] != 0 || created["delete"] != 0 {
		t.Fatalf("fresh up: stand-in operations %v, want creates only\n%s", created, r)
	}
	state := e.stackState("dev")

	// The providers: each network's in its own region.
	if got := providerInputs(t, state, "legacy")["region"]; got != "eu-west-1" {
		t.Errorf("legacy's provider region = %v, want eu-west-1", got)
	}
	if got := providerInputs(t, state, "trading")["region"]; got != "us-east-1" {
		t.Errorf("trading's provider region = %v, want us-east-1", got)
	}

	legacy := ofNetwork(state, "legacy")
	for _, res := range legacy {
		if slices.Contains(notForExisting, res.Type) {
			t.Errorf("the existing network got %s %s (id %s): peerctl must not create or adopt it", res.Type, res.URN, res.ID)
		}
	}

	// Routes to trading in both route tables of the existing VPC, named
	// by route table id, and nowhere else in that account.
	var tables []string
	for _, route := range ofType(legacy, typeRoute) {
		tables = append(tables, route.in("routeTableId"))
		if route.in("destinationCidrBlock") != "10.0.0.0/16" {
			t.Errorf("%s: destination %q, want trading's 10.0.0.0/16", route.URN, route.in("destinationCidrBlock"))
		}
		if !strings.HasSuffix(route.name(), "-route-legacy-"+route.in("routeTableId")) {
			t.Errorf("%s: a route in an existing VPC is named by its route table id (<peering>-route-legacy-<rtb>)", route.URN)
		}
	}
	sort.Strings(tables)
	if want := []string{legacyMainRtb, legacyRtb}; !slices.Equal(tables, want) {
		t.Errorf("routes in the existing VPC's tables %v, want every table of %s: %v", tables, legacyVPC, want)
	}

	// The application security group, in the existing VPC.
	sgs := ofType(legacy, "aws:ec2/securityGroup:SecurityGroup")
	if len(sgs) != 1 || sgs[0].in("vpcId") != legacyVPC {
		t.Errorf("security groups of legacy: %v, want one in %s", sgs, legacyVPC)
	}
	// The accepter and the accepter's DNS option, with legacy's provider.
	if acc := ofType(legacy, typeAccepter); len(acc) != 1 {
		t.Errorf("accepters with legacy's provider: %v, want one", acc)
	}
	for _, opt := range ofType(state, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions") {
		_, accepterSide := opt.Inputs["accepter"]
		if accepterSide != (opt.network() == "legacy") {
			t.Errorf("%s with %s's provider sets accepter options: %t; each side's options belong to that side's provider", opt.URN, opt.network(), accepterSide)
		}
	}
	// Flow logs (existing.flowLogs defaults to true) of the existing VPC.
	flowLogs := ofType(legacy, typeFlowLog)
	if len(flowLogs) == 0 {
		t.Errorf("legacy has no flow log")
	}
	for _, fl := range flowLogs {
		if fl.in("vpcId") != legacyVPC {
			t.Errorf("%s: flow log of %q, want the existing VPC %s", fl.URN, fl.in("vpcId"), legacyVPC)
		}
	}
	// trading is built as ever: its routes to legacy go through the
	// connection the legacy side accepted.
	if routes := ofType(ofNetwork(state, "trading"), typeRoute); len(routes) == 0 {
		t.Error("trading has no routes")
	} else {
		for _, route := range routes {
			if route.in("destinationCidrBlock") != "10.20.0.0/16" {
				t.Errorf("%s: destination %q, want legacy's 10.20.0.0/16", route.URN, route.in("destinationCidrBlock"))
			}
		}
	}
	untouchedSeeds(t, e, seeds)

	// Nothing to do: the discovered tables are the same at the next run.
	before := len(e.journal())
	r = e.must("preview", "--config", "Pulumi.dev.yaml")
	if !strings.Contains(r.stdout, "0 to create, 0 to update, 0 to delete") {
		t.Errorf("preview of an unchanged stack with an existing VPC plans changes:\n%s", r)
	}
	if after := e.journal(); len(after) != before {
		t.Errorf("the second preview made %d stand-in operations: %v", len(after)-before, after[before:])
	}

	before = len(e.journal())
	e.must("destroy", "--config", "Pulumi.dev.yaml", "--yes")
	if n := ops(t, e.journal()[before:]); n["delete"] == 0 || n["create"] != 0 {
		t.Errorf("destroy: stand-in operations %v", n)
	}
	if left := createdLeft(e); len(left) != 0 {
		t.Errorf("after destroy these the stack created still exist: %v", left)
	}
	untouchedSeeds(t, e, seeds)
}

// TestExistingVPCPreflightRefusals: an existing VPC with DNS hostnames off
// and a flow log the stack did not create is refused by up before the
// engine changes anything, each problem named with its fix.
func TestExistingVPCPreflightRefusals(t *testing.T) {
	e := newEnv(t)
	writeFile(t, filepath.Join(e.dir, "Pulumi.dev.yaml"), existingStack)
	seeds := legacySeeds()
	seeds[0].Outputs["enableDnsHostnames"] = false
	seeds = append(seeds, &worldResource{Type: typeFlowLog, ID: "fl-0a1b2c3d4e5f60718", Account: "222222222222", Region: "eu-west-1",
		Outputs: map[string]any{"vpcId": legacyVPC, "logDestinationType": "s3", "logDestination": "arn:aws:s3:::legacy-own-flow-logs"}})
	e.seedAWS(t, seeds...)

	r := e.run("up", "--config", "Pulumi.dev.yaml")
	out := r.stdout + r.stderr
	for _, want := range []string{
		"pre-flight check (2 problems, nothing was changed)",
		"VPC " + legacyVPC + " has enableDnsHostnames off",
		"aws ec2 modify-vpc-attribute --vpc-id " + legacyVPC + " --enable-dns-hostnames '{\"Value\":true}' --region eu-west-1 --profile analytics-dev",
		"already has flow logs that this stack did not create: fl-0a1b2c3d4e5f60718 (s3 to arn:aws:s3:::legacy-own-flow-logs)",
		"peerctl:networks[1].existing.flowLogs: false",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("up should refuse with %q:\n%s", want, r)
		}
	}
	if r.code == 0 {
		t.Errorf("up succeeded:\n%s", r)
	}
	if n := ops(t, e.journal()); n["create"]+n["update"]+n["delete"] != 0 {
		t.Errorf("the refused up changed AWS: %v", n)
	}
}
