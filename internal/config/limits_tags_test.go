package config

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// AWS's tag rules (Tagging AWS Resources, "Tag naming limits and
// requirements"; IAM API reference, Tag): 50 tags per resource counting
// every user tag, keys of 1-128 and values of 0-256 characters (not
// bytes), letters, digits, spaces and _.:/=+-@ only, no aws: prefix in any
// case; and IAM compares keys case-insensitively.
func TestTagLimits(t *testing.T) {
	const charsRule = "is not a letter, digit, space or one of _ . : / = + - @ (the characters every AWS service accepts in tags)"
	key128 := strings.Repeat("é", 128) // 256 bytes, 128 characters
	val256 := strings.Repeat("ü", 256) // 512 bytes, 256 characters
	tests := []struct {
		name string
		tags map[string]string
		want []string
	}{
		{"128-character key of 2-byte letters", map[string]string{key128: "x"}, nil},
		{"129-character key", map[string]string{key128 + "é": "x"},
			[]string{`peerctl:tags: "` + key128 + `é" is not a valid tag key: it has 129 characters, AWS allows 128`}},
		{"256-character value of 2-byte letters", map[string]string{"Owner": val256}, nil},
		{"257-character value", map[string]string{"Owner": val256 + "ü"},
			[]string{`peerctl:tags.Owner: "` + val256 + `ü" is not a valid tag value: it has 257 characters, AWS allows 256`}},
		{"empty value", map[string]string{"Owner": ""}, nil},
		{"every allowed kind of character", map[string]string{"Équipe 2_a.b:c/d=e+f-g@h": "Données 3 ٣\u00a0x"}, nil},
		{"aws prefix", map[string]string{"aws:owner": "x"},
			[]string{`peerctl:tags: "aws:owner" is not a valid tag key (1-128 characters, not starting with aws:)`}},
		{"AWS prefix upper case", map[string]string{"AWS:owner": "x"},
			[]string{`peerctl:tags: "AWS:owner" is not a valid tag key (1-128 characters, not starting with aws:)`}},
		{"Aws prefix mixed case", map[string]string{"Aws:owner": "x"},
			[]string{`peerctl:tags: "Aws:owner" is not a valid tag key (1-128 characters, not starting with aws:)`}},
		{"aws prefix in a value", map[string]string{"Owner": "AWS:team"},
			[]string{`peerctl:tags.Owner: "AWS:team" is not a valid tag value: it starts with aws:, a prefix AWS reserves for its own tags (in any case)`}},
		{"aws without colon is fine", map[string]string{"awsome": "aws-team"}, nil},
		{"our key exactly", map[string]string{"Environment": "x"},
			[]string{`peerctl:tags.Environment: "x" cannot be set: peerctl sets the Environment tag itself`}},
		{"our key in lower case", map[string]string{"environment": "x"},
			[]string{`peerctl:tags: "environment" differs only in case from Environment, a tag peerctl sets itself; IAM treats tag keys case-insensitively and refuses both on one role`}},
		{"name in lower case", map[string]string{"name": "x"},
			[]string{`peerctl:tags: "name" differs only in case from Name, a tag peerctl sets itself; IAM treats tag keys case-insensitively and refuses both on one role`}},
		{"cost center in upper case", map[string]string{"COSTCENTER": "x", "managedby": "y"},
			[]string{
				`peerctl:tags: "COSTCENTER" differs only in case from CostCenter, a tag peerctl sets itself; IAM treats tag keys case-insensitively and refuses both on one role`,
				`peerctl:tags: "managedby" differs only in case from ManagedBy, a tag peerctl sets itself; IAM treats tag keys case-insensitively and refuses both on one role`,
			}},
		{"two of ours differing in case", map[string]string{"Team": "a", "team": "b"},
			[]string{`peerctl:tags: "team" differs only in case from "Team", also in peerctl:tags; IAM treats tag keys case-insensitively and refuses both on one role`}},
		{"character outside the common set in a key", map[string]string{"cost!center": "x"},
			[]string{`peerctl:tags: "cost!center" is not a valid tag key: '!' ` + charsRule}},
		{"zero-width space in a value", map[string]string{"Owner": "a\u200bb"},
			[]string{`peerctl:tags.Owner: "a\u200bb" is not a valid tag value: '\u200b' ` + charsRule}},
		{"emoji in a value (EC2 takes it, IAM does not)", map[string]string{"Owner": "team 🚀"},
			[]string{`peerctl:tags.Owner: "team 🚀" is not a valid tag value: '🚀' ` + charsRule}},
		{"empty key", map[string]string{"": "x"},
			[]string{`peerctl:tags: has an empty tag key; keys are 1-128 characters`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := limitsProblems(t, Raw{"peerctl:tags": mustJSON(t, tt.tags)})
			wantProblems(t, got, tt.want...)
		})
	}
}

// 5 tags peerctl sets (Name, Environment, CostCenter, Project, ManagedBy)
// plus 45 of the stack's make the 50 AWS allows; one more is refused.
func TestTagCountIncludesOurs(t *testing.T) {
	extra := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("Tag%02d", i)] = "v"
		}
		return m
	}
	wantProblems(t, limitsProblems(t, Raw{"peerctl:tags": mustJSON(t, extra(45))}))
	wantProblems(t, limitsProblems(t, Raw{"peerctl:tags": mustJSON(t, extra(46))}),
		`peerctl:tags: has 46 tags; with the 5 peerctl sets on every resource (Name, Environment, CostCenter, Project, ManagedBy) a resource would carry 51, over the 50 AWS allows per resource`)
}

// TestCostCenterIsATagValue: a network's costCenter becomes its CostCenter
// tag, so it follows the tag value rules, counted in characters.
func TestCostCenterIsATagValue(t *testing.T) {
	long := strings.Repeat("é", 256)
	tests := []struct {
		name, costCenter, want string
	}{
		{"256 two-byte characters fit", long, ""},
		{"257 characters do not", long + "é", `peerctl:networks[0].costCenter: "` + long + `é" is not a valid tag value: it has 257 characters, AWS allows 256`},
		{"aws: prefix", "aws:billing", `peerctl:networks[0].costCenter: "aws:billing" is not a valid tag value: it starts with aws:, a prefix AWS reserves for its own tags (in any case)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := Raw{"peerctl:networks": `[{"name":"trading","cidr":"10.0.0.0/16","costCenter":` + strconv.Quote(tt.costCenter) + `},` +
				`{"name":"analytics","cidr":"10.1.0.0/16","costCenter":"analytics"}]`}
			_, err := Parse(raw, nil)
			got := ""
			if err != nil {
				got = err.Error()
			}
			want := tt.want
			if want != "" {
				want = "invalid configuration: " + want
			}
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
