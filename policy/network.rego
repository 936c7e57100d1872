# METADATA
# title: Network baseline
# description: |
#   Private networks only: no security group rule open to the internet, managed
#   and empty default security groups, no internet or NAT gateways, no public
#   addresses on launch, network ACLs within quota.
package peerctl.baseline.network

import rego.v1

import data.peerctl.lib

vpc := "aws:ec2/vpc:Vpc"

default_sg := "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"

# Security group rule resources and the field giving their direction.
sg_rule_types := {
	"aws:ec2/securityGroupRule:SecurityGroupRule",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
}

cidr_fields := ["cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6"]

# open_cidrs(rule) is the set of CIDRs of a rule (inline block or rule
# resource inputs) that cover the whole address space: 0.0.0.0/0, ::/0.
open_cidrs(rule) := {c |
	some f in cidr_fields
	some c in lib.as_array(object.get(rule, f, null))
	is_string(c)
	endswith(trim_space(c), "/0")
}

direction(r) := "ingress" if r.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

direction(r) := "egress" if r.type == "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"

direction(r) := lib.prop(r, ["type"]) if r.type == "aws:ec2/securityGroupRule:SecurityGroupRule"

# METADATA
# title: No security group rule is open to 0.0.0.0/0 or ::/0
# custom:
#   rationale: The networks are private; traffic is limited to the peer CIDRs and the gateway endpoints' prefix lists, in both directions.
#   reference: CIS AWS Foundations v3.0.0 5.2, 5.3 (stricter - every port, both directions); Security Hub EC2.53, EC2.54, EC2.18
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18
deny_net_001 contains lib.finding(r, msg) if {
	some r in lib.of_type("aws:ec2/securityGroup:SecurityGroup")
	some dir in ["ingress", "egress"]
	some rule in lib.as_array(lib.prop(r, [dir]))
	some cidr in open_cidrs(rule)
	msg := sprintf("%s has an inline %s rule open to %s (ports %v-%v)", [lib.label(r), dir, cidr, object.get(rule, "fromPort", "?"), object.get(rule, "toPort", "?")])
}

deny_net_001 contains lib.finding(r, msg) if {
	some t in sg_rule_types
	some r in lib.of_type(t)
	some cidr in open_cidrs(object.get(r, "inputs", {}))
	msg := sprintf("%s allows %s traffic to/from %s (ports %v-%v)", [lib.label(r), direction(r), cidr, lib.prop(r, ["fromPort"]), lib.prop(r, ["toPort"])])
}

managed_default_sg contains vpc_id if {
	some sg in lib.of_type(default_sg)
	vpc_id := lib.str(lib.prop(sg, ["vpcId"]))
}

# METADATA
# title: Every VPC's default security group is managed
# custom:
#   rationale: An unmanaged default security group keeps AWS's allow-all-within-group and allow-all-egress rules; adopting it with DefaultSecurityGroup removes them.
#   reference: CIS AWS Foundations v3.0.0 5.4; Security Hub EC2.2
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
deny_net_002 contains lib.finding(v, msg) if {
	some v in lib.of_type(vpc)
	not managed_default_sg[v.id]
	msg := sprintf("%s has no DefaultSecurityGroup resource managing its default security group (vpcId %v)", [lib.label(v), object.get(v, "id", "?")])
}

# METADATA
# title: Default security groups have no rules
# custom:
#   rationale: Nothing should use the default security group; with no rules it denies all traffic, so a resource placed in it by mistake is isolated.
#   reference: CIS AWS Foundations v3.0.0 5.4; Security Hub EC2.2
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
deny_net_003 contains lib.finding(sg, msg) if {
	some sg in lib.of_type(default_sg)
	some dir in ["ingress", "egress"]
	n := count(lib.as_array(lib.prop(sg, [dir])))
	n > 0
	msg := sprintf("%s has %d inline %s rule(s); the default security group must have none", [lib.label(sg), n, dir])
}

deny_net_003 contains lib.finding(r, msg) if {
	some t in sg_rule_types
	some r in lib.of_type(t)
	sg_id := lib.str(lib.prop(r, ["securityGroupId"]))
	some sg in lib.with_id(sg_id, default_sg)
	msg := sprintf("%s adds a rule to the default security group %s; it must have none", [lib.label(r), lib.label(sg)])
}

