package regions

import (
	"regexp"
	"slices"
	"strings"
)

// PartitionInfo is one AWS partition: a separate set of regions with its own
// ARNs (arn:<ID>:...), DNS suffix and accounts. Accounts cannot peer across
// partitions.
type PartitionInfo struct {
	ID        string // as in ARNs: aws, aws-cn, aws-us-gov...
	Name      string // for messages: "AWS China"
	DNSSuffix string // amazonaws.com, amazonaws.com.cn...
	// RegionPattern is botocore's regionRegex: the names its regions have.
	RegionPattern string
	// AZIDsPublished says the table lists the AZ IDs of every region of
	// the partition.
	AZIDsPublished bool
	// CrossAccountObservability says CloudWatch cross-account observability
	// (OAM sinks and links) exists in the partition.
	CrossAccountObservability bool
	// Unsupported, when set, is why peerctl refuses the partition.
	Unsupported string
}

// RegionInfo is one region.
type RegionInfo struct {
	Name      string
	Partition string
	// AZIDs are the region's AZ IDs, sorted; empty when AWS does not
	// publish them (see PartitionInfo.AZIDsPublished).
	AZIDs []string
}

// HasAZID reports whether id is one of the region's AZ IDs.
func (r RegionInfo) HasAZID(id string) bool { return slices.Contains(r.AZIDs, id) }

// AZIDPrefix is what the region's AZ IDs start with before "-az":
// use1 for us-east-1; "" when the table lists none.
func (r RegionInfo) AZIDPrefix() string {
	if len(r.AZIDs) == 0 {
		return ""
	}
	prefix, _, _ := strings.Cut(r.AZIDs[0], "-az")
	return prefix
}

var (
	byName      = map[string]RegionInfo{}
	byPartition = map[string]PartitionInfo{}
	patterns    = map[string]*regexp.Regexp{}
)

func init() {
	for _, p := range partitions {
		byPartition[p.ID] = p
		patterns[p.ID] = regexp.MustCompile(p.RegionPattern)
	}
	for _, r := range table {
		byName[r.Name] = r
	}
}

// Region returns what the table knows of a region.
func Region(name string) (RegionInfo, bool) {
	r, ok := byName[name]
	if !ok {
		return RegionInfo{}, false
	}
	r.AZIDs = slices.Clone(r.AZIDs)
	return r, true
}

// Partition returns the partition id of a region: the table's, or, for a
// region the table does not know, the partition whose region pattern it
// matches, and "aws" for anything else (the SDKs' fallback).
func Partition(region string) string {
	if r, ok := byName[region]; ok {
		return r.Partition
	}
	// The aws partition is the fallback, so it is tried last.
	for _, p := range partitions[1:] {
		if patterns[p.ID].MatchString(region) {
			return p.ID
		}
	}
	return "aws"
}

// PartitionOf returns the partition a region is in.
func PartitionOf(region string) PartitionInfo { return byPartition[Partition(region)] }

// Partitions lists every partition.
func Partitions() []PartitionInfo { return slices.Clone(partitions) }

// All lists every region in table order.
func All() []RegionInfo {
	out := make([]RegionInfo, len(table))
	for i, r := range table {
		r.AZIDs = slices.Clone(r.AZIDs)
		out[i] = r
	}
	return out
}

// Closest returns the known region whose name is nearest to name (edit
// distance), for "did you mean" hints; ties go to the earlier in the
// table, so the answer is deterministic.
func Closest(name string) string {
	best, bestDist := "", -1
	for _, r := range table {
		if d := editDistance(name, r.Name); bestDist < 0 || d < bestDist {
			best, bestDist = r.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes
// (region names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
