package policy

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func exceptionsPlan() map[string]any {
	return planOf("dev",
		res("urn:nat", "aws:ec2/natGateway:NatGateway", "nat", "nat-1", "trading", map[string]any{"subnetId": "subnet-a"}),
		res("urn:subnet-a", "aws:ec2/subnet:Subnet", "a", "subnet-a", "trading", map[string]any{"mapPublicIpOnLaunch": true}),
		res("urn:subnet-b", "aws:ec2/subnet:Subnet", "b", "subnet-b", "trading", map[string]any{"mapPublicIpOnLaunch": true}),
	)
}

func TestExceptions(t *testing.T) {
	xs, err := LoadExceptions(filepath.Join("testdata", "exceptions", ExceptionsFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		now            time.Time
		wantKept       []string
		wantSuppressed []string
		wantExpired    []bool
	}{
		{
			name:     "before every expiry",
			now:      time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC), // last second of the third one's day
			wantKept: nil,
			// Exceptions are named by the file's own name, never its path: the
			// plan JSON must not depend on where the checkout is.
			wantSuppressed: []string{"NET-005 urn:nat by policy-exceptions.yaml:4", "NET-006 urn:subnet-a by policy-exceptions.yaml:9", "NET-006 urn:subnet-b by policy-exceptions.yaml:14"},
			wantExpired:    []bool{false, false, false},
		},
		{
			name:           "the third has expired",
			now:            time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
			wantKept:       []string{"NET-006 urn:subnet-b"},
			wantSuppressed: []string{"NET-005 urn:nat by policy-exceptions.yaml:4", "NET-006 urn:subnet-a by policy-exceptions.yaml:9"},
			wantExpired:    []bool{false, false, true},
		},
		{
			name:        "all expired",
			now:         time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			wantKept:    []string{"NET-005 urn:nat", "NET-006 urn:subnet-a", "NET-006 urn:subnet-b"},
			wantExpired: []bool{true, true, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(context.Background(), Options{Exceptions: xs, Now: func() time.Time { return tt.now }})
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.Check(context.Background(), exceptionsPlan())
			if err != nil {
				t.Fatal(err)
			}
			var kept, suppressed []string
			for _, f := range r.Findings {
				if strings.HasPrefix(f.Rule, "NET-") {
					kept = append(kept, f.Rule+" "+f.URN)
				}
			}
			for _, s := range r.Suppressed {
				suppressed = append(suppressed, s.Rule+" "+s.URN+" by "+s.Exception)
			}
			var expired []bool
			for _, s := range r.Exceptions {
				expired = append(expired, s.Expired)
			}
			if !reflect.DeepEqual(kept, tt.wantKept) || !reflect.DeepEqual(suppressed, tt.wantSuppressed) || !reflect.DeepEqual(expired, tt.wantExpired) {
				t.Errorf("kept %v, suppressed %v, expired %v\nwant %v, %v, %v", kept, suppressed, expired, tt.wantKept, tt.wantSuppressed, tt.wantExpired)
			}
			if s := r.Exceptions[2]; s.Matched != 1 || (s.Expired && s.Suppressed != 0) {
				t.Errorf("third exception status %+v: want 1 match, nothing suppressed once expired", s)
			}
		})
	}
}

func TestLoadExceptionsMissingFile(t *testing.T) {
	xs, err := LoadExceptions(filepath.Join(t.TempDir(), ExceptionsFile))
	if err != nil || xs != nil {
		t.Errorf("LoadExceptions(missing) = %v, %v; want no exceptions", xs, err)
	}
}

func TestParseExceptionsErrors(t *testing.T) {
	const f = "policy-exceptions.yaml"
	tests := []struct {
		name, src, want string
	}{
		{"no reason", "exceptions:\n  - rule: NET-001\n    resource: \"*\"\n    expires: 2026-01-01\n",
			`policy-exceptions.yaml:2: invalid policy exceptions: rule NET-001: reason is required: say why the finding is accepted and who accepted it`},
		{"no resource", "exceptions:\n  - rule: NET-001\n    reason: r\n    expires: 2026-01-01\n",
			`policy-exceptions.yaml:2: invalid policy exceptions: rule NET-001: resource is required: a URN, a pattern with * or "*" for every resource`},
		{"no expiry", "exceptions:\n  - rule: NET-001\n    resource: \"*\"\n    reason: r\n",
			`policy-exceptions.yaml:2: invalid policy exceptions: rule NET-001: expires "" is not a date YYYY-MM-DD`},
		{"bad date", "exceptions:\n  - rule: NET-001\n    resource: \"*\"\n    reason: r\n    expires: 31/12/2026\n",
			`policy-exceptions.yaml:2: invalid policy exceptions: rule NET-001: expires "31/12/2026" is not a date YYYY-MM-DD`},
		{"rule name instead of id", "exceptions:\n  - rule: deny_net_001\n    resource: \"*\"\n    reason: r\n    expires: 2026-01-01\n",
			`policy-exceptions.yaml:2: invalid policy exceptions: rule "deny_net_001" is not a rule id such as NET-007 (peerctl policy list shows them)`},
		{"unknown field", "exceptions:\n  - rule: NET-001\n    urn: x\n",
			`policy-exceptions.yaml:2: invalid policy exceptions: line 3: unknown field "urn"; an exception has rule, resource, reason and expires`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExceptions(f, []byte(tt.src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
			if !errors.Is(err, ErrInvalidExceptions) {
				t.Errorf("error %v does not match ErrInvalidExceptions", err)
			}
		})
	}
}
