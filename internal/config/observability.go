package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/peerctl/peerctl/internal/flowfilter"
)

// Observability configures flow logs, traffic alarms, the dashboard and AWS
// Config. Every field has a default; prod defaults keep logs longer and
// never force-destroy them.
type Observability struct {
	FlowLogs   FlowLogs
	Alarms     Alarms
	Dashboard  Dashboard
	Compliance Compliance
	// LogArchive, when set, receives every account's flow logs and AWS
	// Config deliveries instead of buckets in the accounts (logs.go).
	LogArchive LogArchive
}

// FlowLogs configures the two flow logs of every network: S3 (Parquet, for
// audit and Athena) and CloudWatch Logs (short-lived, for metric filters).
type FlowLogs struct {
	// MaxAggregationInterval is 60 or 600 seconds, the only values AWS accepts.
	MaxAggregationInterval int `json:"maxAggregationInterval,omitempty"`
	// S3RetentionDays expires flow-log objects; default 30, 365 in prod.
	S3RetentionDays int `json:"s3RetentionDays,omitempty"`
	// CloudWatchRetentionDays is the log group retention; default 7.
	CloudWatchRetentionDays int `json:"cloudWatchRetentionDays,omitempty"`
	// ForceDestroy lets destroy delete a bucket with logs in it; default
	// true except in prod. Pointer: false must be distinguishable from unset.
	ForceDestroy *bool `json:"forceDestroy,omitempty"`
	// KMSKeyARN selects SSE-KMS with this key instead of SSE-S3, for the
	// flow-log buckets and the AWS Config delivery buckets. Its key policy
	// must let delivery.logs.amazonaws.com and config.amazonaws.com use it.
	KMSKeyARN string `json:"kmsKeyArn,omitempty"`
	// KMSKeyARNs name a key per network (see kms.go); KeyFor resolves.
	KMSKeyARNs map[string]string `json:"kmsKeyArns,omitempty"`
	// CreateKMSKey makes peerctl create one customer managed key per
	// account for the networks no key is configured for (their buckets and
	// log groups, and the account's AWS Config bucket); default true in
	// prod, false elsewhere. Plain bool: the resolved value, omitted when
	// false so other environments' plans do not change.
	CreateKMSKey bool `json:"createKmsKey,omitempty"`
	// ObjectLock protects the log buckets' objects (prod: GOVERNANCE for
	// S3RetentionDays); see logs.go.
	ObjectLock ObjectLock `json:"objectLock"`
	// BreakGlassRole is the IAM role (name, optionally with a path) in each
	// account that alone may delete logs or change their lock.
	BreakGlassRole string `json:"breakGlassRole,omitempty"`
}

// Alarms configures the peer traffic and reject alarms and who hears of them.
type Alarms struct {
	// PeerTrafficBytes is the alarm threshold for bytes to or from one peer
	// in 5 minutes; default 1 GiB.
	PeerTrafficBytes int64 `json:"peerTrafficBytes,omitempty"`
	// RejectedPackets is the threshold for rejected packets from one peer in
	// 5 minutes; default 1000.
	RejectedPackets int64 `json:"rejectedPackets,omitempty"`
	// Emails subscribe to each network's alarm topic (each must confirm).
	Emails []string `json:"emails,omitempty"`
	// KMSKeyARN encrypts the alarm topics with an existing customer managed
	// key, whose key policy must let cloudwatch.amazonaws.com call
	// kms:GenerateDataKey and kms:Decrypt. Unset, peerctl creates one key per
	// topic. The AWS managed key (alias/aws/sns) cannot be used: its policy
	// cannot grant CloudWatch, so alarm notifications would be dropped.
	KMSKeyARN string `json:"kmsKeyArn,omitempty"`
	// KMSKeyARNs name a key per network (see kms.go); KeyFor resolves.
	KMSKeyARNs map[string]string `json:"kmsKeyArns,omitempty"`
}

