package peerctl.baseline.network

import rego.v1

# A user file joining a baseline package could add else-branches or
# helpers that change what the baseline decides.
igw_allowed if true
