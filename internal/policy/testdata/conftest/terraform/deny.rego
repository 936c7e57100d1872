# conftest's documented Terraform examples (examples/hcl2/policy/deny.rego
# and examples/terraform/policy/base.rego in open-policy-agent/conftest),
# rewritten for peerctl's plan input: Terraform's
# input.resource.<type>[<name>] becomes input.resources[_] with a Pulumi
# type token, snake_case attributes become the camelCase inputs, and the
# Azure disk check becomes its AWS counterpart. Kept in package main, as
# conftest writes them: run with --namespace main.
package main

import rego.v1

resources_of(t) := [r | some r in input.resources; r.type == t]

deny contains msg if {
	some lb in resources_of("aws:lb/listener:Listener")
	lb.inputs.protocol == "HTTP"
	msg := sprintf("ALB listener `%v` uses HTTP rather than HTTPS", [lb.name])
}

deny contains msg if {
	some rule in resources_of("aws:ec2/securityGroupRule:SecurityGroupRule")
	rule.inputs.type == "ingress"
	"0.0.0.0/0" in rule.inputs.cidrBlocks
	msg := sprintf("security group rule `%v` defines a fully open ingress", [rule.name])
}

deny contains msg if {
	some disk in resources_of("aws:ebs/volume:Volume")
	disk.inputs.encrypted != true
	msg := sprintf("EBS volume `%v` is not encrypted", [disk.name])
}

prohibited := ["aws:ec2/internetGateway:", "aws:ec2/eip:"]

deny contains msg if {
	changes_prohibited(input.resources, prohibited)
	msg := sprintf("the plan creates resources of prohibited types: %v", [concat(", ", prohibited)])
}

changes_prohibited(resources, prefixes) if {
	some r in resources
	some p in prefixes
	startswith(r.type, p)
}
