package verify

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
)

// partnerWorld is trading alone, peered one-sidedly with a partner whose
// CIDR is analytics' old one (so trading's healthy routes and rules hold):
// requester-only toward vpc-p in 333333333333, or accepter-only of pcx-1.
func partnerWorld(mode config.PeeringMode) *world {
	w := newWorld()
	w.cfg.Networks = w.cfg.Networks[:1]
	p := config.Peering{PeerAccountID: "333333333333", PeerCIDR: netip.MustParsePrefix("10.1.0.0/16"), PeerName: "partner"}
	if mode == config.RequesterOnly {
		p.Requester, p.PeerVPCID = "trading", "vpc-p"
	} else {
		p.Accepter, p.ConnectionID = "trading", pcx
		// Our network is the accepter: its DNS option is the accepter's.
		w.trading.peerings[0].RequesterVpcInfo.PeeringOptions = nil
	}
	w.cfg.Peerings = []config.Peering{p}
	w.out.PeeringConnectionIDs = map[string]string{p.Name(): pcx}
	for _, m := range []map[string]string{w.out.VpcIDs, w.out.SecurityGroupIDs, w.out.NaclIDs, w.out.FlowLogBuckets, w.out.FlowLogGroups,
		w.out.AlarmTopicARNs, w.out.ConfigRecorderNames} {
		delete(m, "analytics")
	}
	delete(w.out.SubnetIDs, "analytics")
	delete(w.out.RouteTableIDs, "analytics")
	delete(w.out.FlowLogIDs, "analytics")
	delete(w.out.AlarmNames, "analytics")
	delete(w.out.ConfigRuleNames, "analytics")
	return w
}

func (w *world) status(code types.VpcPeeringConnectionStateReasonCode, msg string) {
	w.trading.peerings[0].Status = &types.VpcPeeringConnectionStateReason{Code: code, Message: aws.String(msg)}
}

