package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
)

// nacl creates the private subnets' network ACL from netplan.NACLRulesWith.
// Rules are inline, one NACL resource per network. Every peer's rules sit
// in that peer's own slot, so adding or removing a peer adds or removes
// only that peer's entries: the provider updates inline entries by deleting
// the old ones before creating the new ones, and an entry whose number
// moved would drop live traffic for the length of the update.
func (b *builder) nacl() error {
	ingress, egress := netplan.NACLRulesWith(b.args.CIDR, b.args.Peers, b.args.ephemeral())
	in := make(ec2.NetworkAclIngressArray, len(ingress))
	for i, r := range ingress {
		in[i] = ec2.NetworkAclIngressArgs{
			RuleNo: pulumi.Int(r.Number), Action: pulumi.String("allow"), Protocol: pulumi.String(r.Protocol),
			CidrBlock: pulumi.String(r.CIDR), FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
		}
	}
	out := make(ec2.NetworkAclEgressArray, len(egress))
	for i, r := range egress {
		out[i] = ec2.NetworkAclEgressArgs{
			RuleNo: pulumi.Int(r.Number), Action: pulumi.String("allow"), Protocol: pulumi.String(r.Protocol),
			CidrBlock: pulumi.String(r.CIDR), FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
		}
	}
	nacl, err := ec2.NewNetworkAcl(b.ctx, b.n.Name+"-nacl", &ec2.NetworkAclArgs{
		VpcId:     b.n.Vpc.ID(),
		SubnetIds: idsOf(b.n.AZIDs, b.n.Subnets),
		Ingress:   in,
		Egress:    out,
		Tags:      b.nameTags("private-nacl"),
	}, b.parent)
	b.n.Nacl = nacl
	return err
}
