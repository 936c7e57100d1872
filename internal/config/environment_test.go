package config

import (
	"strings"
	"testing"
)

// What makes a stack production is its stack file: ENVIRONMENT_SUFFIX
// renames, and can add production safeguards, but never removes them.
func TestEnvironmentOverrideKeepsProduction(t *testing.T) {
	tests := []struct {
		name           string
		file           string // peerctl:environment, "" for none
		suffix         string // ENVIRONMENT_SUFFIX, "" for unset
		wantEnv        string
		wantStack      string
		wantProd       bool
		wantOverridden bool
	}{
		{name: "prod stack file", file: "prod", wantEnv: "prod", wantStack: "prod", wantProd: true},
		{name: "qa override on a prod stack file stays production", file: "prod", suffix: "qa",
			wantEnv: "qa", wantStack: "prod", wantProd: true, wantOverridden: true},
		{name: "dev stack file", file: "dev", wantEnv: "dev", wantStack: "dev"},
		{name: "qa override on a dev stack file", file: "dev", suffix: "qa", wantEnv: "qa", wantStack: "dev", wantOverridden: true},
		{name: "prod override on a dev stack file gets the safeguards of prod's names", file: "dev", suffix: "prod",
			wantEnv: "prod", wantStack: "dev", wantProd: true, wantOverridden: true},
		{name: "an override equal to the stack file is no override", file: "staging", suffix: "staging",
			wantEnv: "staging", wantStack: "staging"},
		{name: "no environment anywhere", wantEnv: "dev", wantStack: "dev"},
		{name: "override of the default", suffix: "qa", wantEnv: "qa", wantStack: "dev", wantOverridden: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "config: {}\n"
			if tt.file != "" {
				yaml = "config:\n  peerctl:environment: " + tt.file + "\n"
			}
			vars := map[string]string{}
			if tt.suffix != "" {
				vars["ENVIRONMENT_SUFFIX"] = tt.suffix
			}
			c, err := parseForNames(t, yaml, vars)
			if err != nil {
				t.Fatal(err)
			}
			if c.Environment != tt.wantEnv || c.StackEnvironment != tt.wantStack || c.IsProd() != tt.wantProd || c.EnvironmentOverridden() != tt.wantOverridden {
				t.Errorf("environment %q, stack file %q, prod %v, overridden %v; want %q, %q, %v, %v",
					c.Environment, c.StackEnvironment, c.IsProd(), c.EnvironmentOverridden(),
					tt.wantEnv, tt.wantStack, tt.wantProd, tt.wantOverridden)
			}
		})
	}
}

// The safeguards themselves, as config decides them: production keeps flow
// log buckets (no forceDestroy) for a year whatever ENVIRONMENT_SUFFIX says.
func TestEnvironmentOverrideKeepsFlowLogSafeguards(t *testing.T) {
	c, err := parseForNames(t, "config:\n  peerctl:environment: prod\n", map[string]string{"ENVIRONMENT_SUFFIX": "qa"})
	if err != nil {
		t.Fatal(err)
	}
	if fd := c.Observability.FlowLogs.ForceDestroy; fd == nil || *fd {
		t.Errorf("forceDestroy = %v, want false on a production stack file", fd)
	}
	if got := c.Observability.FlowLogs.S3RetentionDays; got != 365 {
		t.Errorf("s3RetentionDays = %d, want 365 (the documented production default)", got)
	}
}

// Both the stack file's environment and the override must be valid suffixes:
// the stack file is checked on its own, so switching the variable off never
// reveals an invalid stack file.
func TestEnvironmentBothValidated(t *testing.T) {
	const rule = "must be 1-16 lowercase letters, digits or hyphens, not starting or ending with a hyphen (it goes into S3 bucket names)"
	tests := []struct {
		name, file, suffix, want string
	}{
		{"bad stack file under a good override", "Prod", "qa", `peerctl:environment: "Prod" ` + rule},
		{"bad override", "dev", "QA_1", `ENVIRONMENT_SUFFIX: "QA_1" ` + rule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseForNames(t, "config:\n  peerctl:environment: "+tt.file+"\n", map[string]string{"ENVIRONMENT_SUFFIX": tt.suffix})
			if err == nil {
				t.Fatal("accepted")
			}
			if got := strings.Join(problemsForNames(t, err), "\n"); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// Two networks on one profile but different roles may be in different
// accounts: only the same profile AND the same role prove one account.
func TestSameAccountNeedsTheSameRole(t *testing.T) {
	const roleA = "arn:aws:iam::111111111111:role/peerctl"
	tests := []struct {
		name string
		a, b Account
		want bool
	}{
		{"both default credentials", Account{}, Account{}, true},
		{"one profile", Account{Profile: "ops"}, Account{Profile: "ops"}, true},
		{"one profile, a role on one side only", Account{Profile: "ops"}, Account{Profile: "ops", RoleARN: roleA}, false},
		{"one profile, two roles without ids in a form we read", Account{Profile: "ops", RoleARN: "role-a"}, Account{Profile: "ops", RoleARN: "role-b"}, false},
		{"one profile, one role", Account{Profile: "ops", RoleARN: "role-a"}, Account{Profile: "ops", RoleARN: "role-a"}, true},
		{"two profiles", Account{Profile: "a"}, Account{Profile: "b"}, false},
		{"ids decide", Account{ID: "111111111111", Profile: "a"}, Account{ID: "111111111111", Profile: "b"}, true},
		{"different ids", Account{ID: "111111111111"}, Account{ID: "222222222222"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{Networks: []Network{{Name: "a", Account: tt.a}, {Name: "b", Account: tt.b}}}
			if got := c.SameAccount(Peering{Requester: "a", Accepter: "b"}); got != tt.want {
				t.Errorf("SameAccount = %v, want %v", got, tt.want)
			}
		})
	}
}
