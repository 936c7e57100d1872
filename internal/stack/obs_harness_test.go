package stack_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/network"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/stack"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// A harness that runs defineObservability alone, under the plan's mocks,
// on networks built by hand: every network has only the VpcID the
// contract promises (no Vpc, no subnets), as an existing network does, and
// a provider in its own region, so the mocks' ARNs carry that region. It
// tests what this package's observability code does with each network's
// region, existing VPCs and partners, independently of how the rest of the
// program builds networks and peerings.

// obsResource is one registration seen by the harness.
type obsResource struct {
	Type, Name string
	// Account is the network whose provider the resource uses.
	Account string
	Inputs  map[string]any
}

type obsRun struct {
	Resources []obsResource
	Outputs   map[string]any
}

// recordingMocks records every registration on top of the plan's mocks.
type recordingMocks struct {
	*plan.Mocks
	mu  sync.Mutex
	got []obsResource
}

func (m *recordingMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := m.Mocks.NewResource(args)
	if err != nil {
		return id, state, err
	}
	account := ""
	if parts := strings.Split(args.Provider, "::"); len(parts) >= 2 {
		account = parts[len(parts)-2]
	}
	inputs := args.Inputs.Mappable()
	// JSON strings (policies, dashboard bodies) are compared as documents.
	for k, v := range inputs {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "{") {
			var doc any
			if json.Unmarshal([]byte(s), &doc) == nil {
				inputs[k] = doc
			}
		}
	}
	m.mu.Lock()
	m.got = append(m.got, obsResource{Type: args.TypeToken, Name: args.Name, Account: account, Inputs: inputs})
	m.mu.Unlock()
	return id, state, nil
}

// harnessVpcID is the VPC id the harness gives a created network.
func harnessVpcID(n config.Network) string {
	if n.IsExisting() {
		return n.Existing.VPCID
	}
	return "vpc-" + n.Name
}

// runObservability registers the observability of cfg's networks.
func runObservability(t *testing.T, cfg *config.Config) *obsRun {
	t.Helper()
	mocks := &recordingMocks{Mocks: plan.NewMocks(plan.Project, "test")}
	var (
		mu  sync.Mutex
		out map[string]any
	)
	program := func(ctx *pulumi.Context) error {
		r := &stack.Result{Accounts: map[string]*stack.Account{}, Networks: map[string]*network.Network{}, Outputs: pulumi.Map{}}
		for _, n := range cfg.Networks {
			p, err := aws.NewProvider(ctx, n.Name, &aws.ProviderArgs{
				Region:            pulumi.String(n.Region),
				AllowedAccountIds: pulumi.ToStringArray([]string{n.Account.ExpectedID()}),
			})
			if err != nil {
				return err
			}
			r.Accounts[n.Name] = &stack.Account{Provider: p, ID: n.Account.ExpectedID()}
			r.Networks[n.Name] = &network.Network{Name: n.Name, CIDR: n.CIDR, VpcID: pulumi.String(harnessVpcID(n)).ToStringOutput()}
		}
		if err := stack.DefineObservability(ctx, cfg, r); err != nil {
			return err
		}
		r.Outputs.ToMapOutput().ApplyT(func(v map[string]any) map[string]any {
			mu.Lock()
			defer mu.Unlock()
			out = v
			return v
		})
		return nil
	}
	if err := pulumi.RunErr(program, pulumi.WithMocks(plan.Project, "test", mocks)); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	run := &obsRun{Resources: mocks.got}
	if err := json.Unmarshal(raw, &run.Outputs); err != nil {
		t.Fatal(err)
	}
	return run
}

// parseConfig parses a validating stack file; tests then set what the
// configuration branch will validate (regions, existing VPCs, partners).
func parseConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := obstest.Parse(t, yaml, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// setRegion moves a network to region.
func setRegion(t *testing.T, cfg *config.Config, network, region string) {
	t.Helper()
	for i := range cfg.Networks {
		if cfg.Networks[i].Name == network {
			cfg.Networks[i].Region = region
			return
		}
	}
	t.Fatalf("no network %s", network)
}

// setExisting makes a network an existing VPC.
func setExisting(t *testing.T, cfg *config.Config, network string, e config.Existing) {
	t.Helper()
	for i := range cfg.Networks {
		if cfg.Networks[i].Name == network {
			cfg.Networks[i].Existing = &e
			return
		}
	}
	t.Fatalf("no network %s", network)
}

func (r *obsRun) named(typ, name string) (obsResource, bool) {
	for _, res := range r.Resources {
		if res.Type == typ && res.Name == name {
			return res, true
		}
	}
	return obsResource{}, false
}

func (r *obsRun) must(t *testing.T, typ, name string) obsResource {
	t.Helper()
	res, ok := r.named(typ, name)
	if !ok {
		t.Fatalf("no %s named %s", typ, name)
	}
	return res
}

func (r *obsRun) ofType(typ string) []obsResource {
	var out []obsResource
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// output is a stack output's entry for key ("" key: the output itself).
func (r *obsRun) output(name, key string) (any, bool) {
	v, ok := r.Outputs[name]
	if !ok || key == "" {
		return v, ok
	}
	m, _ := v.(map[string]any)
	e, ok := m[key]
	return e, ok
}

func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// conditionValues reads Condition[op][key] of a decoded policy statement
// as strings, whether written as one string or a list.
func conditionValues(st map[string]any, op, key string) []string {
	return stringsOf(obstest.Obj(obstest.Obj(st["Condition"])[op])[key])
}

// stringsOf reads a policy value written as one string or a list.
func stringsOf(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return obstest.Strs(v)
}

// statement finds a decoded policy's statement by Sid.
func statement(t *testing.T, policy any, sid string) map[string]any {
	t.Helper()
	for _, st := range obstest.List(obstest.Obj(policy)["Statement"]) {
		if obstest.Str(obstest.Obj(st)["Sid"]) == sid {
			return obstest.Obj(st)
		}
	}
	t.Fatalf("no statement %s in %v", sid, policy)
	return nil
}

// decodeJSON decodes a JSON object.
func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return out
}
