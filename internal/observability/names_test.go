package observability_test

import (
	"github.com/peerctl/peerctl/internal/regions"
)

// supportedRegions are the regions configuration accepts with the default
// three AZs.
func supportedRegions() []string {
	var out []string
	for _, r := range regions.All() {
		if regions.PartitionOf(r.Name).Unsupported == "" && len(r.AZIDs) >= 3 {
			out = append(out, r.Name)
		}
	}
	return out
}
