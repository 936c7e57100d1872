package preflight

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/config"
)

// ec2Account is a fake account's EC2 in one region: VPCs, route tables,
// flow logs and peering connections, answered as EC2 answers.
type ec2Account struct {
	vpcs       []ec2types.Vpc
	dnsSupport map[string]bool
	dnsNames   map[string]bool
	tables     []ec2types.RouteTable
	flowLogs   []ec2types.FlowLog
	peerings   []ec2types.VpcPeeringConnection
	fail       map[string]error
	calls      []string
}

func (a *ec2Account) DescribeVpcs(_ context.Context, in *ec2.DescribeVpcsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	a.calls = append(a.calls, "DescribeVpcs")
	if err := a.fail["DescribeVpcs"]; err != nil {
		return nil, err
	}
	var out []ec2types.Vpc
	for _, v := range a.vpcs {
		if len(in.VpcIds) > 0 && !slices.Contains(in.VpcIds, aws.ToString(v.VpcId)) {
			continue
		}
		if matchTags(v.Tags, in.Filters) {
			out = append(out, v)
		}
	}
	// Like EC2: an unknown id in VpcIds is an error, not an empty answer.
	if len(in.VpcIds) > 0 && len(out) == 0 {
		return nil, &smithy.GenericAPIError{Code: "InvalidVpcID.NotFound", Message: "The vpc ID '" + in.VpcIds[0] + "' does not exist"}
	}
	return &ec2.DescribeVpcsOutput{Vpcs: out}, nil
}

func (a *ec2Account) DescribeVpcAttribute(_ context.Context, in *ec2.DescribeVpcAttributeInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error) {
	a.calls = append(a.calls, "DescribeVpcAttribute:"+string(in.Attribute))
	id := aws.ToString(in.VpcId)
	out := &ec2.DescribeVpcAttributeOutput{VpcId: in.VpcId}
	switch in.Attribute {
	case ec2types.VpcAttributeNameEnableDnsSupport:
		out.EnableDnsSupport = &ec2types.AttributeBooleanValue{Value: aws.Bool(a.dnsSupport[id])}
	case ec2types.VpcAttributeNameEnableDnsHostnames:
		out.EnableDnsHostnames = &ec2types.AttributeBooleanValue{Value: aws.Bool(a.dnsNames[id])}
	}
	return out, nil
}

func (a *ec2Account) DescribeRouteTables(_ context.Context, in *ec2.DescribeRouteTablesInput, _ ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	a.calls = append(a.calls, "DescribeRouteTables")
	if err := a.fail["DescribeRouteTables"]; err != nil {
		return nil, err
	}
	vpc := filterValue(in.Filters, "vpc-id")
	var out []ec2types.RouteTable
	for _, t := range a.tables {
		if vpc == "" || aws.ToString(t.VpcId) == vpc {
			out = append(out, t)
		}
	}
	return &ec2.DescribeRouteTablesOutput{RouteTables: out}, nil
}

func (a *ec2Account) DescribeFlowLogs(_ context.Context, in *ec2.DescribeFlowLogsInput, _ ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	a.calls = append(a.calls, "DescribeFlowLogs")
	res := filterValue(in.Filter, "resource-id")
	var out []ec2types.FlowLog
	for _, f := range a.flowLogs {
		if res == "" || aws.ToString(f.ResourceId) == res {
			out = append(out, f)
		}
	}
	return &ec2.DescribeFlowLogsOutput{FlowLogs: out}, nil
}

func (a *ec2Account) DescribeVpcPeeringConnections(_ context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error) {
	a.calls = append(a.calls, "DescribeVpcPeeringConnections")
	if err := a.fail["DescribeVpcPeeringConnections"]; err != nil {
		return nil, err
	}
	var out []ec2types.VpcPeeringConnection
	for _, c := range a.peerings {
		if len(in.VpcPeeringConnectionIds) > 0 && !slices.Contains(in.VpcPeeringConnectionIds, aws.ToString(c.VpcPeeringConnectionId)) {
			continue
		}
		if matchTags(c.Tags, in.Filters) {
			out = append(out, c)
		}
	}
	if len(in.VpcPeeringConnectionIds) > 0 && len(out) == 0 {
		return nil, &smithy.GenericAPIError{Code: "InvalidVpcPeeringConnectionID.NotFound",
			Message: "The vpcPeeringConnection ID '" + in.VpcPeeringConnectionIds[0] + "' does not exist"}
	}
	return &ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: out}, nil
}

