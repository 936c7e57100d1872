// Package compliance is the Compliance component: AWS Config in one
// account and region. AWS allows one configuration recorder and one
// delivery channel per account and region, so there is one component per
// account group (account and region, not per network), named after the
// group's first network.
//
// With CreateRecorder, the component creates the recorder (recording only
// the resource types its rules evaluate), the role it uses, a hardened
// delivery bucket, the delivery channel, and the recorder status that turns
// recording on. Without it (Control Tower or the organisation already
// records), it creates the rules only; they then evaluate whatever the
// existing recorder records.
package compliance

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/tags"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "peerctl:compliance:Compliance"

// ConfigService is AWS Config's service principal.
const ConfigService = "config.amazonaws.com"

// ComplianceArgs describe AWS Config in one account.
type ComplianceArgs struct {
	// Account is the account's first network; it names the resources.
	Account string
	// Networks are every network in the account.
	Networks    []string
	Environment string
	Region      string
	AccountID   string
	// VpcIDs are the account's VPCs (scope of the peering DNS rule).
	VpcIDs []pulumi.StringInput
	// CreateRecorder creates the recorder, its role, bucket and channel.
	CreateRecorder bool
	// PeeringDNSRule adds VPC_PEERING_DNS_RESOLUTION_CHECK.
	PeeringDNSRule bool
	// Delivery bucket settings, as for the flow-log buckets.
	RetentionDays int
	Versioning    bool
	ForceDestroy  bool
	KMSKeyARN     string
	// KMSKey, when set, is the account's log key created in this stack; it
	// takes precedence over KMSKeyARN.
	KMSKey pulumi.StringInput
	// ObjectLock and BreakGlassRole (a role name in this account) protect
	// the delivery bucket, as for the flow-log buckets.
	ObjectLock     observability.ObjectLock
	BreakGlassRole string
	// ArchiveBucket, when set, is a central log-archive bucket (another
	// account's) AWS Config delivers to; no bucket is created here.
	ArchiveBucket string
	// SharedCostCenter tags the resources CostCenter=shared (networks of
	// several cost centres share the account).
	SharedCostCenter bool
}

// Compliance is AWS Config in one account.
type Compliance struct {
	pulumi.ResourceState

	// Role, Bucket, Recorder, DeliveryChannel and RecorderStatus are nil
	// when an existing recorder is reused; Bucket is nil too when AWS
	// Config delivers to a log archive.
	Role            *iam.Role
	Bucket          *observability.LogBucket
	Recorder        *cfg.Recorder
	DeliveryChannel *cfg.DeliveryChannel
	RecorderStatus  *cfg.RecorderStatus
	// Rules by Rule.Key; RuleKeys in creation order.
	Rules    map[string]*cfg.Rule
	RuleKeys []string
	// RecorderName is "" when an existing recorder is reused.
	RecorderName string
}

// RecorderName is the recorder of an account.
func RecorderName(account, env string) string {
	return fmt.Sprintf("%s-config-recorder-%s", account, env)
}

// DeliveryChannelName is the delivery channel of an account.
func DeliveryChannelName(account, env string) string {
	return fmt.Sprintf("%s-config-delivery-%s", account, env)
}

// NewCompliance registers AWS Config for one account. The caller passes the
// account's provider in opts; children inherit it.
func NewCompliance(ctx *pulumi.Context, name string, args *ComplianceArgs, opts ...pulumi.ResourceOption) (*Compliance, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("compliance %q: %w", name, err)
	}
	c := &Compliance{Rules: map[string]*cfg.Rule{}}
	networks := pulumi.StringArray{}
	for _, n := range args.Networks {
		networks = append(networks, pulumi.String(n))
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, pulumi.Map{
		"account":        pulumi.String(args.Account),
		"networks":       networks,
		"createRecorder": pulumi.Bool(args.CreateRecorder),
		"peeringDnsRule": pulumi.Bool(args.PeeringDNSRule),
	}, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, c: c, name: name, args: args, parent: pulumi.Parent(c)}
	steps := []func() error{b.rules}
	if args.CreateRecorder {
		steps = []func() error{b.role, b.bucket, b.recorder, b.rules}
		if args.ArchiveBucket != "" {
			steps = []func() error{b.role, b.recorder, b.rules}
		}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("compliance %q: %w", name, err)
		}
	}
	outputs := pulumi.Map{"ruleNames": c.RuleNames(), "recorderName": pulumi.String("")}
	if c.Recorder != nil {
		outputs["recorderName"] = c.Recorder.Name
	}
	if err := ctx.RegisterResourceOutputs(c, outputs); err != nil {
		return nil, fmt.Errorf("compliance %q: %w", name, err)
	}
	return c, nil
}

func (a *ComplianceArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.Account == "" || a.Environment == "" || a.Region == "" || a.AccountID == "":
		return fmt.Errorf("account, environment, region and account id are required")
	case len(a.Networks) == 0 || len(a.Networks) != len(a.VpcIDs):
		return fmt.Errorf("%d networks with %d VPC ids", len(a.Networks), len(a.VpcIDs))
	case a.CreateRecorder && a.RetentionDays < 1:
		return fmt.Errorf("the delivery bucket needs a retention")
	}
	return nil
}

// RuleNames lists the rule names (resolved) in creation order.
func (c *Compliance) RuleNames() pulumi.StringArrayOutput {
	names := pulumi.StringArray{}
	for _, k := range c.RuleKeys {
		names = append(names, c.Rules[k].Name)
	}
	return names.ToStringArrayOutput()
}

type builder struct {
	ctx    *pulumi.Context
	c      *Compliance
	name   string
	args   *ComplianceArgs
	parent pulumi.ResourceOption
	// managedPolicy and deliveryPolicy are the role's permissions, which
	// the recorder and the delivery channel wait for.
	managedPolicy, deliveryPolicy pulumi.Resource
}

