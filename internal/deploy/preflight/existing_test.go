package preflight

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/config"
)

const legacyWhere = "account 222222222222 (network legacy) in eu-west-1"

func TestCheckExisting(t *testing.T) {
	peerRoute := func(cidr, pcx string) ec2types.Route {
		return ec2types.Route{DestinationCidrBlock: aws.String(cidr), VpcPeeringConnectionId: aws.String(pcx), Origin: ec2types.RouteOriginCreateRoute}
	}
	tests := []struct {
		name    string
		mutate  func(*config.Config)
		account func(*ec2Account)
		// want are the exact conflict messages; wantOut is what is printed.
		want    []string
		wantOut string
		wantErr string
	}{
		{
			name:    "healthy VPC, tables discovered and listed",
			wantOut: "network legacy: no existing.routeTableIds, so routes to its peers go into every route table of VPC vpc-0a1b2c3d4e5f60718, discovered now: rtb-0aaa, rtb-0bbb\n",
		},
		{
			name:   "given tables: nothing listed",
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0bbb"} },
		},
		{
			name: "the VPC is not in the account and region",
			mutate: func(c *config.Config) {
				c.Networks[1].Existing.VPCID = "vpc-0fffffffffffffff0"
			},
			want: []string{legacyWhere + " has no VPC vpc-0fffffffffffffff0 (peerctl:networks[1].existing.vpcId); check the id, and that the network's account and region are the VPC's"},
		},
		{
			name:    "cidr is inside a secondary block",
			account: func(a *ec2Account) { a.vpcs[0] = vpcWith(legacyVPC, "10.30.0.0/16", "10.20.0.0/15") },
			wantOut: "network legacy: no existing.routeTableIds, so routes to its peers go into every route table of VPC vpc-0a1b2c3d4e5f60718, discovered now: rtb-0aaa, rtb-0bbb\n",
		},
		{
			name: "cidr not in the VPC; a disassociated block does not count",
			account: func(a *ec2Account) {
				a.vpcs[0] = vpcWith(legacyVPC, "10.20.0.0/24", "10.21.0.0/16")
				a.vpcs[0].CidrBlockAssociationSet = append(a.vpcs[0].CidrBlockAssociationSet, ec2types.VpcCidrBlockAssociation{
					CidrBlock: aws.String("10.20.0.0/16"), CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeDisassociated}})
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718's CIDR blocks (10.20.0.0/24, 10.21.0.0/16) do not contain peerctl:networks[1].cidr 10.20.0.0/16; " +
				"set cidr to the VPC's CIDR block (or the part of it the peers may reach)"},
		},
		{
			name:    "DNS support and hostnames off: two commands with region and profile",
			account: func(a *ec2Account) { a.dnsSupport[legacyVPC], a.dnsNames[legacyVPC] = false, false },
			mutate:  func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{
				legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718 has enableDnsSupport off, which DNS resolution across the peering needs; peerctl does not change a VPC it did not create, turn it on with: " +
					`aws ec2 modify-vpc-attribute --vpc-id vpc-0a1b2c3d4e5f60718 --enable-dns-support '{"Value":true}' --region eu-west-1 --profile legacy`,
				legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718 has enableDnsHostnames off, which DNS resolution across the peering needs; peerctl does not change a VPC it did not create, turn it on with: " +
					`aws ec2 modify-vpc-attribute --vpc-id vpc-0a1b2c3d4e5f60718 --enable-dns-hostnames '{"Value":true}' --region eu-west-1 --profile legacy`,
			},
		},
		{
			name:    "DNS hostnames off, account by role: no --profile",
			account: func(a *ec2Account) { a.dnsNames[legacyVPC] = false },
			mutate: func(c *config.Config) {
				c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"}
				c.Networks[1].Account = config.Account{ID: "222222222222", RoleARN: "arn:aws:iam::222222222222:role/deploy"}
			},
			want: []string{legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718 has enableDnsHostnames off, which DNS resolution across the peering needs; peerctl does not change a VPC it did not create, turn it on with: " +
				`aws ec2 modify-vpc-attribute --vpc-id vpc-0a1b2c3d4e5f60718 --enable-dns-hostnames '{"Value":true}' --region eu-west-1`},
		},
		{
			name: "a given table of another VPC, and one that does not exist",
			mutate: func(c *config.Config) {
				c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa", "rtb-0ccc", "rtb-0ddd"}
			},
			want: []string{
				legacyWhere + ": route table rtb-0ccc (peerctl:networks[1].existing.routeTableIds[1]) is not a route table of VPC vpc-0a1b2c3d4e5f60718 (its tables: rtb-0aaa, rtb-0bbb)",
				legacyWhere + ": route table rtb-0ddd (peerctl:networks[1].existing.routeTableIds[2]) is not a route table of VPC vpc-0a1b2c3d4e5f60718 (its tables: rtb-0aaa, rtb-0bbb)",
			},
		},
		{
			name: "a table already routes the peer's CIDR to a transit gateway",
			account: func(a *ec2Account) {
				a.tables[1] = table("rtb-0bbb", legacyVPC, "10.20.0.0/16", ec2types.Route{DestinationCidrBlock: aws.String("10.0.0.0/16"),
					TransitGatewayId: aws.String("tgw-0123456789abcdef0"), Origin: ec2types.RouteOriginCreateRoute})
			},
			want: []string{legacyWhere + ": route table rtb-0bbb already routes 10.0.0.0/16 (trading) to tgw-0123456789abcdef0, not to the peering with trading, " +
				"so AWS would refuse peerctl's route (RouteAlreadyExists); remove that route, or list in peerctl:networks[1].existing.routeTableIds only tables without it"},
			wantOut: "network legacy: no existing.routeTableIds, so routes to its peers go into every route table of VPC vpc-0a1b2c3d4e5f60718, discovered now: rtb-0aaa, rtb-0bbb\n",
		},
		{
			name: "a route through another stack's peering connection",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", peerRoute("10.0.0.0/16", "pcx-0ther0000000000000"))
				a.peerings = []ec2types.VpcPeeringConnection{{VpcPeeringConnectionId: aws.String("pcx-0ther0000000000000"),
					Tags: tagList("Name", "trading-legacy-peering-prod", "ManagedBy", "peerctl")}}
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{legacyWhere + ": route table rtb-0aaa already routes 10.0.0.0/16 (trading) to pcx-0ther0000000000000, not to the peering with trading, " +
				"so AWS would refuse peerctl's route (RouteAlreadyExists); remove that route, or list in peerctl:networks[1].existing.routeTableIds only tables without it"},
		},
		{
			name: "a re-run finds its own route (connection tagged by this stack)",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", peerRoute("10.0.0.0/16", "pcx-0ours000000000000"))
				a.peerings = []ec2types.VpcPeeringConnection{{VpcPeeringConnectionId: aws.String("pcx-0ours000000000000"),
					Tags: tagList("Name", "trading-legacy-peering-dev", "ManagedBy", "peerctl")}}
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
		},
		{
			name: "a route through the partner connection this stack accepts is ours",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", peerRoute("172.31.0.0/16", "pcx-0123456789abcdef0"))
			},
			mutate: func(c *config.Config) {
				c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"}
				c.Peerings = append(c.Peerings, config.Peering{Accepter: "legacy", ConnectionID: "pcx-0123456789abcdef0", PeerCIDR: netip.MustParsePrefix("172.31.0.0/16")})
			},
		},
		{
			name: "route quota: 49 routes + 1 new exactly fits",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", manyRoutes(48)...)
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
		},
		{
			name: "route quota: 50 routes + 1 new is one too many; propagated routes do not count",
			account: func(a *ec2Account) {
				routes := append(manyRoutes(49), ec2types.Route{DestinationCidrBlock: aws.String("192.168.0.0/24"), GatewayId: aws.String("vgw-0123"),
					Origin: ec2types.RouteOriginEnableVgwRoutePropagation})
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", routes...)
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{legacyWhere + ": route table rtb-0aaa has 50 routes and peerctl adds 1, more than the 50 routes per route table of peerctl:quotas.routesPerRouteTable; " +
				`raise the quota (Service Quotas, Amazon VPC "Routes per route table") and the setting, or list other tables in peerctl:networks[1].existing.routeTableIds`},
		},
		{
			name:    "a VPC shared by another account (AWS RAM) cannot be peered by a participant",
			account: func(a *ec2Account) { a.vpcs[0].OwnerId = aws.String("333333333333") },
			mutate:  func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718 belongs to account 333333333333 and is shared with this one; " +
				"only the owner can peer it and route to the peering, so configure legacy's account with the owner's credentials"},
		},
		{
			name:    "the VPC's own account: fine",
			account: func(a *ec2Account) { a.vpcs[0].OwnerId = aws.String("222222222222") },
			mutate:  func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
		},
		{
			name:    "a secondary block overlapping the peer stops the peering, though cidr does not",
			account: func(a *ec2Account) { a.vpcs[0] = vpcWith(legacyVPC, "10.20.0.0/16", "10.0.128.0/20") },
			mutate:  func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718's CIDR block 10.0.128.0/20 overlaps peer trading 10.0.0.0/16; " +
				"AWS refuses to peer VPCs with any overlapping CIDR blocks, secondary ones included"},
		},
		{
			name: "a discovered gateway route table is refused: list the subnet tables",
			account: func(a *ec2Account) {
				a.tables[1].Associations = []ec2types.RouteTableAssociation{{GatewayId: aws.String("igw-0123456789abcdef0")}}
			},
			want: []string{legacyWhere + ": route table rtb-0bbb is a gateway route table (associated with igw-0123456789abcdef0), where AWS refuses routes to a peering; " +
				"without existing.routeTableIds every table of the VPC gets routes, so list the subnet route tables in peerctl:networks[1].existing.routeTableIds"},
			wantOut: "network legacy: no existing.routeTableIds, so routes to its peers go into every route table of VPC vpc-0a1b2c3d4e5f60718, discovered now: rtb-0aaa, rtb-0bbb\n",
		},
		{
			name: "a listed gateway route table is refused: remove it",
			account: func(a *ec2Account) {
				a.tables[0].Associations = []ec2types.RouteTableAssociation{{GatewayId: aws.String("vgw-0123456789abcdef0")}}
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa", "rtb-0bbb"} },
			want: []string{legacyWhere + ": route table rtb-0aaa in peerctl:networks[1].existing.routeTableIds is a gateway route table (associated with vgw-0123456789abcdef0), " +
				"where AWS refuses routes to a peering; remove it from the list"},
		},
		{
			name: "a wider route to a transit gateway is not refused, but told before any change",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", ec2types.Route{DestinationCidrBlock: aws.String("10.0.0.0/8"),
					TransitGatewayId: aws.String("tgw-0123456789abcdef0"), Origin: ec2types.RouteOriginCreateRoute})
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			wantOut: "network legacy: route table rtb-0aaa sends 10.0.0.0/8 to tgw-0123456789abcdef0 today; peerctl's route 10.0.0.0/16 -> peering with trading " +
				"takes priority (more specific, or static over propagated) and takes that traffic off that path\n",
		},
		{
			name: "a propagated route for the peer's CIDR is not RouteAlreadyExists; the static route wins, and that is told",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", ec2types.Route{DestinationCidrBlock: aws.String("10.0.0.0/16"),
					GatewayId: aws.String("vgw-0123456789abcdef0"), Origin: ec2types.RouteOriginEnableVgwRoutePropagation})
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			wantOut: "network legacy: route table rtb-0aaa sends 10.0.0.0/16 to vgw-0123456789abcdef0 today; peerctl's route 10.0.0.0/16 -> peering with trading " +
				"takes priority (more specific, or static over propagated) and takes that traffic off that path\n",
		},
		{
			name: "a narrower route inside the peer's CIDR is neither refused nor told",
			account: func(a *ec2Account) {
				a.tables[0] = table("rtb-0aaa", legacyVPC, "10.20.0.0/16", ec2types.Route{DestinationCidrBlock: aws.String("10.0.5.0/24"),
					TransitGatewayId: aws.String("tgw-0123456789abcdef0"), Origin: ec2types.RouteOriginCreateRoute})
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
		},
		{
			name: "flow logs that are not ours, with existing.flowLogs",
			account: func(a *ec2Account) {
				a.flowLogs = []ec2types.FlowLog{
					{FlowLogId: aws.String("fl-0b"), ResourceId: aws.String(legacyVPC), LogDestinationType: ec2types.LogDestinationTypeS3,
						LogDestination: aws.String("arn:aws:s3:::central-flow-logs")},
					{FlowLogId: aws.String("fl-0a"), ResourceId: aws.String(legacyVPC), LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs,
						LogGroupName: aws.String("/legacy/vpc"), Tags: tagList("Name", "legacy-flow-logs-prod", "ManagedBy", "peerctl", "Environment", "prod")},
					{FlowLogId: aws.String("fl-0c"), ResourceId: aws.String(legacyVPC), LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs,
						Tags: tagList("Name", "legacy-flow-logs-dev", "ManagedBy", "peerctl", "Environment", "dev")},
					{FlowLogId: aws.String("fl-0d"), ResourceId: aws.String("vpc-0other")},
				}
			},
			mutate: func(c *config.Config) { c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"} },
			want: []string{legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718 already has flow logs that this stack did not create: " +
				"fl-0a (cloud-watch-logs to /legacy/vpc), fl-0b (s3 to arn:aws:s3:::central-flow-logs); " +
				"set peerctl:networks[1].existing.flowLogs: false to keep them and create none (that also drops the per-peer alarms, which read peerctl's flow logs), " +
				"or delete them to let peerctl create its own"},
		},
		{
			name: "their flow logs with existing.flowLogs false: fine",
			account: func(a *ec2Account) {
				a.flowLogs = []ec2types.FlowLog{{FlowLogId: aws.String("fl-0b"), ResourceId: aws.String(legacyVPC)}}
			},
			mutate: func(c *config.Config) {
				c.Networks[1].Existing.RouteTableIDs = []string{"rtb-0aaa"}
				c.Networks[1].Existing.FlowLogs = false
			},
		},
		{
			name: "access denied to DescribeRouteTables is an error, not a conflict",
			account: func(a *ec2Account) {
				a.fail = map[string]error{"DescribeRouteTables": &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "no"}}
			},
			wantErr: "pre-flight check of " + legacyWhere + ": access denied to ec2:DescribeRouteTables (UnauthorizedOperation); the deploying credentials need it so that peerctl can check the account before changing it: api error UnauthorizedOperation: no",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := existingConfig(tt.mutate)
			legacy := healthyLegacy()
			if tt.account != nil {
				tt.account(legacy)
			}
			clients := func(n config.Network) (Clients, error) {
				if n.Name != "legacy" {
					t.Fatalf("network %s's account asked; only existing networks are read", n.Name)
				}
				return Clients{VPCs: legacy, RouteTables: legacy, FlowLogs: legacy, Peerings: legacy}, nil
			}
			var out bytes.Buffer
			accounts := map[string]string{"trading": "111111111111", "legacy": "222222222222"}
			conflicts, err := checkExisting(context.Background(), cfg, accounts, clients, &out)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v\nwant  %s", err, tt.wantErr)
				}
				return
			}
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
			if out.String() != tt.wantOut {
				t.Errorf("out = %q, want %q", out.String(), tt.wantOut)
			}
		})
	}
}

