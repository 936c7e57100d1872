package stack_test

import (
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// Tests of the account log key (issue 10 item 9): in production, log
// buckets, flow-log log groups and the AWS Config bucket are encrypted with
// a customer managed key per account unless one is configured.

// logKeys are the created log keys (not the alarm topics' keys), by account.
func logKeys(p *obstest.Plan) map[string]plan.Resource {
	out := map[string]plan.Resource{}
	for _, r := range p.OfType(obstest.KeyType) {
		if slices.Contains([]string{"trading-log-key", "analytics-log-key"}, r.Name) {
			out[r.Account] = r
		}
	}
	return out
}

// bucketKey is the SSE-KMS key of a log bucket ("" under SSE-S3) and
// whether an S3 Bucket Key is on.
func bucketKey(t *testing.T, p *obstest.Plan, component string) (string, bool) {
	t.Helper()
	enc := p.Must(t, obstest.EncryptionType, component+"-encryption")
	rules := obstest.List(enc.Inputs["rules"])
	if len(rules) != 1 {
		t.Fatalf("%s rules %v", component, enc.Inputs["rules"])
	}
	rule := obstest.Obj(rules[0])
	sse := obstest.Obj(rule["applyServerSideEncryptionByDefault"])
	if obstest.Str(sse["sseAlgorithm"]) == "aws:kms" {
		return obstest.Str(sse["kmsMasterKeyId"]), rule["bucketKeyEnabled"] == true
	}
	return "", false
}

// keyARNs are the accounts of the test networks.
var keyAccounts = map[string]string{"trading": "111111111111", "analytics": "222222222222"}

// keyARN is a created key's ARN in the documented form
// arn:aws:kms:<region>:<account>:key/<key id>, the key id being the id the
// plan gave the key.
func keyARN(t *testing.T, k plan.Resource) string {
	t.Helper()
	if k.ID == "" {
		t.Fatalf("key %s has no id in the plan", k.Name)
	}
	return "arn:aws:kms:us-east-1:" + keyAccounts[k.Account] + ":key/" + k.ID
}

func TestProdCreatesOneLogKeyPerAccount(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:environment: prod"), "")
	keys := logKeys(p)
	if len(keys) != 2 {
		t.Fatalf("log keys %v, want one in trading's account and one in analytics's", keys)
	}
	for n, acct := range keyAccounts {
		k := keys[n]
		arn := keyARN(t, k)
		if got := obstest.Num(k.Inputs["deletionWindowInDays"]); got != 30 {
			t.Errorf("%s key deletion window %v, want 30 days", n, got)
		}
		if k.Inputs["enableKeyRotation"] != true {
			t.Errorf("%s key rotation is off", n)
		}
		if !k.RetainOnDelete {
			t.Errorf("%s key is deleted on destroy, but the prod log buckets it encrypts are retained", n)
		}
		alias := p.Must(t, obstest.AliasType, n+"-log-key-alias")
		if got, want := obstest.Str(alias.Inputs["name"]), "alias/peerctl-logs-"+n+"-prod"; got != want {
			t.Errorf("%s alias %q, want %q", n, got, want)
		}
		for _, comp := range []string{n + "-flow-logs-bucket", n + "-compliance-bucket"} {
			if key, bucketKeyOn := bucketKey(t, p, comp); key != arn || !bucketKeyOn {
				t.Errorf("%s: SSE-KMS key %q (bucket key %v), want %s with a bucket key", comp, key, bucketKeyOn, arn)
			}
		}
		if got := obstest.Str(p.Must(t, obstest.LogGroupType, n+"-flow-logs-group").Inputs["kmsKeyId"]); got != arn {
			t.Errorf("%s log group kmsKeyId %q, want %s", n, got, arn)
		}
		if got := obstest.Str(p.Must(t, obstest.ChannelType, n+"-compliance-delivery-channel").Inputs["s3KmsKeyArn"]); got != arn {
			t.Errorf("%s delivery channel s3KmsKeyArn %q, want %s", n, got, arn)
		}
		// AWS Config writes as its role: the role's policy must grant the key
		// (Config developer guide, s3-kms-key-policy).
		role := p.Must(t, obstest.RolePolicyType, n+"-compliance-role-delivery-policy")
		st, ok := statementBySid(parsedPolicy(t, role, "policy"), "EncryptDeliveries")
		if !ok || !slices.Equal(st.Resource, []string{arn}) ||
			!slices.Equal(slices.Sorted(slices.Values(st.Action)), []string{"kms:Decrypt", "kms:GenerateDataKey"}) {
			t.Errorf("%s Config role's key statement %+v, want kms:Decrypt and kms:GenerateDataKey on %s", n, st, arn)
		}
		checkLogKeyPolicy(t, k, acct)
	}
}

// checkLogKeyPolicy compares the key policy with the statements AWS
// documents, written out by hand.
func checkLogKeyPolicy(t *testing.T, k plan.Resource, acct string) {
	t.Helper()
	doc := parsedPolicy(t, k, "policy")
	// KMS developer guide, key-policy-default: the account principal lets
	// IAM policies grant the key.
	root, ok := statementBySid(doc, "AccountAdministersAndUsesTheKey")
	if !ok || root.Principal == nil || !slices.Equal(root.Principal.AWS, []string{"arn:aws:iam::" + acct + ":root"}) ||
		!slices.Contains(root.Action, "kms:PutKeyPolicy") || !slices.Contains(root.Action, "kms:GenerateDataKey") {
		t.Errorf("%s: account statement %+v", k.Name, root)
	}
	want := []struct {
		sid, service string
		actions      []string
		conditions   map[string]map[string][]string
	}{
		{
			// CloudWatch Logs user guide, encrypt-log-data-kms.
			"CloudWatchLogsEncryptLogGroups", "logs.us-east-1.amazonaws.com",
			[]string{"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			map[string]map[string][]string{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:us-east-1:" + acct + ":log-group:*"}}},
		},
		{
			// VPC user guide, flow-logs-s3-permissions, "Required key policy
			// for use with SSE-KMS"; source conditions as for the bucket.
			"LogDeliveryEncryptFlowLogFiles", "delivery.logs.amazonaws.com",
			[]string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			map[string]map[string][]string{
				"StringEquals": {"aws:SourceAccount": {acct}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:logs:us-east-1:" + acct + ":*"}},
			},
		},
	}
	if len(doc.Statement) != 1+len(want) {
		t.Errorf("%s: %d statements, want %d", k.Name, len(doc.Statement), 1+len(want))
	}
	for _, w := range want {
		st, ok := statementBySid(doc, w.sid)
		switch {
		case !ok:
			t.Errorf("%s: no statement %s", k.Name, w.sid)
			continue
		case st.Effect != "Allow" || st.Principal == nil || !slices.Equal(st.Principal.Service, []string{w.service}):
			t.Errorf("%s %s: effect %s principal %+v, want Allow for %s", k.Name, w.sid, st.Effect, st.Principal, w.service)
		case !slices.Equal(slices.Sorted(slices.Values(st.Action)), w.actions):
			t.Errorf("%s %s: actions %v, want %v", k.Name, w.sid, st.Action, w.actions)
		case !slices.Equal(st.Resource, []string{"*"}):
			t.Errorf("%s %s: resources %v, want * (this key)", k.Name, w.sid, st.Resource)
		}
		if len(st.Condition) != len(w.conditions) {
			t.Errorf("%s %s: conditions %v, want %v", k.Name, w.sid, st.Condition, w.conditions)
		}
		for op, keys := range w.conditions {
			if len(st.Condition[op]) != len(keys) {
				t.Errorf("%s %s: %s conditions %v, want %v", k.Name, w.sid, op, st.Condition[op], keys)
			}
			for key, values := range keys {
				if got := st.ConditionValues(op, key); !slices.Equal(got, values) {
					t.Errorf("%s %s: %s %s = %v, want %v", k.Name, w.sid, op, key, got, values)
				}
			}
		}
	}
}

