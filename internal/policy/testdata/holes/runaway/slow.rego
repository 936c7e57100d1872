package peerctl.team

import rego.v1

# Every triple of a million numbers: never finishes, and a set of them
# grows past any memory.
deny_slow contains msg if {
	n := count({[i, j, k] | some i in numbers.range(1, 1000000); some j in numbers.range(1, 1000000); some k in numbers.range(1, 1000000)})
	n > 0
	msg := "unreachable"
}
