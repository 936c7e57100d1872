package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// defaults takes over what AWS creates with every VPC: the default security
// group and default NACL, left without rules (CIS AWS Foundations 5.4), so
// anything launched without an explicit group, or any subnet not associated
// with our NACL, gets no traffic at all; and the main route table, left
// with only the local route, so a subnet created outside the stack (which
// AWS associates with it) reaches no peer and no endpoint. Adopting them is
// also what tags them: AWS creates them untagged, and the REQUIRED_TAGS
// Config rule scopes their types.
func (b *builder) defaults() error {
	// routes is an explicit empty list: the provider then removes any
	// route added outside the stack (without it, it would leave them).
	if _, err := ec2.NewDefaultRouteTable(b.ctx, b.n.Name+"-main-rt", &ec2.DefaultRouteTableArgs{
		DefaultRouteTableId: b.n.Vpc.DefaultRouteTableId,
		Routes:              ec2.DefaultRouteTableRouteArray{},
		Tags:                b.nameTags("main-rt"),
	}, b.parent); err != nil {
		return err
	}
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
