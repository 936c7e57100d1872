package peerctl.team

import rego.v1

Deny_x contains "capitalised" if true

deny_UP contains "upper-case suffix" if true

warn_ contains "empty suffix" if true

denied contains "a helper, not a finding rule" if true