# METADATA
# title: No internet gateway or egress-only internet gateway
# custom:
#   rationale: The networks are private and reach AWS services through gateway endpoints and each other through peering; an internet gateway is a path to and from the internet.
#   reference: AWS VPC User Guide, internet gateways (design - private networks only)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
deny_net_004 contains lib.finding(r, msg) if {
	some t in ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"]
	some r in lib.of_type(t)
	msg := sprintf("%s gives the network a path to the internet; peerctl networks are private", [lib.label(r)])
}

# METADATA
# title: No public NAT gateway
# custom:
#   rationale: A public NAT gateway is an egress path to the internet; private NAT gateways (connectivityType private) are allowed.
#   reference: AWS VPC User Guide, NAT gateways (design - private networks only)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
deny_net_005 contains lib.finding(r, msg) if {
	some r in lib.of_type("aws:ec2/natGateway:NatGateway")
	lib.prop(r, ["connectivityType"]) != "private"
	msg := sprintf("%s is a public NAT gateway (connectivityType %s); peerctl networks are private", [lib.label(r), object.get(r, ["inputs", "connectivityType"], "unset, so public")])
}

# METADATA
# title: Subnets do not assign public IPv4 or IPv6 addresses on launch
# custom:
#   rationale: Instances in private subnets must not get public or global IPv6 addresses by default.
#   reference: Security Hub EC2.15
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15
deny_net_006 contains lib.finding(r, msg) if {
	some r in lib.of_type("aws:ec2/subnet:Subnet")
	some field in ["mapPublicIpOnLaunch", "assignIpv6AddressOnCreation"]
	lib.truthy(lib.prop(r, [field]))
	msg := sprintf("%s sets %s true; subnets must be private", [lib.label(r), field])
}

nacl_types := {"aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"}

# nacl_quota is the plan's quotas.naclRulesPerDirection (peerctl:quotas in
# the stack file), 20 (the AWS default) when absent, and never above 40, the
# most AWS grants.
nacl_quota := min([q, 40]) if {
	q := lib.num(object.get(lib.plan, ["quotas", "naclRulesPerDirection"], 20))
} else := 20

family(rule) := "IPv6" if lib.str(object.get(rule, "ipv6CidrBlock", null))

family(rule) := "IPv4" if not lib.str(object.get(rule, "ipv6CidrBlock", null))

rule_direction(r) := "egress" if lib.truthy(lib.prop(r, ["egress"]))

rule_direction(r) := "ingress" if not lib.truthy(lib.prop(r, ["egress"]))

# acl_rules[acl_id] is the set of NetworkAclRule resources of that ACL.
acl_rules := {acl_id: {r | some r in rule_resources; lib.prop(r, ["networkAclId"]) == acl_id} |
	some acl_id in {id | some x in rule_resources; id := lib.str(lib.prop(x, ["networkAclId"]))}
}

rule_resources := lib.of_type("aws:ec2/networkAclRule:NetworkAclRule")

rule_count(acl, dir, fam) := n if {
	inline := [x | some x in lib.as_array(lib.prop(acl, [dir])); family(x) == fam]
	separate := [r |
		some r in object.get(acl_rules, object.get(acl, "id", ""), set())
		rule_direction(r) == dir
		family(object.get(r, "inputs", {})) == fam
	]
	n := count(inline) + count(separate)
}

# METADATA
# title: Network ACL rule counts are within the quota
# custom:
#   rationale: A network ACL holds 20 rules per direction and address family by default, 40 at most after a quota increase (input quotas.naclRulesPerDirection); one more fails at apply time.
#   reference: AWS VPC User Guide, Amazon VPC quotas (network ACLs)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
deny_net_007 contains lib.finding(acl, msg) if {
	some t in nacl_types
	some acl in lib.of_type(t)
	some dir in ["ingress", "egress"]
	some fam in ["IPv4", "IPv6"]
	n := rule_count(acl, dir, fam)
	n > nacl_quota
	msg := sprintf("%s has %d %s %s rules; the quota is %d per direction (quotas.naclRulesPerDirection)", [lib.label(acl), n, fam, dir, nacl_quota])
}
