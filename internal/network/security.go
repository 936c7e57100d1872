package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
)

// securityGroup creates the application security group: workloads that talk
// across the peering attach it. Rules are separate resources (one CIDR or
// prefix list each, with a description) keyed by direction, port and peer.
// The group itself has no inline rules; the provider removes the default
// allow-all egress rule AWS adds on creation. The egress rules to the S3 and
// DynamoDB prefix lists are added by endpoints().
func (b *builder) securityGroup() error {
	sg, err := ec2.NewSecurityGroup(b.ctx, b.n.Name+"-app-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(b.physical("app-sg")),
		Description: pulumi.String(fmt.Sprintf("%s workloads: HTTPS and PostgreSQL with peered networks only", b.n.Name)),
		VpcId:       b.n.VpcID, // set for created and existing VPCs alike
		Tags:        b.nameTags("app-sg"),
	}, b.parent)
	if err != nil {
		return err
	}
	b.n.AppSG = sg
	for _, peer := range b.args.Peers {
		for _, port := range netplan.AppPorts {
			suffix := fmt.Sprintf("%d-%s", port.Number, peer.Name)
			if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, b.n.Name+"-app-sg-in-"+suffix, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: sg.ID(),
				IpProtocol:      pulumi.String("tcp"),
				FromPort:        pulumi.Int(port.Number),
				ToPort:          pulumi.Int(port.Number),
				CidrIpv4:        pulumi.String(peer.CIDR.String()),
				Description:     pulumi.String(fmt.Sprintf("%s (%d) from %s %s", port.Name, port.Number, peer.Name, peer.CIDR)),
				Tags:            b.nameTags("app-sg-in-" + suffix),
			}, b.parent); err != nil {
				return err
			}
			if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, b.n.Name+"-app-sg-out-"+suffix, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: sg.ID(),
				IpProtocol:      pulumi.String("tcp"),
				FromPort:        pulumi.Int(port.Number),
				ToPort:          pulumi.Int(port.Number),
				CidrIpv4:        pulumi.String(peer.CIDR.String()),
				Description:     pulumi.String(fmt.Sprintf("%s (%d) to %s %s", port.Name, port.Number, peer.Name, peer.CIDR)),
				Tags:            b.nameTags("app-sg-out-" + suffix),
			}, b.parent); err != nil {
				return err
			}
		}
	}
	return nil
}
