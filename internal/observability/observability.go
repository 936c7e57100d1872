// Package observability holds the components that watch the peered networks:
//
//   - FlowLogs, per network with flow logs, in the network's account and
//     region: a flow log of ALL
//     traffic to an S3 bucket (Parquet, Hive-compatible hourly partitions, for
//     audit and Athena) and a second one to a CloudWatch Logs group with
//     short retention (for metric filters), with the IAM role it needs.
//   - PeerAlarms, per network: metric filters that turn the CloudWatch flow
//     log into traffic metrics per peer (VPC peering publishes none), alarms
//     on them, and the encrypted SNS topic the alarms notify.
//   - Dashboard, across accounts and regions: the CloudWatch dashboard, and
//     the cross-account observability sink and links (within the
//     monitoring region) it reads other accounts' metrics through.
//   - LogBucket: the hardened bucket AWS services deliver logs into, shared
//     with package compliance (AWS Config's delivery bucket).
//
// Every component follows the same shape: typed Args of plain values (and
// the Pulumi inputs of resources it attaches to), children named from the
// component's name and keyed by network and peer, never by position.
package observability

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/tags"
)

// Type tokens of the components.
const (
	FlowLogsType   = "peerctl:observability:FlowLogs"
	PeerAlarmsType = "peerctl:observability:PeerAlarms"
	DashboardType  = "peerctl:observability:Dashboard"
	LogBucketType  = "peerctl:observability:LogBucket"
)

// Namespace is the CloudWatch namespace of the peer traffic metrics.
const Namespace = "Peerctl/VpcPeering"

// MetricPeriod is the period, in seconds, of every alarm and graph: flow-log
// metrics arrive in 1-10 minutes, so finer periods would only be noise.
const MetricPeriod = 300

// FlowLogGroupName is the CloudWatch Logs group of a network's second flow
// log. Log groups are regional, so it needs no region code. (The names AWS
// scopes globally, buckets, roles and dashboards, are spelled in package
// names.)
func FlowLogGroupName(network, env string) string {
	return fmt.Sprintf("/peerctl/%s/vpc-flow-logs/%s", env, network)
}

// ProviderHolder is a component that knows its providers.
type ProviderHolder interface {
	pulumi.Resource
	GetProvider(token string) pulumi.ProviderResource
}

// Nested are the options of a component nested in parent: the parent, and
// the parent's AWS provider passed on explicitly. Children inherit the
// provider either way, but only an explicit one is recorded on the nested
// component itself (which is how the offline plan attributes it to an
// account).
func Nested(parent ProviderHolder) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	if p := parent.GetProvider("aws::"); p != nil {
		opts = append(opts, pulumi.Provider(p))
	}
	return opts
}

// nameTags are a resource's tags: its Name plus optional overrides.
func nameTags(name string, kv ...string) pulumi.StringMap {
	return pulumi.ToStringMap(tags.Named(name, kv...))
}

// sharedTags mark resources that serve every network (the OAM sink and
// links): CostCenter=shared, as for the peering itself.
func sharedTags(name string) pulumi.StringMap {
	return nameTags(name, "CostCenter", tags.SharedCostCenter)
}
