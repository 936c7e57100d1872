package plan

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
)

// AZ IDs written by hand from the AWS "AWS Availability Zones" tables.
func TestOfflineZonesAreTheRegionsAZIDs(t *testing.T) {
	tests := []struct {
		region string
		ids    []string
		names  []string
	}{
		{"us-east-1", []string{"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"},
			[]string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}},
		{"us-west-2", []string{"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"},
			[]string{"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"}},
		{"ca-central-1", []string{"cac1-az1", "cac1-az2", "cac1-az4"},
			[]string{"ca-central-1a", "ca-central-1b", "ca-central-1c"}},
		{"us-gov-east-1", []string{"usge1-az1", "usge1-az2", "usge1-az3"},
			[]string{"us-gov-east-1a", "us-gov-east-1b", "us-gov-east-1c"}},
	}
	for _, tt := range tests {
		ids, names := offlineZones(tt.region)
		if !slices.Equal(ids, tt.ids) || !slices.Equal(names, tt.names) {
			t.Errorf("offlineZones(%q) = %v %v, want %v %v", tt.region, ids, names, tt.ids, tt.names)
		}
	}
}

func planJSON(t *testing.T, raw config.Raw) (*Document, string) {
	t.Helper()
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Build(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return doc, buf.String()
}

const twoAccounts = `[{"name":"trading","cidr":"10.0.0.0/16","costCenter":"trading","azCount":%s,"account":{"id":"111111111111","profile":"t"}},
	{"name":"analytics","cidr":"10.1.0.0/16","costCenter":"analytics","azCount":%s,"account":{"id":"222222222222","profile":"a"}}]`

// us-west-2 has four AZ IDs: a network may span all four, and both
// networks' subnets land in the same four.
func TestPlanUsesEveryAZIDOfTheRegion(t *testing.T) {
	doc, _ := planJSON(t, config.Raw{
		"peerctl:region":   "us-west-2",
		"peerctl:networks": strings.NewReplacer("%s", "4").Replace(twoAccounts),
	})
	got := map[string][]string{}
	for _, r := range doc.Resources {
		if r.Type == "aws:ec2/subnet:Subnet" {
			az, _ := r.Inputs["availabilityZoneId"].(string)
			got[r.Account] = append(got[r.Account], az)
		}
	}
	want := []string{"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"}
	for _, network := range []string{"trading", "analytics"} {
		ids := slices.Sorted(slices.Values(got[network]))
		if !slices.Equal(ids, want) {
			t.Errorf("%s subnets in %v, want %v", network, ids, want)
		}
	}
}

// A GovCloud plan has no ARN of the aws partition: every ARN the program
// builds (iamdoc.Partition) and every ARN the mocks answer with
// (getPartition, getCallerIdentity, computed arn attributes) is aws-us-gov.
func TestGovCloudPlanHasOnlyGovCloudARNs(t *testing.T) {
	_, out := planJSON(t, config.Raw{
		"peerctl:region":   "us-gov-west-1",
		"peerctl:networks": strings.NewReplacer("%s", "3").Replace(twoAccounts),
	})
	if n := strings.Count(out, "arn:aws:"); n > 0 {
		i := strings.Index(out, "arn:aws:")
		t.Errorf("the GovCloud plan has %d ARNs in the aws partition, the first: %s", n, out[max(0, i-80):min(len(out), i+80)])
	}
	if !strings.Contains(out, "arn:aws-us-gov:iam::aws:policy/service-role/AWS_ConfigRole") ||
		!strings.Contains(out, "arn:aws-us-gov:s3:::") || !strings.Contains(out, "arn:aws-us-gov:logs:us-gov-west-1:111111111111:") {
		t.Error("the GovCloud plan lacks the aws-us-gov ARNs of the Config role, the buckets or the log groups")
	}
}

func TestDataSourcesAnswerInTheRegionsPartition(t *testing.T) {
	tests := []struct{ region, partition, dnsSuffix, callerARN string }{
		{"us-east-1", "aws", "amazonaws.com", "arn:aws:sts::111111111111:assumed-role/peerctl/offline-plan"},
		{"us-gov-east-1", "aws-us-gov", "amazonaws.com", "arn:aws-us-gov:sts::111111111111:assumed-role/peerctl/offline-plan"},
	}
	for _, tt := range tests {
		m := NewMocks("peerctl", "dev")
		m.providers["urn:pulumi:dev::peerctl::pulumi:providers:aws::p"] = &record{inputs: resource.NewPropertyMapFromMap(map[string]any{
			"region": tt.region, "allowedAccountIds": []any{"111111111111"},
		})}
		call := func(token string) resource.PropertyMap {
			out, err := m.Call(pulumi.MockCallArgs{Token: token, Provider: "urn:pulumi:dev::peerctl::pulumi:providers:aws::p::some-id"})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		part := call("aws:index/getPartition:getPartition")
		if part["partition"].StringValue() != tt.partition || part["dnsSuffix"].StringValue() != tt.dnsSuffix {
			t.Errorf("%s: getPartition = %v, want %s %s", tt.region, part, tt.partition, tt.dnsSuffix)
		}
		if got := call("aws:index/getCallerIdentity:getCallerIdentity")["arn"].StringValue(); got != tt.callerARN {
			t.Errorf("%s: getCallerIdentity arn = %s, want %s", tt.region, got, tt.callerARN)
		}
	}
}
