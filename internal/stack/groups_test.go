package stack

import (
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

// Account-wide resources follow the account the credentials really reach:
// two profiles into one account make one group, whatever the configuration
// could prove.
func TestAccountGroupsFollowResolvedAccounts(t *testing.T) {
	cfg := &config.Config{Networks: []config.Network{
		{Name: "trading", Account: config.Account{Profile: "trading"}},
		{Name: "analytics", Account: config.Account{Profile: "analytics"}},
		{Name: "risk", Account: config.Account{Profile: "risk"}},
	}}
	tests := []struct {
		name string
		ids  map[string]string
		want [][]string
	}{
		{"three accounts", map[string]string{"trading": "111111111111", "analytics": "222222222222", "risk": "333333333333"},
			[][]string{{"trading"}, {"analytics"}, {"risk"}}},
		{"two profiles, one account", map[string]string{"trading": "111111111111", "analytics": "222222222222", "risk": "111111111111"},
			[][]string{{"trading", "risk"}, {"analytics"}}},
		{"all in one", map[string]string{"trading": "111111111111", "analytics": "111111111111", "risk": "111111111111"},
			[][]string{{"trading", "analytics", "risk"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Result{Accounts: map[string]*Account{}}
			for n, id := range tt.ids {
				r.Accounts[n] = &Account{ID: id}
			}
			var got [][]string
			for _, g := range accountGroups(cfg, r) {
				got = append(got, g.NetworkNames())
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("groups = %v, want %v", got, tt.want)
			}
		})
	}
}
