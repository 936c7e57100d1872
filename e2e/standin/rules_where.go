package main

import (
	"fmt"
	"slices"
)

// The AWS rules about where a call is made: a resource goes into a VPC or
// route table that exists in the caller's account and region, and each
// side of a peering connection is accepted and configured by its own
// account in its own region. They catch a program that puts an existing
// VPC's routes into route tables it made up, or that accepts an
// inter-region connection with the requester's provider.

// vpcScoped are the types created inside a VPC named by their vpcId.
var vpcScoped = map[string]bool{
	"aws:ec2/subnet:Subnet":                             true,
	typeRouteTable:                                      true,
	"aws:ec2/securityGroup:SecurityGroup":               true,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": true,
	"aws:ec2/networkAcl:NetworkAcl":                     true,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                   true,
	"aws:ec2/flowLog:FlowLog":                           true,
	typeConnection:                                      true,
}

// checkWhere returns the error AWS would give a create or update of e made
// from e's account and region, or nil.
func checkWhere(st *state, e entry) error {
	if vpc := outStr(e.Outputs, "vpcId"); vpc != "" && vpcScoped[e.Type] {
		if err := checkVPCHere(st, e, vpc); err != nil {
			return err
		}
	}
	switch e.Type {
	case typeRoute:
		return checkRouteTableHere(st, e)
	case typeAccepter:
		return checkAccepterSide(st, e)
	case typeOptions:
		return checkOptionsSides(st, e)
	}
	return nil
}

// here says where e's call came from, for error messages.
func here(e entry) string { return fmt.Sprintf("account %s in %s", e.Account, e.Region) }

// inPlace reports whether a world resource is visible to e's call: the
// same account (when both are known) and region.
func inPlace(r *entry, e entry) bool {
	return sameAccount(r.Account, e.Account) && r.Region == e.Region
}

// checkVPCHere: InvalidVpcID.NotFound unless the VPC exists in the
// caller's account and region.
func checkVPCHere(st *state, e entry, vpc string) error {
	for _, r := range sorted(st) {
		if r.Type == typeVpc && r.ID == vpc {
			if inPlace(r, e) {
				return nil
			}
			return fmt.Errorf("%s %s: InvalidVpcID.NotFound: The vpc ID '%s' does not exist (it is in account %s in %s; the call came from %s)",
				e.Type, e.URN, vpc, r.Account, r.Region, here(e))
		}
	}
	return fmt.Errorf("%s %s: InvalidVpcID.NotFound: The vpc ID '%s' does not exist", e.Type, e.URN, vpc)
}

// checkRouteTableHere: InvalidRouteTableID.NotFound unless the route's
// table exists in the caller's account and region (a route table, or a
// VPC's main route table).
func checkRouteTableHere(st *state, e entry) error {
	rtb := outStr(e.Outputs, "routeTableId")
	if rtb == "" {
		return nil
	}
	for _, r := range sorted(st) {
		found := (r.Type == typeRouteTable || r.Type == typeDefaultRouteTable) && r.ID == rtb
		found = found || (r.Type == typeVpc && (outStr(r.Outputs, "mainRouteTableId") == rtb || outStr(r.Outputs, "defaultRouteTableId") == rtb))
		if !found {
			continue
		}
		if inPlace(r, e) {
			return nil
		}
		return fmt.Errorf("%s %s: InvalidRouteTableID.NotFound: The routeTable ID '%s' does not exist (it is in account %s in %s; the call came from %s)",
			e.Type, e.URN, rtb, r.Account, r.Region, here(e))
	}
	return fmt.Errorf("%s %s: InvalidRouteTableID.NotFound: The routeTable ID '%s' does not exist", e.Type, e.URN, rtb)
}

// checkAccepterSide: only the accepter's account, in the accepter's
// region, accepts a connection, and only one that still waits (or is
// already active).
func checkAccepterSide(st *state, e entry) error {
	pcx := outStr(e.Outputs, "vpcPeeringConnectionId")
	c := connection(st, pcx)
	if c == nil {
		return fmt.Errorf("%s %s: InvalidVpcPeeringConnectionID.NotFound: The vpcPeeringConnection ID '%s' does not exist", e.Type, e.URN, pcx)
	}
	_, acc := connectionSides(c)
	if !sameAccount(acc.account, e.Account) || acc.region != e.Region {
		return fmt.Errorf("%s %s: OperationNotPermitted: peering connection %s can only be accepted by its accepter, account %s in %s; the call came from %s",
			e.Type, e.URN, pcx, acc.account, acc.region, here(e))
	}
	if status := connectionStatus(st, c); slices.Contains(endedStates, status) {
		return fmt.Errorf("%s %s: InvalidStateTransition: peering connection %s is %s and cannot be accepted", e.Type, e.URN, pcx, status)
	}
	return nil
}

// checkOptionsSides: each side's options are set by that side's owner in
// that side's region (ModifyVpcPeeringConnectionOptions).
func checkOptionsSides(st *state, e entry) error {
	pcx := outStr(e.Outputs, "vpcPeeringConnectionId")
	c := connection(st, pcx)
	if c == nil {
		return fmt.Errorf("%s %s: InvalidVpcPeeringConnectionID.NotFound: The vpcPeeringConnection ID '%s' does not exist", e.Type, e.URN, pcx)
	}
	req, acc := connectionSides(c)
	for _, s := range []struct {
		key  string
		side side
	}{{"requester", req}, {"accepter", acc}} {
		if _, set := e.Outputs[s.key].(map[string]any); !set {
			continue
		}
		if !sameAccount(s.side.account, e.Account) || s.side.region != e.Region {
			return fmt.Errorf("%s %s: OperationNotPermitted: the %s options of peering connection %s can only be modified by account %s in %s; the call came from %s",
				e.Type, e.URN, s.key, pcx, s.side.account, s.side.region, here(e))
		}
	}
	return nil
}