// A key configured for every network of an account is used there: no key is
// created in that account, and the configured one encrypts as before.
func TestProdConfiguredKeyMeansNoCreatedKey(t *testing.T) {
	const tradingKey = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:environment: prod",
		`peerctl:flowLogs: {kmsKeyArns: {trading: "`+tradingKey+`"}}`), "")
	keys := logKeys(p)
	if _, ok := keys["trading"]; ok {
		t.Error("a log key is created in trading's account, which has a configured key")
	}
	analytics, ok := keys["analytics"]
	if !ok {
		t.Fatal("no log key in analytics's account, which has none configured")
	}
	want := map[string]string{"trading": tradingKey, "analytics": keyARN(t, analytics)}
	for n, key := range want {
		for _, comp := range []string{n + "-flow-logs-bucket", n + "-compliance-bucket"} {
			if got, _ := bucketKey(t, p, comp); got != key {
				t.Errorf("%s key %q, want %s", comp, got, key)
			}
		}
		if got := obstest.Str(p.Must(t, obstest.LogGroupType, n+"-flow-logs-group").Inputs["kmsKeyId"]); got != key {
			t.Errorf("%s log group key %q, want %s", n, got, key)
		}
		if got := obstest.Str(p.Must(t, obstest.ChannelType, n+"-compliance-delivery-channel").Inputs["s3KmsKeyArn"]); got != key {
			t.Errorf("%s delivery channel key %q, want %s", n, got, key)
		}
	}
}

