package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/flowfilter"
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/names"
)

// FlowLogsArgs describe the flow logs of one network.
type FlowLogsArgs struct {
	Network     string
	Environment string
	Region      string
	// AccountID is the network's account: it names the bucket and pins the
	// policies' aws:SourceAccount conditions.
	AccountID string
	VpcID     pulumi.StringInput
	// MaxAggregationInterval is 60 or 600 seconds.
	MaxAggregationInterval  int
	S3RetentionDays         int
	CloudWatchRetentionDays int
	ForceDestroy            bool
	// Versioning keeps overwritten and deleted log objects (prod).
	Versioning bool
	// KMSKeyARN selects SSE-KMS for the bucket and encrypts the log group
	// (whose key policy must then let logs.<region>.amazonaws.com use it);
	// empty means SSE-S3 and CloudWatch Logs' own encryption.
	KMSKeyARN string
	// KMSKey, when set, is the account's log key created in this stack; it
	// takes precedence over KMSKeyARN.
	KMSKey pulumi.StringInput
	// ObjectLock and BreakGlassRole (an IAM role name in the network's
	// account) protect the bucket's logs; see LogBucketArgs.
	ObjectLock     ObjectLock
	BreakGlassRole string
	// ArchiveBucket, when set, is a central log-archive bucket (another
	// account's) the S3 flow log delivers to; no bucket is created here.
	ArchiveBucket string
}

// FlowLogs are a network's two flow logs of ALL traffic: to S3 (Parquet,
// the audit record, kept S3RetentionDays) and to CloudWatch Logs (the source
// of the traffic metrics, kept CloudWatchRetentionDays).
type FlowLogs struct {
	pulumi.ResourceState

	// Bucket is nil when the flow log delivers to a log archive.
	Bucket            *LogBucket
	S3FlowLog         *ec2.FlowLog
	LogGroup          *cloudwatch.LogGroup
	Role              *iam.Role
	RolePolicy        *iam.RolePolicy
	CloudWatchFlowLog *ec2.FlowLog

	// BucketName and LogGroupName are known from configuration.
	BucketName   string
	LogGroupName string
}

// Service principals of VPC flow log delivery.
const (
	logDeliveryService = "delivery.logs.amazonaws.com"
	flowLogsService    = "vpc-flow-logs.amazonaws.com"
)

// NewFlowLogs registers a network's flow logs. The caller passes the
// network's provider in opts; children inherit it.
func NewFlowLogs(ctx *pulumi.Context, name string, args *FlowLogsArgs, opts ...pulumi.ResourceOption) (*FlowLogs, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("flow logs %q: %w", name, err)
	}
	f := &FlowLogs{
		BucketName:   names.FlowLogBucket(args.Network, args.Environment, args.Region, args.AccountID),
		LogGroupName: FlowLogGroupName(args.Network, args.Environment),
	}
	if args.ArchiveBucket != "" {
		f.BucketName = args.ArchiveBucket
	}
	if err := ctx.RegisterComponentResourceV2(FlowLogsType, name, pulumi.Map{
		"network":                pulumi.String(args.Network),
		"bucket":                 pulumi.String(f.BucketName),
		"logGroup":               pulumi.String(f.LogGroupName),
		"maxAggregationInterval": pulumi.Int(args.MaxAggregationInterval),
	}, f, opts...); err != nil {
		return nil, err
	}
	for _, step := range []func(*pulumi.Context, string, *FlowLogsArgs) error{f.toS3, f.toCloudWatch} {
		if err := step(ctx, name, args); err != nil {
			return nil, fmt.Errorf("flow logs %q: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"s3FlowLogId":         f.S3FlowLog.ID(),
		"cloudWatchFlowLogId": f.CloudWatchFlowLog.ID(),
		"bucket":              pulumi.String(f.BucketName),
		"logGroup":            f.LogGroup.Name,
	}); err != nil {
		return nil, fmt.Errorf("flow logs %q: %w", name, err)
	}
	return f, nil
}

func (a *FlowLogsArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.Network == "" || a.Environment == "" || a.Region == "" || a.AccountID == "" || a.VpcID == nil:
		return fmt.Errorf("network, environment, region, account id and VPC id are required")
	case a.MaxAggregationInterval != 60 && a.MaxAggregationInterval != 600:
		return fmt.Errorf("maxAggregationInterval %d: AWS accepts only 60 or 600", a.MaxAggregationInterval)
	case a.S3RetentionDays < 1 || a.CloudWatchRetentionDays < 1:
		return fmt.Errorf("retention days must be positive")
	}
	return nil
}

func (a *FlowLogsArgs) partition() string { return iamdoc.Partition(a.Region) }

func (a *FlowLogsArgs) physical(what string) string {
	return fmt.Sprintf("%s-%s-%s", a.Network, what, a.Environment)
}

