package preflight

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
)

// zonesOf are regular zones of us-east-1 with the given AZ IDs, available.
func zonesOf(ids ...string) []ec2types.AvailabilityZone {
	var out []ec2types.AvailabilityZone
	for i, id := range ids {
		out = append(out, regularZone(id, fmt.Sprintf("us-east-1%c", 'a'+i), ec2types.AvailabilityZoneStateAvailable))
	}
	return out
}

// networksWith are the two test networks with extra JSON fields each.
func networksWith(trading, analytics string) string {
	return fmt.Sprintf(`[{"name":"trading","cidr":"10.0.0.0/16","costCenter":"trading","account":{"id":"111111111111","profile":"t"}%s},
		{"name":"analytics","cidr":"10.1.0.0/16","costCenter":"analytics","account":{"id":"222222222222","profile":"a"}%s}]`, trading, analytics)
}

func TestCheckZones(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "not authorized to perform ec2:DescribeAvailabilityZones"}
	constrained := zonesOf("use1-az1", "use1-az2", "use1-az3", "use1-az4")
	constrained[2].State = ec2types.AvailabilityZoneStateConstrained
	notOptedIn := zonesOf("use1-az1", "use1-az2", "use1-az4", "use1-az6")
	notOptedIn[3].OptInStatus = ec2types.AvailabilityZoneOptInStatusNotOptedIn
	withLocalZone := append(zonesOf("use1-az2", "use1-az4"), ec2types.AvailabilityZone{ZoneId: ptr("use1-atl2-az1"), ZoneName: ptr("us-east-1-atl-2a"),
		State: ec2types.AvailabilityZoneStateAvailable, OptInStatus: ec2types.AvailabilityZoneOptInStatusOptedIn, ZoneType: ptr("local-zone")})
	tests := []struct {
		name, region, trading, analytics string
		tradingZones, analyticsZones     []ec2types.AvailabilityZone
		wantErr                          string
		wantConflict                     bool
	}{
		{name: "every zone offered"},
		{name: "explicit AZ IDs that are offered", trading: `,"azs":["use1-az6","use1-az1"]`, analytics: `,"azs":["use1-az6"]`},
		{name: "us-west-2's four AZ IDs", region: "us-west-2", trading: `,"azCount":4`, analytics: `,"azCount":4`,
			tradingZones:   []ec2types.AvailabilityZone{regularZone("usw2-az1", "us-west-2a", "available"), regularZone("usw2-az2", "us-west-2b", "available"), regularZone("usw2-az3", "us-west-2c", "available"), regularZone("usw2-az4", "us-west-2d", "available")},
			analyticsZones: []ec2types.AvailabilityZone{regularZone("usw2-az4", "us-west-2a", "available"), regularZone("usw2-az3", "us-west-2b", "available"), regularZone("usw2-az2", "us-west-2c", "available"), regularZone("usw2-az1", "us-west-2d", "available")}},
		{name: "an explicit AZ ID the account is not offered", trading: `,"azs":["use1-az3","use1-az1"]`,
			tradingZones: zonesOf("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"),
			wantErr: "pre-flight check: account 111111111111 (network trading) is not offered AZ ID use1-az3 in us-east-1 " +
				"(it offers use1-az1, use1-az2, use1-az4, use1-az5, use1-az6); set peerctl:networks[0].azs to AZ IDs the account offers; nothing was changed",
			wantConflict: true},
		{name: "an explicit AZ ID that is constrained", analytics: `,"azs":["use1-az3"]`, analyticsZones: constrained,
			wantErr: `pre-flight check: account 222222222222 (network analytics) is offered AZ ID use1-az3 (us-east-1c) in us-east-1, but its state is "constrained", ` +
				"so AWS may refuse new subnets there; set peerctl:networks[1].azs to available AZ IDs (use1-az1, use1-az2, use1-az4); nothing was changed",
			wantConflict: true},
		{name: "an explicit AZ ID not opted in to", trading: `,"azs":["use1-az6"]`, tradingZones: notOptedIn,
			wantErr: "pre-flight check: account 111111111111 (network trading) has not opted in to zone use1-az6 (us-east-1d) in us-east-1; " +
				"opt in to it, or set peerctl:networks[0].azs to AZ IDs the account offers (use1-az1, use1-az2, use1-az4); nothing was changed",
			wantConflict: true},
		{name: "the accounts share fewer AZ IDs than azCount",
			tradingZones: zonesOf("use1-az1", "use1-az2", "use1-az4"), analyticsZones: zonesOf("use1-az2", "use1-az4", "use1-az5"),
			trading: `,"azCount":2`,
			wantErr: "pre-flight check (2 problems, nothing was changed):\n" +
				"  the offline plan places network trading in use1-az1, use1-az2, but the accounts of networks trading, analytics share use1-az2, use1-az4 in us-east-1, " +
				"so up would place it in use1-az2, use1-az4; set peerctl:networks[0].azs: [use1-az2, use1-az4] and review the plan again\n" +
				"  the accounts of networks trading, analytics share 2 usable AZ IDs in us-east-1 (use1-az2, use1-az4), " +
				"fewer than the 3 that peerctl:networks[1].azCount asks for; lower azCount, or set azs explicitly",
			wantConflict: true},
		// The offline plan chose the region's lowest AZ IDs (use1-az1..3); an
		// account without use1-az3 would make up choose use1-az4 instead.
		{name: "enough zones, but not the ones the plan showed",
			tradingZones: zonesOf("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"),
			wantErr: "pre-flight check (2 problems, nothing was changed):\n" +
				"  the offline plan places network trading in use1-az1, use1-az2, use1-az3, but the accounts of networks trading, analytics share use1-az1, use1-az2, use1-az4, use1-az5, use1-az6 in us-east-1, " +
				"so up would place it in use1-az1, use1-az2, use1-az4; set peerctl:networks[0].azs: [use1-az1, use1-az2, use1-az4] and review the plan again\n" +
				"  the offline plan places network analytics in use1-az1, use1-az2, use1-az3, but the accounts of networks trading, analytics share use1-az1, use1-az2, use1-az4, use1-az5, use1-az6 in us-east-1, " +
				"so up would place it in use1-az1, use1-az2, use1-az4; set peerctl:networks[1].azs: [use1-az1, use1-az2, use1-az4] and review the plan again",
			wantConflict: true},
		{name: "Local Zones do not count", analytics: `,"azs":["use1-az1"]`, tradingZones: withLocalZone,
			wantErr: "pre-flight check: the account of network trading offers 2 usable AZ IDs in us-east-1 (use1-az2, use1-az4), " +
				"fewer than the 3 that peerctl:networks[0].azCount asks for; lower azCount, or set azs explicitly; nothing was changed",
			wantConflict: true},
		{name: "every zone problem at once", trading: `,"azs":["use1-az3"]`,
			tradingZones: zonesOf("use1-az1"), analyticsZones: zonesOf("use1-az1", "use1-az2"),
			wantErr: "pre-flight check (2 problems, nothing was changed):\n" +
				"  account 111111111111 (network trading) is not offered AZ ID use1-az3 in us-east-1 (it offers use1-az1); set peerctl:networks[0].azs to AZ IDs the account offers\n" +
				"  the account of network analytics offers 2 usable AZ IDs in us-east-1 (use1-az1, use1-az2), fewer than the 3 that peerctl:networks[1].azCount asks for; lower azCount, or set azs explicitly",
			wantConflict: true},
		{name: "a denied describe call names the permission", analyticsZones: zonesOf("use1-az1"),
			wantErr: "pre-flight check of account 222222222222 (network analytics): access denied to ec2:DescribeAvailabilityZones (UnauthorizedOperation); " +
				"the deploying credentials need it so that peerctl can check the account before changing it: " +
				"api error UnauthorizedOperation: not authorized to perform ec2:DescribeAvailabilityZones"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			region := tt.region
			if region == "" {
				region = "us-east-1"
			}
			cfg, err := config.Parse(config.Raw{
				"peerctl:region":     region,
				"peerctl:networks":   networksWith(tt.trading, tt.analytics),
				"peerctl:compliance": `{"createRecorder": false}`,
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := []cstypes.ConfigurationRecorder{recorder("default")}
			accounts := map[string]*account{
				"trading":   {zones: tt.tradingZones, recorders: rec},
				"analytics": {zones: tt.analyticsZones, recorders: rec},
			}
			if strings.Contains(tt.name, "denied") {
				accounts["analytics"].fail = map[string]error{"DescribeAvailabilityZones": denied}
			}
			c := Checker{Clients: func(_ context.Context, r string, n config.Network) (Clients, error) {
				if r != region {
					t.Errorf("clients for region %q, want %q", r, region)
				}
				return Clients{Config: accounts[n.Name], Sinks: accounts[n.Name], Zones: accounts[n.Name]}, nil
			}}
			ids := []awsauth.Identity{{Network: "trading", Account: "111111111111"}, {Network: "analytics", Account: "222222222222"}}
			err = c.Check(context.Background(), cfg, ids)
			checkOutcome(t, err, tt.wantErr, tt.wantConflict)
			for name, a := range accounts {
				if a.zoneCalls != 1 && tt.wantErr == "" {
					t.Errorf("%s asked for its zones %d times, want once", name, a.zoneCalls)
				}
			}
		})
	}
}

func ptr(s string) *string { return &s }