// manyRoutes are n routes to a virtual private gateway, created by hand.
func manyRoutes(n int) []ec2types.Route {
	var out []ec2types.Route
	for i := range n {
		out = append(out, ec2types.Route{DestinationCidrBlock: aws.String(netip.AddrFrom4([4]byte{192, 168, byte(i), 0}).String() + "/24"),
			GatewayId: aws.String("vgw-0123"), Origin: ec2types.RouteOriginCreateRoute})
	}
	return out
}

// TestPreflightRefusesThroughCheck runs the whole Check: an existing
// network's conflicts come out as a *ConflictError (exit status 3), each
// network's clients are built for its own region, and a greenfield
// network in another region is not compared with the existing one's zones.
func TestPreflightRefusesThroughCheck(t *testing.T) {
	cfg := existingConfig(func(c *config.Config) {
		c.Observability.Compliance.CreateRecorder = aws.Bool(true)
	})
	legacy := healthyLegacy()
	legacy.dnsNames[legacyVPC] = false
	var regions []string
	c := Checker{Clients: func(_ context.Context, region string, n config.Network) (Clients, error) {
		regions = append(regions, n.Name+"@"+region)
		acct := &account{}
		return Clients{Config: acct, Sinks: acct, Zones: acct, VPCs: legacy, RouteTables: legacy, FlowLogs: legacy, Peerings: legacy}, nil
	}}
	var out bytes.Buffer
	c.Out = &out
	err := c.Check(context.Background(), cfg, nil)
	if !errors.Is(err, ErrConflict) || !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("err = %v, want a conflict", err)
	}
	want := "pre-flight check: " + legacyWhere + ": VPC vpc-0a1b2c3d4e5f60718 has enableDnsHostnames off, which DNS resolution across the peering needs; " +
		"peerctl does not change a VPC it did not create, turn it on with: " +
		`aws ec2 modify-vpc-attribute --vpc-id vpc-0a1b2c3d4e5f60718 --enable-dns-hostnames '{"Value":true}' --region eu-west-1 --profile legacy; nothing was changed`
	if err.Error() != want {
		t.Errorf("err =\n%s\nwant\n%s", err, want)
	}
	if got := strings.Join(regions, " "); got != "trading@us-east-1 legacy@eu-west-1" {
		t.Errorf("clients built for %s", got)
	}
	if !strings.Contains(out.String(), "discovered now: rtb-0aaa, rtb-0bbb") {
		t.Errorf("out = %q, want the discovered route tables", out.String())
	}
}
