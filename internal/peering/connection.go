package peering

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// connection requests the peering from the requester's account and accepts
// it in the accepter's. autoAccept on the connection only works inside one
// account and region, so a cross-account or cross-region peering needs the
// accepter resource on the accepter's provider (in the accepter's region),
// and the request names the accepter's region (peerRegion). Destroying the
// accepter does not delete the connection; destroying the requester's
// connection does. A one-sided peering creates only its own half.
func (b *builder) connection() error {
	switch b.args.Mode() {
	case AccepterOnly:
		return b.acceptPartner()
	case RequesterOnly:
		return b.requestPartner()
	}
	req, acc := b.args.Requester, b.args.Accepter
	args := &ec2.VpcPeeringConnectionArgs{
		VpcId:     req.VpcID,
		PeerVpcId: acc.VpcID,
		Tags:      b.sharedTags(),
	}
	if b.args.SameAccount && req.Region == acc.Region {
		args.AutoAccept = pulumi.Bool(true)
	} else {
		args.PeerOwnerId = acc.AccountID
		args.PeerRegion = pulumi.String(acc.Region)
	}
	conn, err := ec2.NewVpcPeeringConnection(b.ctx, b.name+"-connection", args, b.on(req)...)
	if err != nil {
		return err
	}
	b.p.Connection = conn
	if args.AutoAccept != nil {
		b.p.ConnectionID = conn.ID().ToStringOutput()
		b.p.AcceptStatus = conn.AcceptStatus
		return nil
	}
	return b.accept(conn.ID())
}

// accept accepts connection id on the accepter's provider.
func (b *builder) accept(id pulumi.StringInput) error {
	accepter, err := ec2.NewVpcPeeringConnectionAccepter(b.ctx, b.name+"-accepter", &ec2.VpcPeeringConnectionAccepterArgs{
		VpcPeeringConnectionId: id,
		AutoAccept:             pulumi.Bool(true),
		Tags:                   b.sharedTags(),
	}, b.on(b.args.Accepter)...)
	if err != nil {
		return err
	}
	b.p.Accepter = accepter
	b.p.ConnectionID = accepter.VpcPeeringConnectionId
	b.p.AcceptStatus = accepter.AcceptStatus
	return nil
}

// acceptPartner accepts the connection a partner requested (accepter-only).
// The connection is theirs: destroying the stack removes the accepter from
// state and leaves the connection, which its requester deletes.
func (b *builder) acceptPartner() error {
	return b.accept(pulumi.String(b.args.Requester.ConnectionID))
}

// requestPartner requests a connection from our VPC to the partner's
// (requester-only). No autoAccept: the partner accepts in their account,
// so the connection stays pending-acceptance until they do; its id is
// known at once and is what the stack outputs for them.
func (b *builder) requestPartner() error {
	req, acc := b.args.Requester, b.args.Accepter
	conn, err := ec2.NewVpcPeeringConnection(b.ctx, b.name+"-connection", &ec2.VpcPeeringConnectionArgs{
		VpcId:       req.VpcID,
		PeerVpcId:   acc.VpcID,
		PeerOwnerId: acc.AccountID,
		PeerRegion:  pulumi.String(acc.Region),
		Tags:        b.sharedTags(),
	}, b.on(req)...)
	if err != nil {
		return err
	}
	b.p.Connection = conn
	b.p.ConnectionID = conn.ID().ToStringOutput()
	b.p.AcceptStatus = conn.AcceptStatus
	return nil
}

