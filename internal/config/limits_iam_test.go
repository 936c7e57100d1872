package config_test

import (
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
)

// The longest names configuration accepts: network names of 20 characters,
// an environment of 16 (see the name patterns in validate.go), and a region
// whose short code is among the longest (5 characters: apse2).
const (
	longestNetworkA  = "trading-network-0001"
	longestNetworkB  = "analytics-network-01"
	longestEnv       = "staging-blue-001"
	iamRoleNameLimit = 64  // IAM User Guide, IAM and AWS STS quotas: role name
	iamPolicyLimit   = 128 // IAM PutRolePolicy: PolicyName of 1-128
	s3BucketLimit    = 63  // S3 User Guide, general purpose bucket naming rules
	longestRegion    = "ap-southeast-2"
	longestCode      = "apse2" // its AZ IDs are apse2-az1...
)

// Every IAM role and S3 bucket the real offline plan creates for the
// longest accepted inputs fits AWS's limits, so no generated name can pass
// config validation and then fail at deploy. Two accounts, cross-account
// dashboard and a recorder in each, so every kind of role is made.
func TestLongestNamesFitIAMAndS3(t *testing.T) {
	if len(longestNetworkA) != 20 || len(longestNetworkB) != 20 || len(longestEnv) != 16 {
		t.Fatal("the test's inputs are not the longest names")
	}
	raw := config.Raw{
		"peerctl:environment": longestEnv,
		"peerctl:region":      longestRegion,
		"peerctl:networks": `[` +
			`{"name":"` + longestNetworkA + `","cidr":"10.0.0.0/16","costCenter":"a","account":{"id":"111111111111","profile":"a"}},` +
			`{"name":"` + longestNetworkB + `","cidr":"10.1.0.0/16","costCenter":"b","account":{"roleArn":"arn:aws:iam::222222222222:role/deployer"}}]`,
		"peerctl:peerings":  `[{"requester":"` + longestNetworkA + `","accepter":"` + longestNetworkB + `"}]`,
		"peerctl:dashboard": `{"crossAccount":true}`,
	}
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatalf("the longest names must be accepted: %v", err)
	}
	doc, err := plan.Build(cfg, "limits")
	if err != nil {
		t.Fatal(err)
	}
	roles, buckets, dashboards := 0, 0, 0
	// Buckets, roles and dashboards are named globally (dashboards per
	// account, not per region): each name carries the region code, so the
	// same environment can run in a second region.
	regional := func(r plan.Resource, value any) {
		name, _ := value.(string)
		if !strings.Contains(name, "-"+longestCode) {
			t.Errorf("%s %s is named %q, without the region code %s", r.Type, r.Name, name, longestCode)
		}
	}
	for _, r := range doc.Resources {
		switch r.Type {
		case "aws:cloudwatch/dashboard:Dashboard":
			dashboards++
			regional(r, r.Inputs["dashboardName"])
		case "aws:iam/role:Role":
			roles++
			regional(r, r.Inputs["name"])
			if name, _ := r.Inputs["name"].(string); name == "" || len(name) > iamRoleNameLimit {
				t.Errorf("role %s is named %q (%d characters), IAM allows %d", r.Name, name, len(name), iamRoleNameLimit)
			}
		case "aws:iam/rolePolicy:RolePolicy":
			if name, _ := r.Inputs["name"].(string); len(name) > iamPolicyLimit {
				t.Errorf("role policy %s is named %q (%d characters), IAM allows %d", r.Name, name, len(name), iamPolicyLimit)
			}
		case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
			buckets++
			regional(r, r.Inputs["bucket"])
			if name, _ := r.Inputs["bucket"].(string); name == "" || len(name) > s3BucketLimit {
				t.Errorf("bucket %s is named %q (%d characters), S3 allows %d", r.Name, name, len(name), s3BucketLimit)
			}
		}
	}
	// A flow-log role per network, a recorder role per account; a flow-log
	// bucket per network, a delivery bucket per account.
	if roles < 4 || buckets < 4 || dashboards < 2 {
		t.Errorf("the plan has %d roles, %d buckets and %d dashboards; want at least 4, 4 and 2 to have checked them all", roles, buckets, dashboards)
	}
	if !strings.Contains(doc.Environment, longestEnv) {
		t.Errorf("environment = %q", doc.Environment)
	}
}
