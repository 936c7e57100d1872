package config

import (
	"regexp"
	"slices"
	"strings"
)

// tagCharsPattern is the character set AWS allows in tag keys and values.
var tagCharsPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// ReservedTags are set by peerctl on every resource and cannot be overridden.
var ReservedTags = []string{"Name", "Environment", "CostCenter", "Project", "ManagedBy"}

// costCenterMaxChars is the longest tag value AWS accepts.
const costCenterMaxChars = 256

func validateTags(field string, tags map[string]string, p *problems) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := tags[k]
		switch {
		case slices.Contains(ReservedTags, k):
			p.add(field+"."+k, v, "cannot be set: peerctl sets the %s tag itself", k)
		case k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") || !tagCharsPattern.MatchString(k):
			p.add(field, k, "is not a valid tag key (1-128 characters, not starting with aws:)")
		case len(v) > 256 || !tagCharsPattern.MatchString(v):
			p.add(field+"."+k, v, "is not a valid tag value (at most 256 letters, digits, spaces and _.:/=+-@)")
		}
	}
}
