package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/peerctl/peerctl/internal/regions"
)

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	azIDPattern   = regexp.MustCompile(`^([a-z]+[0-9]+)-az[0-9]+$`)
)

// validateRegion checks that region exists (package regions' table) and is
// in a partition peerctl can plan for: ARNs, service principals and
// gateway endpoint service names differ between partitions, and a plan
// that got one wrong would pass offline and fail at deploy.
func validateRegion(field, region string, p *problems) {
	if !regionPattern.MatchString(region) {
		p.add(field, region, "is not an AWS region name like us-east-1")
		return
	}
	if _, ok := regions.Region(region); !ok {
		p.add(field, region, "is not an AWS region (peerctl knows the regions AWS listed as of %s); did you mean %s?",
			regions.DataDate, regions.Closest(region))
		return
	}
	if part := regions.PartitionOf(region); part.Unsupported != "" {
		p.add(field, region, "is in the %s partition (%s), which peerctl does not support: %s; use a region of the aws or aws-us-gov partition",
			part.ID, part.Name, part.Unsupported)
	}
}

// validateAZs checks a network's AZ IDs (explicit ones must be AZ IDs, not
// names, that the network's region has) and that the region has azCount
// AZ IDs. Regions validateRegion refuses are left to it.
func validateAZs(field string, azs []string, azCount int, region string, p *problems) {
	r, known := regions.Region(region)
	if !known || len(r.AZIDs) == 0 {
		return
	}
	wantCode := r.AZIDPrefix()
	for i, az := range azs {
		azField := fmt.Sprintf("%s.azs[%d]", field, i)
		m := azIDPattern.FindStringSubmatch(az)
		switch {
		case m == nil && strings.HasPrefix(az, region):
			p.add(azField, az, "is an AZ name; use AZ IDs like %s-az1 (names map to different zones in each account)", wantCode)
		case m == nil:
			p.add(azField, az, "is not an AZ ID like %s-az1", wantCode)
		case m[1] != wantCode:
			p.add(azField, az, "is not in region %s (its AZ IDs start with %s-)", region, wantCode)
		case !r.HasAZID(az):
			p.add(azField, az, "is not an AZ ID of %s (its AZ IDs: %s)", region, strings.Join(r.AZIDs, ", "))
		case slices.Index(azs, az) < i:
			p.add(azField, az, "is listed twice")
		}
	}
	// With explicit azs, azCount is their number, and every AZ ID too many
	// is already reported above. Out-of-range counts are validateNetwork's.
	if len(azs) == 0 && azCount >= MinAZCount && azCount <= MaxAZCount && azCount > len(r.AZIDs) {
		p.add(field+".azCount", strconv.Itoa(azCount), "is more than the %d AZ IDs of %s (%s); lower azCount",
			len(r.AZIDs), region, strings.Join(r.AZIDs, ", "))
	}
}

// validateRegionServices refuses settings that need an AWS service the
// stack's partition does not offer. Parse calls it once observability
// defaults are applied.
//
// Networks may have regions of their own, but validateNetworkRegion keeps
// them in peerctl:region's partition, and the services checked here are
// offered per partition: checking the stack's partition covers every
// network's region.
func validateRegionServices(c *Config, p *problems) {
	part := regions.PartitionOf(c.Region)
	if part.Unsupported != "" {
		return // validateRegion has refused the region
	}
	if cross := c.Observability.Dashboard.CrossAccount; cross != nil && *cross && !part.CrossAccountObservability {
		p.add(Namespace+":dashboard.crossAccount", "true",
			"needs CloudWatch cross-account observability, which the %s partition (%s, region %s) does not offer; set it to false (one dashboard per account)",
			part.ID, part.Name, c.Region)
	}
}
