# METADATA
# title: One-sided peerings baseline
# description: |
#   A one-sided peering (input peerings[].mode accepter-only or
#   requester-only) manages only our side of a connection with a partner's
#   VPC: the plan must accept or request exactly the connection configured,
#   and open nothing toward the partner beyond the partner's CIDR.
package peerctl.baseline.partner

import rego.v1

import data.peerctl.lib

connection_type := "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"

accepter_type := "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"

options_type := "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"

accepter_only := {p | some p in lib.one_sided; p.mode == "accepter-only"}

requester_only := {p | some p in lib.one_sided; p.mode == "requester-only"}

# peering_message(p) names a one-sided peering and its partner in messages.
peering_message(p) := sprintf("%s peering %q (partner %q)", [p.mode, p.name, p.partner.name])

# METADATA
# title: An accepter-only peering accepts exactly the configured connection and creates none
# custom:
#   rationale: The partner owns the connection; a VpcPeeringConnection would request a second one, and an accepter for another id (or on another account's provider) would accept a connection nobody configured, or fail. Every accepter in the plan accepts a connection of the plan or a configured connectionId.
#   reference: AWS VPC Peering Guide, accept a VPC peering connection; Pulumi AWS VpcPeeringConnectionAccepter
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html
deny_partner_001 contains lib.finding(r, msg) if {
	some p in accepter_only
	some r in lib.peering_resources(p.name)
	r.type == connection_type
	msg := sprintf("%s: %s requests a connection, but the partner requested %s; an accepter-only peering only accepts it", [peering_message(p), lib.label(r), p.partner.connectionId])
}

deny_partner_001 contains lib.finding(r, msg) if {
	some p in accepter_only
	some r in lib.peering_resources(p.name)
	r.type == accepter_type
	lib.prop(r, ["vpcPeeringConnectionId"]) != p.partner.connectionId
	msg := sprintf("%s: %s accepts %v, not the configured connection %s", [peering_message(p), lib.label(r), lib.prop(r, ["vpcPeeringConnectionId"]), p.partner.connectionId])
}

deny_partner_001 contains finding if {
	some p in accepter_only
	not accepted(p)
	finding := lib.summary_finding("peerctl:peering:Peering", p.name, lib.ours(p), sprintf("%s: no VpcPeeringConnectionAccepter with autoAccept true on network %q's provider accepts %s; it would stay pending-acceptance", [peering_message(p), lib.ours(p), p.partner.connectionId]))
}

deny_partner_001 contains lib.finding(r, msg) if {
	some r in lib.of_type(accepter_type)
	id := lib.prop(r, ["vpcPeeringConnectionId"])
	not planned_connection(id)
	not configured_connection(id, r)
	msg := sprintf("%s accepts %v, which is neither a connection of this plan nor the connectionId of an accepter-only peering of its network", [lib.label(r), id])
}

accepted(p) if {
	some r in lib.of_type(accepter_type)
	lib.prop(r, ["vpcPeeringConnectionId"]) == p.partner.connectionId
	lib.on_network(r, lib.ours(p))
	lib.truthy(lib.prop(r, ["autoAccept"]))
}

planned_connection(id) if {
	some c in lib.of_type(connection_type)
	c.id == id
}

configured_connection(id, r) if {
	some p in accepter_only
	p.partner.connectionId == id
	lib.on_network(r, lib.ours(p))
}

# METADATA
# title: An accepter-only peering resolves the partner's private DNS names on our side
# custom:
#   rationale: Our side's DNS option (accepter.allowRemoteVpcDnsResolution) is ours to set with our provider once we accept; without it the partner's public DNS names resolve to public IPs and traffic leaves the peering.
#   reference: AWS VPC Peering Guide, enable DNS resolution for a VPC peering connection
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html
deny_partner_002 contains finding if {
	some p in accepter_only
	not dns_on(p)
	finding := lib.summary_finding("peerctl:peering:Peering", p.name, lib.ours(p), sprintf("%s: no PeeringConnectionOptions on network %q's provider sets accepter.allowRemoteVpcDnsResolution true for %s", [peering_message(p), lib.ours(p), p.partner.connectionId]))
}

dns_on(p) if {
	some o in lib.of_type(options_type)
	lib.prop(o, ["vpcPeeringConnectionId"]) == p.partner.connectionId
	lib.on_network(o, lib.ours(p))
	lib.truthy(lib.prop(o, ["accepter", "allowRemoteVpcDnsResolution"]))
}

