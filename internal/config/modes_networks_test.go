package config

import (
	"errors"
	"strings"
	"testing"
)

// modesYAML is a stack file with the given networks and peerings (YAML flow
// mappings, one per entry).
func modesYAML(networks []string, peerings []string, extra ...string) string {
	var b strings.Builder
	b.WriteString("config:\n  peerctl:networks:\n")
	for _, n := range networks {
		b.WriteString("    - " + n + "\n")
	}
	if peerings != nil {
		b.WriteString("  peerctl:peerings:\n")
		if len(peerings) == 0 {
			b.WriteString("    []\n")
		}
		for _, p := range peerings {
			b.WriteString("    - " + p + "\n")
		}
	}
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	return b.String()
}

// modesProblems parses yaml and returns every problem (nil: accepted).
func modesProblems(t interface {
	Helper()
	Fatalf(format string, args ...any)
}, yaml string) []string {
	t.Helper()
	raw, err := ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatalf("ParseStackYAML: %v", err)
	}
	_, err = Parse(raw, env(nil))
	if err == nil {
		return nil
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a *ValidationError, got %v", err)
	}
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.Error())
	}
	return out
}

const (
	tradingNet  = `{name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111", profile: trading}}`
	tradingPair = `{requester: trading, accepter: legacy}`
)

// legacyNet is an existing network in account 222222222222 with fields
// added to its mapping.
func legacyNet(fields string) string {
	return `{name: legacy, cidr: 10.20.0.0/16, costCenter: legacy, account: {id: "222222222222", profile: legacy}` + fields + `}`
}

