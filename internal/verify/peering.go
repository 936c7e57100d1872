package verify

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

// checkPeering checks that the connection is active, reading it from the
// requester account, and that each side allows DNS resolution from the
// remote VPC, each side read from its own account (an owner sees and sets
// only its own side's options).
func (v *verifier) checkPeering(ctx context.Context, p config.Peering) []Result {
	name := p.Name()
	pcx := v.out.PeeringConnectionIDs[name]
	if pcx == "" {
		msg := fmt.Sprintf("no peering connection id for %s in the stack outputs (peeringConnectionIds)", name)
		return []Result{
			{Check: CheckPeeringStatus, Subject: name, Status: Fail, Detail: msg},
			{Check: CheckPeeringDNS, Subject: name, Status: Fail, Detail: msg},
		}
	}
	subject := fmt.Sprintf("%s (%s)", name, pcx)
	var results []Result

	req, reqErr := describePeering(ctx, v.clients(p.Requester).Peerings, pcx)
	switch {
	case reqErr != nil:
		results = append(results, result(CheckPeeringStatus, subject, Fail, "%s", reqErr))
	case req.Status == nil:
		results = append(results, result(CheckPeeringStatus, subject, Fail, "no status reported"))
	default:
		results = append(results, peeringStatus(subject, p, req.Status))
	}

	sides := []struct {
		role, network string
		conn          *types.VpcPeeringConnection
		err           error
	}{
		{role: "requester", network: p.Requester, conn: req, err: reqErr},
		{role: "accepter", network: p.Accepter},
	}
	if v.cfg.SameAccount(p) {
		sides[1].conn, sides[1].err = req, reqErr
	} else {
		sides[1].conn, sides[1].err = describePeering(ctx, v.clients(p.Accepter).Peerings, pcx)
	}
	for _, side := range sides {
		sub := fmt.Sprintf("%s %s side (%s)", name, side.role, side.network)
		if side.err != nil {
			results = append(results, result(CheckPeeringDNS, sub, Fail, "read from %s's account: %s", side.network, side.err))
			continue
		}
		info := side.conn.RequesterVpcInfo
		if side.role == "accepter" {
			info = side.conn.AccepterVpcInfo
		}
		switch {
		case info == nil || info.PeeringOptions == nil:
			results = append(results, result(CheckPeeringDNS, sub, Fail,
				"no peering options reported; DNS options exist only once the connection is active"))
		case aws.ToBool(info.PeeringOptions.AllowDnsResolutionFromRemoteVpc):
			results = append(results, result(CheckPeeringDNS, sub, Pass, "DNS resolution from the remote VPC enabled"))
		default:
			results = append(results, result(CheckPeeringDNS, sub, Fail,
				"DNS resolution from the remote VPC is off on the %s side; only %s's account can enable it (PeeringConnectionOptions %s block), run peerctl up",
				side.role, side.network, side.role))
		}
	}
	return results
}

func peeringStatus(subject string, p config.Peering, s *types.VpcPeeringConnectionStateReason) Result {
	code := s.Code
	msg := aws.ToString(s.Message)
	switch code {
	case types.VpcPeeringConnectionStateReasonCodeActive:
		return result(CheckPeeringStatus, subject, Pass, "active")
	case types.VpcPeeringConnectionStateReasonCodePendingAcceptance:
		return result(CheckPeeringStatus, subject, Fail,
			"pending-acceptance: %s's account has not accepted it; run peerctl up (the accepter side accepts it) before the request expires after 7 days", p.Accepter)
	case types.VpcPeeringConnectionStateReasonCodeProvisioning, types.VpcPeeringConnectionStateReasonCodeInitiatingRequest:
		return result(CheckPeeringStatus, subject, Fail, "%s: not active yet, run verify again in a minute", code)
	}
	if msg != "" {
		return result(CheckPeeringStatus, subject, Fail, "%s: %s", code, msg)
	}
	return result(CheckPeeringStatus, subject, Fail, "%s", code)
}

func describePeering(ctx context.Context, api PeeringAPI, pcx string) (*types.VpcPeeringConnection, error) {
	if api == nil {
		return nil, fmt.Errorf("no AWS client for this account")
	}
	out, err := api.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{
		VpcPeeringConnectionIds: []string{pcx},
	})
	if hasCode(err, "InvalidVpcPeeringConnectionID.NotFound") {
		return nil, fmt.Errorf("%s does not exist (deleted, or rejected and expired)", pcx)
	}
	if err != nil {
		return nil, fmt.Errorf("%s", apiReason("DescribeVpcPeeringConnections", err))
	}
	for i := range out.VpcPeeringConnections {
		if aws.ToString(out.VpcPeeringConnections[i].VpcPeeringConnectionId) == pcx {
			return &out.VpcPeeringConnections[i], nil
		}
	}
	return nil, fmt.Errorf("%s is not visible from this account", pcx)
}
