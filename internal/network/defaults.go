package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
)

// defaults takes over the VPC's default security group and default NACL and
// leaves both without rules (CIS AWS Foundations 5.4): anything launched
// without an explicit group, or any subnet not associated with our NACL,
// gets no traffic at all.
func (b *builder) defaults() error {
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.n.Name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: b.n.Vpc.ID(),
		Tags:  b.nameTags("default-sg"),
	}, b.parent); err != nil {
		return err
	}
	_, err := ec2.NewDefaultNetworkAcl(b.ctx, b.n.Name+"-default-nacl", &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: b.n.Vpc.DefaultNetworkAclId,
		Tags:                b.nameTags("default-nacl"),
	}, b.parent)
	return err
}
