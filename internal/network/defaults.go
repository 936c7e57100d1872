package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
	// subnetIds is ignored: every subnet starts in the default NACL until
	// our NACL claims it, and the provider would otherwise see those
	// transient (or, after a NACL is removed, orphaned) associations as a
	// diff on every run, as the provider's documentation warns.
	_, err := ec2.NewDefaultNetworkAcl(b.ctx, b.n.Name+"-default-nacl", &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: b.n.Vpc.DefaultNetworkAclId,
		Tags:                b.nameTags("default-nacl"),
	}, b.parent, pulumi.IgnoreChanges([]string{"subnetIds"}))
	return err
}
