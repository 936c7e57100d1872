package peerctl.baseline.peering_test

import rego.v1

import data.peerctl.baseline.peering

plan(rs) := {"stack": "dev", "environment": "dev", "region": "us-east-1", "resources": rs}

res(t, name, id, account, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": id,
	"account": account,
	"provider": sprintf("urn:pulumi:dev::peerctl::pulumi:providers:aws::%s", [account]),
	"inputs": inputs,
}

provider(name, region) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::pulumi:providers:aws::%s", [name]),
	"type": "pulumi:providers:aws",
	"name": name,
	"id": "00000000-0000-0000-0000-000000000000",
	"account": "",
	"provider": "",
	"inputs": {"region": region, "allowedAccountIds": [object.get(account_ids, name, "333333333333")]},
}

# account_ids pins each network's provider to its account, as peerctl does
# when account.id is configured: two networks, two accounts.
account_ids := {"trading": "111111111111", "analytics": "222222222222"}

vpc(net, id, cidr) := res("aws:ec2/vpc:Vpc", sprintf("%s-vpc", [net]), id, net, {"cidrBlock": cidr, "enableDnsSupport": true, "enableDnsHostnames": true})

rt(net, az, vpc_id) := res("aws:ec2/routeTable:RouteTable", sprintf("%s-rt-%s", [net, az]), sprintf("rtb-%s-%s", [net, az]), net, {"vpcId": vpc_id})

route(net, az, cidr) := res("aws:ec2/route:Route", sprintf("trading-analytics-route-%s-%s", [net, az]), sprintf("r-%s-%s", [net, az]), net, {"routeTableId": sprintf("rtb-%s-%s", [net, az]), "destinationCidrBlock": cidr, "vpcPeeringConnectionId": "pcx-1"})

connection := res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-analytics-connection", "pcx-1", "trading", {"vpcId": "vpc-t", "peerVpcId": "vpc-a", "peerOwnerId": "222222222222", "peerRegion": "us-east-1", "tags": {"Name": "trading-analytics-peering-dev", "CostCenter": "shared"}})

