package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
)

// Observability output names (see outputs.go for the others).
const (
	OutputFlowLogIDs          = "flowLogIds"
	OutputFlowLogBuckets      = "flowLogBuckets"
	OutputFlowLogGroups       = "flowLogGroups"
	OutputAlarmNames          = "alarmNames"
	OutputAlarmTopicARNs      = "alarmTopicArns"
	OutputDashboardName       = "dashboardName"
	OutputDashboardNames      = "dashboardNames"
	OutputConfigRuleNames     = "configRuleNames"
	OutputConfigRecorderNames = "configRecorderNames"
	// OutputLogArchiveBucketPolicy is the policy the log-archive bucket
	// needs (JSON), set only with peerctl:logArchive.
	OutputLogArchiveBucketPolicy = "logArchiveBucketPolicy"
)

// Keys of the flowLogIds output's inner maps.
const (
	FlowLogS3         = "s3"
	FlowLogCloudWatch = "cloudwatch"
)

// DashboardComponentName is the logical name of the dashboard component.
const DashboardComponentName = "peering-dashboard"

// defineObservability registers flow logs, metrics, alarms, the dashboard
// and AWS Config for every network, and adds their stack outputs to r.Outputs.
//
// Per network, in its account: FlowLogs (<network>-flow-logs) and PeerAlarms
// (<network>-peer-alarms). Per account (networks grouped by
// the account id each provider resolved to): Compliance (<first network>-compliance). Across
// accounts: the Dashboard (peering-dashboard), held by the account of
// dashboard.monitoringNetwork.
func defineObservability(ctx *pulumi.Context, cfg *config.Config, r *Result) error {
	o := cfg.Observability
	flowLogs := map[string]*observability.FlowLogs{}
	alarms := map[string]*observability.PeerAlarms{}
	for _, n := range cfg.Networks {
		if r.Accounts[n.Name] == nil || r.Networks[n.Name] == nil {
			return fmt.Errorf("observability: network %q was not defined", n.Name)
		}
	}
	groups := accountGroups(cfg, r)
	keys, err := defineLogKeys(ctx, cfg, r, groups)
	if err != nil {
		return err
	}
	for _, n := range cfg.Networks {
		acct, net := r.Accounts[n.Name], r.Networks[n.Name]
		fl, err := observability.NewFlowLogs(ctx, n.Name+"-flow-logs", &observability.FlowLogsArgs{
			Network:                 n.Name,
			Environment:             cfg.Environment,
			Region:                  cfg.Region,
			AccountID:               acct.ID,
			VpcID:                   net.Vpc.ID().ToStringOutput(),
			MaxAggregationInterval:  o.FlowLogs.MaxAggregationInterval,
			S3RetentionDays:         o.FlowLogs.S3RetentionDays,
			CloudWatchRetentionDays: o.FlowLogs.CloudWatchRetentionDays,
			ForceDestroy:            *o.FlowLogs.ForceDestroy,
			Versioning:              versioned(cfg),
			KMSKeyARN:               o.FlowLogs.KeyFor(n.Name),
			KMSKey:                  keys.flowLogKey(n.Name),
			ObjectLock:              objectLock(cfg),
			BreakGlassRole:          o.FlowLogs.BreakGlassRole,
			ArchiveBucket:           o.LogArchive.Bucket(),
		}, pulumi.Provider(acct.Provider))
		if err != nil {
			return err
		}
		flowLogs[n.Name] = fl
		var peers []observability.Peer
		for _, p := range cfg.Peers(n.Name) {
			peers = append(peers, observability.Peer{Name: p.Name, CIDR: p.CIDR})
		}
		pa, err := observability.NewPeerAlarms(ctx, n.Name+"-peer-alarms", &observability.PeerAlarmsArgs{
			Network:          n.Name,
			Environment:      cfg.Environment,
			Region:           cfg.Region,
			AccountID:        acct.ID,
			LogGroupName:     fl.LogGroup.Name,
			Peers:            peers,
			PeerTrafficBytes: o.Alarms.PeerTrafficBytes,
			RejectedPackets:  o.Alarms.RejectedPackets,
			Emails:           o.Alarms.Emails,
			KMSKeyARN:        o.Alarms.KeyFor(n.Name),
		}, pulumi.Provider(acct.Provider))
		if err != nil {
			return err
		}
		alarms[n.Name] = pa
	}

	dash, err := newDashboard(ctx, cfg, r, groups, alarms)
	if err != nil {
		return err
	}
	comp := map[string]*compliance.Compliance{} // by network
	for _, g := range groups {
		c, err := newCompliance(ctx, cfg, r, g, keys.configKey(o, g))
		if err != nil {
			return err
		}
		for _, n := range g.Networks {
			comp[n.Name] = c
		}
	}

	flowLogIDs := pulumi.Map{}
	buckets, groupsOut, topics, recorders := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	alarmNames, ruleNames := pulumi.StringArrayMap{}, pulumi.StringArrayMap{}
	for _, n := range cfg.Networks {
		fl, pa, c := flowLogs[n.Name], alarms[n.Name], comp[n.Name]
		flowLogIDs[n.Name] = pulumi.StringMap{
			FlowLogS3:         fl.S3FlowLog.ID().ToStringOutput(),
			FlowLogCloudWatch: fl.CloudWatchFlowLog.ID().ToStringOutput(),
		}
		buckets[n.Name] = pulumi.String(fl.BucketName).ToStringOutput()
		groupsOut[n.Name] = fl.LogGroup.Name
		alarmNames[n.Name] = pa.AlarmNames()
		topics[n.Name] = pa.Topic.Arn
		ruleNames[n.Name] = c.RuleNames()
		recorders[n.Name] = pulumi.String("").ToStringOutput()
		if c.Recorder != nil {
			recorders[n.Name] = c.Recorder.Name
		}
	}
	r.Outputs[OutputFlowLogIDs] = flowLogIDs
	r.Outputs[OutputFlowLogBuckets] = buckets
	r.Outputs[OutputFlowLogGroups] = groupsOut
	r.Outputs[OutputAlarmNames] = alarmNames
	r.Outputs[OutputAlarmTopicARNs] = topics
	r.Outputs[OutputDashboardName] = dash.Main.DashboardName
	r.Outputs[OutputDashboardNames] = dashboardNames(groups, dash)
	r.Outputs[OutputConfigRuleNames] = ruleNames
	r.Outputs[OutputConfigRecorderNames] = recorders
	if o.LogArchive.Enabled() {
		policy, err := archivePolicy(cfg, groups, r)
		if err != nil {
			return err
		}
		r.Outputs[OutputLogArchiveBucketPolicy] = pulumi.String(policy)
	}
	return nil
}

