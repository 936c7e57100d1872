package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/peerctl/peerctl/internal/netplan"
)

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	azIDPattern   = regexp.MustCompile(`^([a-z]+[0-9]+)-az[0-9]+$`)
)

func validateRegion(field, region string, p *problems) {
	if !regionPattern.MatchString(region) {
		p.add(field, region, "is not an AWS region name like us-east-1")
	}
}

// validateAZs checks a network's AZ IDs (explicit ones must be IDs, not
// names, of the network's region) and that the region has azCount zones.
func validateAZs(field string, azs []string, azCount int, region string, p *problems) {
	wantCode := netplan.RegionCode(region)
	for i, az := range azs {
		azField := fmt.Sprintf("%s.azs[%d]", field, i)
		m := azIDPattern.FindStringSubmatch(az)
		switch {
		case m == nil && strings.HasPrefix(az, region):
			p.add(azField, az, "is an AZ name; use AZ IDs like %s-az1 (names map to different zones in each account)", wantCode)
		case m == nil:
			p.add(azField, az, "is not an AZ ID like %s-az1", wantCode)
		case wantCode != "" && m[1] != wantCode:
			p.add(azField, az, "is not in region %s (its AZ IDs start with %s-)", region, wantCode)
		case slices.Index(azs, az) < i:
			p.add(azField, az, "is listed twice")
		}
	}
}
