package peering

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// connection requests the peering from the requester's account and accepts
// it in the accepter's. autoAccept on the connection only works inside one
// account and region, so a cross-account peering needs the accepter resource
// on the accepter's provider. Destroying the accepter does not delete the
// connection; destroying the requester's connection does.
func (b *builder) connection() error {
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
	accepter, err := ec2.NewVpcPeeringConnectionAccepter(b.ctx, b.name+"-accepter", &ec2.VpcPeeringConnectionAccepterArgs{
		VpcPeeringConnectionId: conn.ID(),
		AutoAccept:             pulumi.Bool(true),
		Tags:                   b.sharedTags(),
	}, b.on(acc)...)
	if err != nil {
		return err
	}
	b.p.Accepter = accepter
	b.p.ConnectionID = accepter.VpcPeeringConnectionId
	b.p.AcceptStatus = accepter.AcceptStatus
	return nil
}

// options enables DNS resolution of the peer's private hostnames on both
// sides. AWS lets each owner set only its own side, and only on an active
// connection: so one options resource per side, on that side's provider,
// keyed on the accepted connection id. Inline options on the connection
// would fail cross-account and fight these resources, so there are none.
func (b *builder) options() error {
	enabled := pulumi.Bool(true)
	if b.p.Accepter == nil {
		_, err := ec2.NewPeeringConnectionOptions(b.ctx, b.name+"-options", &ec2.PeeringConnectionOptionsArgs{
			VpcPeeringConnectionId: b.p.ConnectionID,
			Requester:              &ec2.PeeringConnectionOptionsRequesterArgs{AllowRemoteVpcDnsResolution: enabled},
			Accepter:               &ec2.PeeringConnectionOptionsAccepterArgs{AllowRemoteVpcDnsResolution: enabled},
		}, b.on(b.args.Requester)...)
		return err
	}
	if _, err := ec2.NewPeeringConnectionOptions(b.ctx, b.name+"-requester-options", &ec2.PeeringConnectionOptionsArgs{
		VpcPeeringConnectionId: b.p.ConnectionID,
		Requester:              &ec2.PeeringConnectionOptionsRequesterArgs{AllowRemoteVpcDnsResolution: enabled},
	}, b.on(b.args.Requester)...); err != nil {
		return err
	}
	_, err := ec2.NewPeeringConnectionOptions(b.ctx, b.name+"-accepter-options", &ec2.PeeringConnectionOptionsArgs{
		VpcPeeringConnectionId: b.p.ConnectionID,
		Accepter:               &ec2.PeeringConnectionOptionsAccepterArgs{AllowRemoteVpcDnsResolution: enabled},
	}, b.on(b.args.Accepter)...)
	return err
}