// versioned: production keeps overwritten and deleted log objects, and
// Object Lock needs versioning wherever it is on.
func versioned(cfg *config.Config) bool {
	return cfg.IsProd() || cfg.Observability.FlowLogs.ObjectLock.Enabled()
}

func objectLock(cfg *config.Config) observability.ObjectLock {
	l := cfg.Observability.FlowLogs.ObjectLock
	return observability.ObjectLock{Mode: l.Mode, Days: l.Days}
}

// archivePolicy is the log-archive bucket's policy for every account of
// the stack, in account order.
func archivePolicy(cfg *config.Config, groups []config.AccountGroup, r *Result) (string, error) {
	var ids []string
	for _, g := range groups {
		ids = append(ids, r.Accounts[g.Name()].ID)
	}
	part := iamdoc.Partition(cfg.Region)
	return compliance.ArchiveBucketPolicy(part, cfg.Region, cfg.Observability.LogArchive.Bucket(), ids).JSON()
}

// dashboardNames maps every network to the dashboard in its own account:
// the main one for the monitoring account's networks, the account's own
// dashboard for the others (which hold their alarm states).
func dashboardNames(groups []config.AccountGroup, dash *observability.Dashboard) pulumi.StringMap {
	out := pulumi.StringMap{}
	for _, g := range groups {
		name := dash.Main.DashboardName
		if d, ok := dash.PerAccount[g.Name()]; ok {
			name = d.DashboardName
		}
		for _, n := range g.Networks {
			out[n.Name] = name
		}
	}
	return out
}

