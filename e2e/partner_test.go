package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A partner (account 333333333333) with a VPC of its own, which requests
// a connection to the trading VPC once the stack has created it.
const (
	partnerVPC  = "vpc-0fedcba9876543210"
	partnerPcx  = "pcx-0123456789abcdef0"
	partnerCIDR = "172.31.0.0/16"
)

// accepterOnlyPeering accepts the partner's connection on trading.
const accepterOnlyPeering = `    - accepter: trading
      connectionId: ` + partnerPcx + `
      peerAccountId: "333333333333"
      peerCidr: ` + partnerCIDR + `
      peerName: market-data
`

// TestAccepterOnlyThroughTheEngine: the dev stack is deployed; a partner
// then requests a connection to its trading VPC, and the stack adds an
// accepter-only peering for it. up accepts the partner's connection with
// trading's provider (creating no connection of its own), adds routes
// toward peerCidr in every trading route table only after accepting (no
// blackhole), and changes nothing that existed. Removing the peering
// leaves the partner's connection, active, for its requester to delete;
// until it is deleted, destroy cannot delete trading's VPC.
func TestAccepterOnlyThroughTheEngine(t *testing.T) {
	e := newEnv(t)
	stackFile := e.copyRepoFile("Pulumi.dev.yaml", "Pulumi.dev.yaml")
	original, err := os.ReadFile(stackFile)
	if err != nil {
		t.Fatal(err)
	}
	e.must("up", "--config", "Pulumi.dev.yaml")
	r := e.must("outputs", "--config", "Pulumi.dev.yaml", "--json")
	var outputs struct {
		VpcIDs map[string]string `json:"vpcIds"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &outputs); err != nil {
		t.Fatalf("outputs --json: %v\n%s", err, r)
	}
	tradingVPC := outputs.VpcIDs["trading"]
	if !strings.HasPrefix(tradingVPC, "vpc-") {
		t.Fatalf("vpcIds.trading = %q", tradingVPC)
	}

	// The partner requests a connection from its VPC to trading's.
	seeds := []*worldResource{
		{Type: typeVpc, ID: partnerVPC, Account: "333333333333", Region: "us-east-1", Outputs: map[string]any{"cidrBlock": partnerCIDR}},
		{Type: typeConnection, ID: partnerPcx, Account: "333333333333", Region: "us-east-1", Outputs: map[string]any{
			"vpcId": partnerVPC, "peerVpcId": tradingVPC, "peerOwnerId": "111111111111", "acceptStatus": "pending-acceptance",
			"tags": map[string]any{"Name": "market-data-to-trading"}}},
	}
	e.seedAWS(t, seeds...)

	salt := saltLines(t, stackFile)
	before := len(e.journal())

	// A peerAccountId that is not the requester's: the pre-flight check
	// refuses to accept, before the engine changes anything.
	wrongAccount := strings.Replace(accepterOnlyPeering, `peerAccountId: "333333333333"`, `peerAccountId: "444444444444"`, 1)
	writeFile(t, stackFile, string(original)+wrongAccount+salt)
	r = e.run("up", "--config", "Pulumi.dev.yaml")
	if want := "peering connection " + partnerPcx + " was requested by account 333333333333, but peerctl:peerings[1].peerAccountId says 444444444444"; r.code == 0 || !strings.Contains(r.stdout+r.stderr, want) {
		t.Errorf("accepting a connection from an unexpected account should be refused with %q:\n%s", want, r)
	}
	if n := len(e.journal()); n != before {
		t.Errorf("the refused up made %d AWS operations", n-before)
	}

	writeFile(t, stackFile, string(original)+accepterOnlyPeering+salt)
	r = e.must("preview", "--config", "Pulumi.dev.yaml")
	if strings.Contains(r.stdout, "to delete") && !strings.Contains(r.stdout, "0 to delete") {
		t.Errorf("adding an accepter-only peering plans deletes:\n%s", r)
	}
	r = e.must("up", "--config", "Pulumi.dev.yaml")
	added := e.journal()[before:]
	if n := ops(t, added); n["create"] == 0 || n["delete"] != 0 {
		t.Fatalf("adding an accepter-only peering: stand-in operations %v, want creates (and updates) and no delete\n%s", n, r)
	}
	for _, je := range added {
		if je.Op == "update" {
			t.Logf("in-place update of %s", je.URN)
		}
	}

	state := e.stackState("dev")
	for _, c := range ofType(state, typeConnection) {
		if c.ID == partnerPcx {
			t.Errorf("the stack holds the partner's connection as its own: %s", c.URN)
		}
	}
	var accepters []stateResource
	for _, a := range ofType(state, typeAccepter) {
		if a.in("vpcPeeringConnectionId") == partnerPcx {
			accepters = append(accepters, a)
		}
	}
	if len(accepters) != 1 || accepters[0].network() != "trading" {
		t.Fatalf("accepters of %s: %v, want one with trading's provider", partnerPcx, accepters)
	}
	if got := e.worldResources(); got.status(got.find(typeConnection, partnerPcx)) != "active" {
		t.Errorf("the partner's connection is not active after up")
	}

	// Routes toward peerCidr through the partner's connection, one in
	// each of trading's route tables, and none in analytics.
	tradingTables := map[string]bool{}
	for _, rt := range ofType(ofNetwork(state, "trading"), typeRouteTable) {
		tradingTables[rt.ID] = true
	}
	routed := map[string]bool{}
	for _, route := range ofType(state, typeRoute) {
		if route.in("destinationCidrBlock") != partnerCIDR {
			continue
		}
		if route.network() != "trading" || !tradingTables[route.in("routeTableId")] || route.in("vpcPeeringConnectionId") != partnerPcx {
			t.Errorf("route %s: network %s, table %s, through %s; want trading's tables through %s",
				route.URN, route.network(), route.in("routeTableId"), route.in("vpcPeeringConnectionId"), partnerPcx)
		}
		routed[route.in("routeTableId")] = true
	}
	if len(tradingTables) == 0 || len(routed) != len(tradingTables) {
		t.Errorf("routes to %s in %d of trading's %d route tables", partnerCIDR, len(routed), len(tradingTables))
	}
	// Our side's DNS option only: the requester's side is the partner's.
	for _, opt := range ofType(state, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions") {
		if opt.in("vpcPeeringConnectionId") != partnerPcx {
			continue
		}
		if _, ok := opt.Inputs["requester"]; ok || opt.network() != "trading" {
			t.Errorf("%s: with %s's provider, inputs %v; want only the accepter's option, with trading's provider", opt.URN, opt.network(), opt.Inputs)
		}
	}
	// The security group and the NACL admit the partner's CIDR.
	if !anyInput(state, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cidrIpv4", partnerCIDR) {
		t.Errorf("no security group rule admits %s", partnerCIDR)
	}
	if !naclAdmits(state, "trading", partnerCIDR, "ingress") || !naclAdmits(state, "trading", partnerCIDR, "egress") {
		t.Errorf("trading's NACL has no ingress or no egress entry for %s", partnerCIDR)
	}
	untouchedSeeds(t, e, seeds)

	// The peering removed from the stack: our side of it goes, the
	// partner's connection stays, active (the accepter is only forgotten).
	writeFile(t, stackFile, string(original)+salt)
	before = len(e.journal())
	e.must("up", "--config", "Pulumi.dev.yaml")
	if n := ops(t, e.journal()[before:]); n["create"] != 0 || n["delete"] == 0 {
		t.Errorf("removing the accepter-only peering: stand-in operations %v, want deletes (and updates) only", n)
	}
	for _, res := range e.stackState("dev") {
		if res.in("vpcPeeringConnectionId") == partnerPcx || res.in("destinationCidrBlock") == partnerCIDR || res.in("cidrIpv4") == partnerCIDR || res.in("cidrBlock") == partnerCIDR {
			t.Errorf("after removing the peering the stack still has %s", res.URN)
		}
	}
	if naclAdmits(e.stackState("dev"), "trading", partnerCIDR, "ingress") {
		t.Errorf("after removing the peering trading's NACL still admits %s", partnerCIDR)
	}
	if w := e.worldResources(); w.status(w.find(typeConnection, partnerPcx)) != "active" {
		t.Errorf("removing the peering changed the partner's connection: %v", w.find(typeConnection, partnerPcx))
	}
	untouchedSeeds(t, e, seeds)

	// destroy while the partner's connection is active: AWS refuses to
	// delete a VPC a peering connection still uses (DependencyViolation;
	// the Terraform provider retries until its timeout,
	// hashicorp/terraform-provider-aws#3118), and peerctl does not delete
	// the partner's connection. The destroy stops at the VPC, naming it.
	r = e.run("destroy", "--config", "Pulumi.dev.yaml", "--yes")
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "DependencyViolation") || !strings.Contains(r.stdout+r.stderr, partnerPcx) {
		t.Errorf("destroy with the partner's connection still active should stop at trading's VPC, naming the connection:\n%s", r)
	}
	if w := e.worldResources(); w.find(typeVpc, tradingVPC) == nil {
		t.Error("trading's VPC was deleted under the partner's active connection")
	}

	// Once the partner deleted its connection, destroy completes.
	e.deleteSeeded(t, partnerPcx)
	e.must("destroy", "--config", "Pulumi.dev.yaml", "--yes")
	if left := createdLeft(e); len(left) != 0 {
		t.Errorf("after destroy these the stack created still exist: %v", left)
	}
	untouchedSeeds(t, e, seeds)
}

// anyInput reports whether a resource of typ has input key = value.
func anyInput(resources []stateResource, typ, key, value string) bool {
	for _, r := range ofType(resources, typ) {
		if r.in(key) == value {
			return true
		}
	}
	return false
}

// naclAdmits reports whether network's NACL has an entry in direction
// (ingress, egress) for cidr: peerctl writes the entries inline.
func naclAdmits(resources []stateResource, network, cidr, direction string) bool {
	for _, acl := range ofType(ofNetwork(resources, network), "aws:ec2/networkAcl:NetworkAcl") {
		entries, _ := acl.Inputs[direction].([]any)
		for _, x := range entries {
			if m, ok := x.(map[string]any); ok && m["cidrBlock"] == cidr {
				return true
			}
		}
	}
	return false
}
