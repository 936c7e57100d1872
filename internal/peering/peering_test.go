package peering_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/peering"
	"github.com/peerctl/peerctl/internal/plan"
)

func TestArgsAreCheckedBeforeRegistering(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*peering.PeeringArgs)
		want   string
	}{
		{"valid", func(*peering.PeeringArgs) {}, ""},
		{"self", func(a *peering.PeeringArgs) { a.Accepter.Network = "trading" }, "a network cannot peer with itself (trading)"},
		{"overlap", func(a *peering.PeeringArgs) { a.Accepter.CIDR = netip.MustParsePrefix("10.0.128.0/17") }, "trading 10.0.0.0/16 overlaps analytics 10.0.128.0/17"},
		{"no account id cross-account", func(a *peering.PeeringArgs) { a.Accepter.AccountID = nil }, "a cross-account peering needs the accepter's account id"},
		{"route tables without AZ keys", func(a *peering.PeeringArgs) { a.Requester.AZIDs = nil }, `side "trading": 1 route tables for 0 AZs`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				side := func(name, cidr, account string) peering.Side {
					p, err := aws.NewProvider(ctx, name, &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
					if err != nil {
						t.Fatal(err)
					}
					return peering.Side{
						Network: name, Provider: p, AccountID: pulumi.String(account), Region: "us-east-1",
						VpcID: pulumi.String("vpc-" + name), CIDR: netip.MustParsePrefix(cidr),
						RouteTableIDs: map[string]pulumi.StringInput{"use1-az1": pulumi.String("rtb-" + name)},
						AZIDs:         []string{"use1-az1"},
					}
				}
				args := &peering.PeeringArgs{
					Environment: "dev",
					Requester:   side("trading", "10.0.0.0/16", "111111111111"),
					Accepter:    side("analytics", "10.1.0.0/16", "222222222222"),
				}
				tt.mutate(args)
				_, err := peering.NewPeering(ctx, "trading-analytics", args)
				return err
			}, pulumi.WithMocks("peerctl", "test", plan.NewMocks("peerctl", "test")))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), `peering "trading-analytics": `+tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
