package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/peerctl/peerctl/internal/tags"
)

// tagCharsPattern is the character set AWS allows in tag keys and values
// across services: letters, digits, spaces and _.:/=+-@ (the pattern of
// IAM's Tag API, [\p{L}\p{Z}\p{N}_.:/=+\-@]*). EC2 accepts any character,
// but the same tags reach IAM roles, S3 buckets, SNS topics and KMS keys
// through the provider's default tags, so only the common set is safe.
var tagCharsPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// ReservedTags are set by peerctl on every resource and cannot be overridden.
var ReservedTags = tags.Fixed()

// reservedTagPrefix starts the tags AWS sets itself; services refuse it in
// keys, and several (per their tagging restrictions) in values, in any case.
const reservedTagPrefix = "aws:"

const tagCharsRule = "a letter, digit, space or one of _ . : / = + - @ (the characters every AWS service accepts in tags)"

func validateTags(field string, extra map[string]string, p *problems) {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range extra {
			if !yield(k) {
				return
			}
		}
	})
	// IAM compares tag keys case-insensitively (and refuses Team next to
	// team on one role), so keys are compared folded, with ours and with
	// each other.
	seen := map[string]string{}
	for _, k := range ReservedTags {
		seen[strings.ToLower(k)] = k
	}
	for _, k := range keys {
		v := extra[k]
		folded := strings.ToLower(k)
		switch prev, clash := seen[folded]; {
		case slices.Contains(ReservedTags, k):
			p.add(field+"."+k, v, "cannot be set: peerctl sets the %s tag itself", k)
			continue
		case clash && slices.Contains(ReservedTags, prev):
			p.add(field, k, "differs only in case from %s, a tag peerctl sets itself; IAM treats tag keys case-insensitively and refuses both on one role", prev)
			continue
		case clash:
			p.add(field, k, "differs only in case from %q, also in %s; IAM treats tag keys case-insensitively and refuses both on one role", prev, field)
			continue
		}
		seen[folded] = k
		if reason := tagKeyProblem(k); reason != "" {
			switch {
			case hasReservedPrefix(k):
				p.add(field, k, "is not a valid tag key (1-128 characters, not starting with aws:)")
			case k == "":
				p.add(field, "", "has an empty tag key; %s", reason)
			default:
				p.add(field, k, "is not a valid tag key: %s", reason)
			}
			continue
		}
		if reason := tagValueProblem(v); reason != "" {
			p.add(field+"."+k, v, "is not a valid tag value: %s", reason)
		}
	}
	// Every resource carries the provider's default tags (ours plus these)
	// and its own Name; AWS counts them all against one limit.
	effective := tags.Effective(tags.Defaults("env", "cost-center", extra), tags.Named("name"))
	if n := len(effective); n > tags.MaxPerResource {
		p.add(field, "", "has %d tags; with the %d peerctl sets on every resource (%s) a resource would carry %d, over the %d AWS allows per resource",
			len(extra), len(ReservedTags), strings.Join(ReservedTags, ", "), n, tags.MaxPerResource)
	}
}

// tagKeyProblem says what is wrong with a tag key, or "".
func tagKeyProblem(k string) string {
	switch n := utf8.RuneCountInString(k); {
	case n == 0:
		return fmt.Sprintf("keys are 1-%d characters", tags.MaxKeyChars)
	case n > tags.MaxKeyChars:
		return fmt.Sprintf("it has %d characters, AWS allows %d", n, tags.MaxKeyChars)
	case hasReservedPrefix(k):
		return "it starts with aws:, a prefix AWS reserves for its own tags (in any case)"
	}
	if r, bad := firstBadTagRune(k); bad {
		return fmt.Sprintf("%s is not %s", strconv.QuoteRune(r), tagCharsRule)
	}
	return ""
}

// tagValueProblem says what is wrong with a tag value, or "".
func tagValueProblem(v string) string {
	if n := utf8.RuneCountInString(v); n > tags.MaxValueChars {
		return fmt.Sprintf("it has %d characters, AWS allows %d", n, tags.MaxValueChars)
	}
	if hasReservedPrefix(v) {
		return "it starts with aws:, a prefix AWS reserves for its own tags (in any case)"
	}
	if r, bad := firstBadTagRune(v); bad {
		return fmt.Sprintf("%s is not %s", strconv.QuoteRune(r), tagCharsRule)
	}
	return ""
}

func hasReservedPrefix(s string) bool {
	return len(s) >= len(reservedTagPrefix) && strings.EqualFold(s[:len(reservedTagPrefix)], reservedTagPrefix)
}

func firstBadTagRune(s string) (rune, bool) {
	for _, r := range s {
		if !tagCharsPattern.MatchString(string(r)) {
			return r, true
		}
	}
	return 0, false
}
