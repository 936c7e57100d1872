# METADATA
# title: Peering baseline
# description: |
#   VPC peering connections are accepted, resolve DNS on both sides through
#   PeeringConnectionOptions owned by each side, and are routed from every
#   route table of both networks.
package peerctl.baseline.peering

import rego.v1

import data.peerctl.lib

vpc := "aws:ec2/vpc:Vpc"

connection_type := "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"

accepter_type := "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"

options_type := "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"

connections := lib.of_type(connection_type)

# requested_of_partners are the connections of requester-only peerings: the
# partner accepts and sets the accepter side, and our requester DNS option
# waits for the first `up` after acceptance, so PEER-002, PEER-003 and
# PEER-006 do not apply to them (PARTNER-003 checks them instead).
requested_of_partners := {c |
	some p in lib.one_sided
	p.mode == "requester-only"
	some c in lib.peering_resources(p.name)
	c.type == connection_type
}

# two_sided are the connections this stack both requests and accepts.
two_sided := connections - requested_of_partners

# related(t, c) is the set of resources of type t (accepters, options) keyed
# on connection c's id.
related(t, c) := {r | some r in lib.of_type(t); lib.prop(r, ["vpcPeeringConnectionId"]) == c.id}

# vpc_of(id) is the VPC in the plan with that id; undefined when it is not
# in the plan (a peer outside peerctl).
vpc_of(id) := v if {
	some v in lib.with_id(id, vpc)
}

# accepter_account(c) is the account (network name) that owns the peer VPC:
# that of the peer VPC when it is in the plan, else that of the accepter
# resource, else the requester's (same-account peering).
accepter_account(c) := v.account if {
	v := vpc_of(lib.prop(c, ["peerVpcId"]))
} else := a.account if {
	some a in related(accepter_type, c)
} else := c.account

# METADATA
# title: No inline requester/accepter options on peering connections
# custom:
#   rationale: Inline options are applied by one account's provider to both sides and fight with PeeringConnectionOptions; AWS rejects a change to the other owner's side (OperationNotPermitted).
#   reference: AWS VPC Peering Guide, modify peering connection options; pulumi-aws PeeringConnectionOptions
# related_resources:
#   - ref: https://www.pulumi.com/registry/packages/aws/api-docs/ec2/peeringconnectionoptions/
deny_peer_001 contains lib.finding(r, msg) if {
	some t in [connection_type, accepter_type]
	some r in lib.of_type(t)
	some side in ["requester", "accepter"]
	lib.prop(r, [side]) != null
	msg := sprintf("%s sets inline %s options; set them with a PeeringConnectionOptions resource on the %s's provider", [lib.label(r), side, side])
}

# side_enabled holds when a PeeringConnectionOptions on the account's
# provider enables remote DNS resolution for that side of connection c.
side_enabled(c, side, account) if {
	some o in related(options_type, c)
	lib.same_account(o.account, account)
	lib.truthy(lib.prop(o, [side, "allowRemoteVpcDnsResolution"]))
}

side_message(c, side, account) := msg if {
	some o in related(options_type, c)
	lib.truthy(lib.prop(o, [side, "allowRemoteVpcDnsResolution"]))
	not lib.same_account(o.account, account)
	msg := sprintf("%s: %s DNS resolution is set by %s on account %q, but only the %s's owner %q may set it (OperationNotPermitted)", [lib.label(c), side, lib.label(o), o.account, side, account])
} else := sprintf("%s: no PeeringConnectionOptions on account %q sets %s.allowRemoteVpcDnsResolution true", [lib.label(c), account, side])

# METADATA
# title: Requester side of every peering resolves the peer's private DNS names
# custom:
#   rationale: Without it, the peer's public DNS hostnames resolve to public IPs and traffic leaves the peering; only the requester's owner may set the requester side.
#   reference: AWS VPC Peering Guide, enable DNS resolution for a VPC peering connection
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html
deny_peer_002 contains lib.finding(c, side_message(c, "requester", c.account)) if {
	some c in two_sided
	not side_enabled(c, "requester", c.account)
}

# METADATA
# title: Accepter side of every peering resolves the peer's private DNS names
# custom:
#   rationale: Same as PEER-002 for the other direction; only the accepter's owner may set the accepter side, so the options must use the accepter's provider.
#   reference: AWS VPC Peering Guide, enable DNS resolution for a VPC peering connection
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html
deny_peer_003 contains lib.finding(c, side_message(c, "accepter", acct)) if {
	some c in two_sided
	acct := accepter_account(c)
	not side_enabled(c, "accepter", acct)
}

# METADATA
# title: Peered VPCs enable DNS support and DNS hostnames
# custom:
#   rationale: Remote DNS resolution over a peering works only when both VPCs have enableDnsSupport and enableDnsHostnames.
#   reference: AWS VPC User Guide, DNS attributes for your VPC
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support
deny_peer_004 contains lib.finding(v, msg) if {
	some c in connections
	some field in ["vpcId", "peerVpcId"]
	v := vpc_of(lib.prop(c, [field]))
	some attr in ["enableDnsSupport", "enableDnsHostnames"]
	not dns_attribute_on(v, attr)
	msg := sprintf("%s is peered but does not set %s true", [lib.label(v), attr])
}

