package peering

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routes sends the peer's CIDR through the peering from every route table
// on the stack's sides (a partner adds its own), each route created in its
// own table's account. Routes are named by the side's keys: the AZ ID of a
// route table peerctl created, the id of an existing VPC's table.
//
// Both-sided and accepter-only peerings key the routes on the accepted
// connection id, so none is created while the connection is pending. A
// requester-only peering's routes use the requested connection's id at
// once: AWS accepts a route to a connection in the pending-acceptance state
// and keeps it in the blackhole state, without effect, until the
// connection is active ("Update your route tables for a VPC peering
// connection", Considerations,
// https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html),
// so the routes work the moment the partner accepts, with no second `up`.
func (b *builder) routes() error {
	for _, pair := range [][2]Side{{b.args.Requester, b.args.Accepter}, {b.args.Accepter, b.args.Requester}} {
		from, to := pair[0], pair[1]
		if from.Partner {
			continue
		}
		for _, key := range from.AZIDs {
			name := fmt.Sprintf("%s-route-%s-%s", b.name, from.Network, key)
			if _, err := ec2.NewRoute(b.ctx, name, &ec2.RouteArgs{
				RouteTableId:           from.RouteTableIDs[key],
				DestinationCidrBlock:   pulumi.String(to.CIDR.String()),
				VpcPeeringConnectionId: b.p.ConnectionID,
			}, b.on(from)...); err != nil {
				return err
			}
		}
	}
	return nil
}
