package stack

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
)

// zone is one zone a fake account offers, as DescribeAvailabilityZones
// describes it.
type zone struct{ id, state, optIn string }

// zoneAccount answers aws:getAvailabilityZones the way AWS does: it applies
// the state and filters the program passes, so a program that stops
// passing them gets zones it must not use.
type zoneAccount struct {
	zones []zone
	mu    sync.Mutex
	asked int
}

func (a *zoneAccount) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name + "-id", args.Inputs, nil
}

func (a *zoneAccount) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token != "aws:index/getAvailabilityZones:getAvailabilityZones" {
		return nil, fmt.Errorf("unexpected invoke %s", args.Token)
	}
	a.mu.Lock()
	a.asked++
	a.mu.Unlock()
	state := ""
	if v, ok := args.Args["state"]; ok && v.IsString() {
		state = v.StringValue()
	}
	filters := map[string][]string{}
	if v, ok := args.Args["filters"]; ok && v.IsArray() {
		for _, f := range v.ArrayValue() {
			obj := f.ObjectValue()
			var values []string
			for _, x := range obj["values"].ArrayValue() {
				values = append(values, x.StringValue())
			}
			filters[obj["name"].StringValue()] = values
		}
	}
	var ids []any
	for _, z := range a.zones {
		if state != "" && z.state != state {
			continue
		}
		if want, ok := filters["opt-in-status"]; ok && !slices.Contains(want, z.optIn) {
			continue
		}
		ids = append(ids, z.id)
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": "us-east-1", "zoneIds": ids}), nil
}

// TestChooseAZsUsesOnlyRegularAvailableZones: an account that has opted in
// to a Local Zone (use1-atl2-az1, Atlanta, which sorts before use1-az1) and
// has an unavailable zone gets subnets only in regular, available AZs.
// Local and Wavelength Zones lack the gateway endpoints and other services
// the stack creates.
func TestChooseAZsUsesOnlyRegularAvailableZones(t *testing.T) {
	fake := &zoneAccount{zones: []zone{
		{"use1-atl2-az1", "available", "opted-in"},         // a Local Zone
		{"use1-wl1-bos-wlz1", "available", "not-opted-in"}, // a Wavelength Zone
		{"use1-az1", "unavailable", "opt-in-not-required"}, // down
		{"use1-az2", "available", "opt-in-not-required"},
		{"use1-az4", "available", "opt-in-not-required"},
		{"use1-az6", "available", "opt-in-not-required"},
		{"use1-az5", "available", "opt-in-not-required"},
	}}
	cfg := &config.Config{Region: "us-east-1", Networks: []config.Network{
		{Name: "trading", AZCount: 3},
		{Name: "analytics", AZCount: 2},
		{Name: "pinned", AZCount: 1, AZs: []string{"use1-az3"}},
	}}
	var got map[string][]string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		accounts := map[string]*Account{}
		for _, n := range cfg.Networks {
			p, err := aws.NewProvider(ctx, n.Name, &aws.ProviderArgs{Region: pulumi.String(cfg.Region)})
			if err != nil {
				return err
			}
			accounts[n.Name] = &Account{Provider: p}
		}
		var err error
		got, err = chooseAZs(ctx, cfg, accounts)
		return err
	}, pulumi.WithMocks("peerctl", "test", fake))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"trading":   {"use1-az2", "use1-az4", "use1-az5"},
		"analytics": {"use1-az2", "use1-az4"},
		"pinned":    {"use1-az3"}, // explicit AZ IDs are kept as configured
	}
	for name, ids := range want {
		if !slices.Equal(got[name], ids) {
			t.Errorf("%s: AZ IDs %v, want %v", name, got[name], ids)
		}
	}
	if fake.asked != 2 {
		t.Errorf("asked AWS for zones %d times, want 2 (not for the network with explicit azs)", fake.asked)
	}
}