# requests(p) is the set of connections a requester-only peering creates.
requests(p) := {r | some r in lib.peering_resources(p.name); r.type == connection_type}

# METADATA
# title: A requester-only peering requests the partner's VPC, account and region, without autoAccept
# custom:
#   rationale: peerOwnerId must be the partner's account and peerRegion the partner's region, or AWS looks for the VPC in the wrong place and the request fails; autoAccept would need the partner's credentials (and cannot work across accounts or regions).
#   reference: AWS VPC Peering Guide, request a VPC peering connection; Pulumi AWS VpcPeeringConnection
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html
deny_partner_003 contains finding if {
	some p in requester_only
	count(requests(p)) == 0
	finding := lib.summary_finding("peerctl:peering:Peering", p.name, lib.ours(p), sprintf("%s: the plan has no VpcPeeringConnection toward %s", [peering_message(p), p.partner.vpcId]))
}

deny_partner_003 contains lib.finding(c, msg) if {
	some p in requester_only
	some c in requests(p)
	some problem in request_problems(p, c)
	msg := sprintf("%s: %s %s", [peering_message(p), lib.label(c), problem])
}

request_problems(p, c) := owner_problem(p, c) | vpc_problem(p, c) | accept_problem(c) | region_problem(p, c)

owner_problem(p, c) := {sprintf("sets peerOwnerId %v, not the partner's account %v", [lib.prop(c, ["peerOwnerId"]), want])} if {
	want := object.get(p.partner, "accountId", null)
	lib.prop(c, ["peerOwnerId"]) != want
} else := set()

vpc_problem(p, c) := {sprintf("requests peerVpcId %v, not the partner's VPC %s", [lib.prop(c, ["peerVpcId"]), p.partner.vpcId])} if {
	lib.prop(c, ["peerVpcId"]) != p.partner.vpcId
} else := set()

accept_problem(c) := {"sets autoAccept; the partner accepts on their side"} if {
	lib.truthy(lib.prop(c, ["autoAccept"]))
} else := set()

region_problem(p, c) := {sprintf("requests region %s, not the partner's region %s", [peer_region(c), p.partner.region])} if {
	peer_region(c) != p.partner.region
} else := set()

# peer_region(c) is the region AWS looks for the peer VPC in: peerRegion,
# else the requester's own.
peer_region(c) := r if {
	r := lib.str(lib.prop(c, ["peerRegion"]))
} else := lib.region_of(c)

# connection_ids(p) are the ids our routes use to reach the partner.
connection_ids(p) := {p.partner.connectionId} if p.mode == "accepter-only"

connection_ids(p) := {c.id | some c in requests(p)} if p.mode == "requester-only"

sg_rule_types := {
	"aws:ec2/securityGroupRule:SecurityGroupRule",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
}

# wider(cidr, partner) holds when cidr strictly contains the partner's
# CIDR. /0 is left to NET-001 (security groups) and to the NACL's gateway
# endpoint rules, which are 0.0.0.0/0 by design (prefix lists cannot be
# NACL entries).
wider(cidr, partner) if {
	is_string(cidr)
	net.cidr_is_valid(cidr)
	not endswith(cidr, "/0")
	cidr != partner
	net.cidr_contains(cidr, partner)
}

# sg_cidrs(r) are the IPv4 CIDRs of a security group rule resource.
sg_cidrs(r) := {c | some f in ["cidrIpv4", "cidrBlocks"]; some c in lib.as_array(lib.prop(r, [f]))}

# nacl_entries(acl) are the allow entries of a network ACL, inline ones and
# NetworkAclRule resources, as [description, cidr].
nacl_entries(acl) := {[sprintf("%s %s rule %v", [lib.label(acl), dir, object.get(e, "ruleNo", "?")]), object.get(e, "cidrBlock", null)] |
	some dir in ["ingress", "egress"]
	some e in lib.as_array(lib.prop(acl, [dir]))
	object.get(e, "action", "") == "allow"
}

