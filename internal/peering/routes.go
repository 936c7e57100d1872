package peering

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routes sends the peer's CIDR through the peering from every private route
// table on both sides, each route created in its own table's account. They
// use the accepted connection id, so none is created while the connection is
// still pending (it would be a blackhole).
func (b *builder) routes() error {
	for _, pair := range [][2]Side{{b.args.Requester, b.args.Accepter}, {b.args.Accepter, b.args.Requester}} {
		from, to := pair[0], pair[1]
		for _, az := range from.AZIDs {
			name := fmt.Sprintf("%s-route-%s-%s", b.name, from.Network, az)
			if _, err := ec2.NewRoute(b.ctx, name, &ec2.RouteArgs{
				RouteTableId:           from.RouteTableIDs[az],
				DestinationCidrBlock:   pulumi.String(to.CIDR.String()),
				VpcPeeringConnectionId: b.p.ConnectionID,
			}, b.on(from)...); err != nil {
				return err
			}
		}
	}
	return nil
}
