package compliance

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Rule is an AWS managed Config rule peerctl deploys in every account.
type Rule struct {
	// Key names the rule's resources: "vpc-flow-logs-enabled".
	Key string
	// Identifier is the managed rule: "VPC_FLOW_LOGS_ENABLED".
	Identifier  string
	Description string
	// Parameters are the rule's input parameters (the VPC list of the DNS
	// rule is added at creation, from the VPC ids).
	Parameters map[string]string
	// Scope is the rule's compliance resource types; empty for periodic
	// rules, which take no scope.
	Scope []string
	// Periodic rules run every 24 hours instead of on configuration changes.
	Periodic bool
	// Records are the resource types the recorder must record for the rule
	// to evaluate anything.
	Records []string
}

// Keys of the rules.
const (
	PeeringDNSRuleKey = "vpc-peering-dns-resolution"
	RequiredTagsKey   = "required-tags"
	FlowLogsRuleKey   = "vpc-flow-logs-enabled"
)

// RequiredTagsScope are the resource types peerctl creates that the managed
// rule REQUIRED_TAGS can evaluate (it supports a fixed list of types; VPC
// peering connections, endpoints, flow logs and log groups are not on it).
var RequiredTagsScope = []string{
	"AWS::EC2::NetworkAcl",
	"AWS::EC2::RouteTable",
	"AWS::EC2::SecurityGroup",
	"AWS::EC2::Subnet",
	"AWS::EC2::VPC",
	"AWS::S3::Bucket",
}

// Rules are the rules of one account. peeringDNS adds
// VPC_PEERING_DNS_RESOLUTION_CHECK, which AWS does not offer in every
// region (config.PeeringDNSRuleUnavailable).
//
// What each rule covers. A rule's scope can be resource types, or one tag
// key and value, or one type and one resource id (AWS Config API, Scope);
// none of these names "the stack's resources", so:
//   - the DNS rule is narrowed by its vpcIds parameter to the connections
//     of the account's peerctl VPCs;
//   - REQUIRED_TAGS stays scoped by type over the whole account: scoped by
//     a peerctl tag it would only see resources that still carry that tag,
//     which are exactly the ones it would never flag;
//   - the default-SG and S3 rules stay scoped by type: a tag scope would let
//     a resource leave the control by losing a tag, and their findings on
//     the account's other resources are worth reporting to its owner;
//   - VPC_FLOW_LOGS_ENABLED is periodic and takes no scope: every VPC of
//     the account.
//
// peerctl verify narrows instead: it judges the rules' per-resource results
// for the stack's resources and reports the rest of the account as
// information (internal/verify/ruleresults.go).
func Rules(peeringDNS bool) []Rule {
	var rules []Rule
	if peeringDNS {
		rules = append(rules, Rule{
			Key: PeeringDNSRuleKey, Identifier: "VPC_PEERING_DNS_RESOLUTION_CHECK",
			Description: "The peering connections of this account's peerctl VPCs resolve the peer's private DNS names (DNS resolution enabled on both sides).",
			Parameters:  map[string]string{}, // vpcIds is added at creation
			Scope:       []string{"AWS::EC2::VPCPeeringConnection"},
			Records:     []string{"AWS::EC2::VPCPeeringConnection"},
		})
	}
	rules = append(rules,
		Rule{
			Key: RequiredTagsKey, Identifier: "REQUIRED_TAGS",
			Description: "Resources carry the cost-allocation tags CostCenter and Environment.",
			Parameters:  map[string]string{"tag1Key": "CostCenter", "tag2Key": "Environment"},
			Scope:       RequiredTagsScope, Records: RequiredTagsScope,
		},
		Rule{
			Key: FlowLogsRuleKey, Identifier: "VPC_FLOW_LOGS_ENABLED",
			Description: "Every VPC has a flow log capturing ALL traffic (accepted and rejected).",
			Parameters:  map[string]string{"trafficType": "ALL"},
			Periodic:    true, Records: []string{"AWS::EC2::VPC"},
		},
		Rule{
			Key: "vpc-default-sg-closed", Identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
			Description: "Every VPC's default security group allows no traffic (CIS 5.4).",
			Scope:       []string{"AWS::EC2::SecurityGroup"}, Records: []string{"AWS::EC2::SecurityGroup"},
		},
		Rule{
			Key: "s3-bucket-public-access-prohibited", Identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
			Description: "Every bucket blocks public access at the bucket level.",
			Scope:       []string{"AWS::S3::Bucket"}, Records: []string{"AWS::S3::Bucket"},
		},
		Rule{
			Key: "s3-bucket-ssl-requests-only", Identifier: "S3_BUCKET_SSL_REQUESTS_ONLY",
			Description: "Every bucket policy denies requests made without TLS.",
			Scope:       []string{"AWS::S3::Bucket"}, Records: []string{"AWS::S3::Bucket"},
		},
	)
	return rules
}

// RecordedTypes is what the recorder records: the union of the rules'
// needs, sorted. Recording nothing else keeps the per-item cost down.
func RecordedTypes(rules []Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Records...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RuleName is the physical name of a rule: rules are per account and
// region, so the environment keeps dev and prod apart in a shared account.
func RuleName(key, env string) string { return fmt.Sprintf("peerctl-%s-%s", key, env) }

// parametersJSON marshals input parameters (sorted keys); "" for none.
func parametersJSON(p map[string]string) (string, error) {
	if len(p) == 0 {
		return "", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("rule parameters: %w", err)
	}
	return string(b), nil
}
