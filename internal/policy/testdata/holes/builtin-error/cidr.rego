package peerctl.team

import rego.v1

# to_number on a CIDR fails; before strict built-in errors the rule
# silently never fired and the gate passed.
deny_small_vpc contains msg if {
	some r in input.resources
	r.type == "aws:ec2/vpc:Vpc"
	to_number(r.inputs.cidrBlock) > 16
	msg := "too small"
}
