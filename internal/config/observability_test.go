package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestObservabilityDefaults(t *testing.T) {
	tests := []struct {
		name         string
		yaml         string
		retention    int
		forceDestroy bool
		dnsRule      bool
		monitoring   string
	}{
		{"dev", "config: {}\n", 30, true, true, "trading"},
		{"prod", "config:\n  peerctl:environment: prod\n", 365, false, true, "trading"},
		{"region without the DNS rule", "config:\n  peerctl:region: il-central-1\n", 30, true, false, "trading"},
		{"monitoring network set", "config:\n  peerctl:dashboard: {monitoringNetwork: analytics}\n", 30, true, true, "analytics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseYAML(t, tt.yaml, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := c.Observability
			fl, al := o.FlowLogs, o.Alarms
			switch {
			case fl.MaxAggregationInterval != 60 || fl.CloudWatchRetentionDays != 7 || fl.KMSKeyARN != "":
				t.Errorf("flow logs = %+v", fl)
			case fl.S3RetentionDays != tt.retention || *fl.ForceDestroy != tt.forceDestroy:
				t.Errorf("S3 retention %d forceDestroy %v, want %d %v", fl.S3RetentionDays, *fl.ForceDestroy, tt.retention, tt.forceDestroy)
			case al.PeerTrafficBytes != 1<<30 || al.RejectedPackets != 1000 || len(al.Emails) != 0 || al.KMSKeyARN != "":
				t.Errorf("alarms = %+v", al)
			case *o.Dashboard.CrossAccount || o.Dashboard.MonitoringNetwork != tt.monitoring:
				t.Errorf("dashboard = crossAccount %v monitoring %q", *o.Dashboard.CrossAccount, o.Dashboard.MonitoringNetwork)
			case !*o.Compliance.CreateRecorder || *o.Compliance.PeeringDNSRule != tt.dnsRule:
				t.Errorf("compliance = createRecorder %v peeringDnsRule %v", *o.Compliance.CreateRecorder, *o.Compliance.PeeringDNSRule)
			}
		})
	}
}

func TestObservabilitySettings(t *testing.T) {
	c, err := parseYAML(t, `config:
  peerctl:environment: prod
  peerctl:region: il-central-1
  peerctl:flowLogs: {maxAggregationInterval: 600, s3RetentionDays: 90, cloudWatchRetentionDays: 14, forceDestroy: true, objectLockMode: NONE, kmsKeyArn: "arn:aws:kms:il-central-1:111111111111:key/abcd"}
  peerctl:alarms: {peerTrafficBytes: 1000, rejectedPackets: 5, emails: [a@example.com], kmsKeyArn: "arn:aws:kms:il-central-1:111111111111:key/0f1e2d3c"}
  peerctl:dashboard: {crossAccount: true}
  peerctl:compliance: {createRecorder: false, peeringDnsRule: true}
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := c.Observability
	if o.FlowLogs.MaxAggregationInterval != 600 || o.FlowLogs.S3RetentionDays != 90 || o.FlowLogs.CloudWatchRetentionDays != 14 ||
		!*o.FlowLogs.ForceDestroy || o.Alarms.PeerTrafficBytes != 1000 || o.Alarms.RejectedPackets != 5 ||
		o.Alarms.KMSKeyARN == "" || !*o.Dashboard.CrossAccount || *o.Compliance.CreateRecorder || !*o.Compliance.PeeringDNSRule {
		t.Errorf("settings not honoured: %+v", o)
	}
}

func TestObservabilityValidation(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"interval 300", "peerctl:flowLogs: {maxAggregationInterval: 300}",
			`peerctl:flowLogs.maxAggregationInterval: "300" must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)`},
		{"interval 120", "peerctl:flowLogs: {maxAggregationInterval: 120}",
			`peerctl:flowLogs.maxAggregationInterval: "120" must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)`},
		{"S3 retention", "peerctl:flowLogs: {s3RetentionDays: 4000}",
			`peerctl:flowLogs.s3RetentionDays: "4000" must be between 1 and 3650 days`},
		{"CloudWatch retention", "peerctl:flowLogs: {cloudWatchRetentionDays: 8}",
			`peerctl:flowLogs.cloudWatchRetentionDays: "8" is not a retention CloudWatch Logs offers ([1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653])`},
		{"bucket key", "peerctl:flowLogs: {kmsKeyArn: alias/logs}",
			`peerctl:flowLogs.kmsKeyArn: "alias/logs" is not a KMS key ARN like arn:aws:kms:us-east-1:111111111111:key/<key id> (aliases cannot be named in IAM policies)`},
		{"unknown flow-log field", "peerctl:flowLogs: {interval: 60}",
			`peerctl:flowLogs.interval: is not a known field (known: maxAggregationInterval, s3RetentionDays, cloudWatchRetentionDays, forceDestroy, kmsKeyArn, kmsKeyArns, createKmsKey, objectLockMode, objectLockDays, breakGlassRole)`},
		{"negative traffic", "peerctl:alarms: {peerTrafficBytes: -1}",
			`peerctl:alarms.peerTrafficBytes: "-1" must be a positive number of bytes`},
		{"negative rejects", "peerctl:alarms: {rejectedPackets: -5}",
			`peerctl:alarms.rejectedPackets: "-5" must be a positive number of packets`},
		{"e-mail", "peerctl:alarms: {emails: [ops]}",
			`peerctl:alarms.emails[0]: "ops" is not an e-mail address like ops@example.com`},
		{"e-mail twice", "peerctl:alarms: {emails: [ops@example.com, ops@example.com]}",
			`peerctl:alarms.emails[1]: "ops@example.com" is listed twice: peerctl:alarms.emails[0] is the same address (addresses are compared ignoring case)`},
		{"AWS managed SNS key", `peerctl:alarms: {kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:alias/aws/sns"}`,
			`peerctl:alarms.kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:alias/aws/sns" is the AWS managed key for SNS, whose key policy cannot grant CloudWatch: alarm notifications would never be delivered; use a customer managed key, or leave it unset and peerctl creates one`},
		{"AWS managed SNS key by alias", `peerctl:alarms: {kmsKeyArn: alias/aws/sns}`,
			`peerctl:alarms.kmsKeyArn: "alias/aws/sns" is the AWS managed key for SNS, whose key policy cannot grant CloudWatch: alarm notifications would never be delivered; use a customer managed key, or leave it unset and peerctl creates one`},
		{"topic key", `peerctl:alarms: {kmsKeyArn: "key/abcd"}`,
			`peerctl:alarms.kmsKeyArn: "key/abcd" is not a KMS key ARN like arn:aws:kms:us-east-1:111111111111:key/<key id> (aliases cannot be named in IAM policies)`},
		{"monitoring network", "peerctl:dashboard: {monitoringNetwork: risk}",
			`peerctl:dashboard.monitoringNetwork: "risk" is not a configured network`},
		{"compliance type", "peerctl:compliance: {createRecorder: maybe}",
			`peerctl:compliance.createRecorder: "maybe" must be true or false, not text`},
		{"peer CIDR needs too many metric filters", `peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t}
    - {name: analytics, cidr: 10.1.0.0/17, costCenter: a}`,
			`peerctl:networks[0]: "trading" would need 384 flow-log metric filters for its peers (analytics 10.1.0.0/17), over the CloudWatch Logs quota of 100 per log group: ` +
				`filter patterns match addresses by octet prefix, so a CIDR that is not /8, /16 or /24 needs one filter per covered /24 (or per address past /24); give the peers octet-aligned CIDRs such as 10.1.0.0/16`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseYAML(t, "config:\n  "+tt.yaml+"\n", nil)
			var verr *ValidationError
			if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("want a *ValidationError, got %v", err)
			}
			var msgs []string
			for _, p := range verr.Problems {
				msgs = append(msgs, p.Error())
			}
			if len(msgs) != 1 || msgs[0] != tt.want {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(msgs, "\n  "), tt.want)
			}
		})
	}
}

