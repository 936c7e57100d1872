package config

import (
	"strings"
	"testing"
)

// Unset means the default; a value outside the documented range, zero
// included, is an error and never quietly the default.
func TestZeroAndNegativeValues(t *testing.T) {
	const retentions = "([1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653])"
	tests := []struct {
		setting string
		want    string
	}{
		// AWS accepts 60 or 600 (EC2 CreateFlowLogs MaxAggregationInterval).
		{"peerctl:flowLogs: {maxAggregationInterval: 0}",
			`peerctl:flowLogs.maxAggregationInterval: "0" must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)`},
		{"peerctl:flowLogs: {maxAggregationInterval: -60}",
			`peerctl:flowLogs.maxAggregationInterval: "-60" must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)`},
		// S3 lifecycle expiration takes a positive number of days.
		{"peerctl:flowLogs: {s3RetentionDays: 0}", `peerctl:flowLogs.s3RetentionDays: "0" must be between 1 and 3650 days`},
		{"peerctl:flowLogs: {s3RetentionDays: -30}", `peerctl:flowLogs.s3RetentionDays: "-30" must be between 1 and 3650 days`},
		{"peerctl:flowLogs: {s3RetentionDays: 3651}", `peerctl:flowLogs.s3RetentionDays: "3651" must be between 1 and 3650 days`},
		// CloudWatch Logs PutRetentionPolicy lists the values it takes; 0
		// ("never expire" to the Terraform provider) is not one of them.
		{"peerctl:flowLogs: {cloudWatchRetentionDays: 0}", `peerctl:flowLogs.cloudWatchRetentionDays: "0" is not a retention CloudWatch Logs offers ` + retentions},
		{"peerctl:flowLogs: {cloudWatchRetentionDays: -1}", `peerctl:flowLogs.cloudWatchRetentionDays: "-1" is not a retention CloudWatch Logs offers ` + retentions},
		{"peerctl:alarms: {peerTrafficBytes: 0}", `peerctl:alarms.peerTrafficBytes: "0" must be a positive number of bytes`},
		{"peerctl:alarms: {rejectedPackets: 0}", `peerctl:alarms.rejectedPackets: "0" must be a positive number of packets`},
		{`peerctl:flowLogs: {kmsKeyArn: ""}`, `peerctl:flowLogs.kmsKeyArn: is empty; give a key ARN or leave it unset for S3-managed encryption (SSE-S3)`},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			got := problemLines(t, "config:\n  "+tt.setting+"\n")
			want := "line 2: " + tt.want
			if len(got) != 1 || got[0] != want {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), want)
			}
		})
	}
	// The smallest and largest accepted values, written by hand from the rules.
	c, err := ParseStack([]byte("config:\n  peerctl:flowLogs: {maxAggregationInterval: 600, s3RetentionDays: 1, cloudWatchRetentionDays: 3653}\n"+
		"  peerctl:alarms: {peerTrafficBytes: 1, rejectedPackets: 1}\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if fl, al := c.Observability.FlowLogs, c.Observability.Alarms; fl.MaxAggregationInterval != 600 || fl.S3RetentionDays != 1 ||
		fl.CloudWatchRetentionDays != 3653 || al.PeerTrafficBytes != 1 || al.RejectedPackets != 1 {
		t.Errorf("flow logs %+v, alarms %+v", fl, al)
	}
}

// Alarm e-mail addresses are single bare addresses that SNS can deliver to,
// each once.
func TestAlarmEmails(t *testing.T) {
	tests := []struct {
		name   string
		emails string
		want   []string
	}{
		{"display name", `["Ops <ops@example.com>"]`, []string{
			`peerctl:alarms.emails[0]: "Ops <ops@example.com>" has a display name or angle brackets; give the bare address, like ops@example.com`}},
		{"angle brackets", `["<ops@example.com>"]`, []string{
			`peerctl:alarms.emails[0]: "<ops@example.com>" has a display name or angle brackets; give the bare address, like ops@example.com`}},
		{"comment as a name", `["ops@example.com (Ops)"]`, []string{
			`peerctl:alarms.emails[0]: "ops@example.com (Ops)" has a display name or angle brackets; give the bare address, like ops@example.com`}},
		{"two addresses in one", `["a@example.com, b@example.com"]`, []string{
			`peerctl:alarms.emails[0]: "a@example.com, b@example.com" is not an e-mail address like ops@example.com`}},
		{"zero-width space", `["ops@example.com\u200b"]`, []string{
			`peerctl:alarms.emails[0]: "ops@example.com\u200b" contains the invisible or control character U+200B; type the address again`}},
		{"newline", `["ops@example.com\nBcc: x@example.com"]`, []string{
			`peerctl:alarms.emails[0]: "ops@example.com\nBcc: x@example.com" contains the invisible or control character U+000A; type the address again`}},
		{"no domain dot", `["ops@localhost"]`, []string{
			`peerctl:alarms.emails[0]: "ops@localhost" is not an e-mail address like ops@example.com`}},
		{"leading space", `[" ops@example.com"]`, []string{
			`peerctl:alarms.emails[0]: " ops@example.com" is not an e-mail address like ops@example.com`}},
		{"same address in other case", `[ops@example.com, Ops@Example.COM]`, []string{
			`peerctl:alarms.emails[1]: "Ops@Example.COM" is listed twice: peerctl:alarms.emails[0] is the same address (addresses are compared ignoring case)`}},
		{"too long", `["` + strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + `.com"]`, []string{
			`peerctl:alarms.emails[0]: "` + strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + `.com" is longer than 254 characters, the most an e-mail address can have`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemLines(t, "config:\n  peerctl:alarms:\n    emails: "+tt.emails+"\n")
			var want []string
			for _, w := range tt.want {
				want = append(want, "line 3: "+w)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
	c, err := ParseStack([]byte("config:\n  peerctl:alarms: {emails: [ops@example.com, first.last+alarms@sub.example.co.uk]}\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Observability.Alarms.Emails; len(got) != 2 || got[1] != "first.last+alarms@sub.example.co.uk" {
		t.Errorf("emails = %q", got)
	}
}

// A KMS key is used in its own region and account only, and every network
// uses the flow-log and alarm keys.
func TestKMSKeyRegionAndAccount(t *testing.T) {
	const oneAccount = `
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t, account: {id: "111111111111", profile: a}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {id: "111111111111", profile: b}}
`
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"flow-log key in another region", `  peerctl:flowLogs: {kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/abcd"}` + oneAccount,
			`line 2: peerctl:flowLogs.kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/abcd" is in region eu-west-1, but the stack deploys to us-east-1 (peerctl:region); AWS services use a KMS key only in its own region`},
		{"alarm key in another account", `  peerctl:alarms: {kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/abcd"}` + oneAccount,
			`line 2: peerctl:alarms.kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/abcd" is in account 222222222222, but network trading is in account 111111111111; a KMS key belongs to one account, and the networks that use it must be in that account`},
		{"flow-log key for two accounts", `  peerctl:flowLogs: {kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abcd"}` + "\n" + strings.TrimPrefix(twoAccounts, "\nconfig:\n"),
			`line 2: peerctl:flowLogs.kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abcd" is one key for networks in 2 accounts (trading in 111111111111, analytics in 222222222222); a KMS key belongs to one account, so networks in different accounts cannot share it: name a key per network with kmsKeyArns, or leave it unset for S3-managed encryption (SSE-S3)`},
		{"alarm key for two accounts", `  peerctl:alarms: {kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/abcd"}` + "\n" + strings.TrimPrefix(twoAccounts, "\nconfig:\n"),
			`line 2: peerctl:alarms.kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/abcd" is one key for networks in 2 accounts (trading in 111111111111, analytics in 222222222222); a KMS key belongs to one account, so networks in different accounts cannot share it: name a key per network with kmsKeyArns, or leave it unset and peerctl creates a key per alarm topic`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemLines(t, "config:\n"+tt.yaml)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
	// In the networks' account and region: accepted. With no account known
	// (default credentials) there is nothing to compare, so the key passes.
	for _, yaml := range []string{
		"config:\n  peerctl:flowLogs: {kmsKeyArn: \"arn:aws:kms:us-east-1:111111111111:key/abcd\"}\n  peerctl:alarms: {kmsKeyArn: \"arn:aws:kms:us-east-1:111111111111:key/ef01\"}" + oneAccount,
		"config:\n  peerctl:alarms: {kmsKeyArn: \"arn:aws:kms:us-east-1:333333333333:key/abcd\"}\n",
	} {
		if _, err := ParseStack([]byte(yaml), env(nil)); err != nil {
			t.Errorf("%s: %v", yaml, err)
		}
	}
}
