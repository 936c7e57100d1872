package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
)

// LogBucketArgs describe a bucket that AWS services deliver logs into.
type LogBucketArgs struct {
	// BucketName is the physical, globally unique name.
	BucketName string
	// NameTag is the readable Name tag (bucket names carry the account id).
	NameTag   string
	Partition string
	// RetentionDays expires objects; transitions to cheaper storage classes
	// are added where the retention leaves time for them (see Transitions).
	RetentionDays int
	// Versioning keeps overwritten and deleted objects (for NoncurrentDays).
	Versioning bool
	// ForceDestroy lets destroy delete the bucket with its objects.
	ForceDestroy bool
	// KMSKeyARN selects SSE-KMS with this key; empty means SSE-S3.
	KMSKeyARN string
	// KMSKey, when set, is a key created in this stack (its ARN known at
	// deploy time); it takes precedence over KMSKeyARN.
	KMSKey pulumi.StringInput
	// Grants let AWS services deliver; the TLS-only deny is always added.
	Grants []iamdoc.Statement
	// Tags are extra resource tags (e.g. CostCenter=shared).
	Tags map[string]string
	// ObjectLock, when set, creates the bucket with S3 Object Lock and
	// this default retention, and a policy denying anyone but
	// BreakGlassRoleARN to delete logs or change their lock (lock.go).
	// It needs Versioning.
	ObjectLock ObjectLock
	// DenyTampering adds the deny of deleting logs and changing their lock
	// without Object Lock itself: AWS Config cannot deliver into a bucket
	// with Object Lock enabled (AWS::Config::DeliveryChannel, "AWS Config
	// does not support the delivery channel to an Amazon S3 bucket where
	// object lock is enabled"), so its bucket gets the policy only.
	DenyTampering bool
	// BreakGlassRoleARN is exempt from the deny; "" exempts nobody.
	BreakGlassRoleARN string
}

// LogBucket is an S3 bucket hardened for logs: all public access blocked,
// ACLs disabled (BucketOwnerEnforced), default encryption, a policy that
// refuses plain HTTP and grants only the delivering services, and a
// lifecycle that expires what is past retention.
type LogBucket struct {
	pulumi.ResourceState

	Bucket *s3.BucketV2
	// Policy is what delivery depends on: without it, AWS writes its own
	// policy on first delivery, which ours would then overwrite.
	Policy *s3.BucketPolicy
	// Name and ARN are known from configuration.
	Name string
	ARN  string
}

// NoncurrentDays is how long a versioned log bucket keeps overwritten or
// deleted objects.
const NoncurrentDays = 30

// Transition is one lifecycle transition to a cheaper storage class.
type Transition struct {
	Days         int
	StorageClass string
}

// Transitions are the storage-class transitions for objects kept
// retentionDays. S3 needs objects to be 30 days old before STANDARD_IA and
// bills IA for at least 30 days and Glacier Instant Retrieval for at least
// 90, so a transition is only added when the object then stays that long
// before it expires: IA at day 30 from 60 days' retention, Glacier Instant
// Retrieval (still readable by Athena without a restore) at day 90 from 180
// days. Expiration always comes after the last transition.
func Transitions(retentionDays int) []Transition {
	var out []Transition
	if retentionDays >= 30+30 {
		out = append(out, Transition{Days: 30, StorageClass: "STANDARD_IA"})
	}
	if retentionDays >= 90+90 {
		out = append(out, Transition{Days: 90, StorageClass: "GLACIER_IR"})
	}
	return out
}

// BucketARN is the ARN of a bucket.
func BucketARN(partition, bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", partition, bucket)
}

// NewLogBucket registers a log bucket. The caller passes the account's
// provider (directly or through a parent component).
func NewLogBucket(ctx *pulumi.Context, name string, args *LogBucketArgs, opts ...pulumi.ResourceOption) (*LogBucket, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("log bucket %q: %w", name, err)
	}
	b := &LogBucket{Name: args.BucketName, ARN: BucketARN(args.Partition, args.BucketName)}
	if err := ctx.RegisterComponentResourceV2(LogBucketType, name, pulumi.Map{
		"bucket":        pulumi.String(args.BucketName),
		"retentionDays": pulumi.Int(args.RetentionDays),
		"versioning":    pulumi.Bool(args.Versioning),
		"forceDestroy":  pulumi.Bool(args.ForceDestroy),
		"objectLock":    pulumi.String(args.ObjectLock.String()),
	}, b, opts...); err != nil {
		return nil, err
	}
	if err := b.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("log bucket %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucket": b.Bucket.Bucket,
		"arn":    b.Bucket.Arn,
	}); err != nil {
		return nil, fmt.Errorf("log bucket %q: %w", name, err)
	}
	return b, nil
}

