# METADATA
# title: Existing VPCs baseline
# description: |
#   A network with an existing block (input networks[].existing) is a VPC
#   peerctl did not create: the plan adds routes, a security group, the DNS
#   option, flow logs and alarms to it, and never creates or adopts its
#   structure.
package peerctl.baseline.existing

import rego.v1

import data.peerctl.lib

# structure_types are the resources that make or adopt a VPC's structure.
# Adopting the defaults (DefaultSecurityGroup, DefaultNetworkAcl,
# DefaultRouteTable) rewrites rules peerctl did not create: AWS applies the
# resource's (empty) rule set to the existing default.
structure_types := {
	"aws:ec2/vpc:Vpc",
	"aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
	"aws:ec2/subnet:Subnet",
	"aws:ec2/routeTable:RouteTable",
	"aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
	"aws:ec2/networkAcl:NetworkAcl",
	"aws:ec2/networkAclRule:NetworkAclRule",
	"aws:ec2/networkAclAssociation:NetworkAclAssociation",
	"aws:ec2/vpcEndpoint:VpcEndpoint",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
	"aws:ec2/defaultRouteTable:DefaultRouteTable",
}

# touches(r, name, e) holds when r is created with existing network name's
# provider, or names the existing VPC from any provider.
touches(r, name, _) if lib.on_network(r, name)

touches(r, _, e) if lib.prop(r, ["vpcId"]) == e.vpcId

# METADATA
# title: peerctl never creates or adopts structure in an existing VPC
# custom:
#   rationale: An existing VPC belongs to someone else; peerctl adds only routes, its security group, the DNS option, flow logs and alarms. A VPC, subnet, route table, NACL or endpoint would duplicate theirs, and adopting the default security group, NACL or main route table would strip their rules.
#   reference: peerctl design (existing VPCs); Pulumi AWS DefaultSecurityGroup, DefaultNetworkAcl, DefaultRouteTable (adoption removes unmanaged rules)
# related_resources:
#   - ref: https://www.pulumi.com/registry/packages/aws/api-docs/ec2/defaultsecuritygroup/
deny_exist_001 contains lib.finding(r, msg) if {
	some name, e in lib.existing_networks
	some t in structure_types
	some r in lib.of_type(t)
	touches(r, name, e)
	msg := sprintf("%s would create or adopt structure in network %q, whose VPC %s exists already; peerctl never creates or adopts in an existing VPC", [lib.label(r), name, e.vpcId])
}

# METADATA
# title: Existing VPCs without peerctl flow logs are accepted explicitly
# custom:
#   rationale: With existing.flowLogs false peerctl creates no flow logs and so no per-peer traffic alarms for that VPC. Keeping the owner's flow logs is a valid choice; except this rule for the network to record who accepted it.
#   reference: CIS AWS Foundations v3.0.0 3.7; Security Hub EC2.6
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
warn_exist_002 contains finding if {
	some name, e in lib.existing_networks
	e.flowLogs == false
	msg := sprintf("network %q (existing VPC %s) sets existing.flowLogs false: peerctl creates no flow logs and no per-peer alarms for it; make sure the VPC's own flow logs capture ALL traffic", [name, e.vpcId])
	finding := lib.summary_finding("peerctl:network:Network", name, name, msg)
}
