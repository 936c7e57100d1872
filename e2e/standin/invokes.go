package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The data sources whose answer depends on what exists in AWS, so the
// stand-in answers them from the world instead of the offline plan's
// placeholders: the route tables of an existing VPC, and whether a peering
// connection is active.
const (
	invokeRouteTables = "aws:ec2/getRouteTables:getRouteTables"
	invokeConnections = "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections"
)

const (
	typeVpc               = "aws:ec2/vpc:Vpc"
	typeRouteTable        = "aws:ec2/routeTable:RouteTable"
	typeDefaultRouteTable = "aws:ec2/defaultRouteTable:DefaultRouteTable"
)

// accountID matches a real account id; the stand-in plays a provider
// without one (a profile alone) as "profile:<name>", whose account it
// cannot compare.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// sameAccount reports whether a and b may be one account: equal, or one of
// them unknown.
func sameAccount(a, b string) bool {
	return a == b || !accountID.MatchString(a) || !accountID.MatchString(b)
}

// filter is one EC2 filter of a data source's arguments.
type filter struct {
	name   string
	values []string
}

// filtersOf reads the filters argument ([{name, values}]) and a tags
// argument (tag:<key> filters in the provider).
func filtersOf(args resource.PropertyMap) []filter {
	var out []filter
	if v, ok := args["filters"]; ok && v.IsArray() {
		for _, f := range v.ArrayValue() {
			if !f.IsObject() {
				continue
			}
			obj := f.ObjectValue()
			fl := filter{name: str(obj, "name")}
			if vals, ok := obj["values"]; ok && vals.IsArray() {
				for _, x := range vals.ArrayValue() {
					if x.IsString() {
						fl.values = append(fl.values, x.StringValue())
					}
				}
			}
			out = append(out, fl)
		}
	}
	if v, ok := args["tags"]; ok && v.IsObject() {
		for k, x := range v.ObjectValue() {
			if x.IsString() {
				out = append(out, filter{name: "tag:" + string(k), values: []string{x.StringValue()}})
			}
		}
	}
	return out
}

// outStr is a string output of a world entry.
func outStr(outputs map[string]any, key string) string {
	s, _ := outputs[key].(string)
	return s
}

// tagOf is a tag of a world entry.
func tagOf(outputs map[string]any, key string) (string, bool) {
	for _, k := range []string{"tags", "tagsAll"} {
		if tags, ok := outputs[k].(map[string]any); ok {
			if v, ok := tags[key].(string); ok {
				return v, true
			}
		}
	}
	return "", false
}

// routeTables answers getRouteTables for a provider in account and region:
// the route tables of the world there (each VPC's main route table
// included, as DescribeRouteTables lists it) that match every filter.
func routeTables(st *state, account, region string, args resource.PropertyMap) (resource.PropertyMap, error) {
	filters := filtersOf(args)
	if vpc := str(args, "vpcId"); vpc != "" {
		filters = append(filters, filter{name: "vpc-id", values: []string{vpc}})
	}
	type table struct {
		id, vpc string
		main    bool
		outputs map[string]any
	}
	var tables []table
	for _, e := range sorted(st) {
		if !sameAccount(e.Account, account) || e.Region != region {
			continue
		}
		switch e.Type {
		case typeRouteTable:
			tables = append(tables, table{id: e.ID, vpc: outStr(e.Outputs, "vpcId"), outputs: e.Outputs})
		case typeVpc:
			if main := outStr(e.Outputs, "mainRouteTableId"); main != "" {
				tables = append(tables, table{id: main, vpc: e.ID, main: true, outputs: map[string]any{}})
			}
		}
	}
	ids := []string{}
	for _, t := range tables {
		match := true
		for _, f := range filters {
			var got string
			switch {
			case f.name == "vpc-id":
				got = t.vpc
			case f.name == "route-table-id":
				got = t.id
			case f.name == "association.main":
				got = fmt.Sprint(t.main)
			case strings.HasPrefix(f.name, "tag:"):
				got, _ = tagOf(t.outputs, strings.TrimPrefix(f.name, "tag:"))
			default:
				return nil, fmt.Errorf("%s: InvalidParameterValue: the stand-in does not know the filter %q (add it to e2e/standin/invokes.go if AWS does)", invokeRouteTables, f.name)
			}
			if !slices.Contains(f.values, got) {
				match = false
				break
			}
		}
		if match && !slices.Contains(ids, t.id) {
			ids = append(ids, t.id)
		}
	}
	slices.Sort(ids)
	return resource.NewPropertyMapFromMap(map[string]any{"id": region, "ids": ids}), nil
}

