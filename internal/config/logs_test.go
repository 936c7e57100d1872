package config

import (
	"strings"
	"testing"
)

// Production locks its log buckets (GOVERNANCE, as long as logs are kept)
// and never force-destroys them; dev does neither unless asked.
func TestObjectLockDefaults(t *testing.T) {
	tests := []struct {
		name         string
		yaml         string
		want         ObjectLock
		forceDestroy bool
	}{
		{"dev", "config: {}\n", ObjectLock{}, true},
		{"prod", "config:\n  peerctl:environment: prod\n", ObjectLock{Mode: "GOVERNANCE", Days: 365}, false},
		{"prod, compliance for 90 days", "config:\n  peerctl:environment: prod\n  peerctl:flowLogs: {objectLockMode: COMPLIANCE, objectLockDays: 90}\n",
			ObjectLock{Mode: "COMPLIANCE", Days: 90}, false},
		{"prod, off", "config:\n  peerctl:environment: prod\n  peerctl:flowLogs: {objectLockMode: NONE}\n", ObjectLock{}, false},
		{"dev, on: no force destroy", "config:\n  peerctl:flowLogs: {objectLockMode: GOVERNANCE}\n", ObjectLock{Mode: "GOVERNANCE", Days: 30}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseYAML(t, tt.yaml, nil)
			if err != nil {
				t.Fatal(err)
			}
			fl := c.Observability.FlowLogs
			if fl.ObjectLock != tt.want || *fl.ForceDestroy != tt.forceDestroy {
				t.Errorf("object lock %+v forceDestroy %v, want %+v %v", fl.ObjectLock, *fl.ForceDestroy, tt.want, tt.forceDestroy)
			}
		})
	}
}

