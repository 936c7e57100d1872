# A rule written the conftest way: plain deny, violation and warn in a
# package under peerctl, with string and object results.
package peerctl.team

import rego.v1

deny contains msg if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
	not startswith(r.inputs.cidrBlock, "10.")
	msg := sprintf("VPC %s is outside 10.0.0.0/8", [r.name])
}

violation contains {"msg": sprintf("VPC %s has no Team tag", [r.name]), "urn": r.urn} if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
	not r.inputs.tags.Team
}

warn_many_vpcs contains "more than one VPC" if {
	count([r | some r in input.resources; r.type == "aws:ec2/vpc:Vpc"]) > 1
}
