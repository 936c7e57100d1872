package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// subnets creates one private subnet per AZ, each with its own route table.
// Resources are keyed by AZ ID, never by position, so adding an AZ creates
// resources without renaming (and so replacing) the existing ones.
func (b *builder) subnets() error {
	b.n.Subnets = map[string]*ec2.Subnet{}
	b.n.RouteTables = map[string]*ec2.RouteTable{}
	for _, s := range b.args.Subnets {
		subnet, err := ec2.NewSubnet(b.ctx, b.n.Name+"-private-"+s.AZID, &ec2.SubnetArgs{
			VpcId:                       b.n.Vpc.ID(),
			CidrBlock:                   pulumi.String(s.CIDR.String()),
			AvailabilityZoneId:          pulumi.String(s.AZID),
			MapPublicIpOnLaunch:         pulumi.Bool(false),
			AssignIpv6AddressOnCreation: pulumi.Bool(false),
			Tags:                        b.nameTags("private-" + s.AZID),
		}, b.parent)
		if err != nil {
			return err
		}
		// No inline routes: the peering adds its routes as separate
		// resources, and inline routes would fight them.
		rt, err := ec2.NewRouteTable(b.ctx, b.n.Name+"-rt-"+s.AZID, &ec2.RouteTableArgs{
			VpcId: b.n.Vpc.ID(),
			Tags:  b.nameTags("private-rt-" + s.AZID),
		}, b.parent)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(b.ctx, b.n.Name+"-rta-"+s.AZID, &ec2.RouteTableAssociationArgs{
			SubnetId:     subnet.ID(),
			RouteTableId: rt.ID(),
		}, b.parent); err != nil {
			return err
		}
		b.n.Subnets[s.AZID] = subnet
		b.n.RouteTables[s.AZID] = rt
		b.n.AZIDs = append(b.n.AZIDs, s.AZID)
	}
	return nil
}
