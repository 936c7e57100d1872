package preflight

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

// euZones are regular zones of eu-west-1 with the given AZ IDs, available.
func euZones(ids ...string) []ec2types.AvailabilityZone {
	var out []ec2types.AvailabilityZone
	for i, id := range ids {
		out = append(out, regularZone(id, fmt.Sprintf("eu-west-1%c", 'a'+i), ec2types.AvailabilityZoneStateAvailable))
	}
	return out
}

// TestZonesPerRegion: AZ alignment applies only among the greenfield
// networks of one region, each compared with its own region's offline
// choice; an existing network's zones are not asked for at all.
func TestZonesPerRegion(t *testing.T) {
	network := func(name, cidr, region, id string) config.Network {
		return config.Network{Name: name, CIDR: netip.MustParsePrefix(cidr), Region: region, AZCount: 3, Account: config.Account{ID: id}}
	}
	tests := []struct {
		name  string
		nets  []config.Network
		zones map[string][]ec2types.AvailabilityZone
		want  []string
	}{
		{
			name: "us-east-1 and eu-west-1: no shared zone needed across regions",
			nets: []config.Network{network("trading", "10.0.0.0/16", "us-east-1", "111111111111"), network("europe", "10.2.0.0/16", "eu-west-1", "222222222222")},
			zones: map[string][]ec2types.AvailabilityZone{
				"trading": zonesOf("use1-az1", "use1-az2", "use1-az3"),
				"europe":  euZones("euw1-az1", "euw1-az2", "euw1-az3"),
			},
		},
		{
			name: "an eu-west-1 account lacking a zone is compared with eu-west-1's choice",
			nets: []config.Network{network("trading", "10.0.0.0/16", "us-east-1", "111111111111"), network("europe", "10.2.0.0/16", "eu-west-1", "222222222222")},
			zones: map[string][]ec2types.AvailabilityZone{
				"trading": zonesOf("use1-az1", "use1-az2", "use1-az3"),
				"europe":  euZones("euw1-az2", "euw1-az3"),
			},
			want: []string{"the account of network europe offers 2 usable AZ IDs in eu-west-1 (euw1-az2, euw1-az3), fewer than the 3 that peerctl:networks[1].azCount asks for; lower azCount, or set azs explicitly"},
		},
		{
			name: "an existing network is not asked",
			nets: []config.Network{network("trading", "10.0.0.0/16", "us-east-1", "111111111111"),
				func() config.Network {
					n := network("legacy", "10.20.0.0/16", "us-east-1", "222222222222")
					n.Existing = &config.Existing{VPCID: "vpc-0a1b2c3d4e5f60718"}
					return n
				}()},
			zones: map[string][]ec2types.AvailabilityZone{"trading": zonesOf("use1-az1", "use1-az2", "use1-az3")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &config.Config{Environment: "dev", Region: "us-east-1", Networks: tt.nets}
			clients := func(n config.Network) (Clients, error) {
				z, ok := tt.zones[n.Name]
				if !ok {
					t.Fatalf("zones of %s asked", n.Name)
				}
				return Clients{Zones: &account{zones: z}}, nil
			}
			conflicts, err := checkZones(context.Background(), cfg, map[string]string{}, clients)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range conflicts {
				got = append(got, c.Message)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("conflicts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
