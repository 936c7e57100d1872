package verify

import (
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/compliance"
)

func TestResourcesFromState(t *testing.T) {
	s := stateResources(t)
	if s.Source != SourceState || !s.Complete {
		t.Errorf("source %q complete %v, want %q true", s.Source, s.Complete, SourceState)
	}
	tests := []struct {
		resourceType, id string
		want             bool
	}{
		{"AWS::EC2::VPC", "vpc-t", true},
		{"AWS::EC2::Subnet", "subnet-t2", true},
		{"AWS::EC2::RouteTable", "rtb-t1", true},
		// Adopted defaults are the stack's, under the type they adopt.
		{"AWS::EC2::RouteTable", "rtb-tmain", true},
		{"AWS::EC2::SecurityGroup", "sg-tdefault", true},
		{"AWS::EC2::NetworkAcl", "acl-tdefault", true},
		{"AWS::S3::Bucket", "trading-config-dev-111111111111", true},
		{"AWS::EC2::VPCPeeringConnection", "pcx-1", true},
		// Read, not managed; replaced and waiting for deletion.
		{"AWS::EC2::VPC", "vpc-shared", false},
		{"AWS::EC2::RouteTable", "rtb-told", false},
		// The id under another type is another resource.
		{"AWS::EC2::SecurityGroup", "vpc-t", false},
	}
	for _, tt := range tests {
		if got := s.Has(tt.resourceType, tt.id); got != tt.want {
			t.Errorf("Has(%s, %s) = %v, want %v", tt.resourceType, tt.id, got, tt.want)
		}
	}
	if s.Len() != 10 {
		t.Errorf("%d resources, want 10", s.Len())
	}
	if _, err := ResourcesFromState([]byte(`{"resources": 3}`)); err == nil {
		t.Error("a malformed state gave no error")
	}
	var none *StackResources
	if none.Has("AWS::EC2::VPC", "vpc-t") || none.Len() != 0 {
		t.Error("a nil list holds resources")
	}
}

func TestResourcesFromOutputs(t *testing.T) {
	w := newWorld()
	s := ResourcesFromOutputs(w.out)
	if s.Source != SourceOutputs || s.Complete {
		t.Errorf("source %q complete %v, want %q false", s.Source, s.Complete, SourceOutputs)
	}
	for _, r := range [][2]string{
		{"AWS::EC2::VPC", "vpc-a"}, {"AWS::EC2::Subnet", "subnet-t1"}, {"AWS::EC2::RouteTable", "rtb-a2"},
		{"AWS::EC2::SecurityGroup", "sg-t"}, {"AWS::EC2::NetworkAcl", "acl-a"},
		{"AWS::S3::Bucket", "trading-flow-logs-dev-111111111111"}, {"AWS::EC2::VPCPeeringConnection", "pcx-1"},
	} {
		if !s.Has(r[0], r[1]) {
			t.Errorf("outputs list lacks %s %s", r[0], r[1])
		}
	}
	// 2 networks x (VPC, 2 subnets, 2 route tables, SG, NACL, bucket) + the peering.
	if s.Len() != 2*8+1 {
		t.Errorf("%d resources, want %d", s.Len(), 2*8+1)
	}
}

// TestStackResourcesCoverEveryRecordedType: every resource type a peerctl
// rule evaluates can be recognised in the state, or the stack's results of
// that type would count as the rest of the account and never fail.
func TestStackResourcesCoverEveryRecordedType(t *testing.T) {
	known := ConfigTypes()
	for _, typ := range compliance.RecordedTypes(compliance.Rules(true)) {
		if !slices.Contains(known, typ) {
			t.Errorf("no Pulumi type maps to %s", typ)
		}
	}
}