// Dashboard configures the CloudWatch dashboard.
type Dashboard struct {
	// CrossAccount shares the other accounts' metrics with the monitoring
	// account through CloudWatch cross-account observability (an OAM sink
	// and links). Off by default: one sink per account and region means one
	// stack per account pair may turn it on, and not where the organisation
	// already has a sink.
	CrossAccount *bool `json:"crossAccount,omitempty"`
	// MonitoringNetwork is the network whose account holds the dashboard
	// (and the sink); default the first network.
	MonitoringNetwork string `json:"monitoringNetwork,omitempty"`
}

// Compliance configures AWS Config.
type Compliance struct {
	// CreateRecorder creates a configuration recorder and delivery channel
	// per account. AWS allows one of each per account and region, so set it
	// false where Control Tower or the organisation already records; the
	// rules are still created.
	CreateRecorder *bool `json:"createRecorder,omitempty"`
	// ReuseRecorderOf lists networks whose account and region already
	// record with their own recorder: with createRecorder true, only their
	// groups reuse it (rules only). CreatesRecorder resolves (recorder.go).
	ReuseRecorderOf []string `json:"reuseRecorderOf,omitempty"`
	// PeeringDNSRule adds VPC_PEERING_DNS_RESOLUTION_CHECK, which is not
	// offered in every region. Unset, it is on where AWS offers the rule
	// (every region but those in PeeringDNSRuleUnavailable); set true to
	// force it where AWS has added the rule since.
	PeeringDNSRule *bool `json:"peeringDnsRule,omitempty"`
	// dnsRuleSet says peeringDnsRule was written, so PeeringDNSRuleIn
	// follows it in every region rather than where AWS offers the rule.
	dnsRuleSet bool
}

// PeeringDNSRuleIn says whether an account group in region gets
// VPC_PEERING_DNS_RESOLUTION_CHECK: as peeringDnsRule says when it is set
// (true forces it where AWS has added the rule since), else where AWS
// offers it. PeeringDNSRule itself is resolved for peerctl:region.
func (c Compliance) PeeringDNSRuleIn(region string) bool {
	if c.dnsRuleSet && c.PeeringDNSRule != nil {
		return *c.PeeringDNSRule
	}
	return !slices.Contains(PeeringDNSRuleUnavailable, region)
}

// PeeringDNSRuleUnavailable are the regions where AWS Config does not offer
// the managed rule VPC_PEERING_DNS_RESOLUTION_CHECK (AWS Config developer
// guide, vpc-peering-dns-resolution-check, as of 2025).
var PeeringDNSRuleUnavailable = []string{
	"ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
	"ap-southeast-6", "ap-southeast-7", "ca-west-1", "cn-north-1", "cn-northwest-1",
	"eu-central-2", "eu-south-2", "il-central-1", "me-central-1", "mx-central-1",
	"us-gov-east-1", "us-gov-west-1",
}

// Defaults and limits of the observability settings.
const (
	DefaultMaxAggregationInterval  = 60
	DefaultS3RetentionDays         = 30
	DefaultProdS3RetentionDays     = 365
	DefaultCloudWatchRetentionDays = 7
	DefaultPeerTrafficBytes        = int64(1) << 30
	DefaultRejectedPackets         = int64(1000)
)

// cloudWatchRetentionDays are the values CloudWatch Logs accepts.
var cloudWatchRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Key ARNs only: IAM statements and KMS grants name keys, never aliases.
var kmsARNPattern = regexp.MustCompile(`^arn:(aws(?:-[a-z]+)*):kms:([a-z0-9-]+):([0-9]{12}):key/[A-Za-z0-9-]+$`)

