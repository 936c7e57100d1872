package plan

import (
	"fmt"
	"slices"
	"strings"
)

// Formatters of network, routing and peering attributes.

// noRules is what a default security group or network ACL without rules
// does: the provider removes every rule when it adopts them (Pulumi AWS
// registry, ec2.DefaultNetworkAcl and ec2.DefaultSecurityGroup: "it
// immediately removes all rules"), leaving the implicit deny.
const noRules = "none: all traffic denied"

// mainRouteTable says what a DefaultRouteTable adopts. Its only input is
// the table's own id, which would name the resource itself.
func mainRouteTable(view) []string { return []string{"the main route table AWS created with the VPC"} }

// mainRoutes shows an adopted main route table's routes; an empty list
// makes the provider remove any route added outside the stack, leaving the
// VPC's local route.
func mainRoutes(v view) []string {
	routes, ok := v.get("routes").([]any)
	switch {
	case !ok:
		return nil
	case len(routes) == 0:
		return []string{"local only (routes added outside the stack are removed)"}
	default:
		return []string{fmt.Sprintf("%d", len(routes))}
	}
}

func vpcDNS(v view) []string {
	var on []string
	if v.get("enableDnsSupport") == true {
		on = append(on, "support")
	}
	if v.get("enableDnsHostnames") == true {
		on = append(on, "hostnames")
	}
	if len(on) == 0 {
		return nil
	}
	return []string{strings.Join(on, ", ")}
}

func routeDestination(v view) []string {
	return one(joinNonEmpty(", ", v.str("destinationCidrBlock"), v.str("destinationIpv6CidrBlock"), v.str("destinationPrefixListId")))
}

// routeTarget names where a route sends traffic, with the kind of target:
// "peering trading-analytics-connection".
func routeTarget(v view) []string {
	for _, t := range []struct{ key, kind string }{
		{"vpcPeeringConnectionId", "peering"}, {"gatewayId", "gateway"}, {"natGatewayId", "nat gateway"},
		{"transitGatewayId", "transit gateway"}, {"vpcEndpointId", "endpoint"}, {"networkInterfaceId", "interface"},
	} {
		if id := v.get(t.key); id != nil {
			return []string{t.kind + " " + v.name(id)}
		}
	}
	return nil
}

// ruleResource renders a security group rule resource as one phrase:
// "allow tcp 443 from 10.1.0.0/16".
func ruleResource(direction string) func(view) []string {
	return func(v view) []string {
		proto := protocolName(v.get("ipProtocol"))
		peer := joinNonEmpty(", ", v.str("cidrIpv4"), v.str("cidrIpv6"), v.str("prefixListId"))
		if sg := v.get("referencedSecurityGroupId"); sg != nil {
			peer = joinNonEmpty(", ", peer, "group "+v.name(sg))
		}
		return []string{joinNonEmpty(" ", "allow", proto, portRange(proto, v.get("fromPort"), v.get("toPort")), direction, peer)}
	}
}

// inlineRules renders a security group's inline rules, one a line. A
// default security group without rules is shown as denying everything;
// another group without inline rules shows nothing (its rules are
// separate resources).
func inlineRules(key, direction string, isDefault bool) func(view) []string {
	return func(v view) []string {
		rules := items(v.get(key))
		if len(rules) == 0 {
			if isDefault {
				return []string{noRules}
			}
			return nil
		}
		out := make([]string, len(rules))
		for i, r := range rules {
			proto := protocolName(r["protocol"])
			peers := []string{scalar(r["cidrBlocks"]), scalar(r["ipv6CidrBlocks"]), scalar(r["prefixListIds"])}
			if groups := r["securityGroups"]; groups != nil {
				peers = append(peers, "groups "+scalar(groups))
			}
			if r["self"] == true {
				peers = append(peers, "itself")
			}
			out[i] = joinNonEmpty(" ", "allow", proto, portRange(proto, r["fromPort"], r["toPort"]), direction, joinNonEmpty(", ", peers...))
		}
		return out
	}
}

// naclEntries renders network ACL entries as aligned rows in rule number
// order, the order AWS evaluates them: "200 allow tcp 443 from 10.1.0.0/16".
func naclEntries(key, direction string, isDefault bool) func(view) []string {
	return func(v view) []string {
		entries := items(v.get(key))
		if len(entries) == 0 {
			if isDefault {
				return []string{noRules}
			}
			return nil
		}
		slices.SortStableFunc(entries, func(a, b map[string]any) int {
			x, _ := a["ruleNo"].(float64)
			y, _ := b["ruleNo"].(float64)
			return int(x - y)
		})
		rows := make([][]string, len(entries))
		for i, e := range entries {
			proto := protocolName(e["protocol"])
			rows[i] = []string{scalar(e["ruleNo"]), scalar(e["action"]), proto, portRange(proto, e["fromPort"], e["toPort"]),
				direction + " " + joinNonEmpty(", ", scalar(e["cidrBlock"]), scalar(e["ipv6CidrBlock"]))}
		}
		return columns(rows)
	}
}

// peeringRequester is the requester side of a peering connection: its
// VPC, account and region.
func peeringRequester(v view) []string {
	return one(vpcIn(v.name(v.get("vpcId")), v.doc.accountID(v.r.Account), v.doc.Region))
}

// peeringAccepter is the peer side; a missing peerOwnerId or peerRegion
// means the requester's account or region, as in AWS.
func peeringAccepter(v view) []string {
	if v.get("peerVpcId") == nil {
		return nil
	}
	account := v.str("peerOwnerId")
	if account == "" {
		account = v.doc.accountID(v.r.Account)
	}
	region := v.str("peerRegion")
	if region == "" {
		region = v.doc.Region
	}
	return one(vpcIn(v.name(v.get("peerVpcId")), account, region))
}

func vpcIn(vpc, account, region string) string {
	where := joinNonEmpty(", ", prefixed("account ", account), region)
	if where == "" {
		return vpc
	}
	return vpc + " (" + where + ")"
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// dnsResolution is one side's peering options.
func dnsResolution(side string) func(view) []string {
	return func(v view) []string {
		switch v.get(side, "allowRemoteVpcDnsResolution") {
		case true:
			return []string{"resolves the peer's private DNS names"}
		case false:
			return []string{"does not resolve the peer's private DNS names"}
		}
		return nil
	}
}

// keyValueLines shows an object input one "key value" pair a line, sorted.
func keyValueLines(key string) func(view) []string {
	return func(v view) []string {
		m, _ := v.get(key).(map[string]any)
		keys := sortedKeys(m)
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = k + " " + scalar(m[k])
		}
		return out
	}
}

// providerCredentials says how a provider reaches its account.
func providerCredentials(v view) []string {
	if arn := v.str("assumeRole", "roleArn"); arn != "" {
		return one(joinNonEmpty(" ", "role "+arn, prefixed("session ", v.str("assumeRole", "sessionName"))))
	}
	if p := v.str("profile"); p != "" {
		return []string{"profile " + p}
	}
	return []string{"default credentials"}
}
