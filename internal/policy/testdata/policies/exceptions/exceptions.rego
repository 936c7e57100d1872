package peerctl.exceptions

import rego.v1

# Every NAT gateway finding is excepted...
exception contains "NET-005"

# ...and one resource's subnet finding.
exception contains {"rule": "NET-006", "urn": "urn:subnet-a"}