// flowLogsSpec and alarmsSpec are the settings as written: a pointer tells
// a field left out (its default) from one set to zero, which is an error
// where the range excludes zero.
type flowLogsSpec struct {
	MaxAggregationInterval  *int              `json:"maxAggregationInterval"`
	S3RetentionDays         *int              `json:"s3RetentionDays"`
	CloudWatchRetentionDays *int              `json:"cloudWatchRetentionDays"`
	ForceDestroy            *bool             `json:"forceDestroy"`
	KMSKeyARN               *string           `json:"kmsKeyArn"`
	KMSKeyARNs              map[string]string `json:"kmsKeyArns"`
	CreateKMSKey            *bool             `json:"createKmsKey"`
	// Object Lock and the break-glass role (logs.go).
	ObjectLockMode *string `json:"objectLockMode"`
	ObjectLockDays *int    `json:"objectLockDays"`
	BreakGlassRole *string `json:"breakGlassRole"`
}

type alarmsSpec struct {
	PeerTrafficBytes *int64            `json:"peerTrafficBytes"`
	RejectedPackets  *int64            `json:"rejectedPackets"`
	Emails           []string          `json:"emails"`
	KMSKeyARN        *string           `json:"kmsKeyArn"`
	KMSKeyARNs       map[string]string `json:"kmsKeyArns"`
}

// S3 lifecycle expiration bounds of flowLogs.s3RetentionDays.
const (
	minS3RetentionDays = 1
	maxS3RetentionDays = 3650
)

func boolPtr(b bool) *bool { return &b }

// applyObservability resolves defaults (which depend on the environment) and
// validates the observability settings.
func applyObservability(c *Config, s *spec, p *problems) {
	o := Observability{
		FlowLogs:  flowLogsFromSpec(c, s.FlowLogs, p),
		Alarms:    alarmsFromSpec(c, s.Alarms, p),
		Dashboard: s.Dashboard, Compliance: s.Compliance,
	}
	d := &o.Dashboard
	field := Namespace + ":dashboard"
	if d.CrossAccount == nil {
		// Off by default: an account holds one OAM sink per region and links
		// to a few, so two stacks sharing accounts (dev and prod, or an
		// organisation's central sink) would collide on the first try.
		d.CrossAccount = boolPtr(false)
	}
	if d.MonitoringNetwork == "" && len(c.Networks) > 0 {
		d.MonitoringNetwork = c.Networks[0].Name
	} else if _, ok := c.Network(d.MonitoringNetwork); !ok && d.MonitoringNetwork != "" {
		p.add(field+".monitoringNetwork", d.MonitoringNetwork, "is not a configured network")
	}

	cp := &o.Compliance
	if cp.CreateRecorder == nil {
		cp.CreateRecorder = boolPtr(true)
	}
	validateReuseRecorder(c, *cp, p)
	cp.dnsRuleSet = cp.PeeringDNSRule != nil
	if cp.PeeringDNSRule == nil {
		cp.PeeringDNSRule = boolPtr(cp.PeeringDNSRuleIn(c.Region))
	}
	c.Observability = o
	applyLogProtection(c, s, &c.Observability.FlowLogs, p)
	validateMetricFilters(c, p)
}

func flowLogsFromSpec(c *Config, s flowLogsSpec, p *problems) FlowLogs {
	field := Namespace + ":flowLogs"
	fl := FlowLogs{
		MaxAggregationInterval:  DefaultMaxAggregationInterval,
		S3RetentionDays:         DefaultS3RetentionDays,
		CloudWatchRetentionDays: DefaultCloudWatchRetentionDays,
		ForceDestroy:            boolPtr(!c.IsProd()),
		CreateKMSKey:            c.IsProd(),
	}
	if c.IsProd() {
		fl.S3RetentionDays = DefaultProdS3RetentionDays
	}
	if v := s.MaxAggregationInterval; v != nil {
		fl.MaxAggregationInterval = *v
		if *v != 60 && *v != 600 {
			p.add(field+".maxAggregationInterval", strconv.Itoa(*v),
				"must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)")
		}
	}
	if v := s.S3RetentionDays; v != nil {
		fl.S3RetentionDays = *v
		if *v < minS3RetentionDays || *v > maxS3RetentionDays {
			p.add(field+".s3RetentionDays", strconv.Itoa(*v), "must be between %d and %d days", minS3RetentionDays, maxS3RetentionDays)
		}
	}
	if v := s.CloudWatchRetentionDays; v != nil {
		fl.CloudWatchRetentionDays = *v
		if !slices.Contains(cloudWatchRetentionDays, *v) {
			p.add(field+".cloudWatchRetentionDays", strconv.Itoa(*v),
				"is not a retention CloudWatch Logs offers (%v)", cloudWatchRetentionDays)
		}
	}
	if s.ForceDestroy != nil {
		fl.ForceDestroy = s.ForceDestroy
	}
	if s.CreateKMSKey != nil {
		fl.CreateKMSKey = *s.CreateKMSKey
	}
	unset := "leave it unset for S3-managed encryption (SSE-S3)"
	if fl.CreateKMSKey {
		unset = "leave it unset and peerctl creates a key per account"
	}
	fl.KMSKeyARN, fl.KMSKeyARNs = kmsKeysFromSpec(field, s.KMSKeyARN, s.KMSKeyARNs, c, p, func(f, arn string, nets []Network) {
		kmsKeyProblem(f, arn, c, nets, unset, p)
	})
	return fl
}

