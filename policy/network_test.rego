package peerctl.baseline.network_test

import rego.v1

import data.peerctl.baseline.network

plan(rs) := {"stack": "dev", "environment": "dev", "region": "us-east-1", "resources": rs}

res(t, name, id, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": id,
	"account": "trading",
	"inputs": inputs,
}

vpc := res("aws:ec2/vpc:Vpc", "trading-vpc", "vpc-1", {"cidrBlock": "10.0.0.0/16"})

default_sg := res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "trading-default-sg", "sg-default", {"vpcId": "vpc-1"})

app_sg(inputs) := res("aws:ec2/securityGroup:SecurityGroup", "trading-app-sg", "sg-app", object.union({"vpcId": "vpc-1"}, inputs))

ingress_rule(inputs) := res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "trading-app-sg-in", "sgr-1", object.union({"securityGroupId": "sg-app", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443}, inputs))

egress_rule(inputs) := res("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "trading-app-sg-out", "sgr-2", object.union({"securityGroupId": "sg-app", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443}, inputs))

legacy_rule(inputs) := res("aws:ec2/securityGroupRule:SecurityGroupRule", "trading-app-sg-legacy", "sgr-3", object.union({"securityGroupId": "sg-app", "protocol": "tcp", "fromPort": 443, "toPort": 443}, inputs))

msgs(findings) := {f.msg | some f in findings}

# NET-001

test_deny_net_001_fires_on_open_rules if {
	cases := [
		app_sg({"ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["10.0.0.0/8", "0.0.0.0/0"]}]}),
		app_sg({"egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": ["::/0"]}]}),
		ingress_rule({"cidrIpv4": "0.0.0.0/0"}),
		egress_rule({"cidrIpv6": "::/0"}),
		legacy_rule({"type": "ingress", "cidrBlocks": ["0.0.0.0/0"]}),
	]
	every r in cases {
		count(network.deny_net_001) == 1 with input as plan([vpc, r])
	}
}

test_deny_net_001_fires_message_names_rule_and_cidr if {
	msgs(network.deny_net_001) == {`SecurityGroupIngressRule "trading-app-sg-in" allows ingress traffic to/from 0.0.0.0/0 (ports 443-443)`} with input as plan([ingress_rule({"cidrIpv4": "0.0.0.0/0"})])
}

test_deny_net_001_passes_peer_cidrs_and_prefix_lists if {
	rs := [
		vpc,
		app_sg({}),
		ingress_rule({"cidrIpv4": "10.1.0.0/16"}),
		egress_rule({"prefixListId": "pl-63a5400a"}),
		legacy_rule({"type": "egress", "cidrBlocks": ["10.1.0.0/16"], "ipv6CidrBlocks": ["fd00::/8"]}),
	]
	count(network.deny_net_001) == 0 with input as plan(rs)
}

# NET-002

test_deny_net_002_fires_without_default_sg if {
	msgs(network.deny_net_002) == {`Vpc "trading-vpc" has no DefaultSecurityGroup resource managing its default security group (vpcId vpc-1)`} with input as plan([vpc])
}

test_deny_net_002_fires_when_default_sg_is_for_another_vpc if {
	other := json.patch(default_sg, [{"op": "replace", "path": "/inputs/vpcId", "value": "vpc-2"}])
	count(network.deny_net_002) == 1 with input as plan([vpc, other])
}

test_deny_net_002_passes_with_default_sg if {
	count(network.deny_net_002) == 0 with input as plan([vpc, default_sg])
}

test_deny_net_002_passes_without_vpcs if {
	count(network.deny_net_002) == 0 with input as plan([])
}

# NET-003

test_deny_net_003_fires_on_inline_rules if {
	sg := json.patch(default_sg, [{"op": "add", "path": "/inputs/ingress", "value": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": true}]}])
	msgs(network.deny_net_003) == {`DefaultSecurityGroup "trading-default-sg" has 1 inline ingress rule(s); the default security group must have none`} with input as plan([vpc, sg])
}

test_deny_net_003_fires_on_rule_resources if {
	r := ingress_rule({"securityGroupId": "sg-default", "cidrIpv4": "10.1.0.0/16"})
	count(network.deny_net_003) == 1 with input as plan([vpc, default_sg, r])
}

test_deny_net_003_passes_empty_default_sg if {
	sg := json.patch(default_sg, [{"op": "add", "path": "/inputs/ingress", "value": []}])
	count(network.deny_net_003) == 0 with input as plan([vpc, sg, ingress_rule({"cidrIpv4": "10.1.0.0/16"})])
}

# NET-004

test_deny_net_004_fires_on_internet_gateways if {
	every t in ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"] {
		count(network.deny_net_004) == 1 with input as plan([vpc, res(t, "trading-igw", "igw-1", {"vpcId": "vpc-1"})])
	}
}

test_deny_net_004_passes_private_network if {
	count(network.deny_net_004) == 0 with input as plan([vpc, default_sg, app_sg({})])
}

# NET-005

test_deny_net_005_fires_on_public_nat_gateway if {
	every inputs in [{"subnetId": "subnet-1"}, {"subnetId": "subnet-1", "connectivityType": "public", "allocationId": "eipalloc-1"}] {
		count(network.deny_net_005) == 1 with input as plan([res("aws:ec2/natGateway:NatGateway", "trading-nat", "nat-1", inputs)])
	}
}

test_deny_net_005_passes_private_nat_gateway if {
	nat := res("aws:ec2/natGateway:NatGateway", "trading-nat", "nat-1", {"subnetId": "subnet-1", "connectivityType": "private"})
	count(network.deny_net_005) == 0 with input as plan([nat])
}

# NET-006

subnet(inputs) := res("aws:ec2/subnet:Subnet", "trading-private-use1-az1", "subnet-1", object.union({"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/20", "availabilityZoneId": "use1-az1"}, inputs))

test_deny_net_006_fires_on_public_addresses if {
	every inputs in [{"mapPublicIpOnLaunch": true}, {"assignIpv6AddressOnCreation": true}, {"mapPublicIpOnLaunch": "true"}] {
		count(network.deny_net_006) == 1 with input as plan([subnet(inputs)])
	}
}

test_deny_net_006_passes_private_subnets if {
	every inputs in [{}, {"mapPublicIpOnLaunch": false, "assignIpv6AddressOnCreation": false}] {
		count(network.deny_net_006) == 0 with input as plan([subnet(inputs)])
	}
}

# NET-007

nacl_rules(n) := [{"ruleNo": 100 + i, "action": "allow", "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlock": sprintf("10.%d.0.0/16", [i])} | some i in numbers.range(1, n)]

nacl(ingress, egress) := res("aws:ec2/networkAcl:NetworkAcl", "trading-nacl", "acl-1", {"vpcId": "vpc-1", "ingress": ingress, "egress": egress})

acl_rule(i, egress) := res("aws:ec2/networkAclRule:NetworkAclRule", sprintf("trading-nacl-rule-%d-%v", [i, egress]), sprintf("aclr-%d-%v", [i, egress]), {"networkAclId": "acl-1", "ruleNumber": 500 + i, "egress": egress, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "10.9.0.0/16", "fromPort": 443, "toPort": 443})

test_deny_net_007_fires_over_quota_inline if {
	msgs(network.deny_net_007) == {`NetworkAcl "trading-nacl" has 21 IPv4 ingress rules; the quota is 20 per direction (quotas.naclRulesPerDirection)`} with input as plan([nacl(nacl_rules(21), nacl_rules(20))])
}

test_deny_net_007_fires_counting_rule_resources if {
	rs := array.concat([nacl(nacl_rules(19), nacl_rules(2))], [acl_rule(1, true), acl_rule(2, false), acl_rule(3, false)])
	msgs(network.deny_net_007) == {`NetworkAcl "trading-nacl" has 21 IPv4 ingress rules; the quota is 20 per direction (quotas.naclRulesPerDirection)`} with input as plan(rs)
}

test_deny_net_007_fires_over_raised_quota_cap if {
	doc := object.union(plan([nacl(nacl_rules(41), [])]), {"quotas": {"naclRulesPerDirection": 60}})
	count(network.deny_net_007) == 1 with input as doc
}

test_deny_net_007_passes_at_quota if {
	count(network.deny_net_007) == 0 with input as plan([nacl(nacl_rules(20), nacl_rules(20))])
}

test_deny_net_007_passes_with_raised_quota if {
	doc := object.union(plan([nacl(nacl_rules(30), [])]), {"quotas": {"naclRulesPerDirection": 40}})
	count(network.deny_net_007) == 0 with input as doc
}

test_deny_net_007_passes_ipv6_counted_separately if {
	v6 := [{"ruleNo": 300 + i, "action": "allow", "protocol": "tcp", "fromPort": 443, "toPort": 443, "ipv6CidrBlock": "fd00::/8"} | some i in numbers.range(1, 10)]
	count(network.deny_net_007) == 0 with input as plan([nacl(array.concat(nacl_rules(15), v6), [])])
}
