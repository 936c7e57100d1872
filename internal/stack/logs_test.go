package stack_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// Tests of the real plan for the audit-grade log settings (issue 10, items
// 5-7 and 9): expected values are written from AWS's documented rules.

const objectLockType = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"

func parsedPolicy(t *testing.T, r plan.Resource, key string) iamdoc.ParsedDocument {
	return obstest.Policy(t, r, key)
}

func statementBySid(d iamdoc.ParsedDocument, sid string) (iamdoc.ParsedStatement, bool) {
	return obstest.StatementBySid(d, sid)
}

// logBuckets are the dev and prod stacks' log buckets. AWS Config cannot
// deliver into a bucket with Object Lock enabled (CloudFormation
// AWS::Config::DeliveryChannel: "AWS Config does not support the delivery
// channel to an Amazon S3 bucket where object lock is enabled"), so the
// Config buckets are never locked.
var logBuckets = []struct {
	component, account string
	lockable           bool
}{
	{"trading-flow-logs-bucket", "111111111111", true},
	{"analytics-flow-logs-bucket", "222222222222", true},
	{"trading-compliance-bucket", "111111111111", false},
	{"analytics-compliance-bucket", "222222222222", false},
}

// Prod: every flow-log bucket is created with Object Lock (GOVERNANCE, 365
// days by default), the lock configured before the policy that forbids
// changing it; every log bucket, the Config buckets included, is versioned
// and its policy denies deleting logs and changing the lock to everyone but
// the break-glass role of its own account.
func TestProdLogBucketsAreLocked(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:environment: prod",
		"peerctl:flowLogs: {breakGlassRole: /security/log-break-glass}"), "")
	for _, b := range logBuckets {
		t.Run(b.component, func(t *testing.T) {
			bucket := p.Must(t, obstest.BucketType, b.component)
			// The lock configuration enables Object Lock, never the bucket
			// itself: on the bucket it would force a replacement when the
			// lock is switched on later.
			if _, set := bucket.Inputs["objectLockEnabled"]; set || bucket.Inputs["forceDestroy"] != false {
				t.Errorf("bucket objectLockEnabled %v forceDestroy %v", bucket.Inputs["objectLockEnabled"], bucket.Inputs["forceDestroy"])
			}
			versioning := p.Must(t, obstest.VersioningType, b.component+"-versioning")
			policy := p.Must(t, obstest.BucketPolicyType, b.component+"-policy")
			if !b.lockable {
				if _, locked := p.Named(objectLockType, b.component+"-object-lock"); locked {
					t.Error("AWS Config's bucket has an Object Lock configuration")
				}
				if obstest.Str(obstest.Obj(versioning.Inputs["versioningConfiguration"])["status"]) != "Enabled" {
					t.Errorf("versioning %v", versioning.Inputs["versioningConfiguration"])
				}
			} else {
				lock := p.Must(t, objectLockType, b.component+"-object-lock")
				if lock.Inputs["objectLockEnabled"] != "Enabled" {
					t.Errorf("lock configuration objectLockEnabled %v", lock.Inputs["objectLockEnabled"])
				}
				retention := obstest.Obj(obstest.Obj(lock.Inputs["rule"])["defaultRetention"])
				if retention["mode"] != "GOVERNANCE" || obstest.Num(retention["days"]) != 365 {
					t.Errorf("default retention = %v", retention)
				}
				if !obstest.DependsOn(lock, versioning.URN) || !lock.RetainOnDelete {
					t.Errorf("object lock depends on %v (want versioning), retained %v", lock.DependsOn, lock.RetainOnDelete)
				}
				if !obstest.DependsOn(policy, lock.URN) {
					t.Errorf("bucket policy does not wait for the object lock: %v", policy.DependsOn)
				}
			}
			deny, ok := statementBySid(parsedPolicy(t, policy, "policy"), "DenyLogDeletionAndLockChanges")
			arn := "arn:aws:s3:::" + obstest.Str(bucket.Inputs["bucket"])
			// Not s3:PutBucketObjectLockConfiguration: the deployer updates
			// the default retention when the settings change.
			wantActions := []string{"s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectVersion",
				"s3:PutObjectLegalHold", "s3:PutObjectRetention"}
			switch {
			case !ok:
				t.Fatal("no deny of log deletion in the bucket policy")
			case deny.Effect != "Deny" || deny.Principal == nil || !deny.Principal.Anyone:
				t.Errorf("deny %+v", deny)
			case !slices.Equal(slices.Sorted(slices.Values(deny.Action)), wantActions):
				t.Errorf("denied actions %v, want %v", deny.Action, wantActions)
			case !slices.Equal(deny.Resource, []string{arn, arn + "/*"}):
				t.Errorf("deny resources %v", deny.Resource)
			case !slices.Equal(deny.ConditionValues("ArnNotLike", "aws:PrincipalArn"),
				[]string{fmt.Sprintf("arn:aws:iam::%s:role/security/log-break-glass", b.account)}):
				t.Errorf("break-glass exception %v", deny.Condition)
			}
		})
	}
}