// A CIDR that is not octet-aligned is accepted while its metric filters fit
// the quota: a /20 peer needs 3 x 16 = 48.
func TestNonAlignedPeerWithinQuota(t *testing.T) {
	c, err := parseYAML(t, `config:
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t}
    - {name: analytics, cidr: 10.1.16.0/20, costCenter: a, azCount: 2}
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Network("analytics"); n.CIDR.String() != "10.1.16.0/20" {
		t.Errorf("analytics cidr = %s", n.CIDR)
	}
	// Three such peers are 144 filters: over.
	_, err = parseYAML(t, `config:
  peerctl:networks:
    - {name: hub, cidr: 10.0.0.0/16, costCenter: t}
    - {name: a, cidr: 10.1.16.0/20, costCenter: a, azCount: 2}
    - {name: b, cidr: 10.2.16.0/20, costCenter: b, azCount: 2}
    - {name: c, cidr: 10.3.16.0/20, costCenter: c, azCount: 2}
  peerctl:peerings: [{requester: hub, accepter: a}, {requester: hub, accepter: b}, {requester: hub, accepter: c}]
`, nil)
	if err == nil || !strings.Contains(err.Error(), `peerctl:networks[0]: "hub" would need 144 flow-log metric filters`) {
		t.Errorf("error = %v", err)
	}
}

func TestPeeringDNSRuleDefault(t *testing.T) {
	tests := []struct {
		region string
		set    string
		want   bool
	}{
		{"us-east-1", "", true},
		{"eu-west-1", "", true},
		{"il-central-1", "", false},
		{"us-gov-west-1", "", false},
		{"il-central-1", "true", true},
		{"us-east-1", "false", false},
	}
	for _, tt := range tests {
		yaml := "config:\n  peerctl:region: " + tt.region + "\n"
		if tt.set != "" {
			yaml += "  peerctl:compliance: {peeringDnsRule: " + tt.set + "}\n"
		}
		c, err := parseYAML(t, yaml, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.region, err)
		}
		if got := *c.Observability.Compliance.PeeringDNSRule; got != tt.want {
			t.Errorf("region %s, set %q: peeringDnsRule = %v, want %v", tt.region, tt.set, got, tt.want)
		}
	}
}

// Networks are grouped by the account they resolve to, in configuration
// order, named after their first network.
func TestGroupByAccount(t *testing.T) {
	nets := []Network{{Name: "trading"}, {Name: "analytics"}, {Name: "risk"}, {Name: "ops"}}
	ids := map[string]string{"trading": "111111111111", "analytics": "222222222222", "risk": "111111111111", "ops": "333333333333"}
	var got []string
	for _, g := range GroupByAccount(nets, func(n string) string { return ids[n] }) {
		got = append(got, g.Name()+":"+strings.Join(g.NetworkNames(), ","))
	}
	if want := []string{"trading:trading,risk", "analytics:analytics", "ops:ops"}; !slices.Equal(got, want) {
		t.Errorf("groups = %v, want %v", got, want)
	}
}