func (b *builder) partition() string { return iamdoc.Partition(b.args.Region) }

func (b *builder) physical(what string) string {
	return fmt.Sprintf("%s-%s-%s", b.args.Account, what, b.args.Environment)
}

func (b *builder) tags(name string) pulumi.StringMap {
	if b.args.SharedCostCenter {
		return pulumi.ToStringMap(tags.Named(name, "CostCenter", tags.SharedCostCenter))
	}
	return pulumi.ToStringMap(tags.Named(name))
}

func (b *builder) bucketName() string {
	if b.args.ArchiveBucket != "" {
		return b.args.ArchiveBucket
	}
	return names.ConfigBucket(b.args.Account, b.args.Environment, b.args.Region, b.args.AccountID)
}

// recorder creates the recorder, the delivery channel (which AWS refuses
// before a recorder exists, and which must wait for our bucket policy) and
// the recorder status (which records nothing until a channel exists).
func (b *builder) recorder() error {
	name := RecorderName(b.args.Account, b.args.Environment)
	types := pulumi.StringArray{}
	for _, t := range RecordedTypes(Rules(b.args.PeeringDNSRule)) {
		types = append(types, pulumi.String(t))
	}
	rec, err := cfg.NewRecorder(b.ctx, b.name+"-recorder", &cfg.RecorderArgs{
		Name:    pulumi.String(name),
		RoleArn: b.c.Role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(false),
			IncludeGlobalResourceTypes: pulumi.Bool(false),
			ResourceTypes:              types,
			RecordingStrategies: cfg.RecorderRecordingGroupRecordingStrategyArray{
				&cfg.RecorderRecordingGroupRecordingStrategyArgs{UseOnly: pulumi.String("INCLUSION_BY_RESOURCE_TYPES")},
			},
		},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{b.managedPolicy}))
	if err != nil {
		return err
	}
	b.c.Recorder, b.c.RecorderName = rec, name
	after := []pulumi.Resource{rec, b.deliveryPolicy}
	if b.c.Bucket != nil {
		after = append(after, b.c.Bucket.Policy)
	}
	channel := &cfg.DeliveryChannelArgs{
		Name:         pulumi.String(DeliveryChannelName(b.args.Account, b.args.Environment)),
		S3BucketName: pulumi.String(b.bucketName()),
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
		},
	}
	if key := observability.KeyInput(b.args.KMSKey, b.args.KMSKeyARN); key != nil {
		channel.S3KmsKeyArn = key
	}
	b.c.DeliveryChannel, err = cfg.NewDeliveryChannel(b.ctx, b.name+"-delivery-channel", channel, b.parent,
		pulumi.DependsOn(after))
	if err != nil {
		return err
	}
	b.c.RecorderStatus, err = cfg.NewRecorderStatus(b.ctx, b.name+"-recorder-status", &cfg.RecorderStatusArgs{
		Name:      rec.Name,
		IsEnabled: pulumi.Bool(true),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{b.c.DeliveryChannel}))
	return err
}

// rules creates the managed rules. With a recorder of our own they wait for
// it to be recording; otherwise the existing recorder is assumed.
func (b *builder) rules() error {
	var after []pulumi.ResourceOption
	if b.c.RecorderStatus != nil {
		after = append(after, pulumi.DependsOn([]pulumi.Resource{b.c.RecorderStatus}))
	}
	for _, r := range Rules(b.args.PeeringDNSRule) {
		name := RuleName(r.Key, b.args.Environment)
		params, err := b.parameters(r)
		if err != nil {
			return err
		}
		args := &cfg.RuleArgs{
			Name:            pulumi.String(name),
			Description:     pulumi.String(r.Description),
			InputParameters: params,
			Source: &cfg.RuleSourceArgs{
				Owner:            pulumi.String("AWS"),
				SourceIdentifier: pulumi.String(r.Identifier),
			},
			Tags: b.tags(name),
		}
		if r.Periodic {
			args.MaximumExecutionFrequency = pulumi.String("TwentyFour_Hours")
		}
		if len(r.Scope) > 0 {
			scope := pulumi.StringArray{}
			for _, t := range r.Scope {
				scope = append(scope, pulumi.String(t))
			}
			args.Scope = &cfg.RuleScopeArgs{ComplianceResourceTypes: scope}
		}
		rule, err := cfg.NewRule(b.ctx, b.name+"-rule-"+r.Key, args, append([]pulumi.ResourceOption{b.parent}, after...)...)
		if err != nil {
			return err
		}
		b.c.Rules[r.Key] = rule
		b.c.RuleKeys = append(b.c.RuleKeys, r.Key)
	}
	return nil
}

// parameters are the rule's input parameters; the DNS rule gets the
// account's VPC ids, so that it checks only peerctl's peerings.
func (b *builder) parameters(r Rule) (pulumi.StringPtrInput, error) {
	if r.Key != PeeringDNSRuleKey {
		s, err := parametersJSON(r.Parameters)
		if err != nil || s == "" {
			return nil, err
		}
		return pulumi.String(s), nil
	}
	ids := make([]any, len(b.args.VpcIDs))
	for i, id := range b.args.VpcIDs {
		ids[i] = id
	}
	return pulumi.All(ids...).ApplyT(func(vals []any) (string, error) {
		list := make([]string, len(vals))
		for i, v := range vals {
			list[i] = v.(string)
		}
		p := map[string]string{"vpcIds": strings.Join(list, ",")}
		for k, v := range r.Parameters {
			p[k] = v
		}
		return parametersJSON(p)
	}).(pulumi.StringOutput), nil
}
