package peerctl.baseline.partner_test

import rego.v1

import data.peerctl.baseline.partner

# The trading network accepts market-data's connection and requests one
# toward clearing's VPC in us-west-2 (examples/partner).
accepter_only := {
	"name": "market-data-trading", "mode": "accepter-only", "accepter": "trading", "crossRegion": false,
	"partner": {"name": "market-data", "cidr": "172.31.0.0/16", "region": "us-east-1", "accountId": "333333333333", "connectionId": "pcx-0123456789abcdef0"},
}

requester_only := {
	"name": "trading-clearing", "mode": "requester-only", "requester": "trading", "crossRegion": true,
	"partner": {"name": "clearing", "cidr": "192.168.0.0/16", "region": "us-west-2", "accountId": "333333333333", "vpcId": "vpc-0fedcba9876543210"},
}

plan_with(rs, peerings) := {
	"stack": "dev", "environment": "dev", "region": "us-east-1",
	"networks": [{"name": "trading", "region": "us-east-1", "cidr": "10.0.0.0/16", "account": "111111111111"}],
	"peerings": peerings,
	"resources": rs,
}

plan(rs) := plan_with(rs, [accepter_only, requester_only])

peering_urn(p) := sprintf("urn:pulumi:dev::peerctl::peerctl:peering:Peering::%s", [p])

res(t, name, id, parent, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": id,
	"account": "trading",
	"parent": parent,
	"provider": "urn:pulumi:dev::peerctl::pulumi:providers:aws::trading",
	"inputs": inputs,
}

provider := {
	"urn": "urn:pulumi:dev::peerctl::pulumi:providers:aws::trading",
	"type": "pulumi:providers:aws",
	"name": "trading",
	"id": "00000000-0000-0000-0000-000000000000",
	"account": "",
	"provider": "",
	"inputs": {"region": "us-east-1", "allowedAccountIds": ["111111111111"]},
}

component(p) := {"urn": peering_urn(p), "type": "peerctl:peering:Peering", "name": p, "account": "", "inputs": {}}

