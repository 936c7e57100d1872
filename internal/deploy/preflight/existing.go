package preflight

import (
	"context"
	"fmt"
	"io"
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

// VPCAPI reads a VPC and its DNS attributes.
type VPCAPI interface {
	DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeVpcAttribute(ctx context.Context, in *ec2.DescribeVpcAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error)
}

// RouteTableAPI reads route tables (through the SDK's paginator).
type RouteTableAPI = ec2.DescribeRouteTablesAPIClient

// FlowLogAPI reads flow logs.
type FlowLogAPI interface {
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}

// PeeringAPI reads peering connections.
type PeeringAPI interface {
	DescribeVpcPeeringConnections(ctx context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error)
}

// checkExisting reads every existing network's VPC with the network's own
// credentials and region, before the engine runs: the offline plan trusted
// the configuration (vpcId, cidr, routeTableIds) and only the account can
// say whether it is true. It prints the route tables it discovered to out.
func checkExisting(ctx context.Context, cfg *config.Config, accounts map[string]string, clients zoneClients, out io.Writer) ([]Conflict, error) {
	var conflicts []Conflict
	for i, n := range cfg.Networks {
		if !n.IsExisting() {
			continue
		}
		cl, err := clients(n)
		if err != nil {
			return nil, err
		}
		e := existingCheck{cfg: cfg, n: n, index: i, cl: cl, out: out, account: accounts[n.Name],
			where: networkWhere(cfg, accounts, n)}
		msgs, err := e.run(ctx)
		if err != nil {
			return nil, err
		}
		conflicts = append(conflicts, networkConflicts(accounts[n.Name], n.Name, msgs)...)
	}
	return conflicts, nil
}

// networkWhere names a network's account and region for messages:
// "account 222222222222 (network legacy) in eu-west-1".
func networkWhere(cfg *config.Config, accounts map[string]string, n config.Network) string {
	return fmt.Sprintf("%s in %s", describe(accounts[n.Name], config.AccountGroup{Networks: []config.Network{n}}), cfg.RegionOf(n))
}

// networkConflicts are one network's refusals.
func networkConflicts(account, network string, msgs []string) []Conflict {
	var out []Conflict
	for _, m := range msgs {
		out = append(out, Conflict{Account: account, Networks: []string{network}, Message: m})
	}
	return out
}

type existingCheck struct {
	cfg     *config.Config
	n       config.Network
	index   int
	cl      Clients
	out     io.Writer
	where   string
	account string // the account the network's credentials reach
}

func (e existingCheck) field(key string) string {
	return fmt.Sprintf("%s:networks[%d].%s", config.Namespace, e.index, key)
}

func (e existingCheck) run(ctx context.Context) ([]string, error) {
	id := e.n.Existing.VPCID
	out, err := e.cl.VPCs.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{id}})
	if hasCode(err, "InvalidVpcID.NotFound") || err == nil && len(out.Vpcs) == 0 {
		return []string{fmt.Sprintf("%s has no VPC %s (%s); check the id, and that the network's account and region are the VPC's",
			e.where, id, e.field("existing.vpcId"))}, nil
	}
	if err != nil {
		return nil, callError(e.where, "ec2:DescribeVpcs", err)
	}
	var msgs []string
	if m := e.checkOwner(out.Vpcs[0]); m != "" {
		msgs = append(msgs, m)
	}
	if m := e.checkCIDR(out.Vpcs[0]); m != "" {
		msgs = append(msgs, m)
	}
	msgs = append(msgs, e.checkPeerOverlap(out.Vpcs[0])...)
	dns, err := e.checkDNS(ctx)
	if err != nil {
		return nil, err
	}
	msgs = append(msgs, dns...)
	routes, err := e.checkRouteTables(ctx)
	if err != nil {
		return nil, err
	}
	msgs = append(msgs, routes...)
	if e.n.HasFlowLogs() {
		m, err := e.checkFlowLogs(ctx)
		if err != nil {
			return nil, err
		}
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	return msgs, nil
}

