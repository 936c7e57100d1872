package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/netplan"
)

// chooseAZs returns each created network's AZ IDs. Networks with explicit
// azs keep them; the others get the lowest AZ IDs that every such network
// of the same region offers in its account, so that subnets line up in the
// same physical zones across accounts. AZ IDs are per region, so networks
// of other regions do not constrain each other. Existing networks get
// none: their subnets are theirs.
func chooseAZs(ctx *pulumi.Context, cfg *config.Config, accounts map[string]*Account) (map[string][]string, error) {
	out := map[string][]string{}
	lists := map[string][][]string{} // by region
	asked := map[string][]string{}   // by region
	for _, n := range cfg.Networks {
		if n.IsExisting() {
			continue
		}
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
		region := cfg.RegionOf(n)
		lists[region] = append(lists[region], zones.ZoneIds)
		asked[region] = append(asked[region], n.Name)
	}
	for _, n := range cfg.Networks {
		if n.IsExisting() || len(n.AZs) > 0 {
			continue
		}
		region := cfg.RegionOf(n)
		ids, err := netplan.ChooseAZs(lists[region], n.AZCount)
		if err != nil {
			return nil, fmt.Errorf("network %q: %w across networks %s; lower azCount or set azs explicitly",
				n.Name, err, strings.Join(asked[region], ", "))
		}
		out[n.Name] = ids
	}
	return out, nil
}
