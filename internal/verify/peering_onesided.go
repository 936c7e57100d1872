package verify

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

// checkOneSidedPeering checks a one-sided peering from our side only: the
// partner's account is not ours to read, and its half of the connection
// (its DNS option, its routes) is the partner's to set. The connection is
// read with our network's clients (its own account and region).
//
// pending-acceptance is WaitingForPartner, never a failure: for
// requester-only only the partner can accept; for accepter-only the next
// up accepts it. failed, rejected, expired and deleted fail: such a
// connection never becomes active again.
func (v *verifier) checkOneSidedPeering(ctx context.Context, p config.Peering) []Result {
	name := p.Name()
	pcx := v.pcxOf(p)
	if pcx == "" {
		msg := fmt.Sprintf("no peering connection id for %s in the stack outputs (peeringConnectionIds)", name)
		return []Result{
			{Check: CheckPeeringStatus, Subject: name, Status: Fail, Detail: msg},
			{Check: CheckPeeringDNS, Subject: name, Status: Fail, Detail: msg},
		}
	}
	subject := fmt.Sprintf("%s (%s)", name, pcx)
	role := "requester"
	if p.Mode() == config.AccepterOnly {
		role = "accepter"
	}
	ours := p.Ours()
	dnsSubject := fmt.Sprintf("%s %s side (%s)", name, role, ours)
	conn, err := describePeering(ctx, v.clients(ours).Peerings, pcx)
	if err != nil {
		return []Result{
			result(CheckPeeringStatus, subject, Fail, "read from %s's account: %s", ours, err),
			result(CheckPeeringDNS, dnsSubject, Fail, "read from %s's account: %s", ours, err),
		}
	}
	if conn.Status == nil {
		return []Result{
			result(CheckPeeringStatus, subject, Fail, "no status reported"),
			result(CheckPeeringDNS, dnsSubject, Fail, "no status reported"),
		}
	}
	switch code := conn.Status.Code; code {
	case types.VpcPeeringConnectionStateReasonCodeActive:
	case types.VpcPeeringConnectionStateReasonCodePendingAcceptance:
		status := result(CheckPeeringStatus, subject, WaitingForPartner, "%s", waitingDetail(p, pcx))
		if p.Mode() == config.AccepterOnly {
			status = result(CheckPeeringStatus, subject, WaitingForPartner,
				"pending-acceptance: %s has not accepted the partner's %s yet; run peerctl up, which accepts it", ours, pcx)
		}
		return []Result{status, result(CheckPeeringDNS, dnsSubject, WaitingForPartner,
			"the %s DNS option can be set only once the connection is active; the first peerctl up after acceptance sets it", role)}
	case types.VpcPeeringConnectionStateReasonCodeProvisioning, types.VpcPeeringConnectionStateReasonCodeInitiatingRequest:
		return []Result{
			result(CheckPeeringStatus, subject, Fail, "%s: not active yet, run verify again in a minute", code),
			result(CheckPeeringDNS, dnsSubject, Fail, "%s: not active yet, run verify again in a minute", code),
		}
	default:
		detail := string(code)
		if msg := aws.ToString(conn.Status.Message); msg != "" {
			detail += ": " + msg
		}
		fix := "ask the partner to request a new connection and set connectionId to its id"
		if p.Mode() == config.RequesterOnly {
			fix = "it can never become active; remove the peering, run peerctl up, then add it again to request a new one"
		}
		return []Result{
			result(CheckPeeringStatus, subject, Fail, "%s; %s", detail, fix),
			result(CheckPeeringDNS, dnsSubject, Fail, "the connection is %s", code),
		}
	}
	results := []Result{result(CheckPeeringStatus, subject, Pass, "active")}
	info := conn.RequesterVpcInfo
	if role == "accepter" {
		info = conn.AccepterVpcInfo
	}
	switch {
	case info == nil || info.PeeringOptions == nil:
		results = append(results, result(CheckPeeringDNS, dnsSubject, Fail,
			"no peering options reported for the %s side; run peerctl up, which sets them once the connection is active", role))
	case aws.ToBool(info.PeeringOptions.AllowDnsResolutionFromRemoteVpc):
		results = append(results, result(CheckPeeringDNS, dnsSubject, Pass, "DNS resolution from the remote VPC enabled (the partner's side is theirs to set)"))
	default:
		results = append(results, result(CheckPeeringDNS, dnsSubject, Fail,
			"DNS resolution from the remote VPC is off on the %s side; run peerctl up (a connection that became active since the last up gets it then)", role))
	}
	return results
}

// waitingDetail says what a requester-only peering waits for.
func waitingDetail(p config.Peering, pcx string) string {
	who := "the partner"
	if p.PeerAccountID != "" {
		who = fmt.Sprintf("the partner (account %s)", p.PeerAccountID)
	}
	return fmt.Sprintf("waiting for the partner to accept %s: %s accepts it on their side (the id is in peerctl outputs: peeringConnectionIds); requests expire after 7 days", pcx, who)
}

// waitingPeering reports whether a one-sided peering's connection is still
// pending acceptance, as our network's account sees it; checks of our side
// that exist only once it is active (routes, when the program adds them
// then) wait rather than fail.
func (v *verifier) waitingPeering(ctx context.Context, p config.Peering) bool {
	if !p.OneSided() {
		return false
	}
	pcx := v.pcxOf(p)
	if pcx == "" {
		return false
	}
	if w, ok := v.waiting[pcx]; ok {
		return w
	}
	conn, err := describePeering(ctx, v.clients(p.Ours()).Peerings, pcx)
	w := err == nil && conn.Status != nil && conn.Status.Code == types.VpcPeeringConnectionStateReasonCodePendingAcceptance
	v.waiting[pcx] = w
	return w
}
