package e2e

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// TestFakeEC2ThroughTheSDK needs no tools: the AWS SDK, as peerctl's
// pre-flight check uses it, reads what the fake EC2 answers from a seeded
// world, per account and region.
func TestFakeEC2ThroughTheSDK(t *testing.T) {
	dir := t.TempDir()
	e := &env{t: t, world: dir}
	e.seedAWS(t,
		&worldResource{Type: typeVpc, ID: "vpc-0a1b2c3d4e5f60718", Account: "222222222222", Region: "eu-west-1",
			Outputs: map[string]any{"cidrBlock": "10.20.0.0/16", "enableDnsHostnames": false, "mainRouteTableId": "rtb-0a1b2c3d4e5f60719"}},
		&worldResource{Type: typeRouteTable, ID: "rtb-0a1b2c3d4e5f60719", Account: "222222222222", Region: "eu-west-1",
			Outputs: map[string]any{"vpcId": "vpc-0a1b2c3d4e5f60718"}},
		&worldResource{Type: typeRouteTable, ID: "rtb-0a1b2c3d4e5f6071a", Account: "222222222222", Region: "eu-west-1",
			Outputs: map[string]any{"vpcId": "vpc-0a1b2c3d4e5f60718", "routes": []any{map[string]any{"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-0123456789abcdef0"}}}},
		&worldResource{Type: typeFlowLog, ID: "fl-0123456789abcdef0", Account: "222222222222", Region: "eu-west-1",
			Outputs: map[string]any{"vpcId": "vpc-0a1b2c3d4e5f60718", "logDestinationType": "s3", "logDestination": "arn:aws:s3:::their-flow-logs"}},
		&worldResource{Type: typeVpc, ID: "vpc-0fedcba9876543210", Account: "333333333333", Region: "us-east-1", Outputs: map[string]any{"cidrBlock": "172.31.0.0/16"}},
		&worldResource{Type: typeConnection, ID: "pcx-0123456789abcdef0", Account: "333333333333", Region: "us-east-1",
			Outputs: map[string]any{"vpcId": "vpc-0fedcba9876543210", "peerVpcId": "vpc-0000000000000aaaa", "peerOwnerId": "111111111111",
				"acceptStatus": "pending-acceptance", "tags": map[string]any{"Name": "market-data"}}},
	)
	srv := fakeAWS(t, dir)
	client := func(account, region string) *ec2.Client {
		return ec2.New(ec2.Options{Region: region, BaseEndpoint: aws.String(srv.URL),
			Credentials: credentials.NewStaticCredentialsProvider(accessKey(account), "e2e", "")})
	}
	ctx := context.Background()
	legacy := client("222222222222", "eu-west-1")

	vpcs, err := legacy.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0a1b2c3d4e5f60718"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].CidrBlockAssociationSet[0].CidrBlock) != "10.20.0.0/16" ||
		vpcs.Vpcs[0].CidrBlockAssociationSet[0].CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated {
		t.Errorf("DescribeVpcs = %+v", vpcs.Vpcs)
	}
	// The same VPC asked from the default region does not exist there.
	_, err = client("222222222222", "us-east-1").DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0a1b2c3d4e5f60718"}})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidVpcID.NotFound" {
		t.Errorf("DescribeVpcs from another region: err = %v, want InvalidVpcID.NotFound", err)
	}

	for attr, want := range map[ec2types.VpcAttributeName]bool{ec2types.VpcAttributeNameEnableDnsSupport: true, ec2types.VpcAttributeNameEnableDnsHostnames: false} {
		out, err := legacy.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String("vpc-0a1b2c3d4e5f60718"), Attribute: attr})
		if err != nil {
			t.Fatal(err)
		}
		v := out.EnableDnsSupport
		if attr == ec2types.VpcAttributeNameEnableDnsHostnames {
			v = out.EnableDnsHostnames
		}
		if v == nil || aws.ToBool(v.Value) != want {
			t.Errorf("%s = %v, want %t", attr, v, want)
		}
	}

	tables, err := legacy.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-0a1b2c3d4e5f60718"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	routes := map[string][]string{}
	for _, rt := range tables.RouteTables {
		id := aws.ToString(rt.RouteTableId)
		ids = append(ids, id)
		for _, r := range rt.Routes {
			routes[id] = append(routes[id], aws.ToString(r.DestinationCidrBlock)+">"+aws.ToString(r.GatewayId))
		}
	}
	if !slices.Equal(ids, []string{"rtb-0a1b2c3d4e5f60719", "rtb-0a1b2c3d4e5f6071a"}) {
		t.Errorf("route tables = %v", ids)
	}
	if got := routes["rtb-0a1b2c3d4e5f6071a"]; !slices.Equal(got, []string{"10.20.0.0/16>local", "0.0.0.0/0>igw-0123456789abcdef0"}) {
		t.Errorf("routes of the second table = %v", got)
	}

	logs, err := legacy.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{
		Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{"vpc-0a1b2c3d4e5f60718"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs.FlowLogs) != 1 || aws.ToString(logs.FlowLogs[0].FlowLogId) != "fl-0123456789abcdef0" || logs.FlowLogs[0].LogDestinationType != ec2types.LogDestinationTypeS3 {
		t.Errorf("flow logs = %+v", logs.FlowLogs)
	}

	// The partner's connection, seen by its accepter (trading, us-east-1).
	pcx, err := client("111111111111", "us-east-1").DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{
		VpcPeeringConnectionIds: []string{"pcx-0123456789abcdef0"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pcx.VpcPeeringConnections) != 1 {
		t.Fatalf("connections = %+v", pcx.VpcPeeringConnections)
	}
	c := pcx.VpcPeeringConnections[0]
	if aws.ToString(c.AccepterVpcInfo.VpcId) != "vpc-0000000000000aaaa" || aws.ToString(c.RequesterVpcInfo.OwnerId) != "333333333333" ||
		aws.ToString(c.RequesterVpcInfo.CidrBlockSet[0].CidrBlock) != "172.31.0.0/16" || c.Status.Code != ec2types.VpcPeeringConnectionStateReasonCodePendingAcceptance {
		t.Errorf("connection = %+v %+v %+v %+v", c.AccepterVpcInfo, c.RequesterVpcInfo, c.Status, c.Tags)
	}
	if len(c.Tags) != 0 {
		t.Errorf("the accepter sees the requester's tags: %+v", c.Tags)
	}
	// An account that is neither side cannot see it.
	_, err = legacy.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{"pcx-0123456789abcdef0"}})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidVpcPeeringConnectionID.NotFound" {
		t.Errorf("a third account: err = %v, want InvalidVpcPeeringConnectionID.NotFound", err)
	}

	// Once the stand-in merged the seed and the accepter accepted, the
	// world says so.
	writeFile(t, filepath.Join(dir, "world.json"), `{"resources": {}, "accepted": {"pcx-0123456789abcdef0": true}, "seeds": {}}`)
	pcx, err = client("333333333333", "us-east-1").DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"market-data"}}, {Name: aws.String("status-code"), Values: []string{"active"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pcx.VpcPeeringConnections) != 1 {
		t.Errorf("the requester's active connection by tag: %+v", pcx.VpcPeeringConnections)
	}
}