# METADATA
# title: Nothing toward a partner is wider than the partner's CIDR
# custom:
#   rationale: peerctl knows only the partner CIDR the configuration states; a route through the partner's connection outside it, or a security group or NACL allow wider than it, opens our network to addresses nobody reviewed.
#   reference: AWS VPC Peering Guide, update route tables (longest prefix match); peerctl design (only 443/5432 with each peer)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html
deny_partner_004 contains lib.finding(r, msg) if {
	some p in lib.one_sided
	some r in lib.of_type("aws:ec2/route:Route")
	lib.on_network(r, lib.ours(p))
	lib.prop(r, ["vpcPeeringConnectionId"]) in connection_ids(p)
	dest := lib.prop(r, ["destinationCidrBlock"])
	not within(dest, p.partner.cidr)
	msg := sprintf("%s: %s sends %v through the partner's connection, outside the partner's CIDR %s", [peering_message(p), lib.label(r), dest, p.partner.cidr])
}

deny_partner_004 contains lib.finding(r, msg) if {
	some p in lib.one_sided
	some t in sg_rule_types
	some r in lib.of_type(t)
	lib.on_network(r, lib.ours(p))
	some cidr in sg_cidrs(r)
	wider(cidr, p.partner.cidr)
	msg := sprintf("%s: %s allows %s, wider than the partner's CIDR %s", [peering_message(p), lib.label(r), cidr, p.partner.cidr])
}

deny_partner_004 contains lib.finding(acl, msg) if {
	some p in lib.one_sided
	some t in ["aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"]
	some acl in lib.of_type(t)
	lib.on_network(acl, lib.ours(p))
	some entry in nacl_entries(acl)
	wider(entry[1], p.partner.cidr)
	msg := sprintf("%s: %s allows %s, wider than the partner's CIDR %s", [peering_message(p), entry[0], entry[1], p.partner.cidr])
}

deny_partner_004 contains lib.finding(r, msg) if {
	some p in lib.one_sided
	some r in lib.of_type("aws:ec2/networkAclRule:NetworkAclRule")
	lib.on_network(r, lib.ours(p))
	lib.prop(r, ["ruleAction"]) == "allow"
	cidr := lib.prop(r, ["cidrBlock"])
	wider(cidr, p.partner.cidr)
	msg := sprintf("%s: %s allows %s, wider than the partner's CIDR %s", [peering_message(p), lib.label(r), cidr, p.partner.cidr])
}

within(cidr, partner) if {
	is_string(cidr)
	net.cidr_is_valid(cidr)
	net.cidr_contains(partner, cidr)
}

# METADATA
# title: A partner's CIDR is not 0.0.0.0/0 and overlaps no network of the stack
# custom:
#   rationale: A partner CIDR of 0.0.0.0/0 would route and open everything through the partner; one that overlaps a configured network (or another partner of the same network) makes routes ambiguous, and AWS refuses to peer VPCs with overlapping CIDRs.
#   reference: AWS VPC Peering Guide, VPC peering limitations (overlapping CIDR blocks)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations
deny_partner_005 contains finding if {
	some p in lib.one_sided
	not specific(p.partner.cidr)
	msg := sprintf("%s: partner CIDR %v is not a specific IPv4 range (0.0.0.0/0 or invalid)", [peering_message(p), p.partner.cidr])
	finding := lib.summary_finding("peerctl:peering:Peering", p.name, lib.ours(p), msg)
}

deny_partner_005 contains finding if {
	some p in lib.one_sided
	specific(p.partner.cidr)
	some n in lib.networks
	net.cidr_intersects(p.partner.cidr, n.cidr)
	msg := sprintf("%s: partner CIDR %s overlaps network %q (%s)", [peering_message(p), p.partner.cidr, n.name, n.cidr])
	finding := lib.summary_finding("peerctl:peering:Peering", p.name, lib.ours(p), msg)
}

deny_partner_005 contains finding if {
	some p in lib.one_sided
	some q in lib.one_sided
	p.name < q.name
	lib.ours(p) == lib.ours(q)
	specific(p.partner.cidr)
	specific(q.partner.cidr)
	net.cidr_intersects(p.partner.cidr, q.partner.cidr)
	msg := sprintf("%s: partner CIDR %s overlaps partner %q (%s) of the same network %q", [peering_message(p), p.partner.cidr, q.partner.name, q.partner.cidr, lib.ours(p)])
	finding := lib.summary_finding("peerctl:peering:Peering", p.name, lib.ours(p), msg)
}

specific(cidr) if {
	is_string(cidr)
	net.cidr_is_valid(cidr)
	not endswith(cidr, "/0")
	not contains(cidr, ":")
}
