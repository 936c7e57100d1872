package main

import rego.v1

deny contains msg if {
	some r in input.resources
	r.type == "aws:ec2/internetGateway:InternetGateway"
	msg := sprintf("%s: internet gateway", [r.name])
}