func (a *LogBucketArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.BucketName == "" || a.Partition == "":
		return fmt.Errorf("bucket name and partition are required")
	case a.RetentionDays < 1:
		return fmt.Errorf("retention of %d days: want at least 1", a.RetentionDays)
	case a.ObjectLock.Enabled() && !a.Versioning:
		return fmt.Errorf("object lock needs versioning")
	case a.ObjectLock.Enabled() && a.ForceDestroy:
		return fmt.Errorf("object lock with forceDestroy: destroy would fail on locked objects")
	}
	return nil
}

func (b *LogBucket) build(ctx *pulumi.Context, name string, args *LogBucketArgs) error {
	// Without forceDestroy (prod) the bucket outlives `destroy` because it
	// holds logs. Its children are kept with it: deleting them first would
	// leave the audit logs in a bucket without the TLS-only policy, public
	// access block and lifecycle, and the destroy half done.
	parent := pulumi.Composite(pulumi.Parent(b), pulumi.RetainOnDelete(!args.ForceDestroy))
	kv := []string{}
	for k, v := range args.Tags {
		kv = append(kv, k, v)
	}
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(args.BucketName),
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		// No objectLockEnabled: the lock configuration (lock.go) enables
		// Object Lock on the versioned bucket, which S3 allows on existing
		// buckets, so switching the lock on later updates the stack instead
		// of replacing a named bucket that is retained on delete (the
		// replacement could not take the name while the old bucket holds it).
		Tags: nameTags(args.NameTag, kv...),
	}, parent)
	if err != nil {
		return err
	}
	b.Bucket = bucket
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return err
	}
	sse := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{ApplyServerSideEncryptionByDefault: sse}
	if key := KeyInput(args.KMSKey, args.KMSKeyARN); key != nil {
		sse.SseAlgorithm = pulumi.String("aws:kms")
		sse.KmsMasterKeyId = key
		rule.BucketKeyEnabled = pulumi.Bool(true) // fewer KMS requests, lower cost
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, parent); err != nil {
		return err
	}
	var versioning []pulumi.Resource
	if args.Versioning {
		v, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
			Bucket:                  bucket.ID(),
			VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, parent)
		if err != nil {
			return err
		}
		versioning = append(versioning, v)
	}
	if err := b.lifecycle(ctx, name, args, versioning); err != nil {
		return err
	}
	policyAfter := []pulumi.Resource{pab}
	statements := append([]iamdoc.Statement{iamdoc.TLSOnly(b.ARN, b.ARN+"/*")}, args.Grants...)
	if args.ObjectLock.Enabled() {
		lock, err := b.objectLock(ctx, name, args, versioning, parent)
		if err != nil {
			return err
		}
		// The policy denies changing the lock, so the lock goes first.
		policyAfter = append(policyAfter, lock)
	}
	if args.ObjectLock.Enabled() || args.DenyTampering {
		statements = append(statements, DenyLogTampering(b.ARN, args.BreakGlassRoleARN))
	}
	policy, err := iamdoc.New(statements...).JSON()
	if err != nil {
		return err
	}
	// After the public access block: S3 rejects concurrent changes to a
	// bucket's policy and its public access block.
	b.Policy, err = s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(policy),
	}, parent, pulumi.DependsOn(policyAfter))
	return err
}

// lifecycle expires objects after the retention, moving them to cheaper
// storage on the way where the retention allows, and cleans up incomplete
// multipart uploads and (when versioned) old versions.
func (b *LogBucket) lifecycle(ctx *pulumi.Context, name string, args *LogBucketArgs, after []pulumi.Resource) error {
	var transitions s3.BucketLifecycleConfigurationV2RuleTransitionArray
	for _, t := range Transitions(args.RetentionDays) {
		transitions = append(transitions, &s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
			Days: pulumi.Int(t.Days), StorageClass: pulumi.String(t.StorageClass),
		})
	}
	rule := &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:          pulumi.String(fmt.Sprintf("expire-after-%d-days", args.RetentionDays)),
		Status:      pulumi.String("Enabled"),
		Filter:      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{}, // every object
		Expiration:  &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.RetentionDays)},
		Transitions: transitions,
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(7),
		},
	}
	rules := s3.BucketLifecycleConfigurationV2RuleArray{rule}
	if args.Versioning {
		rule.NoncurrentVersionExpiration = &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(NoncurrentDays),
		}
		// On a versioned bucket, expiring an object leaves a delete marker;
		// once its noncurrent versions are gone the marker is all that is
		// left. S3 removes such markers only when a rule says so, and that
		// rule cannot also expire by age, hence a rule of its own.
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("remove-expired-delete-markers"),
			Status:     pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
		})
	}
	// A lifecycle configuration on a versioned bucket must follow the
	// versioning configuration, or S3 may apply it to the wrong state.
	_, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.Bucket.ID(),
		Rules:  rules,
	}, pulumi.Parent(b), pulumi.RetainOnDelete(!args.ForceDestroy), pulumi.DependsOn(after))
	return err
}