// side is one end of a peering connection.
type side struct {
	account, region, vpc string
}

// connectionSides are the requester's and the accepter's end of a
// connection: the accepter's account and region are peerOwnerId and
// peerRegion when the connection names them, else the requester's.
func connectionSides(c *entry) (requester, accepter side) {
	requester = side{account: c.Account, region: c.Region, vpc: outStr(c.Outputs, "vpcId")}
	accepter = side{account: c.Account, region: c.Region, vpc: outStr(c.Outputs, "peerVpcId")}
	if v := outStr(c.Outputs, "peerOwnerId"); v != "" {
		accepter.account = v
	}
	if v := outStr(c.Outputs, "peerRegion"); v != "" {
		accepter.region = v
	}
	return requester, accepter
}

// endedStates are the states a connection never leaves (but to vanish).
var endedStates = []string{"rejected", "expired", "failed", "deleted", "deleting"}

// connectionStatus is a connection's status code as AWS reports it: an
// ended state, else active once accepted, else what it was created with.
func connectionStatus(st *state, c *entry) string {
	s := outStr(c.Outputs, "acceptStatus")
	switch {
	case slices.Contains(endedStates, s):
		return s
	case st.Accepted[c.ID]:
		return "active"
	case s != "":
		return s
	}
	return "pending-acceptance"
}

// connection finds a peering connection by id.
func connection(st *state, id string) *entry {
	for _, e := range sorted(st) {
		if e.Type == typeConnection && e.ID == id {
			return e
		}
	}
	return nil
}

// peeringConnections answers getVpcPeeringConnections for a provider in
// account and region: the connections it can see (it is the requester or
// the accepter there) matching every filter. Tags on a connection are the
// viewing account's own: the requester's are on the connection, the
// accepter's on its accepter resource.
func peeringConnections(st *state, account, region string, args resource.PropertyMap) (resource.PropertyMap, error) {
	filters := filtersOf(args)
	ids := []string{}
	for _, c := range sorted(st) {
		if c.Type != typeConnection {
			continue
		}
		req, acc := connectionSides(c)
		asRequester := sameAccount(req.account, account) && req.region == region
		asAccepter := sameAccount(acc.account, account) && acc.region == region
		if !asRequester && !asAccepter {
			continue
		}
		tags := c.Outputs
		if !asRequester {
			tags = map[string]any{}
			for _, a := range sorted(st) {
				if a.Type == typeAccepter && a.ID == c.ID {
					tags = a.Outputs
				}
			}
		}
		match := true
		for _, f := range filters {
			var got string
			switch {
			case f.name == "status-code":
				got = connectionStatus(st, c)
			case f.name == "vpc-peering-connection-id":
				got = c.ID
			case f.name == "requester-vpc-info.vpc-id":
				got = req.vpc
			case f.name == "accepter-vpc-info.vpc-id":
				got = acc.vpc
			case f.name == "requester-vpc-info.owner-id":
				got = req.account
			case f.name == "accepter-vpc-info.owner-id":
				got = acc.account
			case strings.HasPrefix(f.name, "tag:"):
				got, _ = tagOf(tags, strings.TrimPrefix(f.name, "tag:"))
			default:
				return nil, fmt.Errorf("%s: InvalidParameterValue: the stand-in does not know the filter %q (add it to e2e/standin/invokes.go if AWS does)", invokeConnections, f.name)
			}
			if !slices.Contains(f.values, got) {
				match = false
				break
			}
		}
		if match {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return resource.NewPropertyMapFromMap(map[string]any{"id": region, "ids": ids}), nil
}
