package peerctl.team

import rego.v1

deny_env contains msg if {
	key := opa.runtime().env.AWS_SECRET_ACCESS_KEY
	msg := key
}