// exactly compares the results of check with want (subject, status and
// detail, in order).
func exactly(t *testing.T, results []Result, check string, want []Result) {
	t.Helper()
	var got []Result
	for _, r := range results {
		if r.Check == check {
			got = append(got, r)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s results:\n%s\nwant %d", check, dump(got), len(want))
	}
	for i := range want {
		want[i].Check = check
		if got[i] != want[i] {
			t.Errorf("%s result %d:\n got  %+v\n want %+v", check, i, got[i], want[i])
		}
	}
}

func runWorld(w *world) []Result {
	opts := w.options(false)
	opts.Clients = map[string]Clients{"trading": w.trading.clients()}
	if len(w.cfg.Networks) > 1 {
		opts.Clients["analytics"] = w.analytics.clients()
	}
	return Run(context.Background(), opts)
}

func TestOneSidedPeerings(t *testing.T) {
	const waitReq = "waiting for the partner to accept pcx-1: the partner (account 333333333333) accepts it on their side " +
		"(the id is in peerctl outputs: peeringConnectionIds); requests expire after 7 days"
	tests := []struct {
		name   string
		mode   config.PeeringMode
		mutate func(w *world)
		status []Result
		dns    []Result
		routes []Result
	}{
		{
			name:   "requester-only, active: only our side",
			mode:   config.RequesterOnly,
			status: []Result{{Subject: "trading-partner (pcx-1)", Status: Pass, Detail: "active"}},
			dns: []Result{{Subject: "trading-partner requester side (trading)", Status: Pass,
				Detail: "DNS resolution from the remote VPC enabled (the partner's side is theirs to set)"}},
		},
		{
			name: "requester-only, pending: waiting, never failing",
			mode: config.RequesterOnly,
			mutate: func(w *world) {
				w.status(types.VpcPeeringConnectionStateReasonCodePendingAcceptance, "Pending Acceptance by 333333333333")
			},
			status: []Result{{Subject: "trading-partner (pcx-1)", Status: WaitingForPartner, Detail: waitReq}},
			dns: []Result{{Subject: "trading-partner requester side (trading)", Status: WaitingForPartner,
				Detail: "the requester DNS option can be set only once the connection is active; the first peerctl up after acceptance sets it"}},
		},
		{
			name: "requester-only, pending, routes not there yet: waiting",
			mode: config.RequesterOnly,
			mutate: func(w *world) {
				w.status(types.VpcPeeringConnectionStateReasonCodePendingAcceptance, "")
				for i := range w.trading.routeTables {
					w.trading.routeTables[i].Routes = w.trading.routeTables[i].Routes[:1]
				}
			},
			routes: []Result{
				{Subject: "trading rtb-t1", Status: WaitingForPartner, Detail: "10.1.0.0/16 (partner) waits for the partner to accept pcx-1"},
				{Subject: "trading rtb-t2", Status: WaitingForPartner, Detail: "10.1.0.0/16 (partner) waits for the partner to accept pcx-1"},
			},
		},
		{
			name: "requester-only, active, route missing: fails",
			mode: config.RequesterOnly,
			mutate: func(w *world) {
				w.trading.routeTables[0].Routes = w.trading.routeTables[0].Routes[:1]
			},
			routes: []Result{
				{Subject: "trading rtb-t1", Status: Fail, Detail: "no route to 10.1.0.0/16 (partner) via pcx-1"},
				{Subject: "trading rtb-t2", Status: Pass, Detail: "10.1.0.0/16 (partner) via pcx-1 active"},
			},
		},
		{
			name: "requester-only, rejected: fails",
			mode: config.RequesterOnly,
			mutate: func(w *world) {
				w.status(types.VpcPeeringConnectionStateReasonCodeRejected, "Rejected by 333333333333")
			},
			status: []Result{{Subject: "trading-partner (pcx-1)", Status: Fail,
				Detail: "rejected: Rejected by 333333333333; it can never become active; remove the peering, run peerctl up, then add it again to request a new one"}},
			dns: []Result{{Subject: "trading-partner requester side (trading)", Status: Fail, Detail: "the connection is rejected"}},
		},
		{
			name:   "requester-only, expired: fails",
			mode:   config.RequesterOnly,
			mutate: func(w *world) { w.status(types.VpcPeeringConnectionStateReasonCodeExpired, "") },
			status: []Result{{Subject: "trading-partner (pcx-1)", Status: Fail,
				Detail: "expired; it can never become active; remove the peering, run peerctl up, then add it again to request a new one"}},
		},
		{
			name:   "requester-only, deleted: fails",
			mode:   config.RequesterOnly,
			mutate: func(w *world) { w.status(types.VpcPeeringConnectionStateReasonCodeDeleted, "Deleted by 333333333333") },
			status: []Result{{Subject: "trading-partner (pcx-1)", Status: Fail,
				Detail: "deleted: Deleted by 333333333333; it can never become active; remove the peering, run peerctl up, then add it again to request a new one"}},
		},
		{
			name:   "accepter-only, active: the accepter side is ours",
			mode:   config.AccepterOnly,
			status: []Result{{Subject: "partner-trading (pcx-1)", Status: Pass, Detail: "active"}},
			dns: []Result{{Subject: "partner-trading accepter side (trading)", Status: Pass,
				Detail: "DNS resolution from the remote VPC enabled (the partner's side is theirs to set)"}},
		},
		{
			name:   "accepter-only, pending: waiting for our up",
			mode:   config.AccepterOnly,
			mutate: func(w *world) { w.status(types.VpcPeeringConnectionStateReasonCodePendingAcceptance, "") },
			status: []Result{{Subject: "partner-trading (pcx-1)", Status: WaitingForPartner,
				Detail: "pending-acceptance: trading has not accepted the partner's pcx-1 yet; run peerctl up, which accepts it"}},
		},
		{
			name: "accepter-only, our DNS option off: fails",
			mode: config.AccepterOnly,
			mutate: func(w *world) {
				w.trading.peerings[0].AccepterVpcInfo.PeeringOptions = &types.VpcPeeringConnectionOptionsDescription{AllowDnsResolutionFromRemoteVpc: aws.Bool(false)}
			},
			dns: []Result{{Subject: "partner-trading accepter side (trading)", Status: Fail,
				Detail: "DNS resolution from the remote VPC is off on the accepter side; run peerctl up (a connection that became active since the last up gets it then)"}},
		},
		{
			name: "accepter-only, connection id only in the configuration",
			mode: config.AccepterOnly,
			mutate: func(w *world) {
				w.out.PeeringConnectionIDs = map[string]string{}
			},
			status: []Result{{Subject: "partner-trading (pcx-1)", Status: Pass, Detail: "active"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := partnerWorld(tt.mode)
			if tt.mutate != nil {
				tt.mutate(w)
			}
			results := runWorld(w)
			if tt.status != nil {
				exactly(t, results, CheckPeeringStatus, tt.status)
			}
			if tt.dns != nil {
				exactly(t, results, CheckPeeringDNS, tt.dns)
			}
			if tt.routes != nil {
				exactly(t, results, CheckRoutes, tt.routes)
			}
			// The partner's account is never asked: there are no clients
			// for it, and our account answers only for our side.
			for _, r := range results {
				if strings.Contains(r.Detail, "no AWS client") {
					t.Errorf("a check reached for the partner's account: %+v", r)
				}
			}
		})
	}
}

// TestWaitingNeverFails: a peering waiting for the partner passes the
// report, even with --strict, and is counted apart in the table and JSON.
func TestWaitingNeverFails(t *testing.T) {
	w := partnerWorld(config.RequesterOnly)
	w.status(types.VpcPeeringConnectionStateReasonCodePendingAcceptance, "")
	results := runWorld(w)
	for _, strict := range []bool{false, true} {
		r := NewReport("dev", results, strict)
		if r.Counts[WaitingForPartner] != 2 {
			t.Errorf("waiting = %d, want 2 (status and DNS):\n%s", r.Counts[WaitingForPartner], dump(results))
		}
		if r.Counts[Fail] != 0 {
			t.Fatalf("failures:\n%s", dump(results))
		}
		if !r.Passed {
			t.Errorf("strict=%v: a connection waiting for the partner failed the report", strict)
		}
	}
	var table, doc bytes.Buffer
	r := NewReport("dev", results, false)
	if err := r.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "WAITING  waiting for the partner to accept pcx-1") {
		t.Errorf("table:\n%s", table.String())
	}
	if !strings.HasSuffix(table.String(), "\n14 passed, 0 failed, 0 skipped, 0 waiting for data, 2 waiting for the partner: all checks passed\n") {
		t.Errorf("summary does not count the waiting apart:\n%s", table.String())
	}
	if err := r.WriteJSON(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.String(), `"waiting": 2`) || !strings.Contains(doc.String(), `"status": "waiting"`) {
		t.Errorf("json:\n%s", doc.String())
	}
}

// TestExistingNetwork: analytics is an existing VPC without a security
// group or flow logs of peerctl's; its routes are checked in the tables of
// the routeTableIds output (no subnets), and what peerctl did not create is
// not checked.
func TestExistingNetwork(t *testing.T) {
	w := newWorld()
	w.cfg.Networks[1].Existing = &config.Existing{VPCID: "vpc-a", RouteTableIDs: []string{"rtb-a2"}, SecurityGroup: false, FlowLogs: false}
	delete(w.out.SubnetIDs, "analytics")
	delete(w.out.NaclIDs, "analytics")
	delete(w.out.SecurityGroupIDs, "analytics")
	delete(w.out.FlowLogIDs, "analytics")
	delete(w.out.AlarmNames, "analytics")
	w.out.RouteTableIDs["analytics"] = []string{"rtb-a2", "rtb-amain"}
	results := runWorld(w)
	exactly(t, results, CheckRoutes, []Result{
		{Subject: "trading rtb-t1", Status: Pass, Detail: "10.1.0.0/16 (analytics) via pcx-1 active"},
		{Subject: "trading rtb-t2", Status: Pass, Detail: "10.1.0.0/16 (analytics) via pcx-1 active"},
		{Subject: "analytics rtb-a2", Status: Pass, Detail: "10.0.0.0/16 (trading) via pcx-1 active"},
		{Subject: "analytics rtb-amain", Status: Fail, Detail: "no route to 10.0.0.0/16 (trading) via pcx-1"},
	})
	for _, want := range []Result{
		{Check: CheckSecurityGroup, Subject: "analytics", Status: Skip, Detail: "not created by peerctl: existing.securityGroup is false"},
		{Check: CheckNACL, Subject: "analytics", Status: Skip, Detail: "not created by peerctl: an existing VPC's network ACLs are not peerctl's"},
		{Check: CheckFlowLogs, Subject: "analytics", Status: Skip, Detail: "not created by peerctl: existing.flowLogs is false"},
		{Check: CheckFlowLogBucket, Subject: "analytics", Status: Skip, Detail: "not created by peerctl: existing.flowLogs is false"},
		{Check: CheckFlowLogGroup, Subject: "analytics", Status: Skip, Detail: "not created by peerctl: existing.flowLogs is false"},
		{Check: CheckAlarms, Subject: "analytics", Status: Skip, Detail: "not created by peerctl: existing.flowLogs is false, and the alarms read the flow logs"},
	} {
		if r, ok := findResult(results, want.Check, want.Subject); !ok || r != want {
			t.Errorf("%s: got %+v, want %+v", want.Check, r, want)
		}
	}
	// trading's group still allows analytics' CIDR: its checks are unchanged.
	if r, _ := findResult(results, CheckSecurityGroup, "trading"); r.Status != Pass {
		t.Errorf("trading's security group: %+v", r)
	}
}

// TestExistingNetworkNoProbe: the probe needs a subnet of peerctl's on
// each side.
func TestExistingNetworkNoProbe(t *testing.T) {
	w := newWorld()
	w.cfg.Networks[1].Existing = &config.Existing{VPCID: "vpc-a", SecurityGroup: true, FlowLogs: true}
	opts := w.options(true)
	results := Run(context.Background(), opts)
	exactly(t, results, CheckReachability, []Result{{Subject: "trading-analytics", Status: Skip,
		Detail: "analytics is an existing VPC: peerctl has no subnet of its own there to probe from"}})
}
