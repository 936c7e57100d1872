package config

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/peerctl/peerctl/internal/iamdoc"
)

// Audit-grade log buckets: S3 Object Lock, a bucket policy that denies
// deleting logs except to a break-glass role, or delivery to a central
// log-archive account instead of a bucket in each audited account.

// Object Lock retention modes (S3 User Guide, object-lock-overview).
const (
	// ObjectLockGovernance: protected versions can be deleted, or their
	// retention shortened, only by a principal with
	// s3:BypassGovernanceRetention (denied to all but the break-glass role).
	ObjectLockGovernance = "GOVERNANCE"
	// ObjectLockCompliance: nobody, not even the account's root user, can
	// delete a protected version or shorten its retention until it ends.
	ObjectLockCompliance = "COMPLIANCE"
	// ObjectLockNone turns Object Lock off (the dev default).
	ObjectLockNone = "NONE"
)

// ObjectLock is the default retention of a log bucket's objects; the zero
// value is no Object Lock.
type ObjectLock struct {
	Mode string `json:"mode,omitempty"`
	Days int    `json:"days,omitempty"`
}

// Enabled reports whether the buckets are created with Object Lock.
func (o ObjectLock) Enabled() bool { return o.Mode != "" && o.Mode != ObjectLockNone }

// LogArchive is a central bucket in a log-archive account that every
// account's flow logs and AWS Config deliver to, instead of a bucket in
// each audited account (whose administrators could empty it).
type LogArchive struct {
	BucketARN string `json:"bucketArn"`
	AccountID string `json:"accountId"`
}

// Enabled reports whether logs go to the archive.
func (l LogArchive) Enabled() bool { return l.BucketARN != "" }

// Bucket is the archive bucket's name.
func (l LogArchive) Bucket() string {
	if m := bucketARNPattern.FindStringSubmatch(l.BucketARN); m != nil {
		return m[2]
	}
	return ""
}

var (
	// A general purpose bucket's ARN: no region or account in it.
	bucketARNPattern = regexp.MustCompile(`^arn:(aws(?:-[a-z]+)*):s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$`)
	// An IAM role name, optionally after a path (IAM CreateRole). The path
	// may not hold * or ?, which IAM allows but which are wildcards in the
	// bucket policy's ArnNotLike exemption: /*/log-break-glass would exempt
	// every role of that name under any path.
	breakGlassRolePattern = regexp.MustCompile(`^(/[\x21-\x29\x2B-\x3E\x40-\x7E]*/)?[\w+=,.@-]{1,64}$`)
)

// applyLogProtection resolves Object Lock, the break-glass role and the
// log archive. Object Lock is on by default in production (GOVERNANCE, for
// as long as the logs are kept) and off elsewhere.
func applyLogProtection(c *Config, s *spec, fl *FlowLogs, p *problems) {
	field := Namespace + ":flowLogs"
	ls := s.FlowLogs
	if c.IsProd() {
		fl.ObjectLock = ObjectLock{Mode: ObjectLockGovernance, Days: fl.S3RetentionDays}
	}
	if v := ls.ObjectLockMode; v != nil {
		switch *v {
		case ObjectLockGovernance, ObjectLockCompliance:
			fl.ObjectLock = ObjectLock{Mode: *v, Days: fl.S3RetentionDays}
		case ObjectLockNone:
			fl.ObjectLock = ObjectLock{}
		default:
			p.add(field+".objectLockMode", *v, "must be GOVERNANCE, COMPLIANCE or NONE")
		}
	}
	if v := ls.ObjectLockDays; v != nil {
		switch {
		case !fl.ObjectLock.Enabled():
			p.add(field+".objectLockDays", strconv.Itoa(*v), "is set, but Object Lock is off (objectLockMode NONE, the default outside prod); set objectLockMode to GOVERNANCE or COMPLIANCE")
		case *v < 1 || *v > fl.S3RetentionDays:
			p.add(field+".objectLockDays", strconv.Itoa(*v),
				"must be between 1 and flowLogs.s3RetentionDays (%d): the lifecycle deletes logs after s3RetentionDays, and a locked object version cannot be deleted before its retention ends",
				fl.S3RetentionDays)
		default:
			fl.ObjectLock.Days = *v
		}
	}
	if fl.ObjectLock.Enabled() {
		if s.FlowLogs.ForceDestroy != nil && *s.FlowLogs.ForceDestroy {
			p.add(field+".forceDestroy", "true", "cannot empty buckets under Object Lock (objectLockMode %s): destroy would fail on the locked objects; set forceDestroy false or objectLockMode NONE",
				fl.ObjectLock.Mode)
		}
		// Locked objects outlive destroy whatever forceDestroy says.
		fl.ForceDestroy = boolPtr(false)
	}
	if v := ls.BreakGlassRole; v != nil {
		fl.BreakGlassRole = *v
		switch {
		case !breakGlassRolePattern.MatchString(*v):
			p.add(field+".breakGlassRole", *v, "is not an IAM role name like log-break-glass (optionally after a path, /security/log-break-glass): 1-64 letters, digits or _+=,.@- characters")
		case !fl.ObjectLock.Enabled():
			p.add(field+".breakGlassRole", *v, "is set, but Object Lock is off (objectLockMode NONE); the deny on deleting logs that it is exempt from comes with Object Lock")
		}
	}
	if s.HasLogArchive {
		applyLogArchive(c, s, fl, p)
	}
}

