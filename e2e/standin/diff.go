package main

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// forceNew are the inputs whose change makes AWS (and so the provider)
// replace the resource rather than update it in place: ForceNew in the
// Terraform AWS provider's schema. A change to any other input is an
// in-place update. Only the types and inputs peerctl sets are listed.
var forceNew = map[string][]string{
	"aws:ec2/vpc:Vpc":                                                   {"cidrBlock", "instanceTenancy"},
	"aws:ec2/subnet:Subnet":                                             {"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"},
	"aws:ec2/routeTable:RouteTable":                                     {"vpcId"},
	"aws:ec2/routeTableAssociation:RouteTableAssociation":               {"subnetId", "gatewayId"},
	"aws:ec2/route:Route":                                               {"routeTableId", "destinationCidrBlock", "destinationPrefixListId"},
	"aws:ec2/securityGroup:SecurityGroup":                               {"vpcId", "name", "namePrefix", "description"},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":         {"securityGroupId"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":           {"securityGroupId"},
	"aws:ec2/networkAcl:NetworkAcl":                                     {"vpcId"},
	"aws:ec2/networkAclRule:NetworkAclRule":                             {"networkAclId", "ruleNumber", "egress", "protocol", "ruleAction", "cidrBlock", "fromPort", "toPort"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                   {"vpcId", "serviceName", "vpcEndpointType"},
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection":                 {"vpcId", "peerVpcId", "peerOwnerId", "peerRegion"},
	"aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": {"vpcPeeringConnectionId"},
	"aws:ec2/peeringConnectionOptions:PeeringConnectionOptions":         {"vpcPeeringConnectionId"},
	"aws:ec2/flowLog:FlowLog":                                           {"vpcId", "subnetId", "logDestination", "logDestinationType", "trafficType", "logFormat", "iamRoleArn", "maxAggregationInterval"},
	"aws:s3/bucketV2:BucketV2":                                          {"bucket", "bucketPrefix"},
	"aws:s3/bucket:Bucket":                                              {"bucket", "bucketPrefix"},
	"aws:cloudwatch/logGroup:LogGroup":                                  {"name", "namePrefix"},
	"aws:iam/role:Role":                                                 {"name", "namePrefix", "path"},
	"aws:iam/policy:Policy":                                             {"name", "namePrefix", "path", "description"},
	"aws:sns/topic:Topic":                                               {"name", "namePrefix", "fifoTopic"},
	"aws:cloudwatch/metricAlarm:MetricAlarm":                            {"name"},
	"aws:cloudwatch/dashboard:Dashboard":                                {"dashboardName"},
	"aws:cfg/recorder:Recorder":                                         {"name"},
	"aws:cfg/deliveryChannel:DeliveryChannel":                           {"name"},
	"aws:cfg/rule:Rule":                                                 {"name"},
	"aws:oam/sink:Sink":                                                 {"name"},
	"aws:oam/link:Link":                                                 {"sinkIdentifier"},
	"aws:kms/key:Key":                                                   {"customerMasterKeySpec", "keyUsage"},
}

// diff compares the inputs a resource was created with to the new ones.
func diff(typ string, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds := req.GetOldInputs()
	if olds == nil {
		olds = req.GetOlds()
	}
	old, err := plugin.UnmarshalProperties(olds, unmarshal)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), unmarshal)
	if err != nil {
		return nil, err
	}
	d := old.Diff(news, func(k resource.PropertyKey) bool { return k == "__defaults" })
	if d == nil || !d.AnyChanges() {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	res := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME}
	for _, k := range d.ChangedKeys() {
		res.Diffs = append(res.Diffs, string(k))
		if slices.Contains(forceNew[typ], string(k)) {
			res.Replaces = append(res.Replaces, string(k))
		}
	}
	return res, nil
}
