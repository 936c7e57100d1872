package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// filters builds a data source's filters argument as the SDK sends it.
func filters(kv ...string) resource.PropertyMap {
	var fs []any
	for i := 0; i < len(kv); i += 2 {
		fs = append(fs, map[string]any{"name": kv[i], "values": strings.Split(kv[i+1], ",")})
	}
	return resource.NewPropertyMapFromMap(map[string]any{"filters": fs})
}

func ids(t *testing.T, out resource.PropertyMap) []string {
	t.Helper()
	var got []string
	for _, v := range out["ids"].ArrayValue() {
		got = append(got, v.StringValue())
	}
	return got
}

func TestRouteTablesInvoke(t *testing.T) {
	legacyRtb2 := entry{URN: seedURN(typeRouteTable, "rtb-0a1b2c3d4e5f6071a"), Type: typeRouteTable, ID: "rtb-0a1b2c3d4e5f6071a", Account: analytics, Region: euwest1,
		Seeded: true, Outputs: map[string]any{"vpcId": legacyVPC, "tags": map[string]any{"Name": "legacy-private"}}}
	// Another VPC of the same account and region, whose tables must not
	// be listed for legacy.
	other := entry{URN: seedURN(typeRouteTable, "rtb-0ffffffffffffffff"), Type: typeRouteTable, ID: "rtb-0ffffffffffffffff", Account: analytics, Region: euwest1,
		Seeded: true, Outputs: map[string]any{"vpcId": "vpc-0ffffffffffffffff"}}
	st := whereWorld(legacyRtb2, other)

	tests := []struct {
		name            string
		account, region string
		args            resource.PropertyMap
		want            []string
		wantErr         string
	}{
		{name: "every table of the existing VPC", account: analytics, region: euwest1, args: filters("vpc-id", legacyVPC),
			want: []string{"rtb-0a1b2c3d4e5f60719", "rtb-0a1b2c3d4e5f6071a"}},
		{name: "the vpcId argument", account: analytics, region: euwest1,
			args: resource.NewPropertyMapFromMap(map[string]any{"vpcId": legacyVPC}), want: []string{"rtb-0a1b2c3d4e5f60719", "rtb-0a1b2c3d4e5f6071a"}},
		{name: "asked from the default region", account: analytics, region: useast1, args: filters("vpc-id", legacyVPC), want: nil},
		{name: "asked from another account", account: trading, region: euwest1, args: filters("vpc-id", legacyVPC), want: nil},
		{name: "a created VPC's tables and its main table", account: trading, region: useast1, args: filters("vpc-id", tradingVPC),
			want: []string{"rtb-0000000000000bbbb", "rtb-0000000000000cccc"}},
		{name: "the main table only", account: trading, region: useast1, args: filters("vpc-id", tradingVPC, "association.main", "true"),
			want: []string{"rtb-0000000000000cccc"}},
		{name: "by tag", account: analytics, region: euwest1, args: filters("vpc-id", legacyVPC, "tag:Name", "legacy-private"),
			want: []string{"rtb-0a1b2c3d4e5f6071a"}},
		{name: "a filter AWS may know but the stand-in does not", account: analytics, region: euwest1, args: filters("route.destination-cidr-block", "10.0.0.0/16"),
			wantErr: `does not know the filter "route.destination-cidr-block"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := routeTables(st, tt.account, tt.region, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(t, out); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			if out["id"].StringValue() != tt.region {
				t.Errorf("id = %v, want the region", out["id"])
			}
		})
	}
}

func TestPeeringConnectionsInvoke(t *testing.T) {
	// trading's requester-only connection toward a partner VPC in
	// us-west-2, tagged with its Name, still waiting for the partner.
	requested := entry{URN: "trading-clearing-connection", Type: typeConnection, ID: "pcx-00000000000000002", Account: trading, Region: useast1,
		Outputs: map[string]any{"vpcId": tradingVPC, "peerVpcId": "vpc-0fedcba9876543210", "peerOwnerId": partner, "peerRegion": "us-west-2",
			"acceptStatus": "pending-acceptance", "tags": map[string]any{"Name": "trading-clearing"}}}
	accepterTags := entry{URN: "trading-legacy-accepter", Type: typeAccepter, ID: ourPcx, Account: analytics, Region: euwest1,
		Outputs: map[string]any{"vpcPeeringConnectionId": ourPcx, "tags": map[string]any{"Name": "trading-legacy"}}}
	pending := whereWorld(requested)
	active := whereWorld(requested, accepterTags)
	active.Accepted[ourPcx] = true
	active.Accepted["pcx-00000000000000002"] = true // the partner accepted on their side

	tests := []struct {
		name            string
		st              *state
		account, region string
		args            resource.PropertyMap
		want            []string
	}{
		{name: "our requested connection while the partner has not accepted", st: pending, account: trading, region: useast1,
			args: filters("tag:Name", "trading-clearing", "status-code", "active"), want: nil},
		{name: "once the partner accepted", st: active, account: trading, region: useast1,
			args: filters("tag:Name", "trading-clearing", "status-code", "active"), want: []string{"pcx-00000000000000002"}},
		{name: "pending ones by status", st: pending, account: trading, region: useast1,
			args: filters("status-code", "pending-acceptance"), want: []string{"pcx-00000000000000001", "pcx-00000000000000002", "pcx-0123456789abcdef0"}},
		{name: "the accepter sees an inter-region connection in its own region", st: pending, account: analytics, region: euwest1,
			args: filters("vpc-peering-connection-id", ourPcx), want: []string{"pcx-00000000000000001"}},
		{name: "but not in the requester's region", st: pending, account: analytics, region: useast1,
			args: filters("vpc-peering-connection-id", ourPcx), want: nil},
		{name: "the requester's tags are not the accepter's", st: pending, account: analytics, region: euwest1,
			args: filters("tag:Name", "trading-legacy"), want: nil},
		{name: "the accepter's own tags", st: active, account: analytics, region: euwest1,
			args: filters("tag:Name", "trading-legacy", "status-code", "active"), want: []string{"pcx-00000000000000001"}},
		{name: "by the requester's VPC and owner", st: pending, account: trading, region: useast1,
			args: filters("requester-vpc-info.vpc-id", "vpc-0fedcba9876543210", "requester-vpc-info.owner-id", partner), want: []string{"pcx-0123456789abcdef0"}},
		{name: "a third account sees nothing", st: pending, account: "444444444444", region: useast1,
			args: filters("status-code", "pending-acceptance,active"), want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := peeringConnections(tt.st, tt.account, tt.region, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(t, out); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}
