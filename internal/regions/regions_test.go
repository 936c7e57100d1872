package regions

import (
	"slices"
	"testing"
)

// Expected values are written by hand from the AWS "AWS Availability Zones"
// tables and botocore's partitions.json, not taken from the table.
func TestRegion(t *testing.T) {
	tests := []struct {
		name      string
		partition string
		azIDs     []string
	}{
		{"us-east-1", "aws", []string{"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"}},
		{"us-west-2", "aws", []string{"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"}},
		{"ca-central-1", "aws", []string{"cac1-az1", "cac1-az2", "cac1-az4"}}, // no cac1-az3
		{"eu-west-2", "aws", []string{"euw2-az1", "euw2-az2", "euw2-az3", "euw2-az4"}},
		{"ap-southeast-7", "aws", []string{"apse7-az1", "apse7-az2", "apse7-az3"}},
		{"us-gov-west-1", "aws-us-gov", []string{"usgw1-az1", "usgw1-az2", "usgw1-az3"}},
		{"cn-north-1", "aws-cn", nil},
		{"us-isob-east-1", "aws-iso-b", nil},
		{"eusc-de-east-1", "aws-eusc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := Region(tt.name)
			if !ok {
				t.Fatalf("Region(%q) not found", tt.name)
			}
			if r.Partition != tt.partition || !slices.Equal(r.AZIDs, tt.azIDs) {
				t.Errorf("Region(%q) = %s %v, want %s %v", tt.name, r.Partition, r.AZIDs, tt.partition, tt.azIDs)
			}
		})
	}
	for _, name := range []string{"us-east-7", "US-EAST-1", "us-east-1a", "use1", ""} {
		if _, ok := Region(name); ok {
			t.Errorf("Region(%q) found, want not found", name)
		}
	}
	// The caller's copy cannot change the table.
	r, _ := Region("us-west-2")
	r.AZIDs[0] = "changed"
	if again, _ := Region("us-west-2"); again.AZIDs[0] != "usw2-az1" {
		t.Error("Region returned the table's own slice")
	}
}

func TestPartition(t *testing.T) {
	tests := []struct{ region, want string }{
		{"us-east-1", "aws"},
		{"eu-central-2", "aws"},
		{"mx-central-1", "aws"},
		{"cn-north-1", "aws-cn"},
		{"cn-northwest-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-gov-east-1", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
		{"eusc-de-east-1", "aws-eusc"},
		// Regions the table does not know yet go by botocore's patterns.
		{"cn-south-1", "aws-cn"},
		{"us-gov-north-1", "aws-us-gov"},
		{"eusc-de-west-1", "aws-eusc"},
		{"xx-nowhere-1", "aws"},
	}
	for _, tt := range tests {
		if got := Partition(tt.region); got != tt.want {
			t.Errorf("Partition(%q) = %q, want %q", tt.region, got, tt.want)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	tests := []struct {
		region, dnsSuffix string
		supported, oam    bool
	}{
		{"us-east-1", "amazonaws.com", true, true},
		{"us-gov-west-1", "amazonaws.com", true, false}, // GovCloud user guide: no cross-account observability
		{"cn-north-1", "amazonaws.com.cn", false, false},
		{"us-iso-east-1", "c2s.ic.gov", false, false},
		{"eusc-de-east-1", "amazonaws.eu", false, false},
	}
	for _, tt := range tests {
		p := PartitionOf(tt.region)
		if p.DNSSuffix != tt.dnsSuffix || (p.Unsupported == "") != tt.supported || p.CrossAccountObservability != tt.oam {
			t.Errorf("PartitionOf(%q) = %+v, want DNS suffix %s, supported %v, cross-account observability %v",
				tt.region, p, tt.dnsSuffix, tt.supported, tt.oam)
		}
	}
}

func TestAZIDPrefix(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "use1", "ap-northeast-2": "apne2", "us-gov-east-1": "usge1", "il-central-1": "ilc1", "cn-north-1": ""} {
		r, _ := Region(region)
		if got := r.AZIDPrefix(); got != want {
			t.Errorf("%s AZIDPrefix() = %q, want %q", region, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"us-east-7", "us-east-1"},
		{"useast-1", "us-east-1"},
		{"us-west2", "us-west-2"},
		{"eu-west-l", "eu-west-1"},
		{"ap-southest-2", "ap-southeast-2"},
		{"us-gov-west", "us-gov-west-1"},
		{"eu-centrall-1", "eu-central-1"},
	}
	for _, tt := range tests {
		if got := Closest(tt.in); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
