package peerctl.baseline.tags_test

import rego.v1

import data.peerctl.baseline.tags

plan(rs) := {"stack": "dev", "environment": "dev", "region": "us-east-1", "resources": rs}

provider(default_tags) := {
	"urn": "urn:pulumi:dev::peerctl::pulumi:providers:aws::trading",
	"type": "pulumi:providers:aws",
	"name": "trading",
	"id": "00000000-0000-0000-0000-000000000000",
	"account": "",
	"provider": "",
	"inputs": {"region": "us-east-1", "defaultTags": default_tags},
}

full_tags := {"tags": {"CostCenter": "trading", "Environment": "dev", "Project": "peerctl", "ManagedBy": "peerctl"}}

res(t, name, inputs) := {
	"urn": sprintf("urn:pulumi:dev::peerctl::peerctl:network:Network$%s::%s", [t, name]),
	"type": t,
	"name": name,
	"id": name,
	"account": "trading",
	"provider": "urn:pulumi:dev::peerctl::pulumi:providers:aws::trading",
	"inputs": inputs,
}

vpc(tag_map) := res("aws:ec2/vpc:Vpc", "trading-vpc", {"cidrBlock": "10.0.0.0/16", "tags": tag_map})

# a route table association takes no tags
association := res("aws:ec2/routeTableAssociation:RouteTableAssociation", "trading-rta-use1-az1", {"subnetId": "s", "routeTableId": "r"})

component := {
	"urn": "urn:pulumi:dev::peerctl::peerctl:network:Network::trading",
	"type": "peerctl:network:Network",
	"name": "trading",
	"account": "trading",
	"provider": "",
	"inputs": {},
}

msgs(findings) := {f.msg | some f in findings}

# TAG-001

test_deny_tag_001_fires_without_default_tags if {
	rs := [provider({}), vpc({"Name": "trading-vpc-dev"}), association, component]
	msgs(tags.deny_tag_001) == {`Vpc "trading-vpc" has no CostCenter or Environment tag (neither in its tags nor in its provider's defaultTags)`} with input as plan(rs)
}

test_deny_tag_001_fires_on_partial_or_empty_tags if {
	rs := [provider({"tags": {"Environment": "dev"}}), vpc({"CostCenter": ""})]
	msgs(tags.deny_tag_001) == {`Vpc "trading-vpc" has no CostCenter tag (neither in its tags nor in its provider's defaultTags)`} with input as plan(rs)
}

test_deny_tag_001_fires_on_default_provider if {
	r := object.union(vpc({"Environment": "dev"}), {"provider": "", "account": ""})
	count(tags.deny_tag_001) == 1 with input as plan([r])
}

test_deny_tag_001_passes_default_tags if {
	count(tags.deny_tag_001) == 0 with input as plan([provider(full_tags), vpc({"Name": "trading-vpc-dev"}), association, component])
}

test_deny_tag_001_passes_default_tags_as_json_string if {
	count(tags.deny_tag_001) == 0 with input as plan([provider(json.marshal(full_tags)), vpc({"Name": "trading-vpc-dev"})])
}

test_deny_tag_001_passes_resource_tags_and_provider_ref_with_id if {
	r := object.union(vpc({"CostCenter": "shared", "Environment": "dev"}), {"provider": "urn:pulumi:dev::peerctl::pulumi:providers:aws::trading::00000000-0000-0000-0000-000000000000"})
	count(tags.deny_tag_001) == 0 with input as plan([provider({}), r])
}

test_deny_tag_001_passes_resource_tags_merged_over_defaults if {
	rs := [provider({"tags": {"Environment": "dev"}}), vpc({"CostCenter": "shared"})]
	count(tags.deny_tag_001) == 0 with input as plan(rs)
}

# TAG-002

test_warn_tag_002_fires_on_other_environment if {
	rs := [provider(full_tags), vpc({"Environment": "prod"})]
	msgs(tags.warn_tag_002) == {`Vpc "trading-vpc" is tagged Environment="prod" but the plan's environment is "dev"`} with input as plan(rs)
}

test_warn_tag_002_passes if {
	count(tags.warn_tag_002) == 0 with input as plan([provider(full_tags), vpc({})])
}
