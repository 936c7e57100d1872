package peerctl

import rego.v1

# A ref-head rule adding a clause to the shared helper: every pair of
# networks would share an account, and PEER-006 would never fire.
lib.same_account(_, _) if true
