package peerctl.team

import rego.v1

deny_dns contains msg if {
	addrs := net.lookup_ip_addr("attacker.example.com")
	count(addrs) > 0
	msg := "resolved"
}
