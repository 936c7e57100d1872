package main

import (
	"strings"
	"testing"
)

// The account, region and VPC ids of a world with an existing VPC in
// eu-west-1 (analytics), a greenfield VPC in us-east-1 (trading) and a
// partner's connection to trading from account 333333333333.
const (
	trading    = "111111111111"
	analytics  = "222222222222"
	partner    = "333333333333"
	useast1    = "us-east-1"
	euwest1    = "eu-west-1"
	legacyVPC  = "vpc-0a1b2c3d4e5f60718"
	legacyRtb1 = "rtb-0a1b2c3d4e5f60719"
	tradingVPC = "vpc-0000000000000aaaa"
	tradingRtb = "rtb-0000000000000bbbb"
	tradingMRT = "rtb-0000000000000cccc"
	partnerPcx = "pcx-0123456789abcdef0"
	ourPcx     = "pcx-00000000000000001"
)

func whereWorld(extra ...entry) *state {
	entries := []entry{
		{URN: seedURN(typeVpc, legacyVPC), Type: typeVpc, ID: legacyVPC, Account: analytics, Region: euwest1, Seeded: true,
			Outputs: map[string]any{"cidrBlock": "10.20.0.0/16"}},
		{URN: seedURN(typeRouteTable, legacyRtb1), Type: typeRouteTable, ID: legacyRtb1, Account: analytics, Region: euwest1, Seeded: true,
			Outputs: map[string]any{"vpcId": legacyVPC}},
		{URN: "trading-vpc", Type: typeVpc, ID: tradingVPC, Account: trading, Region: useast1,
			Outputs: map[string]any{"mainRouteTableId": tradingMRT, "defaultRouteTableId": tradingMRT}},
		{URN: "trading-rt", Type: typeRouteTable, ID: tradingRtb, Account: trading, Region: useast1, Outputs: map[string]any{"vpcId": tradingVPC}},
		// trading requests toward legacy: another account and region.
		{URN: "trading-legacy-connection", Type: typeConnection, ID: ourPcx, Account: trading, Region: useast1,
			Outputs: map[string]any{"vpcId": tradingVPC, "peerVpcId": legacyVPC, "peerOwnerId": analytics, "peerRegion": euwest1, "acceptStatus": "pending-acceptance"}},
		{URN: seedURN(typeConnection, partnerPcx), Type: typeConnection, ID: partnerPcx, Account: partner, Region: useast1, Seeded: true,
			Outputs: map[string]any{"vpcId": "vpc-0fedcba9876543210", "peerVpcId": tradingVPC, "peerOwnerId": trading, "acceptStatus": "pending-acceptance"}},
	}
	return whereState(append(entries, extra...)...)
}

func whereState(entries ...entry) *state {
	st := &state{Resources: map[string]*entry{}, Accepted: map[string]bool{}, Seeds: map[string]bool{}}
	for i := range entries {
		st.Resources[entries[i].URN] = &entries[i]
	}
	return st
}

