package peerctl.baseline.existing_test

import rego.v1

import data.peerctl.baseline.existing

# A trading network peerctl creates and a legacy network that exists.
plan(rs, legacy) := {
	"stack": "dev", "environment": "dev", "region": "us-east-1",
	"networks": [
		{"name": "trading", "region": "us-east-1", "cidr": "10.0.0.0/16", "account": "111111111111"},
		object.union({"name": "legacy", "region": "eu-west-1", "cidr": "10.20.0.0/16", "account": "222222222222"}, legacy),
	],
	"peerings": [{"name": "trading-legacy", "mode": "both-sides", "requester": "trading", "accepter": "legacy", "crossRegion": true}],
	"resources": rs,
}

existing_block(flow_logs) := {"existing": {
	"vpcId": "vpc-0a1b2c3d4e5f60718", "routeTableIds": ["rtb-0a1b2c3d4e5f60719"], "routeTablesDiscovered": false,
	"securityGroup": true, "flowLogs": flow_logs,
}}

res(t, name, account, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": sprintf("id-%s", [name]),
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
	"inputs": {"region": region},
}

network_component(name) := {"urn": sprintf("urn:pulumi:dev::peerctl::peerctl:network:Network::%s", [name]), "type": "peerctl:network:Network", "name": name, "account": name, "inputs": {}}

# good is what peerctl plans for the pair: the trading VPC's structure, and
# in legacy only a route, the app security group and a flow log.
good := [
	provider("trading", "us-east-1"),
	provider("legacy", "eu-west-1"),
	network_component("legacy"),
	res("aws:ec2/vpc:Vpc", "trading-vpc", "trading", {"cidrBlock": "10.0.0.0/16"}),
	res("aws:ec2/subnet:Subnet", "trading-private-use1-az1", "trading", {"vpcId": "id-trading-vpc"}),
	res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "trading-default-sg", "trading", {"vpcId": "id-trading-vpc"}),
	res("aws:ec2/route:Route", "trading-legacy-route-legacy-rtb-0a1b2c3d4e5f60719", "legacy", {"routeTableId": "rtb-0a1b2c3d4e5f60719", "destinationCidrBlock": "10.0.0.0/16"}),
	res("aws:ec2/securityGroup:SecurityGroup", "legacy-app-sg", "legacy", {"vpcId": "vpc-0a1b2c3d4e5f60718"}),
	res("aws:ec2/flowLog:FlowLog", "legacy-flow-logs-s3", "legacy", {"vpcId": "vpc-0a1b2c3d4e5f60718", "trafficType": "ALL"}),
]

msgs(findings) := {f.msg | some f in findings}

# EXIST-001

test_deny_exist_001_fires_on_each_structure_type if {
	every t in existing.structure_types {
		count(existing.deny_exist_001) == 1 with input as plan(array.concat(good, [res(t, "legacy-x", "legacy", {})]), existing_block(true))
	}
}

test_deny_exist_001_fires_message_names_network_and_vpc if {
	rs := array.concat(good, [res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "legacy-default-sg", "legacy", {"vpcId": "vpc-0a1b2c3d4e5f60718"})])
	msgs(existing.deny_exist_001) == {`DefaultSecurityGroup "legacy-default-sg" would create or adopt structure in network "legacy", whose VPC vpc-0a1b2c3d4e5f60718 exists already; peerctl never creates or adopts in an existing VPC`} with input as plan(rs, existing_block(true))
}

test_deny_exist_001_fires_on_another_provider_naming_the_vpc if {
	rs := array.concat(good, [res("aws:ec2/subnet:Subnet", "stray", "trading", {"vpcId": "vpc-0a1b2c3d4e5f60718"})])
	count(existing.deny_exist_001) == 1 with input as plan(rs, existing_block(true))
}

test_deny_exist_001_passes_routes_sg_and_flow_logs if {
	count(existing.deny_exist_001) == 0 with input as plan(good, existing_block(true))
}

test_deny_exist_001_passes_greenfield_networks if {
	rs := array.concat(good, [res("aws:ec2/vpc:Vpc", "legacy-vpc", "legacy", {"cidrBlock": "10.20.0.0/16"})])
	count(existing.deny_exist_001) == 0 with input as plan(rs, {})
}

# EXIST-002

test_warn_exist_002_fires_without_flow_logs if {
	existing.warn_exist_002 == {{
		"urn": "urn:pulumi:dev::peerctl::peerctl:network:Network::legacy",
		"account": "legacy",
		"msg": `network "legacy" (existing VPC vpc-0a1b2c3d4e5f60718) sets existing.flowLogs false: peerctl creates no flow logs and no per-peer alarms for it; make sure the VPC's own flow logs capture ALL traffic`,
	}} with input as plan(good, existing_block(false))
}

test_warn_exist_002_passes_with_flow_logs if {
	count(existing.warn_exist_002) == 0 with input as plan(good, existing_block(true))
	count(existing.warn_exist_002) == 0 with input as plan(good, {})
}
