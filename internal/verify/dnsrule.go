package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/peerctl/peerctl/internal/config"
)

// dnsVerdict judges a NON_COMPLIANT result of VPC_PEERING_DNS_RESOLUTION_CHECK
// on one of the stack's peering connections against what each owner reports
// for its own side, which is where AWS keeps the setting: the owner of each
// VPC sets its side's option (VPC Peering Guide, vpc-peering-dns).
//
// The rule's page (AWS Config developer guide,
// vpc-peering-dns-resolution-check) says only that it is NON_COMPLIANT when
// DNS resolution "from accepter/requester VPC to private IP" is not
// enabled, and it runs in each account on the connection as that account
// records it. It does not say how it judges the side another account owns.
// So:
//   - a side off, as its owner reports it: fail (peering-dns fails too);
//   - both sides on, same account: the rule has not re-evaluated yet (wait);
//   - both sides on, across accounts: the rule's view of the other owner's
//     side is undocumented, so its result is information, not a failure.
func (v *verifier) dnsVerdict(ctx context.Context, n config.Network, rule, pcx string) Result {
	subject := fmt.Sprintf("%s %s %s", n.Name, rule, pcx)
	p, ok := v.peeringOf(pcx)
	if !ok {
		return result(CheckConfigRules, subject, Fail, "NON_COMPLIANT, and no peering of the configuration has this connection id")
	}
	var off []string
	for _, side := range []struct{ role, network string }{{"requester", p.Requester}, {"accepter", p.Accepter}} {
		if side.network == "" {
			continue // a one-sided peering's partner side is not ours to read
		}
		conn, err := describePeering(ctx, v.clients(side.network).Peerings, pcx)
		if err != nil {
			off = append(off, fmt.Sprintf("the %s side cannot be read from %s's account (%v)", side.role, side.network, err))
			continue
		}
		info := conn.RequesterVpcInfo
		if side.role == "accepter" {
			info = conn.AccepterVpcInfo
		}
		if info == nil || info.PeeringOptions == nil || !aws.ToBool(info.PeeringOptions.AllowDnsResolutionFromRemoteVpc) {
			off = append(off, fmt.Sprintf("DNS resolution is off on the %s side (as %s's account reports it)", side.role, side.network))
		}
	}
	switch {
	case len(off) > 0:
		return result(CheckConfigRules, subject, Fail, "%s; run peerctl up", strings.Join(off, "; "))
	case v.cfg.SameAccount(p):
		return result(CheckConfigRules, subject, Wait,
			"NON_COMPLIANT, but both sides allow DNS resolution now; AWS Config re-evaluates the connection after the change is recorded")
	}
	return result(CheckConfigRules, subject, Info,
		"NON_COMPLIANT in %s's account, but each owner reports DNS resolution on for its own side (peering-dns); "+
			"AWS does not document how the rule judges the side another account owns, so this result is not counted (docs/observability.md)",
		n.Name)
}

// peeringOf finds the configured peering whose connection is pcx.
func (v *verifier) peeringOf(pcx string) (config.Peering, bool) {
	for _, p := range v.cfg.Peerings {
		if v.pcxOf(p) == pcx {
			return p, true
		}
	}
	return config.Peering{}, false
}
