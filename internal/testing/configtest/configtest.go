// Package configtest builds stack files for tests and benchmarks.
package configtest

import (
	"fmt"
	"strings"
)

// MeshYAML is a stack file with a full mesh of n networks (net0, net1, …,
// 10.<i>.0.0/16) on default credentials: n·(n-1)/2 peerings. extra is
// inserted under config: (for example quota settings).
func MeshYAML(n int, extra ...string) string {
	var b strings.Builder
	b.WriteString("config:\n")
	// All n VPCs are in one account (default credentials): past AWS's
	// default of 5 VPCs per region, raise the per-region quotas, inside
	// the caller's own peerctl:quotas if it passes one.
	quotas := ""
	if n > 5 {
		quotas = fmt.Sprintf("vpcsPerRegion: %d, gatewayEndpointsPerRegion: %d", n, max(20, 2*n))
	}
	for _, e := range extra {
		if rest, ok := strings.CutPrefix(e, "peerctl:quotas: {"); ok && quotas != "" {
			e, quotas = "peerctl:quotas: {"+quotas+", "+rest, ""
		}
		b.WriteString("  " + e + "\n")
	}
	if quotas != "" {
		b.WriteString("  peerctl:quotas: {" + quotas + "}\n")
	}
	b.WriteString("  peerctl:networks:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - {name: net%d, cidr: 10.%d.0.0/16, costCenter: c%d}\n", i, i, i)
	}
	b.WriteString("  peerctl:peerings:\n")
	for i := range n {
		for j := i + 1; j < n; j++ {
			fmt.Fprintf(&b, "    - {requester: net%d, accepter: net%d}\n", i, j)
		}
	}
	return b.String()
}