// applyLogArchive validates the log archive: a bucket ARN of the stack's
// partition, in an account that no network is in (the point is that the
// audited accounts' administrators cannot reach it).
func applyLogArchive(c *Config, s *spec, fl *FlowLogs, p *problems) {
	field := Namespace + ":logArchive"
	la := s.LogArchive
	c.Observability.LogArchive = la
	partition := iamdoc.Partition(c.Region)
	m := bucketARNPattern.FindStringSubmatch(la.BucketARN)
	switch {
	case la.BucketARN == "":
		p.add(field+".bucketArn", "", "is required: the ARN of the archive bucket, like arn:%s:s3:::org-log-archive", partition)
	case m == nil:
		p.add(field+".bucketArn", la.BucketARN, "is not an S3 bucket ARN like arn:%s:s3:::org-log-archive (a bucket name of 3-63 lowercase letters, digits, dots or hyphens)", partition)
	case m[1] != partition:
		p.add(field+".bucketArn", la.BucketARN, "is in partition %s, but region %s is in partition %s; flow logs and AWS Config deliver only within their partition", m[1], c.Region, partition)
	}
	if !accountIDPattern.MatchString(la.AccountID) {
		p.add(field+".accountId", la.AccountID, "is not a 12-digit AWS account id (the log-archive account that owns the bucket)")
	} else {
		for i, n := range c.Networks {
			if n.Account.ExpectedID() == la.AccountID {
				p.add(field+".accountId", la.AccountID, "is the account of network %s (%s:networks[%d]); the archive belongs in an account the audited networks are not in, so their administrators cannot delete its logs",
					n.Name, Namespace, i)
				break
			}
		}
	}
	ls := s.FlowLogs
	for _, f := range []struct {
		name string
		set  bool
	}{{"objectLockMode", ls.ObjectLockMode != nil}, {"objectLockDays", ls.ObjectLockDays != nil}, {"breakGlassRole", ls.BreakGlassRole != nil}} {
		if f.set {
			p.add(Namespace+":flowLogs."+f.name, "", "applies to the log buckets peerctl creates, and with %s it creates none; protect the archive bucket with versioning and a policy denying deletion (not Object Lock: AWS Config does not deliver into a locked bucket; docs/observability.md, Log archive)", field)
		}
	}
	// The archive's owner protects it; nothing local to lock.
	fl.ObjectLock = ObjectLock{}
}

// String describes the protection for messages and the plan.
func (o ObjectLock) String() string {
	if !o.Enabled() {
		return "off"
	}
	return fmt.Sprintf("%s for %d days", o.Mode, o.Days)
}
