package observability

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/flowfilter"
	"github.com/peerctl/peerctl/internal/iamdoc"
)

// Peer is a network this one is peered with.
type Peer struct {
	Name string
	CIDR netip.Prefix
}

// PeerAlarmsArgs describe the traffic metrics and alarms of one network.
type PeerAlarmsArgs struct {
	Network     string
	Environment string
	Region      string
	AccountID   string
	// LogGroupName is the network's CloudWatch flow-log group.
	LogGroupName pulumi.StringInput
	// Peers, any order; resources are keyed by peer name.
	Peers            []Peer
	PeerTrafficBytes int64
	RejectedPackets  int64
	// Emails subscribe to the topic; each address must confirm.
	Emails []string
	// KMSKeyARN encrypts the topic with an existing key; empty creates one.
	KMSKeyARN string
}

// PeerAlarms are a network's peer traffic metrics (metric filters on its
// CloudWatch flow log), the alarms on them and the SNS topic they notify.
type PeerAlarms struct {
	pulumi.ResourceState

	// Key is the topic's KMS key, nil when an existing key is configured.
	Key     *kms.Key
	Topic   *sns.Topic
	Filters []*cloudwatch.LogMetricFilter
	// Specs are the alarms in creation order (peers by name); Alarms holds
	// them by Spec.Key.
	Specs  []AlarmSpec
	Alarms map[string]*cloudwatch.MetricAlarm
	// Metrics are the published metrics, peers by name.
	Metrics []PeerMetric
}

// cloudWatchService is the principal CloudWatch alarms act as.
const cloudWatchService = "cloudwatch.amazonaws.com"

// NewPeerAlarms registers a network's peer metrics and alarms. The caller
// passes the network's provider in opts; children inherit it.
func NewPeerAlarms(ctx *pulumi.Context, name string, args *PeerAlarmsArgs, opts ...pulumi.ResourceOption) (*PeerAlarms, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("peer alarms %q: %w", name, err)
	}
	peers := slices.Clone(args.Peers)
	slices.SortFunc(peers, func(a, b Peer) int { return strings.Compare(a.Name, b.Name) })
	a := &PeerAlarms{Alarms: map[string]*cloudwatch.MetricAlarm{}}
	peerNames := pulumi.StringArray{}
	for _, p := range peers {
		peerNames = append(peerNames, pulumi.String(p.Name))
		a.Specs = append(a.Specs, PeerAlarmSpecs(args.Network, p.Name, args.Environment, args.PeerTrafficBytes, args.RejectedPackets)...)
		a.Metrics = append(a.Metrics, PeerMetrics(args.Network, p.Name, args.Environment)...)
	}
	if err := ctx.RegisterComponentResourceV2(PeerAlarmsType, name, pulumi.Map{
		"network":          pulumi.String(args.Network),
		"peers":            peerNames,
		"peerTrafficBytes": pulumi.Float64(float64(args.PeerTrafficBytes)),
		"rejectedPackets":  pulumi.Float64(float64(args.RejectedPackets)),
	}, a, opts...); err != nil {
		return nil, err
	}
	b := &alarmsBuilder{ctx: ctx, a: a, name: name, args: args, peers: peers, parent: pulumi.Parent(a)}
	for _, step := range []func() error{b.topic, b.filters, b.alarms} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("peer alarms %q: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{
		"topicArn":   a.Topic.Arn,
		"alarmNames": a.AlarmNames(),
	}); err != nil {
		return nil, fmt.Errorf("peer alarms %q: %w", name, err)
	}
	return a, nil
}

func (a *PeerAlarmsArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.Network == "" || a.Environment == "" || a.Region == "" || a.AccountID == "" || a.LogGroupName == nil:
		return fmt.Errorf("network, environment, region, account id and log group are required")
	case a.PeerTrafficBytes <= 0 || a.RejectedPackets <= 0:
		return fmt.Errorf("alarm thresholds must be positive")
	}
	for _, p := range a.Peers {
		if p.Name == "" || p.Name == a.Network {
			return fmt.Errorf("peer %q: a peer needs a name other than the network's", p.Name)
		}
		if _, err := flowfilter.AddressTerms(p.CIDR); err != nil {
			return fmt.Errorf("peer %q: %w", p.Name, err)
		}
	}
	return nil
}

