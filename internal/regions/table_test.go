package regions

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// directionCodes abbreviate the direction words of region names the way AZ
// IDs do (use1 is us-east-1, apse2 ap-southeast-2, usgw1 us-gov-west-1),
// written down from the AWS AZ table rather than taken from the code.
var directionCodes = map[string]string{
	"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
	"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw", "gov": "g",
}

// wantAZIDPrefix derives the AZ ID prefix of a region name; "" if the
// name has a word the scheme does not cover.
func wantAZIDPrefix(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return ""
	}
	code := parts[0]
	for _, w := range parts[1 : len(parts)-1] {
		d, ok := directionCodes[w]
		if !ok {
			return ""
		}
		code += d
	}
	return code + parts[len(parts)-1]
}

// tableProblems lists everything wrong with a table: what a typo or a
// careless update would break.
func tableProblems(parts []PartitionInfo, regs []RegionInfo) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	known := map[string]PartitionInfo{}
	compiled := map[string]*regexp.Regexp{}
	for _, p := range parts {
		if _, dup := known[p.ID]; dup {
			bad("partition %s listed twice", p.ID)
		}
		if !regexp.MustCompile(`^aws(-[a-z]+)*$`).MatchString(p.ID) {
			bad("partition id %q is not an ARN partition like aws-us-gov", p.ID)
		}
		if p.DNSSuffix == "" || p.Name == "" {
			bad("partition %s has no name or DNS suffix", p.ID)
		}
		if p.ID != "aws" && p.Unsupported == "" && !p.AZIDsPublished {
			bad("partition %s is supported but its AZ IDs are not listed", p.ID)
		}
		re, err := regexp.Compile(p.RegionPattern)
		if err != nil {
			bad("partition %s: region pattern: %v", p.ID, err)
			continue
		}
		known[p.ID] = p
		compiled[p.ID] = re
	}
	seenRegion := map[string]bool{}
	seenAZ := map[string]string{}
	regionsOf := map[string]int{}
	for _, r := range regs {
		if seenRegion[r.Name] {
			bad("region %s listed twice", r.Name)
		}
		seenRegion[r.Name] = true
		p, ok := known[r.Partition]
		if !ok {
			bad("region %s: unknown partition %q", r.Name, r.Partition)
			continue
		}
		regionsOf[p.ID]++
		if !compiled[p.ID].MatchString(r.Name) {
			bad("region %s does not match partition %s's region pattern %s", r.Name, p.ID, p.RegionPattern)
		}
		for q, re := range compiled {
			if q != p.ID && re.MatchString(r.Name) {
				bad("region %s also matches partition %s's region pattern", r.Name, q)
			}
		}
		switch {
		case p.AZIDsPublished && len(r.AZIDs) < 3:
			// AWS: "Each Region has at least three Availability Zones".
			bad("region %s lists %d AZ IDs, AWS gives every region at least 3", r.Name, len(r.AZIDs))
		case !p.AZIDsPublished && len(r.AZIDs) > 0:
			bad("region %s lists AZ IDs its partition does not publish", r.Name)
		}
		prefix := wantAZIDPrefix(r.Name)
		azPattern := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `-az[1-9][0-9]?$`)
		for _, az := range r.AZIDs {
			if prefix == "" || !azPattern.MatchString(az) {
				bad("region %s: AZ ID %q does not match %s-az<n>", r.Name, az, prefix)
			}
			if other, dup := seenAZ[az]; dup {
				bad("AZ ID %s listed for %s and %s", az, other, r.Name)
			}
			seenAZ[az] = r.Name
		}
		// Numeric order: az9 before az10.
		if !slices.IsSortedFunc(r.AZIDs, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) }) {
			bad("region %s: AZ IDs are not in order", r.Name)
		}
	}
	for _, p := range parts {
		if regionsOf[p.ID] == 0 {
			bad("partition %s has no regions", p.ID)
		}
	}
	return out
}

func TestTableIsWellFormed(t *testing.T) {
	if problems := tableProblems(partitions, table); len(problems) > 0 {
		t.Errorf("the region table is malformed:\n  %s", strings.Join(problems, "\n  "))
	}
}

// TestTableProblemsNoticesMalformedTables plants one mistake at a time and
// checks the table check reports it, so TestTableIsWellFormed can fail.
func TestTableProblemsNoticesMalformedTables(t *testing.T) {
	tests := []struct {
		name  string
		plant func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo)
		want  string
	}{
		{"unknown partition", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			r[0].Partition = "aws-moon"
			return p, r
		}, `region us-east-1: unknown partition "aws-moon"`},
		{"AZ ID of another region", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			r[1].AZIDs = []string{"use2-az1", "use2-az2", "usw2-az3"}
			return p, r
		}, `region us-east-2: AZ ID "usw2-az3" does not match use2-az<n>`},
		{"duplicate AZ ID", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			r[1].AZIDs = []string{"use2-az1", "use2-az2", "use2-az2"}
			return p, r
		}, "AZ ID use2-az2 listed for us-east-2 and us-east-2"},
		{"duplicate region", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			return p, append(r, r[3])
		}, "region us-west-2 listed twice"},
		{"region in the wrong partition", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			r = append(r, RegionInfo{Name: "cn-south-1", Partition: "aws"})
			return p, r
		}, "region cn-south-1 does not match partition aws's region pattern " + `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`},
		{"a region of a published partition without AZ IDs", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			r[4].AZIDs = nil
			return p, r
		}, "region ca-central-1 lists 0 AZ IDs, AWS gives every region at least 3"},
		{"a partition without regions", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			return append(p, PartitionInfo{ID: "aws-new", Name: "new", DNSSuffix: "example", RegionPattern: `^new-\w+-\d+$`, Unsupported: "x"}), r
		}, "partition aws-new has no regions"},
		{"AZ IDs out of order", func(p []PartitionInfo, r []RegionInfo) ([]PartitionInfo, []RegionInfo) {
			r[1].AZIDs = []string{"use2-az2", "use2-az1", "use2-az3"}
			return p, r
		}, "region us-east-2: AZ IDs are not in order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			regs := All()
			parts := Partitions()
			parts, regs = tt.plant(parts, regs)
			got := tableProblems(parts, regs)
			if !slices.Contains(got, tt.want) {
				t.Errorf("problems:\n  %s\nwant among them:\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
}