# enableDnsSupport defaults to true; enableDnsHostnames to false.
dns_attribute_on(v, "enableDnsSupport") if lib.prop(v, ["enableDnsSupport"]) == null

dns_attribute_on(v, attr) if lib.truthy(lib.prop(v, [attr]))

# cidrs(v) is the set of IPv4 CIDRs of VPC v, secondary ones included.
cidrs(v) := {c | some c in primary_cidr(v)} | {c |
	some a in lib.of_type("aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation")
	lib.prop(a, ["vpcId"]) == v.id
	c := lib.str(lib.prop(a, ["cidrBlock"]))
}

primary_cidr(v) := {c} if {
	c := lib.str(lib.prop(v, ["cidrBlock"]))
} else := set()

# routes_by_table[rt id] is the set of Route resources of that route table.
# Indexes are comprehensions: OPA evaluates "x[k] contains v" rules in time
# quadratic in the number of elements.
routes_by_table := {rt: {r | some r in routes; lib.prop(r, ["routeTableId"]) == rt} |
	some rt in {id | some x in routes; id := lib.str(lib.prop(x, ["routeTableId"]))}
}

routes := lib.of_type("aws:ec2/route:Route")

# routed holds when route table rt sends cidr through connection pcx, by a
# Route resource or an inline route.
routed(rt, cidr, pcx) if {
	some r in object.get(routes_by_table, rt.id, set())
	lib.prop(r, ["vpcPeeringConnectionId"]) == pcx
	net.cidr_contains(lib.prop(r, ["destinationCidrBlock"]), cidr)
}

routed(rt, cidr, pcx) if {
	some r in lib.as_array(lib.prop(rt, ["routes"]))
	object.get(r, "vpcPeeringConnectionId", null) == pcx
	net.cidr_contains(object.get(r, "cidrBlock", null), cidr)
}

tables_by_vpc := {vpc_id: {rt | some rt in tables; lib.prop(rt, ["vpcId"]) == vpc_id} |
	some vpc_id in {id | some x in tables; id := lib.str(lib.prop(x, ["vpcId"]))}
}

tables := lib.of_type("aws:ec2/routeTable:RouteTable")

# METADATA
# title: Every route table of a peered network routes the peer CIDR through the peering
# custom:
#   rationale: Peering carries only what route tables send to it; a table without the route silently drops cross-network traffic from its subnets.
#   reference: AWS VPC Peering Guide, update route tables; CIS AWS Foundations v3.0.0 5.5 (manual, no Security Hub control)
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html
deny_peer_005 contains lib.finding(rt, msg) if {
	some c in connections
	some pair in [["vpcId", "peerVpcId"], ["peerVpcId", "vpcId"]]
	local := lib.str(lib.prop(c, [pair[0]]))
	peer := vpc_of(lib.prop(c, [pair[1]]))
	some rt in object.get(tables_by_vpc, local, set())
	some cidr in cidrs(peer)
	not routed(rt, cidr, c.id)
	msg := sprintf("%s has no route for %s (%s) through %s", [lib.label(rt), cidr, lib.label(peer), lib.label(c)])
}

# cross(c) holds when acceptance needs the peer owner: another account or
# another region. Two networks (providers) may share one account.
cross(c) if not lib.same_account(accepter_account(c), c.account)

cross(c) if {
	peer_region := lib.str(lib.prop(c, ["peerRegion"]))
	peer_region != lib.region_of(c)
}

accepted_by(c, account) if {
	some a in related(accepter_type, c)
	lib.same_account(a.account, account)
	lib.truthy(lib.prop(a, ["autoAccept"]))
}

# METADATA
# title: Every peering connection gets accepted
# custom:
#   rationale: autoAccept works only within one account and region; otherwise a VpcPeeringConnectionAccepter with autoAccept on the peer owner's provider must accept it, or it stays pending-acceptance and expires.
#   reference: AWS VPC Peering Guide, accept a VPC peering connection
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html
deny_peer_006 contains lib.finding(c, msg) if {
	some c in two_sided
	cross(c)
	lib.truthy(lib.prop(c, ["autoAccept"]))
	msg := sprintf("%s sets autoAccept, which works only within one account and region; accept it with a VpcPeeringConnectionAccepter on account %q", [lib.label(c), accepter_account(c)])
}

deny_peer_006 contains lib.finding(c, msg) if {
	some c in two_sided
	cross(c)
	acct := accepter_account(c)
	not accepted_by(c, acct)
	msg := sprintf("%s has no VpcPeeringConnectionAccepter with autoAccept true on the peer owner's account %q; it would stay pending-acceptance", [lib.label(c), acct])
}

deny_peer_006 contains lib.finding(c, msg) if {
	some c in two_sided
	not cross(c)
	not lib.truthy(lib.prop(c, ["autoAccept"]))
	not accepted_by(c, c.account)
	msg := sprintf("%s is within one account and region but neither sets autoAccept nor has a VpcPeeringConnectionAccepter; it would stay pending-acceptance", [lib.label(c)])
}
