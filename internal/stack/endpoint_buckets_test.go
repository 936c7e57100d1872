package stack_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/plan"
)

type policyStatement struct {
	Sid       string
	Effect    string
	Principal any
	Action    []string
	Resource  []string
}

func endpointStatements(t *testing.T, r plan.Resource) []policyStatement {
	t.Helper()
	b, err := json.Marshal(r.Inputs["policy"])
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Statement []policyStatement }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s policy: %v", r.Name, err)
	}
	return doc.Statement
}

// The S3 endpoint's perimeter lets instances read the region's AWS-owned
// buckets that dnf/yum, the SSM Agent and ECR image pulls use, read-only;
// without them every package install and image pull behind the perimeter
// fails with 403. Names written by hand from the AWS pages cited in
// internal/network/aws_buckets.go.
func TestS3EndpointReadsAWSOwnedBuckets(t *testing.T) {
	for _, tt := range []struct {
		yaml, region string
	}{
		{"config:\n  peerctl:region: us-east-1\n", "us-east-1"},
		{"config:\n  peerctl:region: eu-west-1\n", "eu-west-1"},
	} {
		d := buildYAML(t, tt.yaml)
		want := []string{
			"arn:aws:s3:::al2023-repos-" + tt.region + "-de612dc2/*",
			"arn:aws:s3:::amazonlinux-2-repos-" + tt.region + "/*",
			"arn:aws:s3:::amazonlinux." + tt.region + ".amazonaws.com/*",
			"arn:aws:s3:::aws-ssm-" + tt.region + "/*",
			"arn:aws:s3:::aws-windows-downloads-" + tt.region + "/*",
			"arn:aws:s3:::amazon-ssm-" + tt.region + "/*",
			"arn:aws:s3:::amazon-ssm-packages-" + tt.region + "/*",
			"arn:aws:s3:::" + tt.region + "-birdwatcher-prod/*",
			"arn:aws:s3:::aws-ssm-distributor-file-" + tt.region + "/*",
			"arn:aws:s3:::aws-ssm-document-attachments-" + tt.region + "/*",
			"arn:aws:s3:::patch-baseline-snapshot-" + tt.region + "/*",
			"arn:aws:s3:::prod-" + tt.region + "-starport-layer-bucket/*",
		}
		for _, n := range []string{"trading", "analytics"} {
			st := endpointStatements(t, mustNamed(t, d, endpointType, n+"-s3-endpoint"))
			i := slices.IndexFunc(st, func(s policyStatement) bool { return s.Sid == "AWSOwnedBucketsReadOnly" })
			if i < 0 {
				t.Fatalf("%s %s: no AWS-owned bucket statement in %+v", tt.region, n, st)
			}
			s := st[i]
			if s.Effect != "Allow" || s.Principal != "*" || !slices.Equal(s.Action, []string{"s3:GetObject"}) || !slices.Equal(s.Resource, want) {
				t.Errorf("%s %s: statement = %+v\nwant GetObject on %v", tt.region, n, s, want)
			}
			// DynamoDB has no AWS-owned tables to read.
			for _, ds := range endpointStatements(t, mustNamed(t, d, endpointType, n+"-dynamodb-endpoint")) {
				if ds.Sid == "AWSOwnedBucketsReadOnly" {
					t.Errorf("%s: the DynamoDB endpoint got the S3 allowance", n)
				}
			}
		}
	}
}

// allowAwsOwnedBuckets: false leaves only the stack accounts' resources.
func TestS3EndpointAWSOwnedBucketsSwitch(t *testing.T) {
	d := buildYAML(t, "config:\n  peerctl:endpoints: {allowAwsOwnedBuckets: false}\n")
	st := endpointStatements(t, mustNamed(t, d, endpointType, "trading-s3-endpoint"))
	if len(st) != 1 || st[0].Sid != "StackAccountsOnly" {
		t.Errorf("S3 endpoint policy with allowAwsOwnedBuckets false = %+v", st)
	}
}
