package preflight

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/tags"
)

// checkPartners checks the one-sided peerings from our side, with our
// network's credentials and region.
//
// Accepter-only: the partner's connection must exist, lead to our VPC, come
// from the partner's account and CIDR the configuration names (the routes,
// rules and alarms were planned from peerCidr), and still be acceptable.
//
// Requester-only: the partner's VPC is in another account (and maybe
// region); DescribeVpcs does not show another account's VPC, so nothing of
// theirs can be checked before the request. Only a connection this stack
// requested earlier is read: one the partner rejected, or that expired, can
// never become active, and up would keep routes and rules toward it.
func checkPartners(ctx context.Context, cfg *config.Config, accounts map[string]string, clients zoneClients, out io.Writer) ([]Conflict, error) {
	var conflicts []Conflict
	for i, p := range cfg.Peerings {
		if !p.OneSided() {
			continue
		}
		n, ok := cfg.Network(p.Ours())
		if !ok {
			continue // validation names the unknown network
		}
		cl, err := clients(n)
		if err != nil {
			return nil, err
		}
		c := partnerCheck{cfg: cfg, p: p, index: i, n: n, cl: cl, out: out,
			where: networkWhere(cfg, accounts, n)}
		var msgs []string
		if p.Mode() == config.AccepterOnly {
			msgs, err = c.accepter(ctx)
		} else {
			msgs, err = c.requester(ctx)
		}
		if err != nil {
			return nil, err
		}
		conflicts = append(conflicts, networkConflicts(accounts[n.Name], n.Name, msgs)...)
	}
	return conflicts, nil
}

type partnerCheck struct {
	cfg   *config.Config
	p     config.Peering
	index int
	n     config.Network
	cl    Clients
	out   io.Writer
	where string
}

func (c partnerCheck) field(key string) string {
	return fmt.Sprintf("%s:peerings[%d].%s", config.Namespace, c.index, key)
}

// ourVPC is the VPC id of our network: existing.vpcId, or the VPC an
// earlier up created, found by its Name and ManagedBy tags (the stack's
// vpcIds output, read from the account itself: preflight runs before the
// stack is opened). "" when the greenfield VPC does not exist yet.
func (c partnerCheck) ourVPC(ctx context.Context) (string, error) {
	if c.n.IsExisting() {
		return c.n.Existing.VPCID, nil
	}
	out, err := c.cl.VPCs.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:" + tags.KeyName), Values: []string{names.VPCNameTag(c.n.Name, c.cfg.Environment)}},
		{Name: aws.String("tag:" + tags.KeyManagedBy), Values: []string{tags.ManagedBy}},
	}})
	if err != nil {
		return "", callError(c.where, "ec2:DescribeVpcs", err)
	}
	if len(out.Vpcs) == 0 {
		return "", nil
	}
	return aws.ToString(out.Vpcs[0].VpcId), nil
}

