package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// managedRule is what the AWS Config developer guide documents for a
// managed rule (https://docs.aws.amazon.com/config/latest/developerguide/<rule>.html),
// written here by hand from those pages.
type managedRule struct {
	resourceTypes []string
	parameters    []string
	periodic      bool
}

// requiredTagsTypes are the resource types the required-tags page lists as
// supported (required-tags.html, "The supported resource types for this
// rule"); the rule evaluates nothing else.
var requiredTagsTypes = []string{
	"AWS::ACM::Certificate", "AWS::AutoScaling::AutoScalingGroup", "AWS::CloudFormation::Stack",
	"AWS::CodeBuild::Project", "AWS::DynamoDB::Table", "AWS::EC2::CustomerGateway", "AWS::EC2::Instance",
	"AWS::EC2::InternetGateway", "AWS::EC2::NetworkAcl", "AWS::EC2::NetworkInterface", "AWS::EC2::RouteTable",
	"AWS::EC2::SecurityGroup", "AWS::EC2::Subnet", "AWS::EC2::Volume", "AWS::EC2::VPC", "AWS::EC2::VPNConnection",
	"AWS::EC2::VPNGateway", "AWS::ElasticLoadBalancing::LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer",
	"AWS::RDS::DBInstance", "AWS::RDS::DBSecurityGroup", "AWS::RDS::DBSnapshot", "AWS::RDS::DBSubnetGroup",
	"AWS::RDS::EventSubscription", "AWS::Redshift::Cluster", "AWS::Redshift::ClusterParameterGroup",
	"AWS::Redshift::ClusterSecurityGroup", "AWS::Redshift::ClusterSnapshot", "AWS::Redshift::ClusterSubnetGroup",
	"AWS::S3::Bucket",
}

var documented = map[string]managedRule{
	// vpc-peering-dns-resolution-check: vpcIds (optional CSV), change-triggered.
	"VPC_PEERING_DNS_RESOLUTION_CHECK": {[]string{"AWS::EC2::VPCPeeringConnection"}, []string{"vpcIds"}, false},
	// required-tags: tag1Key..tag6Key and optional tag1Value..tag6Value, "up to 6 tags".
	"REQUIRED_TAGS": {requiredTagsTypes, []string{
		"tag1Key", "tag1Value", "tag2Key", "tag2Value", "tag3Key", "tag3Value",
		"tag4Key", "tag4Value", "tag5Key", "tag5Value", "tag6Key", "tag6Value"}, false},
	// vpc-flow-logs-enabled: trafficType (optional), periodic.
	"VPC_FLOW_LOGS_ENABLED": {[]string{"AWS::EC2::VPC"}, []string{"trafficType"}, true},
	// vpc-default-security-group-closed: no parameters.
	"VPC_DEFAULT_SECURITY_GROUP_CLOSED": {[]string{"AWS::EC2::SecurityGroup"}, nil, false},
	// s3-bucket-level-public-access-prohibited: excludedPublicBuckets (optional CSV).
	"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED": {[]string{"AWS::S3::Bucket"}, []string{"excludedPublicBuckets"}, false},
	// s3-bucket-ssl-requests-only: no parameters.
	"S3_BUCKET_SSL_REQUESTS_ONLY": {[]string{"AWS::S3::Bucket"}, nil, false},
}

