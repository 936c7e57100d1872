package config

import (
	"fmt"
	"regexp"
	"strconv"
)

// Observability configures flow logs, traffic alarms, the dashboard and AWS
// Config. Every field has a default; prod defaults keep logs longer and
// never force-destroy them.
type Observability struct {
	FlowLogs   FlowLogs
	Alarms     Alarms
	Dashboard  Dashboard
	Compliance Compliance
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
	// KMSKeyARN selects SSE-KMS with this key instead of SSE-S3.
	KMSKeyARN string `json:"kmsKeyArn,omitempty"`
}

// Alarms configures the peer traffic and reject alarms and who hears of them.
type Alarms struct {
	// PeerTrafficBytes is the alarm threshold for bytes to or from one peer
	// in 5 minutes; default 1 GiB.
	PeerTrafficBytes int64 `json:"peerTrafficBytes,omitempty"`
	// RejectedPackets is the threshold for rejected packets from one peer in
	// 5 minutes; default 1000.
	RejectedPackets int64 `json:"rejectedPackets,omitempty"`
	// Emails subscribe to each account's alarm topic (each must confirm).
	Emails []string `json:"emails,omitempty"`
}

// Dashboard configures the CloudWatch dashboard.
type Dashboard struct {
	// CrossAccount shares the other accounts' metrics with the monitoring
	// account through CloudWatch cross-account observability (an OAM sink
	// and links). Turn it off where the organisation already has a sink.
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
	// PeeringDNSRule adds VPC_PEERING_DNS_RESOLUTION_CHECK, which is not
	// offered in every region.
	PeeringDNSRule *bool `json:"peeringDnsRule,omitempty"`
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

var (
	emailPattern  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	kmsARNPattern = regexp.MustCompile(`^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$`)
)

func boolPtr(b bool) *bool { return &b }

// applyObservability resolves defaults (which depend on the environment) and
// validates the observability settings.
func applyObservability(c *Config, s *spec, p *problems) {
	o := Observability{FlowLogs: s.FlowLogs, Alarms: s.Alarms, Dashboard: s.Dashboard, Compliance: s.Compliance}
	fl := &o.FlowLogs
	field := Namespace + ":flowLogs"
	if fl.MaxAggregationInterval == 0 {
		fl.MaxAggregationInterval = DefaultMaxAggregationInterval
	} else if fl.MaxAggregationInterval != 60 && fl.MaxAggregationInterval != 600 {
		p.add(field+".maxAggregationInterval", strconv.Itoa(fl.MaxAggregationInterval),
			"must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)")
	}
	if fl.S3RetentionDays == 0 {
		fl.S3RetentionDays = DefaultS3RetentionDays
		if c.IsProd() {
			fl.S3RetentionDays = DefaultProdS3RetentionDays
		}
	} else if fl.S3RetentionDays < 1 || fl.S3RetentionDays > 3650 {
		p.add(field+".s3RetentionDays", strconv.Itoa(fl.S3RetentionDays), "must be between 1 and 3650 days")
	}
	if fl.CloudWatchRetentionDays == 0 {
		fl.CloudWatchRetentionDays = DefaultCloudWatchRetentionDays
	} else if !containsInt(cloudWatchRetentionDays, fl.CloudWatchRetentionDays) {
		p.add(field+".cloudWatchRetentionDays", strconv.Itoa(fl.CloudWatchRetentionDays),
			"is not a retention CloudWatch Logs offers (%v)", cloudWatchRetentionDays)
	}
	if fl.ForceDestroy == nil {
		fl.ForceDestroy = boolPtr(!c.IsProd())
	}
	if fl.KMSKeyARN != "" && !kmsARNPattern.MatchString(fl.KMSKeyARN) {
		p.add(field+".kmsKeyArn", fl.KMSKeyARN, "is not a KMS key or alias ARN")
	}

	al := &o.Alarms
	field = Namespace + ":alarms"
	if al.PeerTrafficBytes == 0 {
		al.PeerTrafficBytes = DefaultPeerTrafficBytes
	} else if al.PeerTrafficBytes < 0 {
		p.add(field+".peerTrafficBytes", fmt.Sprint(al.PeerTrafficBytes), "must be a positive number of bytes")
	}
	if al.RejectedPackets == 0 {
		al.RejectedPackets = DefaultRejectedPackets
	} else if al.RejectedPackets < 0 {
		p.add(field+".rejectedPackets", fmt.Sprint(al.RejectedPackets), "must be a positive number of packets")
	}
	for i, e := range al.Emails {
		if !emailPattern.MatchString(e) {
			p.add(fmt.Sprintf("%s.emails[%d]", field, i), e, "is not an e-mail address")
		}
	}

	d := &o.Dashboard
	field = Namespace + ":dashboard"
	if d.CrossAccount == nil {
		d.CrossAccount = boolPtr(true)
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
	if cp.PeeringDNSRule == nil {
		cp.PeeringDNSRule = boolPtr(true)
	}
	c.Observability = o
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