func TestWhereRules(t *testing.T) {
	sg := func(account, region, vpc string) entry {
		return entry{URN: "sg", Type: "aws:ec2/securityGroup:SecurityGroup", ID: "sg-1", Account: account, Region: region, Outputs: map[string]any{"vpcId": vpc}}
	}
	route := func(account, region, rtb string) entry {
		return entry{URN: "route", Type: typeRoute, ID: "r-1", Account: account, Region: region,
			Outputs: map[string]any{"routeTableId": rtb, "vpcPeeringConnectionId": ourPcx}}
	}
	accept := func(account, region, pcx string) entry {
		return entry{URN: "accepter", Type: typeAccepter, ID: pcx, Account: account, Region: region, Outputs: map[string]any{"vpcPeeringConnectionId": pcx}}
	}
	options := func(account, region, pcx, side string) entry {
		return entry{URN: "options", Type: typeOptions, ID: pcx, Account: account, Region: region,
			Outputs: map[string]any{"vpcPeeringConnectionId": pcx, side: map[string]any{"allowRemoteVpcDnsResolution": true}}}
	}
	accepted := func(st *state) *state { st.Accepted[ourPcx], st.Accepted[partnerPcx] = true, true; return st }

	tests := []struct {
		name    string
		st      *state
		e       entry
		wantErr string
	}{
		{name: "a security group in the existing VPC, from its account and region", st: whereWorld(), e: sg(analytics, euwest1, legacyVPC)},
		{name: "a security group in the existing VPC from the default region", st: whereWorld(), e: sg(analytics, useast1, legacyVPC),
			wantErr: "InvalidVpcID.NotFound: The vpc ID 'vpc-0a1b2c3d4e5f60718' does not exist (it is in account 222222222222 in eu-west-1; the call came from account 222222222222 in us-east-1)"},
		{name: "a security group in a VPC nobody has", st: whereWorld(), e: sg(trading, useast1, "vpc-0999999999999999"),
			wantErr: "InvalidVpcID.NotFound: The vpc ID 'vpc-0999999999999999' does not exist"},
		{name: "a flow log of the existing VPC from another account", st: whereWorld(),
			e:       entry{URN: "fl", Type: "aws:ec2/flowLog:FlowLog", ID: "fl-1", Account: trading, Region: euwest1, Outputs: map[string]any{"vpcId": legacyVPC}},
			wantErr: "InvalidVpcID.NotFound"},
		{name: "a provider without an account id may be anyone's", st: whereWorld(), e: sg("profile:legacy", euwest1, legacyVPC)},
		{name: "a route in a seeded route table", st: accepted(whereWorld()), e: route(analytics, euwest1, legacyRtb1)},
		{name: "a route in a created route table", st: accepted(whereWorld()), e: route(trading, useast1, tradingRtb)},
		{name: "a route in a VPC's main route table", st: accepted(whereWorld()), e: route(trading, useast1, tradingMRT)},
		{name: "a route in a placeholder route table", st: accepted(whereWorld()), e: route(analytics, euwest1, "rtb-discovered0"),
			wantErr: "InvalidRouteTableID.NotFound: The routeTable ID 'rtb-discovered0' does not exist"},
		{name: "a route in the seeded table from the wrong region", st: accepted(whereWorld()), e: route(analytics, useast1, legacyRtb1),
			wantErr: "InvalidRouteTableID.NotFound: The routeTable ID 'rtb-0a1b2c3d4e5f60719' does not exist (it is in account 222222222222 in eu-west-1"},
		{name: "the accepter accepts in its region", st: whereWorld(), e: accept(analytics, euwest1, ourPcx)},
		{name: "accepting an inter-region connection in the requester's region", st: whereWorld(), e: accept(analytics, useast1, ourPcx),
			wantErr: "OperationNotPermitted: peering connection pcx-00000000000000001 can only be accepted by its accepter, account 222222222222 in eu-west-1; the call came from account 222222222222 in us-east-1"},
		{name: "the requester cannot accept", st: whereWorld(), e: accept(trading, euwest1, ourPcx), wantErr: "can only be accepted by its accepter"},
		{name: "accepting the partner's connection", st: whereWorld(), e: accept(trading, useast1, partnerPcx)},
		{name: "accepting a connection that does not exist", st: whereWorld(), e: accept(trading, useast1, "pcx-0aaaaaaaaaaaaaaa0"),
			wantErr: "InvalidVpcPeeringConnectionID.NotFound: The vpcPeeringConnection ID 'pcx-0aaaaaaaaaaaaaaa0' does not exist"},
		{name: "accepting an expired connection", st: func() *state {
			st := whereWorld()
			st.Resources[seedURN(typeConnection, partnerPcx)].Outputs["acceptStatus"] = "expired"
			return st
		}(), e: accept(trading, useast1, partnerPcx), wantErr: "InvalidStateTransition: peering connection pcx-0123456789abcdef0 is expired"},
		{name: "requester options by the requester", st: accepted(whereWorld()), e: options(trading, useast1, ourPcx, "requester")},
		{name: "accepter options by the accepter in its region", st: accepted(whereWorld()), e: options(analytics, euwest1, ourPcx, "accepter")},
		{name: "accepter options in the requester's region", st: accepted(whereWorld()), e: options(analytics, useast1, ourPcx, "accepter"),
			wantErr: "OperationNotPermitted: the accepter options of peering connection pcx-00000000000000001 can only be modified by account 222222222222 in eu-west-1"},
		{name: "requester options by the accepter", st: accepted(whereWorld()), e: options(analytics, euwest1, ourPcx, "requester"),
			wantErr: "the requester options of peering connection pcx-00000000000000001 can only be modified by account 111111111111 in us-east-1"},
		{name: "our accepter options on the partner's connection", st: accepted(whereWorld()), e: options(trading, useast1, partnerPcx, "accepter")},
		{name: "requester options on the partner's connection", st: accepted(whereWorld()), e: options(trading, useast1, partnerPcx, "requester"),
			wantErr: "can only be modified by account 333333333333 in us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(tt.st, opCreate, tt.e)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// Accepting a partner's connection makes it active, and deleting the
// accepter leaves it active and in place: the provider's delete only
// forgets the accepter.
func TestAcceptingActivatesAndDeletingTheAccepterLeavesTheConnection(t *testing.T) {
	st := whereWorld()
	accepter := entry{URN: "accepter", Type: typeAccepter, ID: partnerPcx, Account: trading, Region: useast1, Outputs: map[string]any{"vpcPeeringConnectionId": partnerPcx}}
	if err := check(st, opCreate, accepter); err != nil {
		t.Fatal(err)
	}
	change(st, opCreate, accepter)
	c := connection(st, partnerPcx)
	if got := connectionStatus(st, c); got != "active" {
		t.Fatalf("status after accepting = %q, want active", got)
	}
	// A refresh (Read) answers from the outputs.
	if got := c.Outputs["acceptStatus"]; got != "active" {
		t.Fatalf("acceptStatus output after accepting = %v, want active", got)
	}
	if err := check(st, opDelete, accepter); err != nil {
		t.Fatalf("deleting the accepter: %v", err)
	}
	change(st, opDelete, accepter)
	if c := connection(st, partnerPcx); c == nil || connectionStatus(st, c) != "active" {
		t.Fatalf("after deleting the accepter the connection is %+v, want it active", c)
	}
}

// A VPC cannot be deleted while a partner's connection to it is active or
// pending (AWS: DependencyViolation; the Terraform provider retries it
// until its timeout, hashicorp/terraform-provider-aws#3118); once the
// partner deleted the connection, it can.
func TestVPCWithAPartnersConnection(t *testing.T) {
	vpc := entry{URN: "trading-vpc", Type: typeVpc, ID: tradingVPC, Account: trading, Region: useast1, Outputs: map[string]any{}}
	st := whereWorld()
	st.Accepted[partnerPcx] = true
	for urn, r := range st.Resources {
		if r.ID == ourPcx || r.Type == typeRouteTable && r.Account == trading {
			delete(st.Resources, urn) // only the partner's connection refers to trading's VPC
		}
	}
	err := check(st, opDelete, vpc)
	if err == nil || !strings.Contains(err.Error(), "DependencyViolation: still used by urn:pulumi:seed::seed::aws:ec2/vpcPeeringConnection:VpcPeeringConnection::pcx-0123456789abcdef0") {
		t.Fatalf("deleting the VPC under an active partner connection: err = %v", err)
	}
	st.Resources[seedURN(typeConnection, partnerPcx)].Outputs["acceptStatus"] = "deleted"
	if got := connectionStatus(st, connection(st, partnerPcx)); got != "deleted" {
		t.Errorf("a deleted, once accepted connection reports %q", got)
	}
	if err := check(st, opDelete, vpc); err != nil {
		t.Fatalf("deleting the VPC once the partner deleted the connection: %v", err)
	}
}
