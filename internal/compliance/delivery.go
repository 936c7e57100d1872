package compliance

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/tags"
)

// This file is how AWS Config delivers: the recorder's role, the delivery
// bucket and the bucket policy statements delivery needs.

// deliveryPrefix is where AWS Config writes: AWSLogs/<account>/Config/.
func (b *builder) deliveryPrefix() string {
	return fmt.Sprintf("%s/AWSLogs/%s/Config/*", observability.BucketARN(b.partition(), b.bucketName()), b.args.AccountID)
}

// RoleTrust lets AWS Config assume the recorder role, for this account only.
func RoleTrust(accountID string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Effect:    iamdoc.Allow,
		Principal: iamdoc.Services(ConfigService),
		Action:    []string{"sts:AssumeRole"},
		Condition: iamdoc.Conditions{"StringEquals": {"aws:SourceAccount": {accountID}}},
	})
}

// role creates the recorder's role: AWS_ConfigRole (read the configuration
// of supported resources) plus delivery to this account's prefix of the
// delivery bucket.
func (b *builder) role() error {
	trust, err := RoleTrust(b.args.AccountID).JSON()
	if err != nil {
		return err
	}
	roleName := names.ConfigRole(b.args.Account, b.args.Environment, b.args.Region)
	role, err := iam.NewRole(b.ctx, b.name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String(fmt.Sprintf("AWS Config recorder of peerctl (%s), account of %s", b.args.Environment, strings.Join(b.args.Networks, ", "))),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags(b.physical("aws-config")), // readable; the name carries the region
	}, b.parent)
	if err != nil {
		return err
	}
	b.c.Role = role
	b.managedPolicy, err = iam.NewRolePolicyAttachment(b.ctx, b.name+"-role-config-policy", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(fmt.Sprintf("arn:%s:iam::aws:policy/service-role/AWS_ConfigRole", b.partition())),
	}, b.parent)
	if err != nil {
		return err
	}
	policy, err := b.deliveryPolicyJSON()
	if err != nil {
		return err
	}
	b.deliveryPolicy, err = iam.NewRolePolicy(b.ctx, b.name+"-role-delivery-policy", &iam.RolePolicyArgs{
		Name:   pulumi.String(b.physical("config-delivery")),
		Role:   role.ID(),
		Policy: policy,
	}, b.parent)
	return err
}

// deliveryPolicyJSON is the role's delivery policy: write this account's
// prefix of the bucket and check its ACL, and, under SSE-KMS, use the key
// (AWS Config developer guide, s3-kms-key-policy: the role needs
// kms:GenerateDataKey and kms:Decrypt on it; the key policy's account
// statement lets this IAM policy grant them). A key created in the stack
// is known only at deploy time, so the policy is then an Output.
func (b *builder) deliveryPolicyJSON() (pulumi.StringInput, error) {
	statements := []iamdoc.Statement{
		{
			Sid: "DeliverConfigurationItems", Effect: iamdoc.Allow,
			Action: []string{"s3:PutObject"}, Resource: []string{b.deliveryPrefix()},
			Condition: iamdoc.Conditions{"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}}},
		},
		{
			Sid: "CheckDeliveryBucket", Effect: iamdoc.Allow,
			Action: []string{"s3:GetBucketAcl"}, Resource: []string{observability.BucketARN(b.partition(), b.bucketName())},
		},
	}
	withKey := func(arn string) (string, error) {
		all := statements
		if arn != "" {
			all = append(all[:len(all):len(all)], iamdoc.Statement{
				Sid: "EncryptDeliveries", Effect: iamdoc.Allow,
				Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{arn},
			})
		}
		return iamdoc.New(all...).JSON()
	}
	if b.args.KMSKey != nil {
		return b.args.KMSKey.ToStringOutput().ApplyT(withKey).(pulumi.StringOutput), nil
	}
	policy, err := withKey(b.args.KMSKeyARN)
	return pulumi.String(policy), err
}

// DeliveryGrants are the bucket policy statements for AWS Config delivery
// (AWS Config developer guide, s3-bucket-policy): check the bucket's ACL,
// list it, and write under AWSLogs/<account>/Config/ with the bucket owner
// in full control, each only on behalf of this account.
func DeliveryGrants(partition, accountID, bucket string) []iamdoc.Statement {
	arn := observability.BucketARN(partition, bucket)
	source := iamdoc.Conditions{"StringEquals": {"AWS:SourceAccount": {accountID}}}
	return []iamdoc.Statement{
		{
			Sid: "AWSConfigBucketPermissionsCheck", Effect: iamdoc.Allow, Principal: iamdoc.Services(ConfigService),
			Action: []string{"s3:GetBucketAcl"}, Resource: []string{arn}, Condition: source,
		},
		{
			Sid: "AWSConfigBucketExistenceCheck", Effect: iamdoc.Allow, Principal: iamdoc.Services(ConfigService),
			Action: []string{"s3:ListBucket"}, Resource: []string{arn}, Condition: source,
		},
		{
			Sid: "AWSConfigBucketDelivery", Effect: iamdoc.Allow, Principal: iamdoc.Services(ConfigService),
			Action:   []string{"s3:PutObject"},
			Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/Config/*", arn, accountID)},
			Condition: iamdoc.Conditions{"StringEquals": {
				"AWS:SourceAccount": {accountID},
				"s3:x-amz-acl":      {"bucket-owner-full-control"},
			}},
		},
	}
}

// bucket creates the delivery bucket, hardened like the flow-log buckets.
func (b *builder) bucket() error {
	var extra map[string]string
	if b.args.SharedCostCenter {
		extra = map[string]string{"CostCenter": tags.SharedCostCenter}
	}
	bucket, err := observability.NewLogBucket(b.ctx, b.name+"-bucket", &observability.LogBucketArgs{
		BucketName:    b.bucketName(),
		NameTag:       b.physical("config"),
		Partition:     b.partition(),
		RetentionDays: b.args.RetentionDays,
		Versioning:    b.args.Versioning,
		ForceDestroy:  b.args.ForceDestroy,
		KMSKeyARN:     b.args.KMSKeyARN,
		KMSKey:        b.args.KMSKey,
		Grants:        DeliveryGrants(b.partition(), b.args.AccountID, b.bucketName()),
		Tags:          extra,
		// AWS Config cannot deliver into a bucket with Object Lock: the
		// Config bucket is versioned and denies deleting logs instead.
		DenyTampering:     b.args.ObjectLock.Enabled(),
		BreakGlassRoleARN: observability.BreakGlassRoleARN(b.partition(), b.args.AccountID, b.args.BreakGlassRole),
	}, observability.Nested(b.c)...)
	b.c.Bucket = bucket
	return err
}
