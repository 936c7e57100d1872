package config

import "testing"

const (
	acceptPartner  = `{accepter: trading, connectionId: pcx-0123456789abcdef0, peerCidr: 172.31.0.0/16`
	requestPartner = `{requester: trading, peerVpcId: vpc-0fedcba9876543210, peerAccountId: "333333333333", peerCidr: 192.168.0.0/16`
)

// Messages written by hand from AWS's rules: one peering connection per
// VPC pair, no overlapping CIDR blocks, resource id formats, account ids.
func TestOneSidedPeeringErrors(t *testing.T) {
	analytics := `{name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "222222222222", profile: analytics}}`
	tests := []struct {
		name     string
		networks []string
		peerings []string
		want     []string
	}{
		{"accepter-only and requester-only", []string{tradingNet}, []string{acceptPartner + `}`, requestPartner + `, peerRegion: us-west-2}`}, nil},
		{"8-digit connection id", []string{tradingNet}, []string{`{accepter: trading, connectionId: pcx-01234567, peerCidr: 172.31.0.0/16}`}, nil},
		{"partner /8 outside RFC 1918", []string{tradingNet}, []string{`{accepter: trading, connectionId: pcx-0123456789abcdef0, peerCidr: 100.0.0.0/8}`}, nil},
		{"one network, both-sided only", []string{tradingNet}, []string{},
			[]string{`peerctl:networks: "trading" is the only network, and no peering is one-sided; configure a second network to peer it with, or a one-sided peering with a partner (accepter-only: accepter, connectionId, peerCidr; requester-only: requester, peerVpcId, peerAccountId, peerCidr)`}},
		{"connection id missing", []string{tradingNet}, []string{`{accepter: trading, peerCidr: 172.31.0.0/16}`},
			[]string{`peerctl:peerings[0].connectionId: is required for an accepter-only peering (one that names only accepter): the id of the partner's connection, like pcx-0123456789abcdef0; to peer two configured networks, name the requester too`}},
		{"connection id not pcx", []string{tradingNet}, []string{`{accepter: trading, connectionId: vpc-0123456789abcdef0, peerCidr: 172.31.0.0/16}`},
			[]string{`peerctl:peerings[0].connectionId: "vpc-0123456789abcdef0" is not a VPC peering connection id: pcx- followed by 8 or 17 lowercase hexadecimal digits, like pcx-0123456789abcdef0`}},
		{"connection id 16 digits", []string{tradingNet}, []string{`{accepter: trading, connectionId: pcx-0123456789abcdef, peerCidr: 172.31.0.0/16}`},
			[]string{`peerctl:peerings[0].connectionId: "pcx-0123456789abcdef" is not a VPC peering connection id: pcx- followed by 8 or 17 lowercase hexadecimal digits, like pcx-0123456789abcdef0`}},
		{"peer cidr missing", []string{tradingNet}, []string{`{accepter: trading, connectionId: pcx-0123456789abcdef0}`},
			[]string{`peerctl:peerings[0].peerCidr: is required for a one-sided peering: the partner VPC's CIDR, like 172.31.0.0/16 (routes, security group and network ACL rules and alarms use it)`}},
		{"peer vpc on accepter-only", []string{tradingNet}, []string{acceptPartner + `, peerVpcId: vpc-0fedcba9876543210}`},
			[]string{`peerctl:peerings[0].peerVpcId: "vpc-0fedcba9876543210" belongs to a requester-only peering (one that names only requester); an accepter-only peering accepts connectionId, which names the partner's VPC already (preview and up check its requester account and CIDR): remove it`}},
		{"connection id on requester-only", []string{tradingNet}, []string{requestPartner + `, connectionId: pcx-0123456789abcdef0}`},
			[]string{`peerctl:peerings[0].connectionId: "pcx-0123456789abcdef0" belongs to an accepter-only peering (one that names only accepter); a requester-only peering creates its connection, whose id peerctl outputs for the partner (peeringConnectionIds): remove it`}},
		{"requester-only needs vpc and account", []string{tradingNet}, []string{`{requester: trading, peerCidr: 192.168.0.0/16}`},
			[]string{
				`peerctl:peerings[0].peerVpcId: is required for a requester-only peering (one that names only requester): the partner's VPC id, like vpc-0fedcba9876543210; to peer two configured networks, name the accepter too`,
				`peerctl:peerings[0].peerAccountId: is required for a requester-only peering: the partner's 12-digit AWS account id (quoted in YAML)`,
			}},
		{"partner account is ours", []string{tradingNet}, []string{`{requester: trading, peerVpcId: vpc-0fedcba9876543210, peerAccountId: "111111111111", peerCidr: 192.168.0.0/16}`},
			[]string{`peerctl:peerings[0].peerAccountId: "111111111111" is the account of network trading; a partner account equal to ours means both VPCs are ours: configure the partner's VPC as a network (existing: {vpcId: ...}) and peer the two networks (requester and accepter)`}},
		{"partner account short", []string{tradingNet}, []string{`{requester: trading, peerVpcId: vpc-0fedcba9876543210, peerAccountId: 33333333333, peerCidr: 192.168.0.0/16}`},
			[]string{`peerctl:peerings[0].peerAccountId: "33333333333" is not a 12-digit AWS account id (quote it in YAML: an unquoted number loses its leading zeros)`}},
		{"peer region unknown", []string{tradingNet}, []string{requestPartner + `, peerRegion: us-west-9}`},
			[]string{`peerctl:peerings[0].peerRegion: "us-west-9" is not an AWS region (peerctl knows the regions AWS listed as of 2025-11); did you mean us-west-1?`}},
		{"peer region in another partition", []string{tradingNet}, []string{requestPartner + `, peerRegion: us-gov-east-1}`},
			[]string{`peerctl:peerings[0].peerRegion: "us-gov-east-1" is in partition aws-us-gov, but network trading is in us-east-1 (partition aws); VPC peering connects VPCs of one partition only`}},
		{"partner keys on a both-sided peering", []string{tradingNet, analytics},
			[]string{`{requester: trading, accepter: analytics, connectionId: pcx-0123456789abcdef0, peerVpcId: vpc-0fedcba9876543210, peerCidr: 172.31.0.0/16, naclSlot: 7}`},
			[]string{
				`peerctl:peerings[0].connectionId: "pcx-0123456789abcdef0" belongs to an accepter-only peering (one that names only accepter); this peering names both requester and accepter, whose settings come from their networks: remove it, or remove the side that is a partner's`,
				`peerctl:peerings[0].peerVpcId: "vpc-0fedcba9876543210" belongs to a requester-only peering (one that names only requester); this peering names both requester and accepter, whose settings come from their networks: remove it, or remove the side that is a partner's`,
				`peerctl:peerings[0].peerCidr: "172.31.0.0/16" belongs to a one-sided peering (one that names only requester or only accepter); this peering names both requester and accepter, whose settings come from their networks: remove it, or remove the side that is a partner's`,
				`peerctl:peerings[0].naclSlot: "7" belongs to a one-sided peering (one that names only requester or only accepter); this peering names both requester and accepter, whose settings come from their networks: remove it, or remove the side that is a partner's`,
			}},
		{"neither side", []string{tradingNet}, []string{`{connectionId: pcx-0123456789abcdef0, peerCidr: 172.31.0.0/16}`},
			[]string{
				`peerctl:peerings[0]: names neither requester nor accepter; a one-sided peering names our network as accepter (accepting connectionId) or as requester (requesting toward peerVpcId)`,
				`peerctl:networks: "trading" is the only network, and no peering is one-sided; configure a second network to peer it with, or a one-sided peering with a partner (accepter-only: accepter, connectionId, peerCidr; requester-only: requester, peerVpcId, peerAccountId, peerCidr)`,
			}},
		{"unknown network", []string{tradingNet}, []string{`{accepter: risk, connectionId: pcx-0123456789abcdef0, peerCidr: 172.31.0.0/16}`},
			[]string{`peerctl:peerings[0].accepter: "risk" is not a configured network (networks: trading)`}},
		{"peer cidr overlaps our network", []string{tradingNet}, []string{`{accepter: trading, connectionId: pcx-0123456789abcdef0, peerCidr: 10.0.0.0/8}`},
			[]string{`peerctl:peerings[0].peerCidr: "10.0.0.0/8" overlaps trading's own CIDR 10.0.0.0/16; AWS refuses to peer VPCs whose CIDR blocks overlap`}},
		{"peer cidr overlaps another peer", []string{tradingNet, analytics},
			[]string{`{requester: trading, accepter: analytics}`, `{accepter: trading, connectionId: pcx-0123456789abcdef0, peerCidr: 10.1.0.0/16}`},
			[]string{`peerctl:peerings[1].peerCidr: "10.1.0.0/16" overlaps network analytics 10.1.0.0/16, another peer of trading; their routes would clash in trading's route tables`}},
		{"peer cidr overlaps another partner", []string{tradingNet},
			[]string{acceptPartner + `}`, `{requester: trading, peerVpcId: vpc-0fedcba9876543210, peerAccountId: "333333333333", peerCidr: 172.31.5.0/24}`},
			[]string{`peerctl:peerings[1].peerCidr: "172.31.5.0/24" overlaps partner pcx-0123456789abcdef0 (peerctl:peerings[0]) 172.31.0.0/16, another peer of trading; their routes would clash in trading's route tables`}},
		{"peer cidr shapes", []string{tradingNet},
			[]string{
				`{accepter: trading, connectionId: pcx-00000001, peerCidr: 0.0.0.0/0}`,
				`{accepter: trading, connectionId: pcx-00000002, peerCidr: 172.31.0.0/29}`,
				`{accepter: trading, connectionId: pcx-00000003, peerCidr: 169.254.0.0/16}`,
				`{accepter: trading, connectionId: pcx-00000004, peerCidr: 172.31.0.1/16}`,
				`{accepter: trading, connectionId: pcx-00000005, peerCidr: "fd00::/8"}`,
				`{accepter: trading, connectionId: pcx-00000006, peerCidr: 240.0.0.0/8}`,
				`{accepter: trading, connectionId: pcx-00000007, peerCidr: 172.31.0.0}`,
			},
			[]string{
				`peerctl:peerings[0].peerCidr: "0.0.0.0/0" is wider than /8; give the partner VPC's CIDR (a route this wide through the peering would take traffic meant for elsewhere, and AWS drops what is not the partner's)`,
				`peerctl:peerings[1].peerCidr: "172.31.0.0/29" is narrower than /28, the smallest VPC CIDR block AWS allows`,
				`peerctl:peerings[2].peerCidr: "169.254.0.0/16" overlaps 169.254.0.0/16, a range AWS does not allow for VPCs`,
				`peerctl:peerings[3].peerCidr: "172.31.0.1/16" has host bits set; did you mean 172.31.0.0/16?`,
				`peerctl:peerings[4].peerCidr: "fd00::/8" is not an IPv4 CIDR block`,
				`peerctl:peerings[5].peerCidr: "240.0.0.0/8" overlaps 224.0.0.0/3, a range AWS does not allow for VPCs`,
				`peerctl:peerings[6].peerCidr: "172.31.0.0" is not a CIDR block like 172.31.0.0/16`,
			}},
		{"duplicate connection", []string{tradingNet},
			[]string{acceptPartner + `}`, `{accepter: trading, connectionId: pcx-0123456789abcdef0, peerCidr: 172.30.0.0/16, peerName: again}`},
			[]string{`peerctl:peerings[1].connectionId: "pcx-0123456789abcdef0" is also peerctl:peerings[0].connectionId; a connection is accepted once`}},
		{"duplicate request", []string{tradingNet},
			[]string{requestPartner + `}`, `{requester: trading, peerVpcId: vpc-0fedcba9876543210, peerAccountId: "333333333333", peerCidr: 192.168.0.0/16, peerName: again}`},
			[]string{
				`peerctl:peerings[1].peerVpcId: "vpc-0fedcba9876543210" is also peerctl:peerings[0].peerVpcId from trading; AWS allows one peering connection between two VPCs`,
				`peerctl:peerings[1].peerCidr: "192.168.0.0/16" overlaps partner vpc-0fedcba9876543210 (peerctl:peerings[0]) 192.168.0.0/16, another peer of trading; their routes would clash in trading's route tables`,
			}},
		{"request toward our own existing vpc", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0fedcba9876543210}`)},
			[]string{`{requester: trading, peerVpcId: vpc-0fedcba9876543210, peerAccountId: "333333333333", peerCidr: 192.168.0.0/16}`},
			[]string{`peerctl:peerings[0].peerVpcId: "vpc-0fedcba9876543210" is the VPC of network legacy (peerctl:networks[1].existing.vpcId); peer the two networks instead (requester: trading, accepter: legacy)`}},
		{"peer name malformed", []string{tradingNet}, []string{acceptPartner + `, peerName: Market_Data}`},
			[]string{`peerctl:peerings[0].peerName: "Market_Data" must be 1-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (it names the partner in resource names)`}},
		{"peer name is a network", []string{tradingNet, analytics}, []string{`{requester: trading, accepter: analytics}`, acceptPartner + `, peerName: analytics}`},
			[]string{`peerctl:peerings[1].peerName: "analytics" is the name of network analytics (peerctl:networks[1]); a partner needs a name of its own`}},
		{"peer name reserved", []string{tradingNet}, []string{acceptPartner + `, peerName: s3}`},
			[]string{`peerctl:peerings[0].peerName: "s3" is reserved: peerctl names the security group rules to the S3 and DynamoDB gateway endpoints with it`}},
		{"default partner name is a network", []string{tradingNet, `{name: pcx-01234567, cidr: 10.1.0.0/16, costCenter: x, account: {id: "222222222222", profile: p}}`},
			[]string{`{requester: trading, accepter: pcx-01234567}`, `{accepter: trading, connectionId: pcx-01234567, peerCidr: 172.31.0.0/16}`},
			[]string{`peerctl:peerings[1]: "pcx-01234567" is the name of network pcx-01234567 (peerctl:networks[1]); a partner needs a name of its own (the partner's default name, its id); set peerName`}},
		{"two partners of one network with one name", []string{tradingNet},
			[]string{acceptPartner + `, peerName: partner}`, requestPartner + `, peerName: partner}`},
			[]string{`peerctl:peerings[1]: "partner" names its partner like partner partner (peerctl:peerings[0]), another partner of trading; each of a network's peers needs its own name in resource names: set peerName`}},
		{"partner slot out of range", []string{tradingNet}, []string{acceptPartner + `, naclSlot: 3100}`},
			[]string{`peerctl:peerings[0].naclSlot: "3100" must be between 0 and 3099 (the partner's rules in trading's network ACL are numbered from its slot)`}},
		{"partner slot of a network", []string{tradingNet, analytics[:len(analytics)-1] + `, naclSlot: 9}`},
			[]string{`{requester: trading, accepter: analytics}`, acceptPartner + `, naclSlot: 9}`},
			[]string{`peerctl:peerings[1].naclSlot: "9" (set) is also the NACL slot of peerctl:networks[1] (analytics); the partner's rules in trading's network ACL need a slot of their own: set naclSlot to a free slot such as 0`}},
		{"partner slot on an existing network", []string{tradingNet, legacyNet(`, existing: {vpcId: vpc-0a1b2c3d}`)},
			[]string{tradingPair, `{accepter: legacy, connectionId: pcx-0123456789abcdef0, peerCidr: 172.31.0.0/16, naclSlot: 5}`},
			[]string{`peerctl:peerings[1].naclSlot: "5" numbers the partner's rules in legacy's network ACL, and peerctl creates no network ACL in existing network legacy; remove it`}},
		{"partner name collides with a peering name", []string{tradingNet,
			`{name: a-b, cidr: 10.1.0.0/16, costCenter: x, account: {id: "222222222222", profile: p}}`,
			`{name: b-trading, cidr: 10.2.0.0/16, costCenter: x, account: {id: "222222222222", profile: p}}`},
			[]string{`{requester: a-b, accepter: trading}`, `{accepter: b-trading, connectionId: pcx-0123456789abcdef0, peerCidr: 172.31.0.0/16, peerName: a}`},
			[]string{`peerctl:peerings[1]: "a-b-trading" (partner a to b-trading) has the same name as peerctl:peerings[0] (a-b to trading): a peering is named <requester>-<accepter>, and network names contain hyphens; rename a network or set peerName on the one-sided peering`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblems(t, modesProblems(t, modesYAML(tt.networks, tt.peerings)), tt.want...)
		})
	}
}