func alarmsFromSpec(c *Config, s alarmsSpec, p *problems) Alarms {
	field := Namespace + ":alarms"
	al := Alarms{PeerTrafficBytes: DefaultPeerTrafficBytes, RejectedPackets: DefaultRejectedPackets, Emails: s.Emails}
	if v := s.PeerTrafficBytes; v != nil {
		al.PeerTrafficBytes = *v
		if *v <= 0 {
			p.add(field+".peerTrafficBytes", fmt.Sprint(*v), "must be a positive number of bytes")
		}
	}
	if v := s.RejectedPackets; v != nil {
		al.RejectedPackets = *v
		if *v <= 0 {
			p.add(field+".rejectedPackets", fmt.Sprint(*v), "must be a positive number of packets")
		}
	}
	validateEmails(field+".emails", s.Emails, p)
	al.KMSKeyARN, al.KMSKeyARNs = kmsKeysFromSpec(field, s.KMSKeyARN, s.KMSKeyARNs, c, p, func(f, arn string, nets []Network) {
		if strings.HasSuffix(arn, ":alias/aws/sns") || arn == "alias/aws/sns" {
			p.add(f, arn,
				"is the AWS managed key for SNS, whose key policy cannot grant CloudWatch: alarm notifications would never be delivered; use a customer managed key, or leave it unset and peerctl creates one")
			return
		}
		kmsKeyProblem(f, arn, c, nets, "leave it unset and peerctl creates a key per alarm topic", p)
	})
	return al
}

// validateMetricFilters checks that every network's peer CIDRs can be matched
// by the flow-log metric filters within the CloudWatch Logs quota. Octet-
// aligned CIDRs (/16, /24) need one filter per metric; others are covered by
// several octet-aligned prefixes, one filter each (see package flowfilter).
func validateMetricFilters(c *Config, p *problems) {
	for i, n := range c.Networks {
		var cidrs []netip.Prefix
		var names []string
		for _, peer := range c.Peers(n.Name) {
			if peer.CIDR.IsValid() {
				cidrs = append(cidrs, peer.CIDR)
				names = append(names, fmt.Sprintf("%s %s", peer.Name, peer.CIDR))
			}
		}
		count, err := flowfilter.FiltersFor(cidrs)
		if err != nil || count <= flowfilter.MetricFiltersPerLogGroup {
			continue
		}
		p.add(fmt.Sprintf("%s:networks[%d]", Namespace, i), n.Name,
			"would need %d flow-log metric filters for its peers (%s), over the CloudWatch Logs quota of %d per log group: "+
				"filter patterns match addresses by octet prefix, so a CIDR that is not /8, /16 or /24 needs one filter per covered /24 (or per address past /24); "+
				"give the peers octet-aligned CIDRs such as 10.1.0.0/16",
			count, strings.Join(names, ", "), flowfilter.MetricFiltersPerLogGroup)
	}
}