// matchTags applies "tag:Key" filters, as EC2 does; other filters pass.
func matchTags(have []ec2types.Tag, filters []ec2types.Filter) bool {
	for _, f := range filters {
		key, ok := strings.CutPrefix(aws.ToString(f.Name), "tag:")
		if !ok {
			continue
		}
		found := false
		for _, t := range have {
			if aws.ToString(t.Key) == key && slices.Contains(f.Values, aws.ToString(t.Value)) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func filterValue(filters []ec2types.Filter, name string) string {
	for _, f := range filters {
		if aws.ToString(f.Name) == name && len(f.Values) > 0 {
			return f.Values[0]
		}
	}
	return ""
}

func tagList(kv ...string) []ec2types.Tag {
	var out []ec2types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, ec2types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// vpcWith is a VPC with associated CIDR blocks (and a disassociated one,
// which must not count).
func vpcWith(id string, blocks ...string) ec2types.Vpc {
	v := ec2types.Vpc{VpcId: aws.String(id), CidrBlock: aws.String(blocks[0])}
	for _, b := range blocks {
		v.CidrBlockAssociationSet = append(v.CidrBlockAssociationSet, ec2types.VpcCidrBlockAssociation{
			CidrBlock: aws.String(b), CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}})
	}
	return v
}

// table is a route table of vpc with a local route and extra routes.
func table(id, vpc, local string, routes ...ec2types.Route) ec2types.RouteTable {
	all := append([]ec2types.Route{{DestinationCidrBlock: aws.String(local), GatewayId: aws.String("local"), Origin: ec2types.RouteOriginCreateRouteTable}}, routes...)
	return ec2types.RouteTable{RouteTableId: aws.String(id), VpcId: aws.String(vpc), Routes: all}
}

// Test configuration: trading (greenfield, us-east-1, 111111111111) and
// legacy (existing vpc-0a1b2c3d4e5f60718, eu-west-1, 222222222222).
const legacyVPC = "vpc-0a1b2c3d4e5f60718"

func existingConfig(mutate func(*config.Config)) *config.Config {
	cfg := &config.Config{
		Environment: "dev",
		Region:      "us-east-1",
		Quotas:      config.Quotas{RoutesPerRouteTable: 50},
		Networks: []config.Network{
			{Name: "trading", CIDR: netip.MustParsePrefix("10.0.0.0/16"), CostCenter: "trading", Region: "us-east-1", AZCount: 3,
				Account: config.Account{ID: "111111111111", Profile: "trading-dev"}},
			{Name: "legacy", CIDR: netip.MustParsePrefix("10.20.0.0/16"), CostCenter: "legacy", Region: "eu-west-1",
				Existing: &config.Existing{VPCID: legacyVPC, SecurityGroup: true, FlowLogs: true},
				Account:  config.Account{ID: "222222222222", Profile: "legacy"}},
		},
		Peerings: []config.Peering{{Requester: "trading", Accepter: "legacy"}},
	}
	if mutate != nil {
		mutate(cfg)
	}
	return cfg
}

// healthyLegacy is the legacy account as the checks want it.
func healthyLegacy() *ec2Account {
	return &ec2Account{
		vpcs:       []ec2types.Vpc{vpcWith(legacyVPC, "10.20.0.0/16")},
		dnsSupport: map[string]bool{legacyVPC: true},
		dnsNames:   map[string]bool{legacyVPC: true},
		tables: []ec2types.RouteTable{
			table("rtb-0aaa", legacyVPC, "10.20.0.0/16"),
			table("rtb-0bbb", legacyVPC, "10.20.0.0/16"),
			table("rtb-0ccc", "vpc-0other", "10.99.0.0/16"),
		},
	}
}
