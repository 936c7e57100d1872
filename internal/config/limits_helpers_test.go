package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// limitsProblems parses raw configuration (Pulumi form: JSON-encoded values,
// so the YAML layer plays no part) and returns every problem's message; nil
// when the configuration is accepted.
func limitsProblems(t *testing.T, raw Raw) []string {
	t.Helper()
	_, err := Parse(raw, nil)
	if err == nil {
		return nil
	}
	var verr *ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("want a *ValidationError, got %v", err)
	}
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.Error())
	}
	return out
}

// wantProblems fails unless got is exactly want (nil: accepted).
func wantProblems(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// limitsNet is one network of a peerctl:networks list, 10.<i>.0.0/16.
type limitsNet struct {
	name    string
	account map[string]string
}

// networksRaw builds peerctl:networks (and a chain of peerings, so every
// network is peered) from nets, plus the extra keys.
func networksRaw(t *testing.T, nets []limitsNet, extra Raw) Raw {
	t.Helper()
	var list []map[string]any
	var peerings []map[string]string
	for i, n := range nets {
		m := map[string]any{"name": n.name, "cidr": fmt.Sprintf("10.%d.0.0/16", i), "costCenter": "cc"}
		if n.account != nil {
			m["account"] = n.account
		}
		list = append(list, m)
		if i > 0 {
			peerings = append(peerings, map[string]string{"requester": nets[i-1].name, "accepter": n.name})
		}
	}
	raw := Raw{"peerctl:networks": mustJSON(t, list), "peerctl:peerings": mustJSON(t, peerings)}
	for k, v := range extra {
		raw[k] = v
	}
	return raw
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameAccountNets is n networks net0..net<n-1> that all use account.
func sameAccountNets(n int, account map[string]string) []limitsNet {
	out := make([]limitsNet, n)
	for i := range out {
		out[i] = limitsNet{name: fmt.Sprintf("net%d", i), account: account}
	}
	return out
}