// TestRulesMatchAWSDocumentation: every rule peerctl deploys uses only the
// parameters its page documents, scopes only types the rule evaluates, is
// periodic exactly when AWS runs it periodically, and records the types it
// needs.
func TestRulesMatchAWSDocumentation(t *testing.T) {
	for _, r := range Rules(true) {
		doc, ok := documented[r.Identifier]
		if !ok {
			t.Errorf("%s: no documented managed rule %s in this test; add its page's facts", r.Key, r.Identifier)
			continue
		}
		for k := range r.Parameters {
			if !slices.Contains(doc.parameters, k) {
				t.Errorf("%s: parameter %q is not one of %v", r.Identifier, k, doc.parameters)
			}
		}
		for _, typ := range r.Scope {
			if !slices.Contains(doc.resourceTypes, typ) {
				t.Errorf("%s: scope type %s is not one the rule evaluates", r.Identifier, typ)
			}
		}
		if r.Periodic != doc.periodic {
			t.Errorf("%s: periodic %v, AWS runs it periodic=%v", r.Identifier, r.Periodic, doc.periodic)
		}
		if r.Periodic && len(r.Scope) > 0 {
			t.Errorf("%s: a periodic rule takes no scope", r.Identifier)
		}
		if !r.Periodic && len(r.Scope) == 0 {
			t.Errorf("%s: no scope: it would be triggered by every recorded type", r.Identifier)
		}
		if v, ok := r.Parameters["trafficType"]; ok && !slices.Contains([]string{"ACCEPT", "REJECT", "ALL"}, v) {
			t.Errorf("%s: trafficType %q is not a flow-log traffic type", r.Identifier, v)
		}
		need := r.Scope
		if r.Periodic {
			need = doc.resourceTypes
		}
		for _, typ := range need {
			if !slices.Contains(r.Records, typ) {
				t.Errorf("%s: the recorder must record %s for the rule to evaluate it", r.Identifier, typ)
			}
		}
	}
}

var tagParam = regexp.MustCompile(`^tag([1-9][0-9]*)(Key|Value)$`)

// TestRequiredTagsParameters: at most 6 tags, numbered from 1 without gaps,
// and a value only with its key (required-tags.html).
func TestRequiredTagsParameters(t *testing.T) {
	tests := []struct {
		name    string
		params  map[string]string
		wantErr string
	}{
		{"peerctl's", requiredTags(t), ""},
		{"six keys", map[string]string{"tag1Key": "a", "tag2Key": "b", "tag3Key": "c", "tag4Key": "d", "tag5Key": "e", "tag6Key": "f"}, ""},
		{"seven keys", map[string]string{"tag1Key": "a", "tag2Key": "b", "tag3Key": "c", "tag4Key": "d", "tag5Key": "e", "tag6Key": "f", "tag7Key": "g"}, "tag7Key: the rule checks at most 6 tags"},
		{"a gap", map[string]string{"tag1Key": "a", "tag3Key": "c"}, "tag3Key without tag2Key"},
		{"a value without its key", map[string]string{"tag1Key": "a", "tag2Value": "x"}, "tag2Value without tag2Key"},
		{"an unknown parameter", map[string]string{"tag1Key": "a", "tags": "b"}, `"tags" is not a parameter of REQUIRED_TAGS`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkRequiredTags(tt.params)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func requiredTags(t *testing.T) map[string]string {
	t.Helper()
	for _, r := range Rules(false) {
		if r.Identifier == "REQUIRED_TAGS" {
			return r.Parameters
		}
	}
	t.Fatal("no REQUIRED_TAGS rule")
	return nil
}

// checkRequiredTags applies the required-tags page's rules to parameters.
func checkRequiredTags(params map[string]string) error {
	keys := map[int]bool{}
	for k := range params {
		m := tagParam.FindStringSubmatch(k)
		if m == nil {
			return fmt.Errorf("%q is not a parameter of REQUIRED_TAGS", k)
		}
		n, _ := strconv.Atoi(m[1])
		if n > 6 {
			return fmt.Errorf("%s: the rule checks at most 6 tags", k)
		}
		if m[2] == "Key" {
			keys[n] = true
		}
	}
	for n := 1; n <= 6; n++ {
		if _, ok := params[fmt.Sprintf("tag%dValue", n)]; ok && !keys[n] {
			return fmt.Errorf("tag%dValue without tag%dKey", n, n)
		}
		if keys[n] && n > 1 && !keys[n-1] {
			return fmt.Errorf("tag%dKey without tag%dKey", n, n-1)
		}
	}
	return nil
}
