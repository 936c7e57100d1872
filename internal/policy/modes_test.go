package policy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
)

// This file covers the issue-12 rules (EXIST-*, PARTNER-*) on the real dev
// and prod plans: withPartners adds, by hand, what the program plans for an
// accepter-only and a requester-only peering of trading (see
// examples/partner), and the mutations below break one rule each.

const (
	partnerConnection = "pcx-0123456789abcdef0"
	partnerVPC        = "vpc-0fedcba9876543210"
)

// clone copies the first resource of type typ for which match holds, giving
// it a new name (and URN), parent and network.
func clone(tb testing.TB, d doc, typ string, match func(map[string]any) bool, name, parent, network string) map[string]any {
	tb.Helper()
	src := first(tb, d, typ, match)
	c := decodeDoc(src)
	urn := fmt.Sprint(c["urn"])
	c["urn"] = urn[:strings.LastIndex(urn, "::")+2] + name
	c["name"], c["parent"], c["account"] = name, parent, network
	for _, v := range ofType(d, vpcT) {
		if v["account"] == network {
			c["provider"] = v["provider"]
		}
	}
	return c
}

func peeringURN(d doc, name string) string {
	return fmt.Sprintf("urn:pulumi:%s::peerctl::peerctl:peering:Peering::%s", d["stack"], name)
}

// withPartners adds to d the summaries and resources of two one-sided
// peerings of trading: market-data-trading accepts the partner's
// connection (accepter, accepter DNS option, a route), trading-clearing
// requests one toward the partner's VPC in us-west-2 (the connection only;
// its DNS option and routes wait for acceptance).
func withPartners(tb testing.TB, d doc) doc {
	tb.Helper()
	d = decodeDoc(d)
	peerings, _ := d["peerings"].([]any)
	d["peerings"] = append(peerings,
		map[string]any{"name": "market-data-trading", "mode": "accepter-only", "accepter": "trading", "crossRegion": false,
			"partner": map[string]any{"name": "market-data", "cidr": "172.31.0.0/16", "region": d["region"], "accountId": "333333333333", "connectionId": partnerConnection}},
		map[string]any{"name": "trading-clearing", "mode": "requester-only", "requester": "trading", "crossRegion": true,
			"partner": map[string]any{"name": "clearing", "cidr": "192.168.0.0/16", "region": "us-west-2", "accountId": "333333333333", "vpcId": partnerVPC}},
	)
	accepting := peeringURN(d, "market-data-trading")
	acc := clone(tb, d, accepterT, nil, "market-data-trading-accepter", accepting, "trading")
	acc["id"] = partnerConnection
	inputs(acc)["vpcPeeringConnectionId"] = partnerConnection
	opts := clone(tb, d, optionsT, has("accepter"), "market-data-trading-accepter-options", accepting, "trading")
	opts["id"] = partnerConnection
	inputs(opts)["vpcPeeringConnectionId"] = partnerConnection
	route := clone(tb, d, routeT, equals("destinationCidrBlock", "10.1.0.0/16"), "market-data-trading-route-trading-use1-az1", accepting, "trading")
	inputs(route)["destinationCidrBlock"], inputs(route)["vpcPeeringConnectionId"] = "172.31.0.0/16", partnerConnection

	req := clone(tb, d, connT, nil, "trading-clearing-connection", peeringURN(d, "trading-clearing"), "trading")
	req["id"] = "pcx-0c1ea41a9000000000"
	in := inputs(req)
	in["peerVpcId"], in["peerOwnerId"], in["peerRegion"] = partnerVPC, "333333333333", "us-west-2"
	delete(in, "autoAccept")
	add(d, acc, opts, route, req)
	return decodeDoc(d)
}

// markExisting makes network name an existing VPC in d's summaries.
func markExisting(d doc, name string, flowLogs bool) {
	for _, n := range d["networks"].([]any) {
		if n := n.(map[string]any); n["name"] == name {
			n["existing"] = map[string]any{"vpcId": "vpc-0a1b2c3d4e5f60718", "routeTableIds": []any{}, "routeTablesDiscovered": true,
				"securityGroup": true, "flowLogs": flowLogs}
		}
	}
}