func TestLogProtectionValidation(t *testing.T) {
	const prod = "  peerctl:environment: prod\n"
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown mode", prod + "  peerctl:flowLogs: {objectLockMode: governance}",
			[]string{`line 3: peerctl:flowLogs.objectLockMode: "governance" must be GOVERNANCE, COMPLIANCE or NONE`}},
		{"lock longer than the logs are kept", prod + "  peerctl:flowLogs: {s3RetentionDays: 90, objectLockDays: 91}",
			[]string{`line 3: peerctl:flowLogs.objectLockDays: "91" must be between 1 and flowLogs.s3RetentionDays (90): the lifecycle deletes logs after s3RetentionDays, and a locked object version cannot be deleted before its retention ends`}},
		{"zero days", prod + "  peerctl:flowLogs: {objectLockDays: 0}",
			[]string{`line 3: peerctl:flowLogs.objectLockDays: "0" must be between 1 and flowLogs.s3RetentionDays (365): the lifecycle deletes logs after s3RetentionDays, and a locked object version cannot be deleted before its retention ends`}},
		{"days without a lock", "  peerctl:flowLogs: {objectLockDays: 10}",
			[]string{`line 2: peerctl:flowLogs.objectLockDays: "10" is set, but Object Lock is off (objectLockMode NONE, the default outside prod); set objectLockMode to GOVERNANCE or COMPLIANCE`}},
		{"force destroy with a lock", prod + "  peerctl:flowLogs: {forceDestroy: true}",
			[]string{`line 3: peerctl:flowLogs.forceDestroy: "true" cannot empty buckets under Object Lock (objectLockMode GOVERNANCE): destroy would fail on the locked objects; set forceDestroy false or objectLockMode NONE`}},
		{"bad break-glass role", prod + "  peerctl:flowLogs: {breakGlassRole: \"arn:aws:iam::111111111111:role/x\"}",
			[]string{`line 3: peerctl:flowLogs.breakGlassRole: "arn:aws:iam::111111111111:role/x" is not an IAM role name like log-break-glass (optionally after a path, /security/log-break-glass): 1-64 letters, digits or _+=,.@- characters`}},
		{"break-glass role without a lock", "  peerctl:flowLogs: {breakGlassRole: log-break-glass}",
			[]string{`line 2: peerctl:flowLogs.breakGlassRole: "log-break-glass" is set, but Object Lock is off (objectLockMode NONE); the deny on deleting logs that it is exempt from comes with Object Lock`}},
		{"break-glass role with a path", prod + "  peerctl:flowLogs: {breakGlassRole: /security/log-break-glass}", nil},
		{"break-glass role with a wildcard path", prod + "  peerctl:flowLogs: {breakGlassRole: \"/*/log-break-glass\"}",
			[]string{`line 3: peerctl:flowLogs.breakGlassRole: "/*/log-break-glass" is not an IAM role name like log-break-glass (optionally after a path, /security/log-break-glass): 1-64 letters, digits or _+=,.@- characters`}},
		{"break-glass role with a ? in its path", prod + "  peerctl:flowLogs: {breakGlassRole: \"/sec?rity/log-break-glass\"}",
			[]string{`line 3: peerctl:flowLogs.breakGlassRole: "/sec?rity/log-break-glass" is not an IAM role name like log-break-glass (optionally after a path, /security/log-break-glass): 1-64 letters, digits or _+=,.@- characters`}},
		{"archive", "  peerctl:logArchive: {bucketArn: \"arn:aws:s3:::org-log-archive\", accountId: \"333333333333\"}", nil},
		{"archive without a bucket", "  peerctl:logArchive: {accountId: \"333333333333\"}",
			[]string{`line 2: peerctl:logArchive.bucketArn: is required: the ARN of the archive bucket, like arn:aws:s3:::org-log-archive`}},
		{"archive given a bucket name", "  peerctl:logArchive: {bucketArn: org-log-archive, accountId: \"333333333333\"}",
			[]string{`line 2: peerctl:logArchive.bucketArn: "org-log-archive" is not an S3 bucket ARN like arn:aws:s3:::org-log-archive (a bucket name of 3-63 lowercase letters, digits, dots or hyphens)`}},
		{"archive in another partition", "  peerctl:logArchive: {bucketArn: \"arn:aws-us-gov:s3:::org-log-archive\", accountId: \"333333333333\"}",
			[]string{`line 2: peerctl:logArchive.bucketArn: "arn:aws-us-gov:s3:::org-log-archive" is in partition aws-us-gov, but region us-east-1 is in partition aws; flow logs and AWS Config deliver only within their partition`}},
		{"archive account id", "  peerctl:logArchive: {bucketArn: \"arn:aws:s3:::org-log-archive\", accountId: \"33333333333\"}",
			[]string{`line 2: peerctl:logArchive.accountId: "33333333333" is not a 12-digit AWS account id (the log-archive account that owns the bucket)`}},
		{"archive in an audited account", "  peerctl:logArchive: {bucketArn: \"arn:aws:s3:::org-log-archive\", accountId: \"222222222222\"}",
			[]string{`line 2: peerctl:logArchive.accountId: "222222222222" is the account of network analytics (peerctl:networks[1]); the archive belongs in an account the audited networks are not in, so their administrators cannot delete its logs`}},
		{"archive with local lock settings", prod + "  peerctl:flowLogs: {objectLockMode: COMPLIANCE, breakGlassRole: x}\n  peerctl:logArchive: {bucketArn: \"arn:aws:s3:::org-log-archive\", accountId: \"333333333333\"}",
			[]string{
				`line 3: peerctl:flowLogs.objectLockMode: applies to the log buckets peerctl creates, and with peerctl:logArchive it creates none; protect the archive bucket with versioning and a policy denying deletion (not Object Lock: AWS Config does not deliver into a locked bucket; docs/observability.md, Log archive)`,
				`line 3: peerctl:flowLogs.breakGlassRole: applies to the log buckets peerctl creates, and with peerctl:logArchive it creates none; protect the archive bucket with versioning and a policy denying deletion (not Object Lock: AWS Config does not deliver into a locked bucket; docs/observability.md, Log archive)`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemLines(t, "config:\n"+tt.yaml+"\n"+twoAccountsBody())
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}
