package config

import (
	"strings"
	"testing"
)

// The second network's account settings, checked on their own: the first
// network is in account 111111111111 on its own profile.
func accountRaw(t *testing.T, region string, account map[string]string) Raw {
	t.Helper()
	extra := Raw{}
	if region != "" {
		extra["peerctl:region"] = region
	}
	return networksRaw(t, []limitsNet{
		{"trading", map[string]string{"id": "111111111111", "profile": "trading"}},
		{"analytics", account},
	}, extra)
}

func TestAccountSettings(t *testing.T) {
	const profileRule = "is not a valid AWS profile name (at most 128 characters, without spaces, brackets or control characters: it names a [profile ...] section of the AWS config file)"
	name64 := strings.Repeat("r", 64)
	path512 := "/" + strings.Repeat("p", 510) + "/"
	tests := []struct {
		name    string
		region  string
		account map[string]string
		want    []string
	}{
		// externalId and sessionName only mean something for an assumed role.
		{"externalId without roleArn", "", map[string]string{"externalId": "peerctl-2024"},
			[]string{`peerctl:networks[1].account: sets sessionName or externalId without roleArn`}},
		{"externalId with a profile but no roleArn", "", map[string]string{"profile": "analytics", "externalId": "peerctl-2024"},
			[]string{`peerctl:networks[1].account: sets sessionName or externalId without roleArn`}},
		{"sessionName without roleArn", "", map[string]string{"sessionName": "peerctl-x"},
			[]string{`peerctl:networks[1].account: sets sessionName or externalId without roleArn`}},
		{"externalId with roleArn", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/deployer", "externalId": "peerctl-2024"}, nil},

		// A profile is a [profile <name>] section of ~/.aws/config.
		{"profile with a space", "", map[string]string{"profile": "analytics dev"},
			[]string{`peerctl:networks[1].account.profile: "analytics dev" ` + profileRule}},
		{"profile with a tab", "", map[string]string{"profile": "analytics\tdev"},
			[]string{`peerctl:networks[1].account.profile: "analytics\tdev" ` + profileRule}},
		{"profile with an opening bracket", "", map[string]string{"profile": "[analytics"},
			[]string{`peerctl:networks[1].account.profile: "[analytics" ` + profileRule}},
		{"profile with a closing bracket", "", map[string]string{"profile": "analytics]"},
			[]string{`peerctl:networks[1].account.profile: "analytics]" ` + profileRule}},
		{"profile with a no-break space", "", map[string]string{"profile": "analytics\u00a0dev"},
			[]string{`peerctl:networks[1].account.profile: "analytics\u00a0dev" ` + profileRule}},
		{"profile with a newline", "", map[string]string{"profile": "a\nb"},
			[]string{`peerctl:networks[1].account.profile: "a\nb" ` + profileRule}},
		{"profile of 129 characters", "", map[string]string{"profile": strings.Repeat("p", 129)},
			[]string{`peerctl:networks[1].account.profile: "` + strings.Repeat("p", 129) + `" ` + profileRule}},
		{"profile of 128 characters", "", map[string]string{"profile": strings.Repeat("p", 128)}, nil},
		{"SSO-style profile", "", map[string]string{"profile": "org.analytics_Admin-1"}, nil},

		// Role ARNs: IAM paths and names (CreateRole), the account, the
		// partition of the stack's region.
		{"role with a path", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/network/ci/peerctl-deployer"}, nil},
		{"role name of 64 characters", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/" + name64}, nil},
		{"role name of 65 characters", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/" + name64 + "r"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role/` + name64 + `r" has role name "` + name64 + `r" (65 characters); IAM role names are 1-64 letters, digits or _+=,.@- characters`}},
		{"role name with a character IAM refuses", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/deploy*er"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role/deploy*er" has role name "deploy*er" (9 characters); IAM role names are 1-64 letters, digits or _+=,.@- characters`}},
		{"role ARN ending in a slash", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/network/"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role/network/" has role name "" (0 characters); IAM role names are 1-64 letters, digits or _+=,.@- characters`}},
		{"path with a space", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/my team/deployer"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role/my team/deployer" has path "/my team/"; an IAM path is / or /segments/ of printable ASCII characters without spaces, at most 512 characters`}},
		{"empty path segment", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role//deployer"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role//deployer" has path "//"; an IAM path is / or /segments/ of printable ASCII characters without spaces, at most 512 characters`}},
		{"path of 512 characters", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role" + path512 + "deployer"}, nil},
		{"path of 513 characters", "", map[string]string{"roleArn": "arn:aws:iam::222222222222:role" + path512[:511] + "pp/deployer"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role` + path512[:511] + `pp/deployer" has path "` + path512[:511] + `pp/"; an IAM path is / or /segments/ of printable ASCII characters without spaces, at most 512 characters`}},
		{"role in another account than account.id", "", map[string]string{"id": "222222222222", "roleArn": "arn:aws:iam::333333333333:role/deployer"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::333333333333:role/deployer" is in account 333333333333, but peerctl:networks[1].account.id says 222222222222`}},
		{"role of the China partition in us-east-1", "", map[string]string{"roleArn": "arn:aws-cn:iam::222222222222:role/deployer"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws-cn:iam::222222222222:role/deployer" is in partition aws-cn, but region us-east-1 is in partition aws; a role can only be assumed for its own partition`}},
		{"role of the aws partition in GovCloud", "us-gov-west-1", map[string]string{"roleArn": "arn:aws:iam::222222222222:role/deployer"},
			[]string{`peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role/deployer" is in partition aws, but region us-gov-west-1 is in partition aws-us-gov; a role can only be assumed for its own partition`}},
		{"GovCloud role in GovCloud", "us-gov-west-1", map[string]string{"roleArn": "arn:aws-us-gov:iam::222222222222:role/deployer"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblems(t, limitsProblems(t, accountRaw(t, tt.region, tt.account)), tt.want...)
		})
	}
}

// One set of credentials reaches one account: two networks on the same
// profile, or both on the default credentials, cannot name two accounts.
func TestCredentialsContradictAccountIDs(t *testing.T) {
	id := func(id, profile string) map[string]string {
		m := map[string]string{"id": id}
		if profile != "" {
			m["profile"] = profile
		}
		return m
	}
	tests := []struct {
		name string
		a, b map[string]string
		want []string
	}{
		{"same profile, two ids", id("111111111111", "shared"), id("222222222222", "shared"),
			[]string{`peerctl:networks[1].account.id: "222222222222" contradicts peerctl:networks[0].account.id 111111111111: both networks use profile shared, and one set of credentials reaches one account`}},
		{"both default credentials, two ids", id("111111111111", ""), id("222222222222", ""),
			[]string{`peerctl:networks[1].account.id: "222222222222" contradicts peerctl:networks[0].account.id 111111111111: both networks use default credentials, and one set of credentials reaches one account`}},
		{"same profile, one id", id("111111111111", "shared"), id("111111111111", "shared"), nil},
		{"same profile, one id unset", id("111111111111", "shared"), map[string]string{"profile": "shared"}, nil},
		{"two profiles, two ids", id("111111111111", "a"), id("222222222222", "b"), nil},
		{"default credentials and a role, two ids", id("111111111111", ""), map[string]string{"roleArn": "arn:aws:iam::222222222222:role/deployer"}, nil},
		{"two roles in two accounts", map[string]string{"roleArn": "arn:aws:iam::111111111111:role/deployer"}, map[string]string{"roleArn": "arn:aws:iam::222222222222:role/deployer"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := networksRaw(t, []limitsNet{{"trading", tt.a}, {"analytics", tt.b}}, nil)
			wantProblems(t, limitsProblems(t, raw), tt.want...)
		})
	}
}

// The names peerctl derives from a network name, the environment and the
// region must fit IAM's 64 characters for a role and S3's 63 for a bucket.
// The name patterns keep them short today; this check stands if the
// patterns grow. Lengths counted by hand: "-flows-" 7, "-config-" 8,
// "-vpc-flow-logs-" 15, "-aws-config-" 12, "-use1" 5, "-use1-" 6.
func TestGeneratedNameLimits(t *testing.T) {
	long := strings.Repeat("n", 28)
	c := &Config{Environment: "production-blue1", Region: "us-east-1",
		Networks: []Network{{Name: long}}}
	p := &problems{}
	validateStackLimits(c, p)
	got := joinProblems(p)
	for _, w := range []string{
		`makes the S3 bucket name "` + long + `-flows-production-blue1-use1-000000000000" (69 characters with the region code use1 and the account id), over the 63 S3 allows; shorten the network name or the environment`,
		`makes the S3 bucket name "` + long + `-config-production-blue1-use1-000000000000" (70 characters with the region code use1 and the account id), over the 63 S3 allows; shorten the network name or the environment`,
	} {
		if !strings.Contains(got, `peerctl:networks[0].name: "`+long+`" `+w) {
			t.Errorf("problems:\n  %s\nwant among them: %s", got, w)
		}
	}
	if strings.Contains(got, "IAM role name") {
		t.Errorf("role names of 64 and 61 characters fit IAM's 64, but:\n  %s", got)
	}
	c.Networks[0].Name = strings.Repeat("n", 29)
	p = &problems{}
	validateStackLimits(c, p)
	wantRole := `peerctl:networks[0].name: "` + c.Networks[0].Name + `" makes the IAM role name "` + c.Networks[0].Name + `-vpc-flow-logs-production-blue1-use1" (65 characters with the region code use1), over the 64 IAM allows; shorten the network name or the environment`
	if !containsProblem(p, wantRole) {
		t.Errorf("problems:\n  %s\nwant among them:\n  %s", joinProblems(p), wantRole)
	}
}