// options enables DNS resolution of the peer's private hostnames on the
// stack's sides. AWS lets each owner set only its own side, and only on an
// active connection: so one options resource per side, on that side's
// provider, keyed on the accepted connection id. Inline options on the
// connection would fail cross-account and fight these resources, so there
// are none.
func (b *builder) options() error {
	enabled := pulumi.Bool(true)
	switch b.args.Mode() {
	case AccepterOnly:
		return b.accepterOptions()
	case RequesterOnly:
		// The connection waits for the partner, and AWS refuses options on
		// a connection that is not active ("Peering pcx-... is not
		// active"): ask whether it is, with plain values only so preview
		// answers the same way up will.
		active, err := b.active()
		if err != nil || !active {
			return err
		}
		return b.requesterOptions()
	}
	if b.p.Accepter == nil {
		_, err := ec2.NewPeeringConnectionOptions(b.ctx, b.name+"-options", &ec2.PeeringConnectionOptionsArgs{
			VpcPeeringConnectionId: b.p.ConnectionID,
			Requester:              &ec2.PeeringConnectionOptionsRequesterArgs{AllowRemoteVpcDnsResolution: enabled},
			Accepter:               &ec2.PeeringConnectionOptionsAccepterArgs{AllowRemoteVpcDnsResolution: enabled},
		}, b.on(b.args.Requester)...)
		return err
	}
	if err := b.requesterOptions(); err != nil {
		return err
	}
	return b.accepterOptions()
}

func (b *builder) requesterOptions() error {
	_, err := ec2.NewPeeringConnectionOptions(b.ctx, b.name+"-requester-options", &ec2.PeeringConnectionOptionsArgs{
		VpcPeeringConnectionId: b.p.ConnectionID,
		Requester:              &ec2.PeeringConnectionOptionsRequesterArgs{AllowRemoteVpcDnsResolution: pulumi.Bool(true)},
	}, b.on(b.args.Requester)...)
	return err
}

func (b *builder) accepterOptions() error {
	_, err := ec2.NewPeeringConnectionOptions(b.ctx, b.name+"-accepter-options", &ec2.PeeringConnectionOptionsArgs{
		VpcPeeringConnectionId: b.p.ConnectionID,
		Accepter:               &ec2.PeeringConnectionOptionsAccepterArgs{AllowRemoteVpcDnsResolution: pulumi.Bool(true)},
	}, b.on(b.args.Accepter)...)
	return err
}

// ActiveStatus is the status code of an accepted, usable connection.
const ActiveStatus = "active"

// active reports whether the requester-only connection has been accepted:
// whether our account sees an active connection carrying its Name tag. It
// asks at program time, so the first `up` after the partner accepts adds
// the requester's DNS option; before the connection exists (first up) and
// while it is pending, the answer is no.
//
// Invoke: token aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections
// on the requester's (our) provider, filters
// {name: "tag:Name", values: [<peering>-peering-<environment>]},
// {name: "status-code", values: ["active"]}, and the partner's VPC and
// account ({name: "accepter-vpc-info.vpc-id"}, {name:
// "accepter-vpc-info.owner-id"}) so that another stack's connection with
// the same Name tag cannot count as ours; any id in the answer means active.
func (b *builder) active() (bool, error) {
	partner := b.args.Accepter
	filters := []ec2.GetVpcPeeringConnectionsFilter{
		{Name: "tag:Name", Values: []string{b.connectionName()}},
		{Name: "status-code", Values: []string{ActiveStatus}},
	}
	if partner.PartnerVPC != "" {
		filters = append(filters, ec2.GetVpcPeeringConnectionsFilter{Name: "accepter-vpc-info.vpc-id", Values: []string{partner.PartnerVPC}})
	}
	if partner.PartnerAccount != "" {
		filters = append(filters, ec2.GetVpcPeeringConnectionsFilter{Name: "accepter-vpc-info.owner-id", Values: []string{partner.PartnerAccount}})
	}
	res, err := ec2.GetVpcPeeringConnections(b.ctx, &ec2.GetVpcPeeringConnectionsArgs{Filters: filters},
		pulumi.Parent(b.p), pulumi.Provider(b.args.Requester.Provider))
	if err != nil {
		return false, err
	}
	return len(res.Ids) > 0, nil
}
