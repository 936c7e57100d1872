package peerctl.team_test

import rego.v1

import data.peerctl.team

test_warn_big_passes if {
	count(team.warn_big) == 0 with input as {"resources": [1]}
}

# Wrong on purpose: one resource is not big.
test_warn_big_fires if {
	count(team.warn_big) == 1 with input as {"resources": [1]}
}
