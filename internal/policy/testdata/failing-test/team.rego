package peerctl.team

import rego.v1

warn_big contains "big" if count(input.resources) > 2
