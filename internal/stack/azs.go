package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/netplan"
)

// chooseAZs returns each network's AZ IDs. Networks with explicit azs keep
// them; the others get the lowest AZ IDs that every such network's account
// offers, so that subnets line up in the same physical zones across accounts.
func chooseAZs(ctx *pulumi.Context, cfg *config.Config, accounts map[string]*Account) (map[string][]string, error) {
	out := map[string][]string{}
	var lists [][]string
	var asked []string
	for _, n := range cfg.Networks {
		if len(n.AZs) > 0 {
			out[n.Name] = n.AZs
			continue
		}
		zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
			State: pulumi.StringRef("available"),
			// Only the regular zones: Local and Wavelength Zones need opt-in
			// and do not support every resource we create.
			Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
		}, pulumi.Provider(accounts[n.Name].Provider))
		if err != nil {
			return nil, fmt.Errorf("network %q: listing availability zones: %w", n.Name, err)
		}
		lists = append(lists, zones.ZoneIds)
		asked = append(asked, n.Name)
	}
	for _, n := range cfg.Networks {
		if len(n.AZs) > 0 {
			continue
		}
		ids, err := netplan.ChooseAZs(lists, n.AZCount)
		if err != nil {
			return nil, fmt.Errorf("network %q: %w across networks %s; lower azCount or set azs explicitly",
				n.Name, err, strings.Join(asked, ", "))
		}
		out[n.Name] = ids
	}
	return out, nil
}
