package netplan

import (
	"fmt"
	"slices"
	"strings"
)

// ChooseAZs picks count AZ IDs that every account in available offers.
//
// AZ names (us-east-1a) are shuffled per account, AZ IDs (use1-az1) are not,
// so picking the lowest shared IDs puts every network's subnets in the same
// physical zones; traffic over a peering that stays inside one zone is free.
func ChooseAZs(available [][]string, count int) ([]string, error) {
	if len(available) == 0 {
		return nil, fmt.Errorf("no availability zone lists to choose from")
	}
	shared := slices.Clone(available[0])
	for _, ids := range available[1:] {
		shared = slices.DeleteFunc(shared, func(id string) bool { return !slices.Contains(ids, id) })
	}
	slices.Sort(shared)
	shared = slices.Compact(shared)
	if len(shared) < count {
		return nil, fmt.Errorf("the accounts share %d availability zone IDs (%s), need %d",
			len(shared), strings.Join(shared, ", "), count)
	}
	return shared[:count], nil
}

// regionDirections abbreviates the direction part of a region name the way
// AZ IDs do: us-east-1 -> use1, ap-southeast-2 -> apse2, us-gov-west-1 -> usgw1.
var regionDirections = map[string]string{
	"gov": "g", "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
	"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}

// RegionCode returns the prefix of a region's AZ IDs, or "" if the region
// name does not follow the usual pattern.
func RegionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return ""
	}
	code := parts[0]
	for _, p := range parts[1 : len(parts)-1] {
		d, ok := regionDirections[p]
		if !ok {
			return ""
		}
		code += d
	}
	return code + parts[len(parts)-1]
}
