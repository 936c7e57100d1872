package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
)

// endpoints creates the S3 and DynamoDB gateway endpoints, attached to every
// private route table (routeTableIds on the endpoint, never association
// resources as well), and the application security group's egress rule to
// each service's prefix list. Gateway endpoints are free but cannot be used
// through a peering, so every network gets its own.
func (b *builder) endpoints() error {
	b.n.Endpoints = map[string]*ec2.VpcEndpoint{}
	for _, service := range netplan.GatewayEndpointServices {
		ep, err := ec2.NewVpcEndpoint(b.ctx, fmt.Sprintf("%s-%s-endpoint", b.n.Name, service), &ec2.VpcEndpointArgs{
			VpcId:           b.n.Vpc.ID(),
			ServiceName:     pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", b.args.Region, service)),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   idsOf(b.n.AZIDs, b.n.RouteTables),
			Tags:            b.nameTags(service + "-endpoint"),
		}, b.parent)
		if err != nil {
			return err
		}
		b.n.Endpoints[service] = ep
		if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, fmt.Sprintf("%s-app-sg-out-443-%s", b.n.Name, service), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: b.n.AppSG.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			PrefixListId:    ep.PrefixListId,
			Description:     pulumi.String(fmt.Sprintf("https (443) to %s through the gateway endpoint", service)),
			Tags:            b.nameTags("app-sg-out-443-" + service),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}