// Dev keeps SSE-S3 and no customer key unless asked; prod can opt out.
func TestNoCreatedLogKey(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
	}{
		{"dev", []string{"peerctl:environment: dev"}},
		{"prod opted out", []string{"peerctl:environment: prod", "peerctl:flowLogs: {createKmsKey: false}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, obstest.TwoAccounts(tt.extra...), "")
			if keys := logKeys(p); len(keys) != 0 {
				t.Errorf("log keys created: %v", keys)
			}
			for _, n := range []string{"trading", "analytics"} {
				if key, _ := bucketKey(t, p, n+"-flow-logs-bucket"); key != "" {
					t.Errorf("%s flow-log bucket under SSE-KMS %s", n, key)
				}
				if key := obstest.Str(p.Must(t, obstest.LogGroupType, n+"-flow-logs-group").Inputs["kmsKeyId"]); key != "" {
					t.Errorf("%s log group under key %s", n, key)
				}
			}
		})
	}
}

// Dev may ask for the key; it is then not retained, as the buckets are not.
func TestDevCreateKMSKeyIsNotRetained(t *testing.T) {
	p := obstest.Build(t, obstest.OneAccount("peerctl:environment: dev", "peerctl:flowLogs: {createKmsKey: true}"), "")
	keys := logKeys(p)
	if len(keys) != 1 {
		t.Fatalf("log keys %v, want one for the one account", keys)
	}
	for _, k := range keys {
		if k.RetainOnDelete {
			t.Error("dev log key is retained on destroy, though its buckets are force-destroyed")
		}
		for _, n := range []string{"trading", "analytics"} {
			if key, _ := bucketKey(t, p, n+"-flow-logs-bucket"); key != keyARN(t, k) {
				t.Errorf("%s flow-log bucket key %q, want the account's %s", n, key, keyARN(t, k))
			}
		}
	}
}

// With a log archive the created key still encrypts the log groups, but
// AWS Config's deliveries to the archive carry no key of the audited account.
func TestProdLogKeyWithLogArchive(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:environment: prod",
		`peerctl:logArchive: {bucketArn: "arn:aws:s3:::org-log-archive", accountId: "333333333333"}`), "")
	keys := logKeys(p)
	for _, n := range []string{"trading", "analytics"} {
		k, ok := keys[n]
		if !ok {
			t.Fatalf("no log key for %s's log group", n)
		}
		if got := obstest.Str(p.Must(t, obstest.LogGroupType, n+"-flow-logs-group").Inputs["kmsKeyId"]); got != keyARN(t, k) {
			t.Errorf("%s log group key %q, want %s", n, got, keyARN(t, k))
		}
		ch := p.Must(t, obstest.ChannelType, n+"-compliance-delivery-channel")
		if key := obstest.Str(ch.Inputs["s3KmsKeyArn"]); key != "" {
			t.Errorf("%s delivers Config history to the archive under its own key %s", n, key)
		}
		role := p.Must(t, obstest.RolePolicyType, n+"-compliance-role-delivery-policy")
		if _, ok := statementBySid(parsedPolicy(t, role, "policy"), "EncryptDeliveries"); ok {
			t.Errorf("%s Config role is granted a key for archive deliveries", n)
		}
	}
}

// One account, a key configured for one of its networks: the account's key
// is created for the other network, and never replaces the configured one;
// AWS Config keeps the configured key (the account's first named key).
func TestConfiguredKeyWinsInAnAccountWithACreatedKey(t *testing.T) {
	const tradingKey = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	p := obstest.Build(t, obstest.OneAccount("peerctl:environment: prod",
		`peerctl:flowLogs: {kmsKeyArns: {trading: "`+tradingKey+`"}}`), "")
	keys := logKeys(p)
	k, ok := keys["trading"] // the account is named after its first network
	if len(keys) != 1 || !ok {
		t.Fatalf("log keys %v, want one for the shared account", keys)
	}
	created := "arn:aws:kms:us-east-1:111111111111:key/" + k.ID
	want := map[string]string{"trading": tradingKey, "analytics": created}
	for n, key := range want {
		if got, _ := bucketKey(t, p, n+"-flow-logs-bucket"); got != key {
			t.Errorf("%s flow-log bucket key %q, want %s", n, got, key)
		}
		if got := obstest.Str(p.Must(t, obstest.LogGroupType, n+"-flow-logs-group").Inputs["kmsKeyId"]); got != key {
			t.Errorf("%s log group key %q, want %s", n, got, key)
		}
	}
	if got := obstest.Str(p.Must(t, obstest.ChannelType, "trading-compliance-delivery-channel").Inputs["s3KmsKeyArn"]); got != tradingKey {
		t.Errorf("delivery channel key %q, want the configured %s", got, tradingKey)
	}
}