// accountGroups partitions the networks by the account id their provider
// resolved to (configured, or asked of STS): the account-wide singletons
// must follow the real account.
func accountGroups(cfg *config.Config, r *Result) []config.AccountGroup {
	return config.GroupByAccount(cfg.Networks, func(n string) string { return r.Accounts[n].ID })
}

// newDashboard registers the dashboard over every account group. An
// account is named after its first network; the monitoring account is the
// group holding dashboard.monitoringNetwork.
func newDashboard(ctx *pulumi.Context, cfg *config.Config, r *Result, groups []config.AccountGroup,
	alarms map[string]*observability.PeerAlarms) (*observability.Dashboard, error) {
	d := cfg.Observability.Dashboard
	args := &observability.DashboardArgs{
		Environment:  cfg.Environment,
		Region:       cfg.Region,
		CrossAccount: *d.CrossAccount,
	}
	for _, g := range groups {
		owner := r.Accounts[g.Name()]
		acct := observability.DashboardAccount{Name: g.Name(), AccountID: owner.ID, Provider: owner.Provider}
		for _, n := range g.Networks {
			acct.Networks = append(acct.Networks, observability.DashboardNetwork{Name: n.Name, Alarms: alarms[n.Name]})
			if n.Name == d.MonitoringNetwork {
				args.Monitoring = g.Name()
			}
		}
		args.Accounts = append(args.Accounts, acct)
	}
	return observability.NewDashboard(ctx, DashboardComponentName, args)
}

// newCompliance registers AWS Config for one account, on the provider of
// its first network.
// configKey is the KMS key AWS Config encrypts its history with: the
// account's key for its own bucket, none for a log archive, whose default
// encryption applies. Under a key the audited account controls, the
// archive could be made unreadable by disabling the key, and its owner
// would need a grant on every account's key to read it.
func configKey(o config.Observability, g config.AccountGroup) string {
	if o.LogArchive.Bucket() != "" {
		return ""
	}
	return o.FlowLogs.AccountKey(g)
}

func newCompliance(ctx *pulumi.Context, cfg *config.Config, r *Result, g config.AccountGroup,
	createdKey pulumi.StringInput) (*compliance.Compliance, error) {
	o := cfg.Observability
	owner := r.Accounts[g.Name()]
	args := &compliance.ComplianceArgs{
		Account:        g.Name(),
		Networks:       g.NetworkNames(),
		Environment:    cfg.Environment,
		Region:         cfg.Region,
		AccountID:      owner.ID,
		CreateRecorder: *o.Compliance.CreateRecorder,
		PeeringDNSRule: *o.Compliance.PeeringDNSRule,
		RetentionDays:  o.FlowLogs.S3RetentionDays,
		Versioning:     versioned(cfg),
		ForceDestroy:   *o.FlowLogs.ForceDestroy,
		KMSKeyARN:      configKey(o, g),
		KMSKey:         createdKey,
		ObjectLock:     objectLock(cfg),
		BreakGlassRole: o.FlowLogs.BreakGlassRole,
		ArchiveBucket:  o.LogArchive.Bucket(),
	}
	for _, n := range g.Networks {
		args.VpcIDs = append(args.VpcIDs, r.Networks[n.Name].Vpc.ID().ToStringOutput())
		if n.CostCenter != g.Networks[0].CostCenter {
			args.SharedCostCenter = true
		}
	}
	return compliance.NewCompliance(ctx, g.Name()+"-compliance", args, pulumi.Provider(owner.Provider))
}
