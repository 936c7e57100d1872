package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
)

// ObjectLock is a log bucket's S3 Object Lock default retention: Mode
// GOVERNANCE or COMPLIANCE for Days; the zero value is no Object Lock.
type ObjectLock struct {
	Mode string
	Days int
}

// Enabled reports whether the bucket is locked.
func (o ObjectLock) Enabled() bool { return o.Mode != "" && o.Mode != "NONE" }

func (o ObjectLock) String() string {
	if !o.Enabled() {
		return "off"
	}
	return fmt.Sprintf("%s for %d days", o.Mode, o.Days)
}

// TamperActions are what the deny of a locked log bucket refuses to all but
// the break-glass role: deleting objects or versions (S3 lifecycle
// expiration is not subject to bucket policies and still runs), and
// bypassing or changing retention and legal holds. Lifecycle, policy and
// the bucket's default retention stay allowed: the deployer changes them
// when the settings change (objectLockDays follows s3RetentionDays), a
// changed default applies only to objects written afterwards, and Object
// Lock can never be switched off once on.
var TamperActions = []string{
	"s3:BypassGovernanceRetention",
	"s3:DeleteObject",
	"s3:DeleteObjectVersion",
	"s3:PutObjectLegalHold",
	"s3:PutObjectRetention",
}

// DenyLogTampering is the bucket policy statement that protects a locked
// log bucket: TamperActions are denied to every principal except
// breakGlassRoleARN (when given).
func DenyLogTampering(bucketARN, breakGlassRoleARN string) iamdoc.Statement {
	st := iamdoc.Statement{
		Sid: "DenyLogDeletionAndLockChanges", Effect: iamdoc.Deny, Principal: iamdoc.Anyone(),
		Action:   TamperActions,
		Resource: []string{bucketARN, bucketARN + "/*"},
	}
	if breakGlassRoleARN != "" {
		st.Condition = iamdoc.Conditions{"ArnNotLike": {"aws:PrincipalArn": {breakGlassRoleARN}}}
	}
	return st
}

// BreakGlassRoleARN is the ARN of the break-glass role (a name, optionally
// after a path) in an account; "" for no role.
func BreakGlassRoleARN(partition, accountID, role string) string {
	if role == "" {
		return ""
	}
	if role[0] != '/' {
		role = "/" + role
	}
	return fmt.Sprintf("arn:%s:iam::%s:role%s", partition, accountID, role)
}

// objectLock sets the bucket's default retention. S3 Object Lock needs
// versioning, which the bucket has (validate), so it follows it.
func (b *LogBucket) objectLock(ctx *pulumi.Context, name string, args *LogBucketArgs, versioning []pulumi.Resource,
	parent pulumi.ResourceOption) (pulumi.Resource, error) {
	return s3.NewBucketObjectLockConfigurationV2(ctx, name+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
		Bucket: b.Bucket.ID(),
		// Enables Object Lock on the bucket (new or existing, once
		// versioned) as well as setting its default retention.
		ObjectLockEnabled: pulumi.String("Enabled"),
		Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
			DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String(args.ObjectLock.Mode),
				Days: pulumi.Int(args.ObjectLock.Days),
			},
		},
	}, parent, pulumi.DependsOn(versioning))
}
