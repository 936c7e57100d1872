package peerctl.team

import rego.v1

# Hides every internet gateway finding, with no trace in the output.
exception contains "NET-004"
