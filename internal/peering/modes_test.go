package peering_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/peering"
	"github.com/peerctl/peerctl/internal/plan"
)

// world wraps the plan's mocks: it records registrations and the
// getVpcPeeringConnections filters, and answers that invoke with active.
type world struct {
	*plan.Mocks
	active     []string
	registered map[string]resource.PropertyMap // "type name" -> inputs
	asked      []string                        // "name=value" per filter value
}

func newWorld(active ...string) *world {
	return &world{Mocks: plan.NewMocks("peerctl", "test"), active: active, registered: map[string]resource.PropertyMap{}}
}

func (w *world) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	w.registered[args.TypeToken+" "+args.Name] = args.Inputs
	return w.Mocks.NewResource(args)
}

func (w *world) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token != "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections" {
		return w.Mocks.Call(args)
	}
	for _, f := range args.Args["filters"].ArrayValue() {
		o := f.ObjectValue()
		for _, v := range o["values"].ArrayValue() {
			w.asked = append(w.asked, o["name"].StringValue()+"="+v.StringValue())
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": "us-east-1", "ids": w.active}), nil
}

func (w *world) names(typ string) []string {
	var out []string
	for k := range w.registered {
		if name, ok := strings.CutPrefix(k, typ+" "); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func (w *world) inputs(t *testing.T, typ, name string) resource.PropertyMap {
	t.Helper()
	in, ok := w.registered[typ+" "+name]
	if !ok {
		t.Fatalf("no %s %s", typ, name)
	}
	return in
}

const (
	pcxType      = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	accepterType = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
	optionsType  = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
	routeType    = "aws:ec2/route:Route"
)

// ours is trading in us-east-1 with two route tables keyed by AZ ID.
func ours(ctx *pulumi.Context, t *testing.T) peering.Side {
	p, err := aws.NewProvider(ctx, "trading", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
	if err != nil {
		t.Fatal(err)
	}
	return peering.Side{Network: "trading", Provider: p, AccountID: pulumi.String("111111111111"), Region: "us-east-1",
		VpcID: pulumi.String("vpc-0000000000000000a"), CIDR: netip.MustParsePrefix("10.0.0.0/16"),
		RouteTableIDs: map[string]pulumi.StringInput{"use1-az1": pulumi.String("rtb-a1"), "use1-az2": pulumi.String("rtb-a2")},
		AZIDs:         []string{"use1-az1", "use1-az2"}}
}

var (
	marketData = peering.Side{Network: "market-data", Partner: true, ConnectionID: "pcx-0123456789abcdef0",
		AccountID: pulumi.String("333333333333"), Region: "us-east-1", CIDR: netip.MustParsePrefix("172.31.0.0/16")}
	clearing = peering.Side{Network: "clearing", Partner: true, AccountID: pulumi.String("333333333333"),
		VpcID: pulumi.String("vpc-0fedcba9876543210"), Region: "us-west-2", CIDR: netip.MustParsePrefix("192.168.0.0/16"),
		PartnerVPC: "vpc-0fedcba9876543210", PartnerAccount: "333333333333"}
)

func runPeering(t *testing.T, w *world, name string, build func(ctx *pulumi.Context) *peering.PeeringArgs) error {
	t.Helper()
	return pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := peering.NewPeering(ctx, name, build(ctx))
		return err
	}, pulumi.WithMocks("peerctl", "test", w))
}

func TestPartnerSidesAreChecked(t *testing.T) {
	tests := []struct {
		name  string
		build func(ctx *pulumi.Context, t *testing.T) *peering.PeeringArgs
		want  string
	}{
		{"both partners", func(*pulumi.Context, *testing.T) *peering.PeeringArgs {
			return &peering.PeeringArgs{Environment: "dev", Requester: marketData, Accepter: clearing}
		}, "at least one side must be the stack's (market-data, clearing are partners)"},
		{"accepting without a connection id", func(ctx *pulumi.Context, t *testing.T) *peering.PeeringArgs {
			s := marketData
			s.ConnectionID = "vpc-0123"
			return &peering.PeeringArgs{Environment: "dev", Requester: s, Accepter: ours(ctx, t)}
		}, `partner "market-data": accepting needs the partner's connection id (pcx-...), got "vpc-0123"`},
		{"requesting without the partner's account", func(ctx *pulumi.Context, t *testing.T) *peering.PeeringArgs {
			s := clearing
			s.AccountID = nil
			return &peering.PeeringArgs{Environment: "dev", Requester: ours(ctx, t), Accepter: s}
		}, `partner "clearing": requesting needs the partner's VPC id and account id`},
		{"a partner with route tables", func(ctx *pulumi.Context, t *testing.T) *peering.PeeringArgs {
			s := clearing
			s.RouteTableIDs = map[string]pulumi.StringInput{"x": pulumi.String("rtb-x")}
			return &peering.PeeringArgs{Environment: "dev", Requester: ours(ctx, t), Accepter: s}
		}, `partner "clearing": the stack creates nothing on a partner's side (no provider, no route tables)`},
		{"one-sided same-account", func(ctx *pulumi.Context, t *testing.T) *peering.PeeringArgs {
			return &peering.PeeringArgs{Environment: "dev", Requester: ours(ctx, t), Accepter: clearing, SameAccount: true}
		}, "a one-sided peering is never same-account (the partner accepts or requests)"},
		{"partner overlapping", func(ctx *pulumi.Context, t *testing.T) *peering.PeeringArgs {
			s := clearing
			s.CIDR = netip.MustParsePrefix("10.0.64.0/18")
			return &peering.PeeringArgs{Environment: "dev", Requester: ours(ctx, t), Accepter: s}
		}, "trading 10.0.0.0/16 overlaps clearing 10.0.64.0/18"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runPeering(t, newWorld(), "p", func(ctx *pulumi.Context) *peering.PeeringArgs { return tt.build(ctx, t) })
			if err == nil || !strings.Contains(err.Error(), `peering "p": `+tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestAccepterOnlyAcceptsTheConfiguredConnection(t *testing.T) {
	w := newWorld()
	if err := runPeering(t, w, "market-data-trading", func(ctx *pulumi.Context) *peering.PeeringArgs {
		return &peering.PeeringArgs{Environment: "dev", Requester: marketData, Accepter: ours(ctx, t)}
	}); err != nil {
		t.Fatal(err)
	}
	if got := w.names(pcxType); len(got) != 0 {
		t.Errorf("connections %v: the partner's connection is not ours to create", got)
	}
	acc := w.inputs(t, accepterType, "market-data-trading-accepter")
	if acc["vpcPeeringConnectionId"].StringValue() != "pcx-0123456789abcdef0" || !acc["autoAccept"].BoolValue() {
		t.Errorf("accepter inputs %v", acc)
	}
	if got := w.names(optionsType); !slices.Equal(got, []string{"market-data-trading-accepter-options"}) {
		t.Errorf("options %v", got)
	}
	if got := w.names(routeType); !slices.Equal(got, []string{"market-data-trading-route-trading-use1-az1", "market-data-trading-route-trading-use1-az2"}) {
		t.Errorf("routes %v", got)
	}
}

func TestRequesterOnlyWaitsForTheActiveConnection(t *testing.T) {
	args := func(ctx *pulumi.Context) *peering.PeeringArgs {
		return &peering.PeeringArgs{Environment: "dev", Requester: ours(ctx, t), Accepter: clearing}
	}
	pending := newWorld()
	if err := runPeering(t, pending, "trading-clearing", args); err != nil {
		t.Fatal(err)
	}
	conn := pending.inputs(t, pcxType, "trading-clearing-connection")
	for k, want := range map[string]string{"vpcId": "vpc-0000000000000000a", "peerVpcId": "vpc-0fedcba9876543210",
		"peerOwnerId": "333333333333", "peerRegion": "us-west-2"} {
		if got := conn[resource.PropertyKey(k)]; !got.IsString() || got.StringValue() != want {
			t.Errorf("connection %s = %v, want %s", k, got, want)
		}
	}
	if _, has := conn["autoAccept"]; has {
		t.Error("requester-only sets autoAccept")
	}
	if got := pending.names(accepterType); len(got) != 0 {
		t.Errorf("accepters %v", got)
	}
	if got := pending.names(optionsType); len(got) != 0 {
		t.Errorf("options while pending: %v", got)
	}
	// The question asked: our connection by its Name tag, active only, and
	// toward the partner's VPC and account (another stack's connection may
	// carry the same Name tag).
	if want := []string{"tag:Name=trading-clearing-peering-dev", "status-code=active",
		"accepter-vpc-info.vpc-id=vpc-0fedcba9876543210", "accepter-vpc-info.owner-id=333333333333"}; !slices.Equal(pending.asked, want) {
		t.Errorf("asked %v, want %v", pending.asked, want)
	}
	// Routes do not wait: AWS keeps them blackholed until acceptance.
	if got := pending.names(routeType); !slices.Equal(got, []string{"trading-clearing-route-trading-use1-az1", "trading-clearing-route-trading-use1-az2"}) {
		t.Errorf("routes %v", got)
	}

	active := newWorld("pcx-0aaaaaaaaaaaaaaaa")
	if err := runPeering(t, active, "trading-clearing", args); err != nil {
		t.Fatal(err)
	}
	if got := active.names(optionsType); !slices.Equal(got, []string{"trading-clearing-requester-options"}) {
		t.Fatalf("options once active: %v", got)
	}
	opts := active.inputs(t, optionsType, "trading-clearing-requester-options")
	if _, has := opts["accepter"]; has {
		t.Errorf("requester options set the partner's accepter side: %v", opts)
	}
}
