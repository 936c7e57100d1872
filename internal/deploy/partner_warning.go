package deploy

import (
	"fmt"

	"github.com/peerctl/peerctl/internal/config"
)

// PartnerConnectionWarnings says, before destroy starts, which VPCs it will
// not be able to delete: a VPC peerctl created that a partner's accepted
// connection still uses. peerctl accepts that connection but does not own
// it, so destroy leaves it, and AWS refuses to delete a VPC an active
// peering connection uses (DependencyViolation, which the provider retries
// until its timeout: hashicorp/terraform-provider-aws#3118). Only the
// partner, or the account owner by hand, can delete the connection.
func PartnerConnectionWarnings(cfg *config.Config) []string {
	var out []string
	for _, p := range cfg.Peerings {
		if p.Mode() != config.AccepterOnly {
			continue
		}
		n, ok := cfg.Network(p.Accepter)
		if !ok || n.IsExisting() {
			continue // not a VPC peerctl deletes
		}
		out = append(out, fmt.Sprintf("warning: network %s's VPC is used by the partner's connection %s (peering %s), which peerctl accepted but does not own; "+
			"AWS refuses to delete the VPC while that connection is active, so destroy stops at the VPC until the partner deletes it, or you do: "+
			"aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id %s --region %s",
			n.Name, p.ConnectionID, p.Name(), p.ConnectionID, n.Region))
	}
	return out
}