// Dev: no Object Lock, no deny (forceDestroy empties the buckets on destroy).
func TestDevLogBucketsAreNotLocked(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts(), "")
	for _, b := range logBuckets {
		bucket := p.Must(t, obstest.BucketType, b.component)
		if bucket.Inputs["objectLockEnabled"] == true {
			t.Errorf("%s has Object Lock in dev", b.component)
		}
		if _, ok := p.Named(objectLockType, b.component+"-object-lock"); ok {
			t.Errorf("%s has an object lock configuration in dev", b.component)
		}
		policy := p.Must(t, obstest.BucketPolicyType, b.component+"-policy")
		if _, ok := statementBySid(parsedPolicy(t, policy, "policy"), "DenyLogDeletionAndLockChanges"); ok {
			t.Errorf("%s denies deletion in dev", b.component)
		}
	}
}

// A key per network: each network's bucket, log group and alarm topic use
// its own account's key; each account's Config bucket uses its network's.
func TestKMSKeyPerNetworkOnThePlan(t *testing.T) {
	const (
		tradingKey   = "arn:aws:kms:us-east-1:111111111111:key/aaaa"
		analyticsKey = "arn:aws:kms:us-east-1:222222222222:key/bbbb"
		tradingSNS   = "arn:aws:kms:us-east-1:111111111111:key/cccc"
	)
	p := obstest.Build(t, obstest.TwoAccounts(
		`peerctl:flowLogs: {kmsKeyArns: {trading: "`+tradingKey+`", analytics: "`+analyticsKey+`"}}`,
		`peerctl:alarms: {kmsKeyArns: {trading: "`+tradingSNS+`"}}`), "")
	keys := map[string]string{"trading": tradingKey, "analytics": analyticsKey}
	for n, key := range keys {
		for _, comp := range []string{n + "-flow-logs-bucket", n + "-compliance-bucket"} {
			enc := p.Must(t, obstest.EncryptionType, comp+"-encryption")
			rule := obstest.List(enc.Inputs["rules"])
			if len(rule) != 1 {
				t.Fatalf("%s rules %v", comp, enc.Inputs["rules"])
			}
			sse := obstest.Obj(obstest.Obj(rule[0])["applyServerSideEncryptionByDefault"])
			if sse["sseAlgorithm"] != "aws:kms" || sse["kmsMasterKeyId"] != key {
				t.Errorf("%s encryption %v, want SSE-KMS with %s", comp, sse, key)
			}
		}
		if group := p.Must(t, obstest.LogGroupType, n+"-flow-logs-group"); obstest.Str(group.Inputs["kmsKeyId"]) != key {
			t.Errorf("%s log group kmsKeyId %q, want %s", n, obstest.Str(group.Inputs["kmsKeyId"]), key)
		}
	}
	if topic := p.Must(t, obstest.TopicType, "trading-peer-alarms-topic"); obstest.Str(topic.Inputs["kmsMasterKeyId"]) != tradingSNS {
		t.Errorf("trading topic key %q, want %s", obstest.Str(topic.Inputs["kmsMasterKeyId"]), tradingSNS)
	}
	// analytics names no alarm key: peerctl creates one in its account.
	if len(p.In(obstest.KeyType, "analytics")) == 0 || len(p.In(obstest.KeyType, "trading")) != 0 {
		t.Errorf("created keys: trading %d, analytics %d; want only analytics's",
			len(p.In(obstest.KeyType, "trading")), len(p.In(obstest.KeyType, "analytics")))
	}
}

