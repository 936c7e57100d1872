package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// namesStack is a stack file with networks called names (10.<i>.0.0/16)
// and the given peerings ("requester>accepter").
func namesStack(names []string, peerings ...string) string {
	var b strings.Builder
	b.WriteString("config:\n  peerctl:networks:\n")
	for i, n := range names {
		fmt.Fprintf(&b, "    - {name: %q, cidr: 10.%d.0.0/16, costCenter: c}\n", n, i)
	}
	b.WriteString("  peerctl:peerings:\n")
	for _, p := range peerings {
		r, a, _ := strings.Cut(p, ">")
		fmt.Fprintf(&b, "    - {requester: %q, accepter: %q}\n", r, a)
	}
	return b.String()
}

// parseForNames parses a stack file's text with the given environment variables.
func parseForNames(t *testing.T, yaml string, vars map[string]string) (*Config, error) {
	t.Helper()
	raw, err := ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatalf("ParseStackYAML: %v", err)
	}
	return Parse(raw, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
}

// problemsForNames lists the messages of a validation error without line numbers.
func problemsForNames(t *testing.T, err error) []string {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var out []string
	for _, p := range verr.Problems {
		c := *p
		c.Line = 0
		out = append(out, c.Error())
	}
	return out
}

// Names that would make two resources share a URN (which the Pulumi engine
// refuses) are refused before anything is registered. The messages are the
// product: compared exactly.
func TestNamesThatCouldCollide(t *testing.T) {
	tests := []struct {
		name     string
		networks []string
		peerings []string
		want     []string // nil: accepted
	}{
		{name: "hyphenated names that cannot collide", networks: []string{"a", "b-c", "a-b", "c"},
			peerings: []string{"a>c", "a-b>b-c"}},
		{name: "a + b-c and a-b + c both spell a-b-c", networks: []string{"a", "b-c", "a-b", "c"},
			peerings: []string{"a>b-c", "a-b>c"},
			want:     []string{`peerctl:peerings[1]: "a-b-c" (a-b to c) has the same name as peerctl:peerings[0] (a to b-c): a peering is named <requester>-<accepter>, and network names contain hyphens; rename a network`}},
		{name: "the same name three ways", networks: []string{"a", "b-c-d", "a-b", "c-d", "a-b-c", "d"},
			peerings: []string{"a>b-c-d", "a-b>c-d", "a-b-c>d"},
			want: []string{
				`peerctl:peerings[1]: "a-b-c-d" (a-b to c-d) has the same name as peerctl:peerings[0] (a to b-c-d): a peering is named <requester>-<accepter>, and network names contain hyphens; rename a network`,
				`peerctl:peerings[2]: "a-b-c-d" (a-b-c to d) has the same name as peerctl:peerings[0] (a to b-c-d): a peering is named <requester>-<accepter>, and network names contain hyphens; rename a network`,
			}},
		{name: "s3 is the S3 endpoint's rule name", networks: []string{"a", "s3"}, peerings: []string{"a>s3"},
			want: []string{`peerctl:networks[1].name: "s3" is reserved: peerctl names the security group rules to the S3 and DynamoDB gateway endpoints with it (<network>-app-sg-out-443-s3)`}},
		{name: "dynamodb is the DynamoDB endpoint's rule name", networks: []string{"dynamodb", "b"}, peerings: []string{"dynamodb>b"},
			want: []string{`peerctl:networks[0].name: "dynamodb" is reserved: peerctl names the security group rules to the S3 and DynamoDB gateway endpoints with it (<network>-app-sg-out-443-dynamodb)`}},
		{name: "names containing s3 are fine", networks: []string{"s3-data", "dynamodb2"}, peerings: []string{"s3-data>dynamodb2"}},
		{name: "security group rule names", networks: []string{"a", "a-app-sg-in-443-b", "b-app-sg-in-443-c", "c"},
			peerings: []string{"a>b-app-sg-in-443-c", "a-app-sg-in-443-b>c"},
			want:     []string{`peerctl:networks[1].name: "a-app-sg-in-443-b" is network "a" (peerctl:networks[0]) followed by "-app", a word peerctl puts after network names (a-app-...); the two networks' resource names could collide: rename one`}},
		{name: "alarm names", networks: []string{"a", "a-to-b", "b-to-c", "c"}, peerings: []string{"a>b-to-c", "a-to-b>c"},
			want: []string{`peerctl:networks[1].name: "a-to-b" is network "a" (peerctl:networks[0]) followed by "-to", a word peerctl puts after network names (a-to-...); the two networks' resource names could collide: rename one`}},
		{name: "from, in either order", networks: []string{"x-from-y", "x"}, peerings: []string{"x>x-from-y"},
			want: []string{`peerctl:networks[0].name: "x-from-y" is network "x" (peerctl:networks[1]) followed by "-from", a word peerctl puts after network names (x-from-...); the two networks' resource names could collide: rename one`}},
		{name: "peer alarm names", networks: []string{"a", "a-peer-alarms"}, peerings: []string{"a>a-peer-alarms"},
			want: []string{`peerctl:networks[1].name: "a-peer-alarms" is network "a" (peerctl:networks[0]) followed by "-peer", a word peerctl puts after network names (a-peer-...); the two networks' resource names could collide: rename one`}},
		{name: "other words after a network's name are fine", networks: []string{"trading", "trading-eu", "trading-application"},
			peerings: []string{"trading>trading-eu", "trading-eu>trading-application"}},
		{name: "route names", networks: []string{"a", "b", "b-route-a"}, peerings: []string{"a>b", "a>b-route-a"},
			want: []string{`peerctl:peerings[1]: "a-b-route-a" (a to b-route-a) is peering "a-b" (peerctl:peerings[0]) followed by "-route", a word peerctl puts after peering names (a-b-route-...); the two peerings' resource names could collide: rename a network`}},
		{name: "options of a same-account peering", networks: []string{"a", "b", "b-accepter"}, peerings: []string{"a>b-accepter", "a>b"},
			want: []string{`peerctl:peerings[0]: "a-b-accepter" (a to b-accepter) is peering "a-b" (peerctl:peerings[1]) followed by "-accepter", a word peerctl puts after peering names (a-b-accepter-...); the two peerings' resource names could collide: rename a network`}},
		{name: "requester", networks: []string{"a", "b", "b-requester"}, peerings: []string{"a>b", "a>b-requester"},
			want: []string{`peerctl:peerings[1]: "a-b-requester" (a to b-requester) is peering "a-b" (peerctl:peerings[0]) followed by "-requester", a word peerctl puts after peering names (a-b-requester-...); the two peerings' resource names could collide: rename a network`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseForNames(t, namesStack(tt.networks, tt.peerings...), nil)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			got := problemsForNames(t, err)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