// partnerPeering returns the summary of the one-sided peering name.
func partnerPeering(tb testing.TB, d doc, name string) map[string]any {
	tb.Helper()
	for _, p := range d["peerings"].([]any) {
		if p := p.(map[string]any); p["name"] == name {
			return p
		}
	}
	tb.Fatalf("no peering %s", name)
	return nil
}

// namedResource is the resource called name.
func namedResource(tb testing.TB, d doc, name string) map[string]any {
	tb.Helper()
	for _, x := range resources(d) {
		if r := x.(map[string]any); r["name"] == name {
			return r
		}
	}
	tb.Fatalf("no resource %s", name)
	return nil
}

// modeMutations break the issue-12 rules; they run in TestMutations with
// the others, and each starts from the plan plus withPartners, which
// TestPartnerPlans checks is clean.
var modeMutations = []struct {
	rule   string
	also   []string
	mutate func(tb testing.TB, d doc)
}{
	// The analytics network declared existing while the plan still builds
	// its VPC: what happens when the program ignores existing.
	{"EXIST-001", nil, func(tb testing.TB, d doc) { markExisting(d, "analytics", true) }},
	{"EXIST-002", []string{"EXIST-001"}, func(tb testing.TB, d doc) { markExisting(d, "analytics", false) }},
	{"PARTNER-001", nil, func(tb testing.TB, d doc) {
		inputs(namedResource(tb, d, "market-data-trading-accepter"))["vpcPeeringConnectionId"] = "pcx-0123456789abcdef1"
	}},
	{"PARTNER-002", nil, func(tb testing.TB, d doc) { drop(d, namedResource(tb, d, "market-data-trading-accepter-options")) }},
	{"PARTNER-003", nil, func(tb testing.TB, d doc) {
		inputs(namedResource(tb, d, "trading-clearing-connection"))["peerOwnerId"] = "222222222222"
	}},
	{"PARTNER-004", nil, func(tb testing.TB, d doc) {
		inputs(namedResource(tb, d, "market-data-trading-route-trading-use1-az1"))["destinationCidrBlock"] = "172.16.0.0/12"
	}},
	{"PARTNER-005", nil, func(tb testing.TB, d doc) {
		partnerPeering(tb, d, "market-data-trading")["partner"].(map[string]any)["cidr"] = "0.0.0.0/0"
	}},
}

func init() {
	for _, m := range modeMutations {
		mutate := m.mutate
		mutations = append(mutations, struct {
			rule   string
			also   []string
			mutate func(tb testing.TB, d doc)
		}{m.rule, m.also, func(tb testing.TB, d doc) {
			with := withPartners(tb, d)
			mutate(tb, with)
			for k := range d {
				delete(d, k)
			}
			for k, v := range with {
				d[k] = v
			}
		}})
	}
}

// TestPartnerPlans checks that the dev and prod plans with the one-sided
// peerings added as the program plans them have no finding, so the
// mutations above fail for the rule they break and nothing else.
func TestPartnerPlans(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			if fs := evaluate(t, withPartners(t, completePlan(t, stack))); len(fs) > 0 {
				t.Errorf("findings:%s", describe(fs))
			}
		})
	}
}

// TestExamplePlans evaluates examples/existing-vpc and examples/partner,
// which must have no finding.
func TestExamplePlans(t *testing.T) {
	for _, ex := range []string{"existing-vpc", "partner"} {
		t.Run(ex, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "examples", ex, "Pulumi.dev.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := config.ParseStackYAML(b)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(raw, noEnv)
			if err != nil {
				t.Fatal(err)
			}
			d, err := plan.Build(cfg, "dev")
			if err != nil {
				t.Fatal(err)
			}
			if fs := evaluate(t, decode(t, d)); len(fs) > 0 {
				t.Errorf("findings:%s", describe(fs))
			}
		})
	}
}