// sourceConditions pin a service acting for this account's flow logs.
func (a *FlowLogsArgs) sourceConditions(sourceARN string) iamdoc.Conditions {
	return iamdoc.Conditions{
		"StringEquals": {"aws:SourceAccount": {a.AccountID}},
		"ArnLike":      {"aws:SourceArn": {sourceARN}},
	}
}

// FlowLogDeliveryGrants are the bucket policy statements for VPC flow log delivery
// to bucket (AWS: flow-logs-s3-permissions): write under AWSLogs/<account>/
// (and its Hive-style form AWSLogs/aws-account-id=<account>/, AWS:
// flow-logs-s3-path) with the bucket owner in full control, and read the bucket's ACL and list
// it, in both cases only on behalf of this account's log deliveries.
func FlowLogDeliveryGrants(partition, region, accountID, bucket string) []iamdoc.Statement {
	return FlowLogDeliveryGrantsIn(partition, []string{region}, accountID, bucket)
}

// FlowLogDeliveryGrantsIn are FlowLogDeliveryGrants for deliveries of the
// account from any of regions: log delivery acts for the region the flow
// log is in (aws:SourceArn arn:<partition>:logs:<region>:<account>:*), so
// a bucket that receives the flow logs of one account's VPCs in several
// regions (a log archive) lists each region, in the order given. ArnLike
// with several values matches any of them.
func FlowLogDeliveryGrantsIn(partition string, regions []string, accountID, bucket string) []iamdoc.Statement {
	arn := BucketARN(partition, bucket)
	var sources []string
	for _, region := range regions {
		sources = append(sources, fmt.Sprintf("arn:%s:logs:%s:%s:*", partition, region, accountID))
	}
	write := iamdoc.Conditions{
		"StringEquals": {"aws:SourceAccount": {accountID}, "s3:x-amz-acl": {"bucket-owner-full-control"}},
		"ArnLike":      {"aws:SourceArn": sources},
	}
	check := iamdoc.Conditions{
		"StringEquals": {"aws:SourceAccount": {accountID}},
		"ArnLike":      {"aws:SourceArn": sources},
	}
	return []iamdoc.Statement{
		{
			Sid: "AWSLogDeliveryWrite", Effect: iamdoc.Allow, Principal: iamdoc.Services(logDeliveryService),
			Action: []string{"s3:PutObject"},
			// With Hive-compatible partitions (which we turn on) AWS writes
			// under AWSLogs/aws-account-id=<account>/; the plain prefix is
			// the documented one. Both are this account's prefix only.
			Resource: []string{
				fmt.Sprintf("%s/AWSLogs/%s/*", arn, accountID),
				fmt.Sprintf("%s/AWSLogs/aws-account-id=%s/*", arn, accountID),
			},
			Condition: write,
		},
		{
			Sid: "AWSLogDeliveryCheck", Effect: iamdoc.Allow, Principal: iamdoc.Services(logDeliveryService),
			Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{arn}, Condition: check,
		},
	}
}

// toS3 creates the bucket and the S3 flow log: Parquet files in
// Hive-compatible hourly partitions, which Athena reads without a crawler.
// Delivery to S3 uses no IAM role; the bucket policy grants the service.
func (f *FlowLogs) toS3(ctx *pulumi.Context, name string, args *FlowLogsArgs) error {
	parent := pulumi.Parent(f)
	destination := pulumi.String(BucketARN(args.partition(), f.BucketName)).ToStringOutput()
	var after []pulumi.Resource
	if args.ArchiveBucket == "" {
		bucket, err := f.bucket(ctx, name, args)
		if err != nil {
			return err
		}
		destination = bucket.Bucket.Arn
		// The flow log waits for our bucket policy: the first delivery to
		// a bucket without one makes AWS attach its own, which ours would
		// then replace (or, if created later, fight).
		after = append(after, bucket.Policy)
	}
	var err error
	f.S3FlowLog, err = ec2.NewFlowLog(ctx, name+"-s3", &ec2.FlowLogArgs{
		VpcId:                  args.VpcID,
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("s3"),
		LogDestination:         destination,
		LogFormat:              pulumi.String(flowfilter.LogFormat(flowfilter.S3Fields)),
		MaxAggregationInterval: pulumi.Int(args.MaxAggregationInterval),
		DestinationOptions: &ec2.FlowLogDestinationOptionsArgs{
			FileFormat:               pulumi.String("parquet"),
			HiveCompatiblePartitions: pulumi.Bool(true),
			PerHourPartition:         pulumi.Bool(true),
		},
		Tags: nameTags(args.physical("flow-log-s3")),
	}, parent, pulumi.DependsOn(after))
	return err
}

