package network_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/network"
	"github.com/peerctl/peerctl/internal/plan"
)

func existingArgs() *network.NetworkArgs {
	return &network.NetworkArgs{
		Environment: "dev",
		Region:      "eu-west-1",
		CIDR:        netip.MustParsePrefix("10.20.0.0/16"),
		Peers:       []netplan.Peer{{Name: "trading", CIDR: netip.MustParsePrefix("10.0.0.0/16")}},
		Existing: &network.ExistingVPC{VpcID: "vpc-0a1b2c3d4e5f60718",
			RouteTableIDs: []string{"rtb-0a1b2c3d4e5f6071a", "rtb-0a1b2c3d4e5f60719"}, SecurityGroup: true},
	}
}

// recorder wraps the plan's mocks to keep the types and names registered.
type recorder struct {
	*plan.Mocks
	registered []string // "type name"
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.registered = append(r.registered, args.TypeToken+" "+args.Name)
	return r.Mocks.NewResource(args)
}

func runExisting(t *testing.T, args *network.NetworkArgs) (*recorder, *network.Network, error) {
	t.Helper()
	rec := &recorder{Mocks: plan.NewMocks("peerctl", "test")}
	var net *network.Network
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "legacy", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		net, err = network.NewNetwork(ctx, "legacy", args, pulumi.Provider(p))
		return err
	}, pulumi.WithMocks("peerctl", "test", rec))
	return rec, net, err
}

func TestExistingArgsAreChecked(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*network.NetworkArgs)
		want   string
	}{
		{"not a VPC id", func(a *network.NetworkArgs) { a.Existing.VpcID = "sg-0a1b2c3d" },
			`network "legacy": existing VPC id "sg-0a1b2c3d" is not a vpc- id`},
		{"not a route table id", func(a *network.NetworkArgs) { a.Existing.RouteTableIDs = []string{"subnet-1"} },
			`network "legacy": existing VPC vpc-0a1b2c3d4e5f60718: route table id "subnet-1" is not a rtb- id`},
		{"route table twice", func(a *network.NetworkArgs) {
			a.Existing.RouteTableIDs = []string{"rtb-0a1b2c3d4e5f60719", "rtb-0a1b2c3d4e5f60719"}
		}, `network "legacy": existing VPC vpc-0a1b2c3d4e5f60718: route table rtb-0a1b2c3d4e5f60719 is listed twice`},
		{"subnets in an existing VPC", func(a *network.NetworkArgs) {
			a.Subnets = []network.Subnet{{AZID: "euw1-az1", CIDR: netip.MustParsePrefix("10.20.0.0/20")}}
		}, `network "legacy": an existing VPC (vpc-0a1b2c3d4e5f60718) gets no subnets`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := existingArgs()
			tt.mutate(args)
			_, _, err := runExisting(t, args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// An existing VPC gets the application security group and its rules, and
// nothing else: no VPC, subnet, route table, NACL, endpoint or adopted
// default resource.
func TestExistingBuildsOnlyTheSecurityGroup(t *testing.T) {
	rec, net, err := runExisting(t, existingArgs())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"aws:ec2/securityGroup:SecurityGroup legacy-app-sg",
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule legacy-app-sg-out-443-trading",
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule legacy-app-sg-out-5432-trading",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule legacy-app-sg-in-443-trading",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule legacy-app-sg-in-5432-trading",
		"peerctl:network:Network legacy",
		"pulumi:providers:aws legacy",
	}
	got := slices.Sorted(slices.Values(rec.registered))
	if !slices.Equal(got, want) {
		t.Errorf("registered\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if net.Vpc != nil || net.Nacl != nil || len(net.Subnets) != 0 || len(net.Endpoints) != 0 {
		t.Error("an existing network has created parts")
	}
	if !slices.Equal(net.ExistingRouteTableIDs, []string{"rtb-0a1b2c3d4e5f60719", "rtb-0a1b2c3d4e5f6071a"}) {
		t.Errorf("route tables = %v, want the given ones in id order", net.ExistingRouteTableIDs)
	}

	args := existingArgs()
	args.Existing.SecurityGroup = false
	rec, net, err = runExisting(t, args)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(rec.registered)); !slices.Equal(got, []string{"peerctl:network:Network legacy", "pulumi:providers:aws legacy"}) {
		t.Errorf("without security group, registered %v", got)
	}
	if net.AppSG != nil {
		t.Error("AppSG set without a security group")
	}
}

// answering wraps the plan's mocks with a fixed answer for getRouteTables
// and records the filters it was asked with.
type answering struct {
	*plan.Mocks
	ids     []string
	filters []string // "name=value"
}

func (a *answering) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token != "aws:ec2/getRouteTables:getRouteTables" {
		return a.Mocks.Call(args)
	}
	for _, f := range args.Args["filters"].ArrayValue() {
		o := f.ObjectValue()
		for _, v := range o["values"].ArrayValue() {
			a.filters = append(a.filters, o["name"].StringValue()+"="+v.StringValue())
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": "eu-west-1", "ids": a.ids}), nil
}

// Discovery asks for the VPC's route tables by vpc-id and returns them in
// a stable order, whatever order AWS answers in.
func TestDiscoverRouteTables(t *testing.T) {
	m := &answering{Mocks: plan.NewMocks("peerctl", "test"), ids: []string{"rtb-0c", "rtb-0a", "rtb-0b", "rtb-0a"}}
	var got []string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "legacy", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		got, err = network.DiscoverRouteTables(ctx, "vpc-0a1b2c3d4e5f60718", pulumi.Provider(p))
		return err
	}, pulumi.WithMocks("peerctl", "test", m))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"rtb-0a", "rtb-0b", "rtb-0c"}; !slices.Equal(got, want) {
		t.Errorf("discovered %v, want %v", got, want)
	}
	if want := []string{"vpc-id=vpc-0a1b2c3d4e5f60718"}; !slices.Equal(m.filters, want) {
		t.Errorf("filters %v, want %v", m.filters, want)
	}
}
