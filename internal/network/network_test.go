package network_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/network"
	"github.com/peerctl/peerctl/internal/plan"
)

func validArgs() *network.NetworkArgs {
	return &network.NetworkArgs{
		Environment: "dev",
		Region:      "us-east-1",
		CIDR:        netip.MustParsePrefix("10.0.0.0/16"),
		Subnets: []network.Subnet{
			{AZID: "use1-az1", CIDR: netip.MustParsePrefix("10.0.0.0/20")},
			{AZID: "use1-az2", CIDR: netip.MustParsePrefix("10.0.16.0/20")},
		},
		Peers: []netplan.Peer{{Name: "analytics", CIDR: netip.MustParsePrefix("10.1.0.0/16")}},
	}
}

// run registers one network under the offline plan's mocks.
func run(t *testing.T, args *network.NetworkArgs) (*plan.Mocks, error) {
	t.Helper()
	mocks := plan.NewMocks("peerctl", "test")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "trading", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		_, err = network.NewNetwork(ctx, "trading", args, pulumi.Provider(p))
		return err
	}, pulumi.WithMocks("peerctl", "test", mocks))
	return mocks, err
}

func TestArgsAreCheckedBeforeRegistering(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*network.NetworkArgs)
		want   string
	}{
		{"subnet outside the VPC", func(a *network.NetworkArgs) { a.Subnets[1].CIDR = netip.MustParsePrefix("10.9.0.0/20") },
			`network "trading": subnet 10.9.0.0/20 (use1-az2) is not inside 10.0.0.0/16`},
		// 10.0.0.0/8 starts inside 10.0.0.0/16 but is larger than the VPC:
		// checking the first address alone is not enough.
		{"subnet prefix shorter than the VPC's", func(a *network.NetworkArgs) { a.Subnets[0].CIDR = netip.MustParsePrefix("10.0.0.0/8") },
			`network "trading": subnet 10.0.0.0/8 (use1-az1) is not inside 10.0.0.0/16`},
		{"no subnets", func(a *network.NetworkArgs) { a.Subnets = nil }, `network "trading": at least one subnet is required`},
		{"no region", func(a *network.NetworkArgs) { a.Region = "" }, `network "trading": environment and region are required`},
		{"peers sharing a NACL slot", func(a *network.NetworkArgs) {
			a.Peers = []netplan.Peer{{Name: "analytics", CIDR: netip.MustParsePrefix("10.1.0.0/16"), Slot: 5},
				{Name: "risk", CIDR: netip.MustParsePrefix("10.2.0.0/16"), Slot: 5}}
		}, `network "trading": peers "analytics" and "risk" share NACL slot 5`},
		{"NACL slot out of range", func(a *network.NetworkArgs) {
			a.Peers = []netplan.Peer{{Name: "analytics", CIDR: netip.MustParsePrefix("10.1.0.0/16"), Slot: 3100}}
		}, `network "trading": peer "analytics": NACL slot 3100 is outside 0-3099`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := validArgs()
			tt.mutate(args)
			_, err := run(t, args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := run(t, validArgs()); err != nil {
		t.Fatalf("valid args: %v", err)
	}
}
