package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/config"
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
// Per network with flow logs (every created one; an existing VPC unless
// existing.flowLogs is false), in its account and region: FlowLogs
// (<network>-flow-logs) and PeerAlarms (<network>-peer-alarms), alarms
// toward every peer, configured networks and partners alike. Per account
// group (the networks of one account id, as each provider resolved it, and
// one region): Compliance (<first network>-compliance), with a recorder of
// its own unless the group reuses its account's (compliance.createRecorder
// false, or a network of the group in compliance.reuseRecorderOf:
// config.Compliance.CreatesRecorder), and, in production, the log key. Across groups: the Dashboard (peering-dashboard), held by
// the group of dashboard.monitoringNetwork.
func defineObservability(ctx *pulumi.Context, cfg *config.Config, r *Result) error {
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
	flowLogs, alarms, err := defineNetworkObservability(ctx, cfg, r, keys)
	if err != nil {
		return err
	}
	dash, err := newDashboard(ctx, cfg, r, groups, alarms)
	if err != nil {
		return err
	}
	comp := map[string]*compliance.Compliance{} // by network
	for _, g := range groups {
		c, err := newCompliance(ctx, cfg, r, g, keys.configKey(cfg.Observability, g))
		if err != nil {
			return err
		}
		for _, n := range g.Networks {
			comp[n.Name] = c
		}
	}
	observabilityOutputs(cfg, r, flowLogs, alarms, comp)
	r.Outputs[OutputDashboardName] = dash.Main.DashboardName
	r.Outputs[OutputDashboardNames] = dashboardNames(groups, dash)
	if cfg.Observability.LogArchive.Enabled() {
		policy, err := archivePolicy(cfg, groups, r)
		if err != nil {
			return err
		}
		r.Outputs[OutputLogArchiveBucketPolicy] = pulumi.String(policy)
	}
	return nil
}

// defineNetworkObservability registers each network's flow logs and peer
// alarms, in the network's own region; a network without flow logs gets
// neither (its alarms would read its flow-log group).
func defineNetworkObservability(ctx *pulumi.Context, cfg *config.Config, r *Result, keys logKeys) (
	map[string]*observability.FlowLogs, map[string]*observability.PeerAlarms, error) {
	o := cfg.Observability
	flowLogs := map[string]*observability.FlowLogs{}
	alarms := map[string]*observability.PeerAlarms{}
	for _, n := range cfg.Networks {
		if !n.HasFlowLogs() {
			continue
		}
		acct, net := r.Accounts[n.Name], r.Networks[n.Name]
		fl, err := observability.NewFlowLogs(ctx, n.Name+"-flow-logs", &observability.FlowLogsArgs{
			Network:                 n.Name,
			Environment:             cfg.Environment,
			Region:                  n.Region,
			AccountID:               acct.ID,
			VpcID:                   net.VpcID,
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
			return nil, nil, err
		}
		flowLogs[n.Name] = fl
		pa, err := observability.NewPeerAlarms(ctx, n.Name+"-peer-alarms", &observability.PeerAlarmsArgs{
			Network:          n.Name,
			Environment:      cfg.Environment,
			Region:           n.Region,
			AccountID:        acct.ID,
			LogGroupName:     fl.LogGroup.Name,
			Peers:            alarmPeers(cfg, n.Name),
			PeerTrafficBytes: o.Alarms.PeerTrafficBytes,
			RejectedPackets:  o.Alarms.RejectedPackets,
			Emails:           o.Alarms.Emails,
			KMSKeyARN:        o.Alarms.KeyFor(n.Name),
		}, pulumi.Provider(acct.Provider))
		if err != nil {
			return nil, nil, err
		}
		alarms[n.Name] = pa
	}
	return flowLogs, alarms, nil
}

// alarmPeers are what a network's alarms watch: every peer's CIDR, a
// partner's (peerCidr, named by its partner name) as a configured
// network's. The flow log sees the traffic either way.
func alarmPeers(cfg *config.Config, network string) []observability.Peer {
	var peers []observability.Peer
	for _, p := range cfg.Peers(network) {
		peers = append(peers, observability.Peer{Name: p.Name, CIDR: p.CIDR})
	}
	return peers
}

// observabilityOutputs adds the per-network outputs: flow logs and alarms
// only for networks that have them (the keys are absent otherwise), AWS
// Config for every network (its group's).
func observabilityOutputs(cfg *config.Config, r *Result, flowLogs map[string]*observability.FlowLogs,
	alarms map[string]*observability.PeerAlarms, comp map[string]*compliance.Compliance) {
	flowLogIDs := pulumi.Map{}
	buckets, groupsOut, topics, recorders := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	alarmNames, ruleNames := pulumi.StringArrayMap{}, pulumi.StringArrayMap{}
	for _, n := range cfg.Networks {
		if fl, pa := flowLogs[n.Name], alarms[n.Name]; fl != nil && pa != nil {
			flowLogIDs[n.Name] = pulumi.StringMap{
				FlowLogS3:         fl.S3FlowLog.ID().ToStringOutput(),
				FlowLogCloudWatch: fl.CloudWatchFlowLog.ID().ToStringOutput(),
			}
			buckets[n.Name] = pulumi.String(fl.BucketName).ToStringOutput()
			groupsOut[n.Name] = fl.LogGroup.Name
			alarmNames[n.Name] = pa.AlarmNames()
			topics[n.Name] = pa.Topic.Arn
		}
		c := comp[n.Name]
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
	r.Outputs[OutputConfigRuleNames] = ruleNames
	r.Outputs[OutputConfigRecorderNames] = recorders
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