// AlarmNames lists the alarm names (resolved) in spec order.
func (a *PeerAlarms) AlarmNames() pulumi.StringArrayOutput {
	names := pulumi.StringArray{}
	for _, s := range a.Specs {
		names = append(names, a.Alarms[s.Key].Name)
	}
	return names.ToStringArrayOutput()
}

type alarmsBuilder struct {
	ctx    *pulumi.Context
	a      *PeerAlarms
	name   string
	args   *PeerAlarmsArgs
	peers  []Peer
	parent pulumi.ResourceOption
	// filtersOf holds each metric's filters, by PeerMetric.Key.
	filtersOf map[string][]pulumi.Resource
}

func (b *alarmsBuilder) physical(what string) string {
	return fmt.Sprintf("%s-%s-%s", b.args.Network, what, b.args.Environment)
}

// alarmSource pins CloudWatch to this account's alarms.
func (b *alarmsBuilder) alarmSource() iamdoc.Conditions {
	p := iamdoc.Partition(b.args.Region)
	return iamdoc.Conditions{
		"StringEquals": {"aws:SourceAccount": {b.args.AccountID}},
		"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", p, b.args.Region, b.args.AccountID)}},
	}
}

// TopicKeyPolicy is the key policy of a topic key: the account administers
// and uses the key through IAM (listed actions, no kms:*), and CloudWatch
// may generate and decrypt data keys on behalf of this account's alarms,
// which SNS needs to accept their messages for an encrypted topic. In a key
// policy, "*" as the resource means this key.
func TopicKeyPolicy(partition, region, accountID string) iamdoc.Document {
	return iamdoc.New(
		accountAdministersKey(partition, accountID),
		iamdoc.Statement{
			Sid:       "CloudWatchAlarmsPublish",
			Effect:    iamdoc.Allow,
			Principal: iamdoc.Services(cloudWatchService),
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource:  []string{"*"},
			Condition: iamdoc.Conditions{
				"StringEquals": {"aws:SourceAccount": {accountID}},
				"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", partition, region, accountID)}},
			},
		},
	)
}

// TopicPolicy lets only CloudWatch alarms of this account publish to the
// topic, and only over TLS. (Principals of the account itself are governed
// by their IAM policies.)
func TopicPolicy(topicARN string, source iamdoc.Conditions) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Statement{
			Sid:       "CloudWatchAlarmsPublish",
			Effect:    iamdoc.Allow,
			Principal: iamdoc.Services(cloudWatchService),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicARN},
			Condition: source,
		},
		iamdoc.Statement{
			Sid:       "DenyInsecureTransport",
			Effect:    iamdoc.Deny,
			Principal: iamdoc.Anyone(),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicARN},
			Condition: iamdoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	)
}

// topic creates the encrypted alarm topic. The AWS managed key for SNS
// (alias/aws/sns) cannot be used: CloudWatch must be granted the key, and
// an AWS managed key's policy cannot be changed, so notifications would be
// dropped without an error anywhere. Unless a key is configured, each topic
// gets a customer managed key (about $1 a month).
func (b *alarmsBuilder) topic() error {
	keyARN := pulumi.String(b.args.KMSKeyARN).ToStringOutput()
	if b.args.KMSKeyARN == "" {
		policy, err := TopicKeyPolicy(iamdoc.Partition(b.args.Region), b.args.Region, b.args.AccountID).JSON()
		if err != nil {
			return err
		}
		key, err := kms.NewKey(b.ctx, b.name+"-key", &kms.KeyArgs{
			Description:       pulumi.String(fmt.Sprintf("peerctl: encrypts %s's peering alarm topic (%s)", b.args.Network, b.args.Environment)),
			Policy:            pulumi.String(policy),
			EnableKeyRotation: pulumi.Bool(true),
			Tags:              nameTags(b.physical("peering-alarms")),
		}, b.parent)
		if err != nil {
			return err
		}
		if _, err := kms.NewAlias(b.ctx, b.name+"-key-alias", &kms.AliasArgs{
			Name:        pulumi.String("alias/" + b.physical("peering-alarms")),
			TargetKeyId: key.KeyId,
		}, b.parent); err != nil {
			return err
		}
		b.a.Key = key
		keyARN = key.Arn
	}
	topicName := b.physical("peering-alarms")
	topic, err := sns.NewTopic(b.ctx, b.name+"-topic", &sns.TopicArgs{
		Name:           pulumi.String(topicName),
		DisplayName:    pulumi.String(fmt.Sprintf("peerctl %s peering alarms (%s)", b.args.Network, b.args.Environment)),
		KmsMasterKeyId: keyARN,
		Tags:           nameTags(topicName),
	}, b.parent)
	if err != nil {
		return err
	}
	b.a.Topic = topic
	source := b.alarmSource()
	policy := topic.Arn.ApplyT(func(arn string) (string, error) { return TopicPolicy(arn, source).JSON() }).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(b.ctx, b.name+"-topic-policy", &sns.TopicPolicyArgs{
		Arn:    topic.Arn,
		Policy: policy,
	}, b.parent); err != nil {
		return err
	}
	emails := slices.Clone(b.args.Emails)
	slices.Sort(emails)
	subscribed := map[string]bool{}
	for _, e := range emails {
		key := EmailKey(e)
		if subscribed[key] {
			continue // the same mailbox spelled with other case
		}
		subscribed[key] = true
		// Named by the address's key, never the address: an address is
		// personal data and may hold characters a URN should not; the alias
		// is the name earlier versions gave, so existing subscriptions (which
		// AWS confirms by e-mail) are kept rather than replaced.
		if _, err := sns.NewTopicSubscription(b.ctx, b.name+"-email-"+key, &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(e),
		}, b.parent, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(b.name + "-email-" + e)}})); err != nil {
			return err
		}
	}
	return nil
}