accepter := res("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "market-data-trading-accepter", "pcx-0123456789abcdef0", peering_urn("market-data-trading"), {"vpcPeeringConnectionId": "pcx-0123456789abcdef0", "autoAccept": true})

accepter_options := res("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "market-data-trading-accepter-options", "pcx-0123456789abcdef0", peering_urn("market-data-trading"), {"vpcPeeringConnectionId": "pcx-0123456789abcdef0", "accepter": {"allowRemoteVpcDnsResolution": true}})

route(name, dest, pcx) := res("aws:ec2/route:Route", name, sprintf("r-%s", [name]), "", {"routeTableId": "rtb-1", "destinationCidrBlock": dest, "vpcPeeringConnectionId": pcx})

connection := res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-clearing-connection", "pcx-req", peering_urn("trading-clearing"), {"vpcId": "vpc-t", "peerVpcId": "vpc-0fedcba9876543210", "peerOwnerId": "333333333333", "peerRegion": "us-west-2"})

sg_rule(name, cidr) := res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, sprintf("sgr-%s", [name]), "", {"securityGroupId": "sg-app", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": cidr})

nacl(extra) := res("aws:ec2/networkAcl:NetworkAcl", "trading-nacl", "acl-1", "", {"ingress": array.concat(
	[
		{"action": "allow", "cidrBlock": "0.0.0.0/0", "protocol": "tcp", "fromPort": 1024, "toPort": 3388, "ruleNo": 900},
		{"action": "allow", "cidrBlock": "172.31.0.0/16", "protocol": "tcp", "fromPort": 443, "toPort": 443, "ruleNo": 12950},
		{"action": "deny", "cidrBlock": "172.16.0.0/12", "protocol": "-1", "fromPort": 0, "toPort": 0, "ruleNo": 50},
	],
	extra,
)})

good := [
	provider,
	component("market-data-trading"),
	component("trading-clearing"),
	accepter,
	accepter_options,
	route("market-data-trading-route-trading-use1-az1", "172.31.0.0/16", "pcx-0123456789abcdef0"),
	route("trading-clearing-route-trading-use1-az1", "192.168.0.0/16", "pcx-req"),
	connection,
	sg_rule("trading-app-sg-in-443-market-data", "172.31.0.0/16"),
	sg_rule("trading-app-sg-in-443-clearing", "192.168.0.0/16"),
	nacl([]),
]

without(rs, name) := [r | some r in rs; r.name != name]

with_inputs(rs, name, inputs) := [x |
	some r in rs
	x := patched(r, name, inputs)
]

patched(r, name, inputs) := json.patch(r, [{"op": "add", "path": "/inputs", "value": object.union(r.inputs, inputs)}]) if r.name == name

patched(r, name, _) := r if r.name != name

msgs(findings) := {f.msg | some f in findings}

all_findings := ((((partner.deny_partner_001 | partner.deny_partner_002) | partner.deny_partner_003) | partner.deny_partner_004) | partner.deny_partner_005)

test_good_plan_has_no_findings if {
	count(all_findings) == 0 with input as plan(good)
}

# PARTNER-001

test_deny_partner_001_fires_on_a_connection_of_an_accepter_only_peering if {
	extra := res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "market-data-trading-connection", "pcx-new", peering_urn("market-data-trading"), {"vpcId": "vpc-t", "peerVpcId": "vpc-p"})
	msgs(partner.deny_partner_001) == {`accepter-only peering "market-data-trading" (partner "market-data"): VpcPeeringConnection "market-data-trading-connection" requests a connection, but the partner requested pcx-0123456789abcdef0; an accepter-only peering only accepts it`} with input as plan(array.concat(good, [extra]))
}

test_deny_partner_001_fires_on_another_connection_id if {
	rs := with_inputs(good, "market-data-trading-accepter", {"vpcPeeringConnectionId": "pcx-0123456789abcdef1"})
	msgs(partner.deny_partner_001) == {
		`accepter-only peering "market-data-trading" (partner "market-data"): VpcPeeringConnectionAccepter "market-data-trading-accepter" accepts pcx-0123456789abcdef1, not the configured connection pcx-0123456789abcdef0`,
		`accepter-only peering "market-data-trading" (partner "market-data"): no VpcPeeringConnectionAccepter with autoAccept true on network "trading"'s provider accepts pcx-0123456789abcdef0; it would stay pending-acceptance`,
		`VpcPeeringConnectionAccepter "market-data-trading-accepter" accepts pcx-0123456789abcdef1, which is neither a connection of this plan nor the connectionId of an accepter-only peering of its network`,
	} with input as plan(rs)
}

test_deny_partner_001_fires_without_accepter_or_auto_accept if {
	count(partner.deny_partner_001) == 1 with input as plan(without(good, "market-data-trading-accepter"))
	count(partner.deny_partner_001) == 1 with input as plan(with_inputs(good, "market-data-trading-accepter", {"autoAccept": false}))
}

test_deny_partner_001_fires_on_a_stray_accepter if {
	stray := res("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "stray-accepter", "pcx-0aaaaaaaaaaaaaaaa", "", {"vpcPeeringConnectionId": "pcx-0aaaaaaaaaaaaaaaa", "autoAccept": true})
	count(partner.deny_partner_001) == 1 with input as plan(array.concat(good, [stray]))
}

test_deny_partner_001_passes if {
	count(partner.deny_partner_001) == 0 with input as plan(good)
}

test_deny_partner_001_passes_accepters_of_planned_connections if {
	own := res("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "trading-analytics-accepter", "pcx-req", "", {"vpcPeeringConnectionId": "pcx-req", "autoAccept": true})
	count(partner.deny_partner_001) == 0 with input as plan(array.concat(good, [own]))
}

# PARTNER-002

test_deny_partner_002_fires_without_our_dns_option if {
	msgs(partner.deny_partner_002) == {`accepter-only peering "market-data-trading" (partner "market-data"): no PeeringConnectionOptions on network "trading"'s provider sets accepter.allowRemoteVpcDnsResolution true for pcx-0123456789abcdef0`} with input as plan(without(good, "market-data-trading-accepter-options"))
	count(partner.deny_partner_002) == 1 with input as plan(with_inputs(good, "market-data-trading-accepter-options", {"accepter": {"allowRemoteVpcDnsResolution": false}}))
}

test_deny_partner_002_fires_finding_names_the_peering if {
	{f.urn | some f in partner.deny_partner_002} == {peering_urn("market-data-trading")} with input as plan(without(good, "market-data-trading-accepter-options"))
}

test_deny_partner_002_passes if {
	count(partner.deny_partner_002) == 0 with input as plan(good)
}

# PARTNER-003

test_deny_partner_003_fires_on_wrong_owner_vpc_region_or_auto_accept if {
	rs := with_inputs(good, "trading-clearing-connection", {"peerOwnerId": "222222222222", "peerVpcId": "vpc-0fedcba9876543211", "autoAccept": true, "peerRegion": "us-east-1"})
	msgs(partner.deny_partner_003) == {
		`requester-only peering "trading-clearing" (partner "clearing"): VpcPeeringConnection "trading-clearing-connection" sets peerOwnerId 222222222222, not the partner's account 333333333333`,
		`requester-only peering "trading-clearing" (partner "clearing"): VpcPeeringConnection "trading-clearing-connection" requests peerVpcId vpc-0fedcba9876543211, not the partner's VPC vpc-0fedcba9876543210`,
		`requester-only peering "trading-clearing" (partner "clearing"): VpcPeeringConnection "trading-clearing-connection" sets autoAccept; the partner accepts on their side`,
		`requester-only peering "trading-clearing" (partner "clearing"): VpcPeeringConnection "trading-clearing-connection" requests region us-east-1, not the partner's region us-west-2`,
	} with input as plan(rs)
}

test_deny_partner_003_fires_without_peer_owner_or_region if {
	stripped := [x | some r in good; x := strip(r)]
	count(partner.deny_partner_003) == 2 with input as plan(stripped)
}

strip(r) := json.remove(r, ["inputs/peerOwnerId", "inputs/peerRegion"]) if r.name == "trading-clearing-connection"

strip(r) := r if r.name != "trading-clearing-connection"

test_deny_partner_003_fires_without_connection if {
	msgs(partner.deny_partner_003) == {`requester-only peering "trading-clearing" (partner "clearing"): the plan has no VpcPeeringConnection toward vpc-0fedcba9876543210`} with input as plan(without(good, "trading-clearing-connection"))
}

test_deny_partner_003_passes if {
	count(partner.deny_partner_003) == 0 with input as plan(good)
}

test_deny_partner_003_passes_same_region_without_peer_region if {
	same := json.patch(requester_only, [{"op": "replace", "path": "/partner/region", "value": "us-east-1"}])
	rs := [x | some r in good; x := json.remove(r, ["inputs/peerRegion"])]
	count(partner.deny_partner_003) == 0 with input as plan_with(rs, [accepter_only, same])
}

# PARTNER-004

test_deny_partner_004_fires_on_route_outside_partner_cidr if {
	rs := array.concat(good, [route("extra", "172.16.0.0/12", "pcx-0123456789abcdef0"), route("extra-req", "10.9.0.0/16", "pcx-req")])
	msgs(partner.deny_partner_004) == {
		`accepter-only peering "market-data-trading" (partner "market-data"): Route "extra" sends 172.16.0.0/12 through the partner's connection, outside the partner's CIDR 172.31.0.0/16`,
		`requester-only peering "trading-clearing" (partner "clearing"): Route "extra-req" sends 10.9.0.0/16 through the partner's connection, outside the partner's CIDR 192.168.0.0/16`,
	} with input as plan(rs)
}

test_deny_partner_004_fires_on_wider_sg_rule if {
	msgs(partner.deny_partner_004) == {`requester-only peering "trading-clearing" (partner "clearing"): SecurityGroupIngressRule "wide" allows 192.168.0.0/15, wider than the partner's CIDR 192.168.0.0/16`} with input as plan(array.concat(good, [sg_rule("wide", "192.168.0.0/15")]))
}

test_deny_partner_004_fires_on_wider_nacl_entry if {
	rs := array.concat(without(good, "trading-nacl"), [nacl([{"action": "allow", "cidrBlock": "172.16.0.0/12", "protocol": "tcp", "fromPort": 443, "toPort": 443, "ruleNo": 13000}])])
	msgs(partner.deny_partner_004) == {`accepter-only peering "market-data-trading" (partner "market-data"): NetworkAcl "trading-nacl" ingress rule 13000 allows 172.16.0.0/12, wider than the partner's CIDR 172.31.0.0/16`} with input as plan(rs)
	rule := res("aws:ec2/networkAclRule:NetworkAclRule", "trading-nacl-wide", "nacl-rule", "", {"networkAclId": "acl-1", "ruleAction": "allow", "cidrBlock": "172.0.0.0/8", "ruleNumber": 13001})
	count(partner.deny_partner_004) == 1 with input as plan(array.concat(good, [rule]))
}

test_deny_partner_004_passes_partner_cidr_narrower_and_deny_entries if {
	rs := array.concat(good, [sg_rule("narrow", "172.31.5.0/24"), route("narrow-route", "172.31.5.0/24", "pcx-0123456789abcdef0")])
	count(partner.deny_partner_004) == 0 with input as plan(rs)
}

# PARTNER-005

test_deny_partner_005_fires_on_default_route_cidr if {
	open := json.patch(accepter_only, [{"op": "replace", "path": "/partner/cidr", "value": "0.0.0.0/0"}])
	msgs(partner.deny_partner_005) == {`accepter-only peering "market-data-trading" (partner "market-data"): partner CIDR 0.0.0.0/0 is not a specific IPv4 range (0.0.0.0/0 or invalid)`} with input as plan_with(good, [open, requester_only])
}

test_deny_partner_005_fires_on_overlap_with_a_network_or_partner if {
	inside := json.patch(accepter_only, [{"op": "replace", "path": "/partner/cidr", "value": "10.0.128.0/17"}])
	msgs(partner.deny_partner_005) == {`accepter-only peering "market-data-trading" (partner "market-data"): partner CIDR 10.0.128.0/17 overlaps network "trading" (10.0.0.0/16)`} with input as plan_with([], [inside, requester_only])
	twin := json.patch(accepter_only, [{"op": "replace", "path": "/partner/cidr", "value": "192.168.128.0/17"}])
	msgs(partner.deny_partner_005) == {`accepter-only peering "market-data-trading" (partner "market-data"): partner CIDR 192.168.128.0/17 overlaps partner "clearing" (192.168.0.0/16) of the same network "trading"`} with input as plan_with([], [twin, requester_only])
}

test_deny_partner_005_passes if {
	count(partner.deny_partner_005) == 0 with input as plan(good)
}