// bucket creates the network's own flow-log bucket.
func (f *FlowLogs) bucket(ctx *pulumi.Context, name string, args *FlowLogsArgs) (*LogBucket, error) {
	bucket, err := NewLogBucket(ctx, name+"-bucket", &LogBucketArgs{
		BucketName:        f.BucketName,
		NameTag:           args.physical("flow-logs"),
		Partition:         args.partition(),
		RetentionDays:     args.S3RetentionDays,
		Versioning:        args.Versioning,
		ForceDestroy:      args.ForceDestroy,
		KMSKeyARN:         args.KMSKeyARN,
		KMSKey:            args.KMSKey,
		Grants:            FlowLogDeliveryGrants(args.partition(), args.Region, args.AccountID, f.BucketName),
		ObjectLock:        args.ObjectLock,
		BreakGlassRoleARN: BreakGlassRoleARN(args.partition(), args.AccountID, args.BreakGlassRole),
	}, Nested(f)...)
	f.Bucket = bucket
	return bucket, err
}

// toCloudWatch creates the log group, the role VPC Flow Logs assumes to
// write into it (and nothing else), and the CloudWatch flow log, whose
// records feed the metric filters (see flowfilter.CloudWatchFields).
func (f *FlowLogs) toCloudWatch(ctx *pulumi.Context, name string, args *FlowLogsArgs) error {
	parent := pulumi.Parent(f)
	groupArgs := &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(f.LogGroupName),
		RetentionInDays: pulumi.Int(args.CloudWatchRetentionDays),
		// Metric filters need the Standard class; Infrequent Access has none.
		LogGroupClass: pulumi.String("STANDARD"),
		Tags:          nameTags(args.physical("flow-logs")),
	}
	if key := KeyInput(args.KMSKey, args.KMSKeyARN); key != nil {
		groupArgs.KmsKeyId = key
	}
	group, err := cloudwatch.NewLogGroup(ctx, name+"-group", groupArgs, parent)
	if err != nil {
		return err
	}
	f.LogGroup = group
	p := args.partition()
	trust, err := iamdoc.New(iamdoc.Statement{
		Effect:    iamdoc.Allow,
		Principal: iamdoc.Services(flowLogsService),
		Action:    []string{"sts:AssumeRole"},
		Condition: args.sourceConditions(fmt.Sprintf("arn:%s:ec2:%s:%s:vpc-flow-log/*", p, args.Region, args.AccountID)),
	}).JSON()
	if err != nil {
		return err
	}
	roleName := names.FlowLogRole(args.Network, args.Environment, args.Region)
	f.Role, err = iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String(fmt.Sprintf("VPC Flow Logs delivery of %s's VPC to %s", args.Network, f.LogGroupName)),
		AssumeRolePolicy: pulumi.String(trust),
		// The Name tag is the readable name; the region is where it is used.
		Tags: nameTags(args.physical("vpc-flow-logs")),
	}, parent)
	if err != nil {
		return err
	}
	// The log group exists (we create it), so the role needs no
	// logs:CreateLogGroup. AWS's documented policy also grants
	// logs:DescribeLogGroups, which the service may call to check the
	// destination; it is read-only and cannot be scoped to one group, so it
	// is granted on this account's log groups in this region, not on "*".
	policy := group.Arn.ApplyT(func(arn string) (string, error) {
		return iamdoc.New(iamdoc.Statement{
			Sid:      "DeliverToLogGroup",
			Effect:   iamdoc.Allow,
			Action:   []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			Resource: []string{arn, arn + ":*"},
		}, iamdoc.Statement{
			Sid:      "FindLogGroup",
			Effect:   iamdoc.Allow,
			Action:   []string{"logs:DescribeLogGroups"},
			Resource: []string{fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", p, args.Region, args.AccountID)},
		}).JSON()
	}).(pulumi.StringOutput)
	f.RolePolicy, err = iam.NewRolePolicy(ctx, name+"-role-policy", &iam.RolePolicyArgs{
		Name:   pulumi.String(args.physical("flow-logs-delivery")),
		Role:   f.Role.ID(),
		Policy: policy,
	}, parent)
	if err != nil {
		return err
	}
	// The flow log waits for the role's permissions, or its first
	// deliveries fail with an access error.
	f.CloudWatchFlowLog, err = ec2.NewFlowLog(ctx, name+"-cloudwatch", &ec2.FlowLogArgs{
		VpcId:                  args.VpcID,
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             f.Role.Arn,
		LogFormat:              pulumi.String(flowfilter.LogFormat(flowfilter.CloudWatchFields)),
		MaxAggregationInterval: pulumi.Int(args.MaxAggregationInterval),
		Tags:                   nameTags(args.physical("flow-log-cloudwatch")),
	}, parent, pulumi.DependsOn([]pulumi.Resource{f.RolePolicy}))
	return err
}
