package names

import "fmt"

// Name tags that code other than the creating component looks resources up
// by: preflight finds a deployed VPC and the stack's own peering
// connections by them, and the program asks whether a requested connection
// is active by its tag. One spelling here keeps a renamed tag from making
// those lookups silently find nothing.

// VPCNameTag is the Name tag of the VPC peerctl creates for a network.
func VPCNameTag(network, env string) string { return fmt.Sprintf("%s-vpc-%s", network, env) }

// PeeringNameTag is the Name tag of a peering connection peerctl requests
// (and of its accepter).
func PeeringNameTag(peering, env string) string { return fmt.Sprintf("%s-peering-%s", peering, env) }