// checkCIDR: one of the VPC's associated CIDR blocks must contain the
// configured cidr, which the plan, the peers' routes and rules, and the
// overlap checks were computed from.
func (e existingCheck) checkCIDR(vpc ec2types.Vpc) string {
	var blocks []string
	for _, a := range vpc.CidrBlockAssociationSet {
		if a.CidrBlockState == nil || a.CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated {
			continue
		}
		block := aws.ToString(a.CidrBlock)
		blocks = append(blocks, block)
		if contains(block, e.n.CIDR) {
			return ""
		}
	}
	return fmt.Sprintf("%s: VPC %s's CIDR blocks (%s) do not contain %s %s; set cidr to the VPC's CIDR block (or the part of it the peers may reach)",
		e.where, e.n.Existing.VPCID, listOrNone(blocks), e.field("cidr"), e.n.CIDR)
}

// checkOwner: a VPC shared through AWS RAM is visible to participant
// accounts, but only its owner can create peering connections, accept
// them, or add routes to its route tables ("Shared VPC" considerations in
// the Amazon VPC User Guide); up would fail halfway.
func (e existingCheck) checkOwner(vpc ec2types.Vpc) string {
	owner := aws.ToString(vpc.OwnerId)
	if owner == "" || e.account == "" || owner == e.account {
		return ""
	}
	return fmt.Sprintf("%s: VPC %s belongs to account %s and is shared with this one; only the owner can peer it and route to the peering, so configure %s's account with the owner's credentials",
		e.where, e.n.Existing.VPCID, owner, e.n.Name)
}

// checkPeerOverlap: AWS refuses to peer two VPCs when any of their CIDR
// blocks overlap, not only the ones routed ("VPC peering limitations": "You
// cannot create a VPC peering connection between VPCs that have matching or
// overlapping IPv4 CIDR blocks", secondary blocks included). Validation
// compared only the configured cidr; the VPC's other blocks are known now.
func (e existingCheck) checkPeerOverlap(vpc ec2types.Vpc) []string {
	var msgs []string
	for _, a := range vpc.CidrBlockAssociationSet {
		if a.CidrBlockState == nil || a.CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated {
			continue
		}
		block, err := netip.ParsePrefix(aws.ToString(a.CidrBlock))
		if err != nil {
			continue
		}
		for _, p := range e.cfg.Peers(e.n.Name) {
			if block.Overlaps(p.CIDR) {
				msgs = append(msgs, fmt.Sprintf("%s: VPC %s's CIDR block %s overlaps peer %s %s; AWS refuses to peer VPCs with any overlapping CIDR blocks, secondary ones included",
					e.where, e.n.Existing.VPCID, block, p.Name, p.CIDR))
			}
		}
	}
	return msgs
}

// contains reports whether the CIDR block holds all of p.
func contains(block string, p netip.Prefix) bool {
	q, err := netip.ParsePrefix(block)
	return err == nil && q.Bits() <= p.Bits() && q.Contains(p.Addr())
}

// checkDNS: DNS resolution over a peering needs both attributes on the VPC
// (AWS: "Enable DNS resolution for a VPC peering connection"); peerctl
// does not change a VPC it did not create, so it says how to.
func (e existingCheck) checkDNS(ctx context.Context) ([]string, error) {
	id := e.n.Existing.VPCID
	var msgs []string
	for _, attr := range []struct {
		name ec2types.VpcAttributeName
		flag string
	}{
		{ec2types.VpcAttributeNameEnableDnsSupport, "--enable-dns-support"},
		{ec2types.VpcAttributeNameEnableDnsHostnames, "--enable-dns-hostnames"},
	} {
		out, err := e.cl.VPCs.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: attr.name})
		if err != nil {
			return nil, callError(e.where, "ec2:DescribeVpcAttribute", err)
		}
		v := out.EnableDnsSupport
		if attr.name == ec2types.VpcAttributeNameEnableDnsHostnames {
			v = out.EnableDnsHostnames
		}
		if v != nil && aws.ToBool(v.Value) {
			continue
		}
		msgs = append(msgs, fmt.Sprintf("%s: VPC %s has %s off, which DNS resolution across the peering needs; peerctl does not change a VPC it did not create, turn it on with: %s",
			e.where, id, attr.name, e.modifyCommand(attr.flag)))
	}
	return msgs, nil
}

// modifyCommand is the AWS CLI command that turns one DNS attribute on
// (modify-vpc-attribute takes one attribute per call).
func (e existingCheck) modifyCommand(flag string) string {
	cmd := fmt.Sprintf(`aws ec2 modify-vpc-attribute --vpc-id %s %s '{"Value":true}' --region %s`, e.n.Existing.VPCID, flag, e.cfg.RegionOf(e.n))
	if p := e.n.Account.Profile; p != "" {
		cmd += " --profile " + p
	}
	return cmd
}