func (c partnerCheck) accepter(ctx context.Context) ([]string, error) {
	pcx := c.p.ConnectionID
	vpc, err := c.ourVPC(ctx)
	if err != nil {
		return nil, err
	}
	if vpc == "" {
		return []string{fmt.Sprintf("%s: network %s's VPC does not exist yet, so no partner can have requested connection %s (%s) to it; "+
			"deploy without this peering first, give the partner the VPC id (peerctl outputs: vpcIds), then add the peering once they have requested it",
			c.where, c.n.Name, pcx, c.field("connectionId"))}, nil
	}
	out, err := c.cl.Peerings.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{pcx}})
	if hasCode(err, "InvalidVpcPeeringConnectionID.NotFound", "InvalidVpcPeeringConnectionId.NotFound") || err == nil && len(out.VpcPeeringConnections) == 0 {
		return []string{fmt.Sprintf("%s cannot see peering connection %s (%s): it does not exist, was deleted long ago, or was requested to another account or region; "+
			"ask the partner for the id of a connection requested to VPC %s in %s", c.where, pcx, c.field("connectionId"), vpc, c.cfg.RegionOf(c.n))}, nil
	}
	if err != nil {
		return nil, callError(c.where, "ec2:DescribeVpcPeeringConnections", err)
	}
	conn := out.VpcPeeringConnections[0]
	var msgs []string
	if got := vpcOf(conn.AccepterVpcInfo); got != vpc {
		msgs = append(msgs, fmt.Sprintf("%s: peering connection %s (%s) is requested to VPC %s, not to network %s's VPC %s; ask the partner for a connection to %s",
			c.where, pcx, c.field("connectionId"), orNone(got), c.n.Name, vpc, vpc))
	}
	req := conn.RequesterVpcInfo
	if want := c.p.PeerAccountID; want != "" && req != nil && aws.ToString(req.OwnerId) != want {
		msgs = append(msgs, fmt.Sprintf("%s: peering connection %s was requested by account %s, but %s says %s; accept only connections from the partner you expect",
			c.where, pcx, aws.ToString(req.OwnerId), c.field("peerAccountId"), want))
	}
	if want := c.p.PeerRegion; want != "" && req != nil && aws.ToString(req.Region) != "" && aws.ToString(req.Region) != want {
		msgs = append(msgs, fmt.Sprintf("%s: peering connection %s was requested from region %s, but %s says %s; set peerRegion to the partner's region or remove it",
			c.where, pcx, aws.ToString(req.Region), c.field("peerRegion"), want))
	}
	if blocks := requesterBlocks(req); !containsAny(blocks, c.p) {
		msgs = append(msgs, fmt.Sprintf("%s: peering connection %s's requester VPC has CIDR blocks %s, none of which contains %s %s; set peerCidr to the partner's CIDR",
			c.where, pcx, listOrNone(blocks), c.field("peerCidr"), c.p.PeerCIDR))
	}
	if conn.Status != nil {
		switch code := conn.Status.Code; code {
		case ec2types.VpcPeeringConnectionStateReasonCodePendingAcceptance, ec2types.VpcPeeringConnectionStateReasonCodeActive:
		default:
			msgs = append(msgs, fmt.Sprintf("%s: peering connection %s is %s (%s) and can no longer be accepted; ask the partner to request a new one and set %s to its id",
				c.where, pcx, code, orNone(aws.ToString(conn.Status.Message)), c.field("connectionId")))
		}
	}
	return msgs, nil
}

// requester reads the connection an earlier up requested, found by its
// Name tag ("<peering>-peering-<env>", internal/peering).
func (c partnerCheck) requester(ctx context.Context) ([]string, error) {
	name := names.PeeringNameTag(c.p.Name(), c.cfg.Environment)
	out, err := c.cl.Peerings.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:" + tags.KeyName), Values: []string{name}},
		{Name: aws.String("tag:" + tags.KeyManagedBy), Values: []string{tags.ManagedBy}},
	}})
	if err != nil {
		return nil, callError(c.where, "ec2:DescribeVpcPeeringConnections", err)
	}
	var msgs []string
	for _, conn := range out.VpcPeeringConnections {
		if conn.Status == nil {
			continue
		}
		pcx := aws.ToString(conn.VpcPeeringConnectionId)
		switch code := conn.Status.Code; code {
		case ec2types.VpcPeeringConnectionStateReasonCodeRejected, ec2types.VpcPeeringConnectionStateReasonCodeExpired,
			ec2types.VpcPeeringConnectionStateReasonCodeFailed:
			msgs = append(msgs, fmt.Sprintf("%s: peering connection %s, requested by this stack toward %s (%s), is %s (%s) and can never become active; "+
				"remove the peering from the stack and run up (which deletes the connection), then add it again to request a new one",
				c.where, pcx, c.p.PeerVPCID, c.p.PartnerName(), code, orNone(aws.ToString(conn.Status.Message))))
		case ec2types.VpcPeeringConnectionStateReasonCodePendingAcceptance:
			fmt.Fprintf(c.out, "peering %s: connection %s is waiting for the partner (account %s) to accept it; the requester's DNS option follows on the first up after they do\n",
				c.p.Name(), pcx, c.p.PeerAccountID)
		}
	}
	return msgs, nil
}

func vpcOf(info *ec2types.VpcPeeringConnectionVpcInfo) string {
	if info == nil {
		return ""
	}
	return aws.ToString(info.VpcId)
}

// requesterBlocks lists the requester VPC's IPv4 CIDR blocks as the
// connection reports them: the set, else the primary block.
func requesterBlocks(info *ec2types.VpcPeeringConnectionVpcInfo) []string {
	if info == nil {
		return nil
	}
	var out []string
	for _, b := range info.CidrBlockSet {
		out = append(out, aws.ToString(b.CidrBlock))
	}
	if len(out) == 0 && aws.ToString(info.CidrBlock) != "" {
		out = append(out, aws.ToString(info.CidrBlock))
	}
	return out
}

func containsAny(blocks []string, p config.Peering) bool {
	for _, b := range blocks {
		if contains(b, p.PeerCIDR) {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