// Every message is written by hand from AWS's rules (EC2 resource id
// formats, VPC peering limitations, region and partition tables).
func TestExistingAndRegionErrors(t *testing.T) {
	vpc := `, existing: {vpcId: vpc-0a1b2c3d4e5f60718}`
	tests := []struct {
		name     string
		networks []string
		want     []string
	}{
		{"existing with 8-digit ids", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d, routeTableIds: [rtb-0a1b2c3d]}`)}, nil},
		{"existing in another region", []string{tradingNet, legacyNet(vpc + `, region: eu-west-1`)}, nil},
		{"vpc id missing", []string{tradingNet, legacyNet(`, existing: {flowLogs: false}`)},
			[]string{`peerctl:networks[1].existing.vpcId: is required: the id of the existing VPC, like vpc-0a1b2c3d4e5f60718`}},
		{"vpc id uppercase", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0A1B2C3D}`)},
			[]string{`peerctl:networks[1].existing.vpcId: "vpc-0A1B2C3D" is not a VPC id: vpc- followed by 8 or 17 lowercase hexadecimal digits, like vpc-0a1b2c3d4e5f60718`}},
		{"vpc id of 9 digits", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d4}`)},
			[]string{`peerctl:networks[1].existing.vpcId: "vpc-0a1b2c3d4" is not a VPC id: vpc- followed by 8 or 17 lowercase hexadecimal digits, like vpc-0a1b2c3d4e5f60718`}},
		{"subnet id as vpc id", []string{tradingNet, legacyNet(`, existing: {vpcId: subnet-0a1b2c3d}`)},
			[]string{`peerctl:networks[1].existing.vpcId: "subnet-0a1b2c3d" is not a VPC id: vpc- followed by 8 or 17 lowercase hexadecimal digits, like vpc-0a1b2c3d4e5f60718`}},
		{"route table ids empty", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d, routeTableIds: []}`)},
			[]string{`peerctl:networks[1].existing.routeTableIds: is an empty list; list the route tables that get routes to the peers, or remove the key to use every route table of the VPC`}},
		{"route table id malformed", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d, routeTableIds: [rtb-xyz, vpc-0a1b2c3d]}`)},
			[]string{
				`peerctl:networks[1].existing.routeTableIds[0]: "rtb-xyz" is not a route table id: rtb- followed by 8 or 17 lowercase hexadecimal digits, like rtb-0a1b2c3d4e5f60719`,
				`peerctl:networks[1].existing.routeTableIds[1]: "vpc-0a1b2c3d" is not a route table id: rtb- followed by 8 or 17 lowercase hexadecimal digits, like rtb-0a1b2c3d4e5f60719`,
			}},
		{"route table listed twice", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d, routeTableIds: [rtb-0a1b2c3d, rtb-11111111, rtb-0a1b2c3d]}`)},
			[]string{`peerctl:networks[1].existing.routeTableIds[2]: "rtb-0a1b2c3d" is listed twice (also peerctl:networks[1].existing.routeTableIds[0])`}},
		{"unknown existing field", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d, subnets: [a]}`)},
			[]string{`peerctl:networks[1].existing.subnets: is not a known field (known: vpcId, routeTableIds, securityGroup, flowLogs)`}},
		{"existing not a mapping", []string{tradingNet, legacyNet(`, existing: vpc-0a1b2c3d`)},
			[]string{`peerctl:networks[1].existing: "vpc-0a1b2c3d" must be a mapping of fields (key: value), not text`}},
		{"azs on existing", []string{tradingNet, legacyNet(vpc + `, azCount: 2, azs: [use1-az1, use1-az2], subnetPrefixLength: 20`)},
			[]string{
				`peerctl:networks[1].azCount: "2" means nothing for an existing network (peerctl creates no subnets in it); remove it`,
				`peerctl:networks[1].azs: "use1-az1, use1-az2" means nothing for an existing network (peerctl creates no subnets in it); remove it`,
				`peerctl:networks[1].subnetPrefixLength: "20" means nothing for an existing network (peerctl creates no subnets in it); remove it`,
			}},
		{"existing cidr required", []string{tradingNet, `{name: legacy, costCenter: legacy, existing: {vpcId: vpc-0a1b2c3d}}`},
			[]string{`peerctl:networks[1].cidr: is required: a CIDR block of the existing VPC, such as 10.20.0.0/16`}},
		{"existing cidr overlaps", []string{tradingNet, `{name: legacy, cidr: 10.0.0.0/16, costCenter: legacy, existing: {vpcId: vpc-0a1b2c3d}}`},
			[]string{`peerctl:networks[1].cidr: "10.0.0.0/16" (legacy) overlaps peerctl:networks[0].cidr 10.0.0.0/16 (trading); peered VPCs need disjoint address space`}},
		{"same vpc twice", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d}`),
			`{name: legacy2, cidr: 10.21.0.0/16, costCenter: legacy, existing: {vpcId: vpc-0a1b2c3d}}`},
			[]string{`peerctl:networks[2].existing.vpcId: "vpc-0a1b2c3d" is also peerctl:networks[1].existing.vpcId (legacy); one VPC is one network`}},
		{"region unknown", []string{tradingNet, legacyNet(vpc + `, region: eu-west-9`)},
			[]string{`peerctl:networks[1].region: "eu-west-9" is not an AWS region (peerctl knows the regions AWS listed as of 2025-11); did you mean eu-west-1?`}},
		{"region not a region name", []string{tradingNet, legacyNet(vpc + `, region: Ireland`)},
			[]string{`peerctl:networks[1].region: "Ireland" is not an AWS region name like us-east-1`}},
		{"region in another partition", []string{tradingNet, legacyNet(vpc + `, region: us-gov-west-1`)},
			[]string{`peerctl:networks[1].region: "us-gov-west-1" is in partition aws-us-gov, but peerctl:region us-east-1 is in partition aws; VPC peering connects VPCs of one partition only`}},
		{"azs of the stack region in another region", []string{tradingNet,
			`{name: legacy, cidr: 10.20.0.0/16, costCenter: legacy, region: eu-west-1, azs: [use1-az1]}`},
			[]string{`peerctl:networks[1].azs[0]: "use1-az1" is not in region eu-west-1 (its AZ IDs start with euw1-)`}},
		{"azs of the network's own region", []string{tradingNet,
			`{name: legacy, cidr: 10.20.0.0/16, costCenter: legacy, region: eu-west-1, azs: [euw1-az1, euw1-az2]}`}, nil},
		{"security group and flow logs not booleans", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d, securityGroup: no-thanks}`)},
			[]string{`peerctl:networks[1].existing.securityGroup: "no-thanks" must be true or false, not text`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblems(t, modesProblems(t, modesYAML(tt.networks, []string{tradingPair})), tt.want...)
		})
	}
}
