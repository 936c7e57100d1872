package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
)

// LogKeyType is the token of the per-account log key component.
const LogKeyType = "peerctl:observability:LogKey"

// logsDeletionWindowDays is the key's deletion waiting period, the longest
// KMS allows (7 to 30 days): time to notice and cancel a deletion that
// would make every log encrypted under the key unreadable.
const logsDeletionWindowDays = 30

// LogKeyArgs describe the customer managed key of one account's logs.
type LogKeyArgs struct {
	// Account names the account (its first network), as for AWS Config.
	Account     string
	Environment string
	Region      string
	AccountID   string
	// Retain leaves the key in AWS on destroy: it must outlive the retained
	// log buckets encrypted with it, or their objects become unreadable.
	Retain bool
}

// LogKey is the customer managed KMS key that encrypts one account's
// flow-log buckets, flow-log log groups and AWS Config bucket in
// production (flowLogs.createKmsKey), where no key is configured.
type LogKey struct {
	pulumi.ResourceState

	Key   *kms.Key
	Alias *kms.Alias
	// AliasName is known from configuration.
	AliasName string
}

// LogKeyAlias is the alias of an account's log key. Aliases are unique per
// account and region; a stack has one log key per account and region (an
// account group), named after the group's first network, which differs
// between two groups of one account; the environment tells apart the
// stacks that share an account (dev and prod, or two projects).
func LogKeyAlias(account, environment string) string {
	return fmt.Sprintf("alias/peerctl-logs-%s-%s", account, environment)
}

// NewLogKey registers an account's log key. The caller passes the account's
// provider in opts; children inherit it.
func NewLogKey(ctx *pulumi.Context, name string, args *LogKeyArgs, opts ...pulumi.ResourceOption) (*LogKey, error) {
	if args == nil || args.Account == "" || args.Environment == "" || args.Region == "" || args.AccountID == "" {
		return nil, fmt.Errorf("log key %q: account, environment, region and account id are required", name)
	}
	k := &LogKey{AliasName: LogKeyAlias(args.Account, args.Environment)}
	if err := ctx.RegisterComponentResourceV2(LogKeyType, name, pulumi.Map{
		"alias": pulumi.String(k.AliasName),
	}, k, opts...); err != nil {
		return nil, err
	}
	policy, err := LogKeyPolicy(iamdoc.Partition(args.Region), args.Region, args.AccountID).JSON()
	if err != nil {
		return nil, fmt.Errorf("log key %q: %w", name, err)
	}
	physical := fmt.Sprintf("peerctl-logs-%s-%s", args.Account, args.Environment)
	k.Key, err = kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.String(fmt.Sprintf("peerctl: encrypts the flow logs and AWS Config history of account %s (%s)", args.Account, args.Environment)),
		Policy:               pulumi.String(policy),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(logsDeletionWindowDays),
		Tags:                 nameTags(physical),
	}, pulumi.Parent(k), pulumi.RetainOnDelete(args.Retain))
	if err != nil {
		return nil, fmt.Errorf("log key %q: %w", name, err)
	}
	// The alias is not retained: a retained alias would block the next
	// deploy from creating it again, and deleting it leaves the key usable.
	k.Alias, err = kms.NewAlias(ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String(k.AliasName),
		TargetKeyId: k.Key.KeyId,
	}, pulumi.Parent(k))
	if err != nil {
		return nil, fmt.Errorf("log key %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{"arn": k.Key.Arn, "alias": pulumi.String(k.AliasName)}); err != nil {
		return nil, fmt.Errorf("log key %q: %w", name, err)
	}
	return k, nil
}

// KeyInput is the key to encrypt with: a key created in the stack (created)
// if any, else a configured ARN; nil for none.
func KeyInput(created pulumi.StringInput, configured string) pulumi.StringInput {
	switch {
	case created != nil:
		return created
	case configured != "":
		return pulumi.String(configured)
	}
	return nil
}

// accountAdministersKey lets the account administer and use a key through
// IAM policies. Without it no IAM policy can grant the key (KMS developer
// guide, key-policy-default: "Allows access to the AWS account and enables
// IAM policies"); the actions are listed instead of kms:* (policy IAM-001).
func accountAdministersKey(partition, accountID string) iamdoc.Statement {
	return iamdoc.Statement{
		Sid:       "AccountAdministersAndUsesTheKey",
		Effect:    iamdoc.Allow,
		Principal: iamdoc.Accounts(fmt.Sprintf("arn:%s:iam::%s:root", partition, accountID)),
		Action: []string{
			"kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt", "kms:DeleteAlias",
			"kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
			"kms:Encrypt", "kms:GenerateDataKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases",
			"kms:ListGrants", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RetireGrant", "kms:RevokeGrant",
			"kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
		},
		Resource: []string{"*"},
	}
}

// LogKeyPolicy is the key policy of an account's log key. In a key policy
// "*" as the resource means this key.
//
//   - The account administers and uses the key through IAM (the AWS Config
//     role's policy grants it kms:GenerateDataKey and kms:Decrypt).
//   - CloudWatch Logs of this region encrypts and decrypts this account's
//     log groups: CloudWatch Logs user guide, encrypt-log-data-kms ("Step 2:
//     Set permissions on the KMS key"): principal logs.<region>.amazonaws.com,
//     kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*,
//     kms:Describe*, with ArnLike kms:EncryptionContext:aws:logs:arn on the
//     account's log groups.
//   - Log delivery writes flow-log files to the SSE-KMS buckets: VPC user
//     guide, flow-logs-s3-permissions ("Required key policy for use with
//     SSE-KMS"): principal delivery.logs.amazonaws.com, kms:Encrypt,
//     kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey;
//     pinned to this account's deliveries with aws:SourceAccount and
//     aws:SourceArn as CloudWatch Logs user guide, AWS-logs-infrastructure-S3
//     ("Amazon S3 bucket server-side encryption") shows.
func LogKeyPolicy(partition, region, accountID string) iamdoc.Document {
	return iamdoc.New(
		accountAdministersKey(partition, accountID),
		iamdoc.Statement{
			Sid:       "CloudWatchLogsEncryptLogGroups",
			Effect:    iamdoc.Allow,
			Principal: iamdoc.Services(fmt.Sprintf("logs.%s.amazonaws.com", region)),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: iamdoc.Conditions{
				"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", partition, region, accountID)}},
			},
		},
		iamdoc.Statement{
			Sid:       "LogDeliveryEncryptFlowLogFiles",
			Effect:    iamdoc.Allow,
			Principal: iamdoc.Services(logDeliveryService),
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource:  []string{"*"},
			Condition: iamdoc.Conditions{
				"StringEquals": {"aws:SourceAccount": {accountID}},
				"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:logs:%s:%s:*", partition, region, accountID)}},
			},
		},
	)
}