// With a log archive no local log bucket is created: flow logs and AWS
// Config deliver to the archive, and the plan's outputs carry the policy the
// archive bucket needs, per account, with aws:SourceAccount conditions.
func TestLogArchiveOnThePlan(t *testing.T) {
	const archive = "org-log-archive"
	// The networks' own keys encrypt their log groups, never the archive:
	// an archive under keys the audited accounts control is one they can
	// make unreadable by disabling a key.
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:environment: prod",
		`peerctl:logArchive: {bucketArn: "arn:aws:s3:::`+archive+`", accountId: "333333333333"}`,
		`peerctl:flowLogs: {kmsKeyArns: {trading: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}`), "")
	for _, r := range p.Resources {
		if r.Type == obstest.BucketType {
			t.Errorf("bucket %s created with a log archive", r.Name)
		}
	}
	for _, n := range []string{"trading", "analytics"} {
		fl := p.Must(t, obstest.FlowLogType, n+"-flow-logs-s3")
		if obstest.Str(fl.Inputs["logDestination"]) != "arn:aws:s3:::"+archive {
			t.Errorf("%s flow log destination %q", n, obstest.Str(fl.Inputs["logDestination"]))
		}
		ch := p.Must(t, obstest.ChannelType, n+"-compliance-delivery-channel")
		if obstest.Str(ch.Inputs["s3BucketName"]) != archive {
			t.Errorf("%s delivery channel bucket %q", n, obstest.Str(ch.Inputs["s3BucketName"]))
		}
		if key := obstest.Str(ch.Inputs["s3KmsKeyArn"]); key != "" {
			t.Errorf("%s delivers Config history to the archive under its own key %s", n, key)
		}
	}
	raw, ok := p.Outputs["logArchiveBucketPolicy"]
	if !ok {
		t.Fatal("no logArchiveBucketPolicy output")
	}
	// A JSON document in a string, ready to paste into the bucket policy.
	text, isString := raw.(string)
	if !isString {
		t.Fatalf("logArchiveBucketPolicy is %T, want the policy's JSON text", raw)
	}
	doc, err := iamdoc.Parse(text)
	if err != nil {
		t.Fatalf("logArchiveBucketPolicy: %v", err)
	}
	arn := "arn:aws:s3:::" + archive
	for _, acct := range []string{"111111111111", "222222222222"} {
		want := []struct {
			sid, service, resource string
		}{
			{"AWSLogDeliveryWrite", "delivery.logs.amazonaws.com", arn + "/AWSLogs/" + acct + "/*"},
			{"AWSLogDeliveryCheck", "delivery.logs.amazonaws.com", arn},
			{"AWSConfigBucketPermissionsCheck", "config.amazonaws.com", arn},
			{"AWSConfigBucketExistenceCheck", "config.amazonaws.com", arn},
			{"AWSConfigBucketDelivery", "config.amazonaws.com", arn + "/AWSLogs/" + acct + "/Config/*"},
		}
		for _, w := range want {
			st, ok := statementBySid(doc, w.sid+acct)
			switch {
			case !ok:
				t.Errorf("no statement %s%s", w.sid, acct)
			case st.Principal == nil || !slices.Equal(st.Principal.Service, []string{w.service}):
				t.Errorf("%s%s principal %+v, want %s", w.sid, acct, st.Principal, w.service)
			case !slices.Contains(st.Resource, w.resource):
				t.Errorf("%s%s resources %v, want %s among them", w.sid, acct, st.Resource, w.resource)
			case !slices.Equal(st.ConditionValues("StringEquals", "aws:SourceAccount"), []string{acct}):
				t.Errorf("%s%s SourceAccount %v, want %s", w.sid, acct, st.Condition, acct)
			}
		}
	}
	if _, ok := statementBySid(doc, "DenyInsecureTransport"); !ok {
		t.Error("archive policy has no TLS-only deny")
	}
}
