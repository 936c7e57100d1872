package tags

import (
	"maps"
	"slices"
	"testing"
)

// The limits are AWS's documented numbers, written here by hand.
func TestDocumentedLimits(t *testing.T) {
	if MaxPerResource != 50 || MaxKeyChars != 128 || MaxValueChars != 256 {
		t.Errorf("limits = %d tags, %d/%d characters; AWS documents 50 tags per resource, keys of 128 and values of 256 characters",
			MaxPerResource, MaxKeyChars, MaxValueChars)
	}
}

// Every key that Defaults or Named sets on its own is in Fixed, so config
// validation, which refuses Fixed keys and counts them, sees every tag
// peerctl adds.
func TestFixedCoversWhatPeerctlSets(t *testing.T) {
	want := []string{"Name", "Environment", "CostCenter", "Project", "ManagedBy"}
	if !slices.Equal(Fixed(), want) {
		t.Errorf("Fixed() = %v, want %v", Fixed(), want)
	}
	set := Effective(Defaults("dev", "trading", nil), Named("trading-vpc-dev", KeyCostCenter, SharedCostCenter))
	got := slices.Sorted(maps.Keys(set))
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("keys peerctl sets = %v, want exactly %v", got, want)
	}
}

func TestEffectiveResourceTagsWin(t *testing.T) {
	extra := map[string]string{"Team": "network"}
	got := Effective(Defaults("prod", "trading", extra), Named("x-peering-prod", KeyCostCenter, SharedCostCenter))
	want := map[string]string{
		"Team": "network", "Environment": "prod", "CostCenter": "shared",
		"Project": "peerctl", "ManagedBy": "peerctl", "Name": "x-peering-prod",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Effective = %v, want %v", got, want)
	}
	if extra["CostCenter"] != "" || len(extra) != 1 {
		t.Errorf("Defaults changed the caller's map: %v", extra)
	}
}

func TestDefaultsOverrideExtra(t *testing.T) {
	got := Defaults("dev", "cc", map[string]string{"Environment": "x", "Owner": "o"})
	if got["Environment"] != "dev" || got["Owner"] != "o" || len(got) != 5 {
		t.Errorf("Defaults = %v", got)
	}
}