// EmailKey names an e-mail subscription: the first 12 hex digits of the
// SHA-256 of the lower-cased address, stable across runs and machines, and
// the same for addresses that differ only in case (one mailbox in practice).
func EmailKey(address string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(address)))
	return hex.EncodeToString(sum[:6])
}

// filters creates, for every peer and metric, one metric filter per address
// term of the peer's CIDR (one for an octet-aligned CIDR); filters of one
// metric all publish to it, and CloudWatch sums their values.
func (b *alarmsBuilder) filters() error {
	filtersOf := map[string][]pulumi.Resource{}
	for _, p := range b.peers {
		terms, err := flowfilter.AddressTerms(p.CIDR)
		if err != nil {
			return err
		}
		for _, m := range PeerMetrics(b.args.Network, p.Name, b.args.Environment) {
			for _, term := range terms {
				key := m.Key + "-" + flowfilter.TermKey(term)
				f, err := cloudwatch.NewLogMetricFilter(b.ctx, b.name+"-filter-"+key, &cloudwatch.LogMetricFilterArgs{
					Name:         pulumi.String(b.physical(key)),
					LogGroupName: b.args.LogGroupName,
					Pattern:      pulumi.String(flowfilter.Pattern(m.Direction, term, m.Action)),
					MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
						Namespace: pulumi.String(Namespace),
						Name:      pulumi.String(m.Name),
						Value:     pulumi.String(m.Value),
						Unit:      pulumi.String(m.Unit),
					},
				}, b.parent)
				if err != nil {
					return err
				}
				b.a.Filters = append(b.a.Filters, f)
				filtersOf[m.Key] = append(filtersOf[m.Key], f)
			}
		}
	}
	b.filtersOf = filtersOf
	return nil
}

// alarms creates the alarms; each waits for the filters of its metric.
func (b *alarmsBuilder) alarms() error {
	actions := pulumi.Array{b.a.Topic.Arn}
	for _, s := range b.a.Specs {
		alarm, err := cloudwatch.NewMetricAlarm(b.ctx, b.name+"-"+s.Key, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(s.Name),
			AlarmDescription:   pulumi.String(s.Description),
			Namespace:          pulumi.String(Namespace),
			MetricName:         pulumi.String(s.Metric.Name),
			Statistic:          pulumi.String("Sum"),
			Period:             pulumi.Int(MetricPeriod),
			EvaluationPeriods:  pulumi.Int(EvaluationPeriods),
			DatapointsToAlarm:  pulumi.Int(DatapointsToAlarm),
			Threshold:          pulumi.Float64(s.Threshold),
			ComparisonOperator: pulumi.String("GreaterThanThreshold"),
			TreatMissingData:   pulumi.String(TreatMissingData),
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               nameTags(s.Name),
		}, b.parent, pulumi.DependsOn(b.filtersOf[s.Metric.Key]))
		if err != nil {
			return err
		}
		b.a.Alarms[s.Key] = alarm
	}
	return nil
}
