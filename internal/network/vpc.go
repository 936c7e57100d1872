package network

import (
	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/tags"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// vpc creates the VPC. DNS support and hostnames are both required for DNS
// resolution across the peering.
func (b *builder) vpc() error {
	vpc, err := ec2.NewVpc(b.ctx, b.n.Name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.args.CIDR.String()),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		InstanceTenancy:    pulumi.String("default"),
		Tags:               pulumi.ToStringMap(tags.Named(names.VPCNameTag(b.n.Name, b.args.Environment))),
	}, b.parent)
	if err != nil {
		return err
	}
	b.n.Vpc = vpc
	b.n.VpcID = vpc.ID().ToStringOutput()
	return nil
}
