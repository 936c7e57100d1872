package config

import (
	"strings"
	"testing"
)

// twoAccountsBody is twoAccounts without its "config:" line, to follow
// other settings.
func twoAccountsBody() string { return strings.TrimPrefix(twoAccounts, "\nconfig:\n") }

// Keys in the accounts of the two-account stack's networks.
const (
	tradingKey   = "arn:aws:kms:us-east-1:111111111111:key/aaaa"
	analyticsKey = "arn:aws:kms:us-east-1:222222222222:key/bbbb"
)

// A key per network: each network's key must be in that network's account
// and the stack's region, and name a configured network.
func TestKMSKeyPerNetworkValidation(t *testing.T) {
	tests := []struct {
		name     string
		settings string
		want     []string
	}{
		{"one key per account", `  peerctl:flowLogs: {kmsKeyArns: {trading: "` + tradingKey + `", analytics: "` + analyticsKey + `"}}`, nil},
		{"only one network", `  peerctl:alarms: {kmsKeyArns: {analytics: "` + analyticsKey + `"}}`, nil},
		{"key of the other account", `  peerctl:flowLogs: {kmsKeyArns: {trading: "` + analyticsKey + `"}}`,
			[]string{`line 2: peerctl:flowLogs.kmsKeyArns.trading: "arn:aws:kms:us-east-1:222222222222:key/bbbb" is in account 222222222222, but network trading is in account 111111111111; a KMS key belongs to one account, and the networks that use it must be in that account`}},
		{"key in another region", `  peerctl:alarms: {kmsKeyArns: {analytics: "arn:aws:kms:eu-west-1:222222222222:key/bbbb"}}`,
			[]string{`line 2: peerctl:alarms.kmsKeyArns.analytics: "arn:aws:kms:eu-west-1:222222222222:key/bbbb" is in region eu-west-1, but the stack deploys to us-east-1 (peerctl:region); AWS services use a KMS key only in its own region`}},
		{"key of another partition", `  peerctl:flowLogs: {kmsKeyArns: {trading: "arn:aws-us-gov:kms:us-east-1:111111111111:key/aaaa"}}`,
			[]string{`line 2: peerctl:flowLogs.kmsKeyArns.trading: "arn:aws-us-gov:kms:us-east-1:111111111111:key/aaaa" is in partition aws-us-gov, but region us-east-1 is in partition aws; its ARN starts arn:aws:kms:`}},
		{"unknown network", `  peerctl:flowLogs: {kmsKeyArns: {risk: "` + tradingKey + `"}}`,
			[]string{`line 2: peerctl:flowLogs.kmsKeyArns.risk: "arn:aws:kms:us-east-1:111111111111:key/aaaa" is given for "risk", which is not a configured network (networks: trading, analytics)`}},
		{"alias", `  peerctl:flowLogs: {kmsKeyArns: {trading: "arn:aws:kms:us-east-1:111111111111:alias/logs"}}`,
			[]string{`line 2: peerctl:flowLogs.kmsKeyArns.trading: "arn:aws:kms:us-east-1:111111111111:alias/logs" is not a KMS key ARN like arn:aws:kms:us-east-1:111111111111:key/<key id> (aliases cannot be named in IAM policies)`}},
		{"AWS managed SNS key", `  peerctl:alarms: {kmsKeyArns: {trading: "alias/aws/sns"}}`,
			[]string{`line 2: peerctl:alarms.kmsKeyArns.trading: "alias/aws/sns" is the AWS managed key for SNS, whose key policy cannot grant CloudWatch: alarm notifications would never be delivered; use a customer managed key, or leave it unset and peerctl creates one`}},
		{"empty", `  peerctl:flowLogs: {kmsKeyArns: {trading: ""}}`,
			[]string{`line 2: peerctl:flowLogs.kmsKeyArns.trading: is empty; give a key ARN or leave it unset for S3-managed encryption (SSE-S3)`}},
		{"both forms", `  peerctl:flowLogs: {kmsKeyArn: "` + tradingKey + `", kmsKeyArns: {trading: "` + tradingKey + `"}}`,
			[]string{`line 2: peerctl:flowLogs.kmsKeyArns: is set together with peerctl:flowLogs.kmsKeyArn; give one key for every network (kmsKeyArn) or one per network (kmsKeyArns), not both`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemLines(t, "config:\n"+tt.settings+"\n"+twoAccountsBody())
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// KeyFor resolves either form; AccountKey is the first key among an
// account's networks.
func TestKMSKeyFor(t *testing.T) {
	c, err := ParseStack([]byte("config:\n  peerctl:flowLogs: {kmsKeyArns: {analytics: \"arn:aws:kms:us-east-1:222222222222:key/bbbb\"}}\n"+twoAccountsBody()), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	fl := c.Observability.FlowLogs
	if fl.KeyFor("trading") != "" || fl.KeyFor("analytics") != "arn:aws:kms:us-east-1:222222222222:key/bbbb" {
		t.Errorf("KeyFor: trading %q analytics %q", fl.KeyFor("trading"), fl.KeyFor("analytics"))
	}
	one := FlowLogs{KMSKeyARN: "k"}
	if one.KeyFor("trading") != "k" || one.KeyFor("anything") != "k" {
		t.Error("the single key must serve every network")
	}
	g := AccountGroup{Networks: []Network{{Name: "trading"}, {Name: "analytics"}}}
	if got := fl.AccountKey(g); got != "arn:aws:kms:us-east-1:222222222222:key/bbbb" {
		t.Errorf("AccountKey = %q, want the key of the first network that names one", got)
	}
}