accepter := res("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "trading-analytics-accepter", "pcx-1", "analytics", {"vpcPeeringConnectionId": "pcx-1", "autoAccept": true})

requester_options := res("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "trading-analytics-requester-options", "pcx-1", "trading", {"vpcPeeringConnectionId": "pcx-1", "requester": {"allowRemoteVpcDnsResolution": true}})

accepter_options := res("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "trading-analytics-accepter-options", "pcx-1", "analytics", {"vpcPeeringConnectionId": "pcx-1", "accepter": {"allowRemoteVpcDnsResolution": true}})

# good is a cross-account peering as peerctl plans it, one AZ per side.
good := [
	provider("trading", "us-east-1"),
	provider("analytics", "us-east-1"),
	vpc("trading", "vpc-t", "10.0.0.0/16"),
	vpc("analytics", "vpc-a", "10.1.0.0/16"),
	rt("trading", "use1-az1", "vpc-t"),
	rt("analytics", "use1-az1", "vpc-a"),
	connection,
	accepter,
	requester_options,
	accepter_options,
	route("trading", "use1-az1", "10.1.0.0/16"),
	route("analytics", "use1-az1", "10.0.0.0/16"),
]

# same_account is the same-account variant: autoAccept, one options resource.
same_account := [
	provider("trading", "us-east-1"),
	vpc("trading", "vpc-t", "10.0.0.0/16"),
	res("aws:ec2/vpc:Vpc", "trading2-vpc", "vpc-a", "trading", {"cidrBlock": "10.1.0.0/16", "enableDnsSupport": true, "enableDnsHostnames": true}),
	res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-trading2-connection", "pcx-1", "trading", {"vpcId": "vpc-t", "peerVpcId": "vpc-a", "autoAccept": true}),
	res("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "trading-trading2-options", "pcx-1", "trading", {"vpcPeeringConnectionId": "pcx-1", "requester": {"allowRemoteVpcDnsResolution": true}, "accepter": {"allowRemoteVpcDnsResolution": true}}),
]

# without(rs, name) drops the resource named name.
without(rs, name) := [r | some r in rs; r.name != name]

# replaced(rs, name, path, value) sets inputs/<path> of the resource named name.
replaced(rs, name, path, value) := [x |
	some r in rs
	x := patched(r, name, path, value)
]

patched(r, name, path, value) := json.patch(r, [{"op": "add", "path": concat("/", ["/inputs", path]), "value": value}]) if r.name == name

patched(r, name, _, _) := r if r.name != name

all_findings := peering.deny_peer_001 | peering.deny_peer_002 | peering.deny_peer_003 | peering.deny_peer_004 | peering.deny_peer_005 | peering.deny_peer_006

test_good_plans_have_no_findings if {
	count(all_findings) == 0 with input as plan(good)
	count(all_findings) == 0 with input as plan(same_account)
}

# PEER-001

test_deny_peer_001_fires_on_inline_options if {
	every side in ["requester", "accepter"] {
		count(peering.deny_peer_001) == 1 with input as plan(replaced(good, "trading-analytics-connection", side, {"allowRemoteVpcDnsResolution": true}))
		count(peering.deny_peer_001) == 1 with input as plan(replaced(good, "trading-analytics-accepter", side, {"allowRemoteVpcDnsResolution": true}))
	}
}

test_deny_peer_001_passes_options_resources if {
	count(peering.deny_peer_001) == 0 with input as plan(good)
}

# PEER-002

test_deny_peer_002_fires_without_requester_options if {
	{f.msg | some f in peering.deny_peer_002} == {`VpcPeeringConnection "trading-analytics-connection": no PeeringConnectionOptions on account "trading" sets requester.allowRemoteVpcDnsResolution true`} with input as plan(without(good, "trading-analytics-requester-options"))
}

test_deny_peer_002_fires_when_set_by_the_wrong_account if {
	wrong := replaced(without(good, "trading-analytics-requester-options"), "trading-analytics-accepter-options", "requester", {"allowRemoteVpcDnsResolution": true})
	{f.msg | some f in peering.deny_peer_002} == {`VpcPeeringConnection "trading-analytics-connection": requester DNS resolution is set by PeeringConnectionOptions "trading-analytics-accepter-options" on account "analytics", but only the requester's owner "trading" may set it (OperationNotPermitted)`} with input as plan(wrong)
}

test_deny_peer_002_fires_when_disabled if {
	count(peering.deny_peer_002) == 1 with input as plan(replaced(good, "trading-analytics-requester-options", "requester", {"allowRemoteVpcDnsResolution": false}))
}

test_deny_peer_002_passes if {
	count(peering.deny_peer_002) == 0 with input as plan(good)
	count(peering.deny_peer_002) == 0 with input as plan(same_account)
}

# PEER-003

test_deny_peer_003_fires_without_accepter_options if {
	count(peering.deny_peer_003) == 1 with input as plan(without(good, "trading-analytics-accepter-options"))
}

test_deny_peer_003_fires_when_set_by_the_requester if {
	wrong := replaced(without(good, "trading-analytics-accepter-options"), "trading-analytics-requester-options", "accepter", {"allowRemoteVpcDnsResolution": true})
	{f.msg | some f in peering.deny_peer_003} == {`VpcPeeringConnection "trading-analytics-connection": accepter DNS resolution is set by PeeringConnectionOptions "trading-analytics-requester-options" on account "trading", but only the accepter's owner "analytics" may set it (OperationNotPermitted)`} with input as plan(wrong)
}

test_deny_peer_003_fires_same_account_without_accepter_block if {
	rs := replaced(same_account, "trading-trading2-options", "accepter", {"allowRemoteVpcDnsResolution": false})
	count(peering.deny_peer_003) == 1 with input as plan(rs)
}

test_deny_peer_003_passes if {
	count(peering.deny_peer_003) == 0 with input as plan(good)
	count(peering.deny_peer_003) == 0 with input as plan(same_account)
}

# PEER-004

test_deny_peer_004_fires_without_dns_hostnames if {
	rs := replaced(good, "analytics-vpc", "enableDnsHostnames", false)
	{f.msg | some f in peering.deny_peer_004} == {`Vpc "analytics-vpc" is peered but does not set enableDnsHostnames true`} with input as plan(rs)
}

test_deny_peer_004_fires_without_dns_support if {
	count(peering.deny_peer_004) == 1 with input as plan(replaced(good, "trading-vpc", "enableDnsSupport", false))
}

test_deny_peer_004_passes if {
	count(peering.deny_peer_004) == 0 with input as plan(good)

	# enableDnsSupport defaults to true
	unset := [x | some r in good; x := json.remove(r, ["inputs/enableDnsSupport"])]
	count(peering.deny_peer_004) == 0 with input as plan(unset)
}

test_deny_peer_004_passes_unpeered_vpc if {
	rs := [res("aws:ec2/vpc:Vpc", "lonely-vpc", "vpc-l", "trading", {"cidrBlock": "10.9.0.0/16"})]
	count(peering.deny_peer_004) == 0 with input as plan(rs)
}

# PEER-005

test_deny_peer_005_fires_on_route_table_without_route if {
	rs := array.concat(good, [rt("analytics", "use1-az2", "vpc-a")])
	{f.msg | some f in peering.deny_peer_005} == {`RouteTable "analytics-rt-use1-az2" has no route for 10.0.0.0/16 (Vpc "trading-vpc") through VpcPeeringConnection "trading-analytics-connection"`} with input as plan(rs)
}

test_deny_peer_005_fires_on_route_to_wrong_cidr if {
	count(peering.deny_peer_005) == 1 with input as plan(replaced(good, "trading-analytics-route-trading-use1-az1", "destinationCidrBlock", "10.1.0.0/24"))
}

test_deny_peer_005_fires_on_route_through_other_peering if {
	count(peering.deny_peer_005) == 1 with input as plan(replaced(good, "trading-analytics-route-trading-use1-az1", "vpcPeeringConnectionId", "pcx-2"))
}

test_deny_peer_005_fires_on_secondary_cidr_without_route if {
	assoc := res("aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation", "analytics-cidr-2", "vpc-cidr-assoc-1", "analytics", {"vpcId": "vpc-a", "cidrBlock": "10.2.0.0/16"})
	count(peering.deny_peer_005) == 1 with input as plan(array.concat(good, [assoc]))
}

test_deny_peer_005_passes if {
	count(peering.deny_peer_005) == 0 with input as plan(good)
}

test_deny_peer_005_passes_covering_and_inline_routes if {
	covering := replaced(good, "trading-analytics-route-trading-use1-az1", "destinationCidrBlock", "10.0.0.0/8")
	inline := replaced(without(covering, "trading-analytics-route-analytics-use1-az1"), "analytics-rt-use1-az1", "routes", [{"cidrBlock": "10.0.0.0/16", "vpcPeeringConnectionId": "pcx-1"}])
	count(peering.deny_peer_005) == 0 with input as plan(inline)
}

# PEER-006

test_deny_peer_006_fires_without_accepter if {
	{f.msg | some f in peering.deny_peer_006} == {`VpcPeeringConnection "trading-analytics-connection" has no VpcPeeringConnectionAccepter with autoAccept true on the peer owner's account "analytics"; it would stay pending-acceptance`} with input as plan(without(good, "trading-analytics-accepter"))
}

# An accepter on the right account that does not set autoAccept (or sets it
# false) leaves the connection pending-acceptance like no accepter at all.
test_deny_peer_006_fires_when_accepter_does_not_auto_accept if {
	count(peering.deny_peer_006) == 1 with input as plan(replaced(good, "trading-analytics-accepter", "autoAccept", false))
	count(peering.deny_peer_006) == 1 with input as plan(replaced(good, "trading-analytics-accepter", "autoAccept", "false"))
	count(peering.deny_peer_006) == 1 with input as plan(replaced(good, "trading-analytics-accepter", "autoAccept", null))
}

test_deny_peer_006_fires_on_cross_account_auto_accept if {
	count(peering.deny_peer_006) == 1 with input as plan(replaced(good, "trading-analytics-connection", "autoAccept", true))
}

test_deny_peer_006_fires_on_cross_region_auto_accept if {
	rs := replaced(replaced(same_account, "trading-trading2-connection", "peerRegion", "eu-west-1"), "trading-trading2-connection", "autoAccept", true)
	count(peering.deny_peer_006) == 2 with input as plan(rs)
}

test_deny_peer_006_fires_same_account_never_accepted if {
	rs := replaced(same_account, "trading-trading2-connection", "autoAccept", false)
	count(peering.deny_peer_006) == 1 with input as plan(rs)
}

test_deny_peer_006_passes if {
	count(peering.deny_peer_006) == 0 with input as plan(good)
	count(peering.deny_peer_006) == 0 with input as plan(same_account)
}

# Two networks, two providers, one account: both on default credentials (or
# pinned to the same id). peerctl auto-accepts and sets both DNS sides with
# one options resource on the requester's provider; that is correct there.
two_providers_one_account(pin) := [
	object.union(provider("trading", "us-east-1"), {"inputs": object.union({"region": "us-east-1"}, pin)}),
	object.union(provider("analytics", "us-east-1"), {"inputs": object.union({"region": "us-east-1"}, pin)}),
	vpc("trading", "vpc-t", "10.0.0.0/16"),
	vpc("analytics", "vpc-a", "10.1.0.0/16"),
	res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-analytics-connection", "pcx-1", "trading", {"vpcId": "vpc-t", "peerVpcId": "vpc-a", "autoAccept": true}),
	res("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "trading-analytics-options", "pcx-1", "trading", {"vpcPeeringConnectionId": "pcx-1", "requester": {"allowRemoteVpcDnsResolution": true}, "accepter": {"allowRemoteVpcDnsResolution": true}}),
]

test_same_account_across_providers_passes if {
	some pin in [{}, {"allowedAccountIds": ["111111111111"]}, {"profile": "shared"}]
	rs := two_providers_one_account(pin)
	count(peering.deny_peer_002) == 0 with input as plan(rs)
	count(peering.deny_peer_003) == 0 with input as plan(rs)
	count(peering.deny_peer_006) == 0 with input as plan(rs)
}

test_different_pinned_accounts_need_an_accepter if {
	providers := [
		object.union(provider("trading", "us-east-1"), {"inputs": {"region": "us-east-1", "allowedAccountIds": ["111111111111"]}}),
		object.union(provider("analytics", "us-east-1"), {"inputs": {"region": "us-east-1", "allowedAccountIds": ["222222222222"]}}),
	]
	rs := array.concat(providers, [r | some r in two_providers_one_account({}); r.type != "pulumi:providers:aws"])
	count(peering.deny_peer_006) > 0 with input as plan(rs)
	count(peering.deny_peer_003) > 0 with input as plan(rs)
}

test_different_profiles_are_different_accounts if {
	providers := [
		object.union(provider("trading", "us-east-1"), {"inputs": {"region": "us-east-1", "profile": "a"}}),
		object.union(provider("analytics", "us-east-1"), {"inputs": {"region": "us-east-1", "profile": "b"}}),
	]
	rs := array.concat(providers, [r | some r in two_providers_one_account({}); r.type != "pulumi:providers:aws"])
	count(peering.deny_peer_006) > 0 with input as plan(rs)
}

# Requester-only peerings (issue 12): the partner accepts and sets the
# accepter side; our requester DNS option follows acceptance.

requester_only_plan(rs) := object.union(plan(rs), {"peerings": [{
	"name": "trading-clearing", "mode": "requester-only", "requester": "trading", "crossRegion": true,
	"partner": {"name": "clearing", "cidr": "192.168.0.0/16", "region": "us-west-2", "accountId": "333333333333", "vpcId": "vpc-p"},
}]})

partner_request := json.patch(
	res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-clearing-connection", "pcx-2", "trading", {"vpcId": "vpc-t", "peerVpcId": "vpc-p", "peerOwnerId": "333333333333", "peerRegion": "us-west-2"}),
	[{"op": "add", "path": "/parent", "value": "urn:pulumi:dev::peerctl::peerctl:peering:Peering::trading-clearing"}],
)

test_deny_peer_002_passes_requester_only_before_acceptance if {
	rs := array.concat(good, [partner_request])
	count(all_findings) == 0 with input as requester_only_plan(rs)
}

test_deny_peer_006_fires_for_a_partner_request_outside_a_requester_only_peering if {
	# Without the peering summary the same connection is an ordinary
	# cross-region request nobody accepts.
	rs := array.concat(good, [partner_request])
	count(peering.deny_peer_006) == 1 with input as plan(rs)
}
