package verify

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/netplan"
)

func TestExpectedPeerAllow(t *testing.T) {
	tcp := func(from, to int32) types.NetworkAclEntry {
		return types.NetworkAclEntry{Protocol: aws.String(protoTCP), PortRange: &types.PortRange{From: aws.Int32(from), To: aws.Int32(to)}}
	}
	wide := netplan.PortRange{From: 1024, To: 65535}
	narrow := netplan.PortRange{From: 32768, To: 65535}
	tests := []struct {
		name      string
		entry     types.NetworkAclEntry
		ephemeral netplan.PortRange
		want      bool
	}{
		{"https", tcp(443, 443), narrow, true},
		{"postgres alone (the narrow range leaves it out)", tcp(5432, 5432), narrow, true},
		{"the wide return range", tcp(1024, 65535), wide, true},
		{"the wide return range on a narrow stack", tcp(1024, 65535), narrow, false},
		{"part of the narrow range", tcp(40000, 65535), narrow, true},
		{"below the narrow range", tcp(1024, 32767), narrow, false},
		{"ssh", tcp(22, 22), wide, false},
		{"a range around 443", tcp(400, 500), wide, false},
		{"all protocols", types.NetworkAclEntry{Protocol: aws.String(protoAll)}, wide, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expectedPeerAllow(tt.entry, tt.ephemeral); got != tt.want {
				t.Errorf("expectedPeerAllow(%s) with ephemeral %v = %v, want %v", describeACLEntry(tt.entry), tt.ephemeral, got, tt.want)
			}
		})
	}
}
