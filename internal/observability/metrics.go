package observability

import (
	"fmt"

	"github.com/peerctl/peerctl/internal/flowfilter"
)

// PeerMetric is one custom metric a network publishes about one peer, from
// its CloudWatch flow log. VPC peering itself publishes no metrics.
//
// Metric filter dimensions must take their values from fields of the log
// event, so a constant "Peer" dimension is impossible; the peer (and the
// environment, since dev and prod may share an account) is in the metric
// name instead, and the metrics have no dimensions.
type PeerMetric struct {
	// Key names the metric's resources: "to-analytics-bytes".
	Key string
	// Name is the CloudWatch metric name: "trading-to-analytics-bytes-dev".
	Name      string
	Direction flowfilter.Direction
	// Action is the flow-log action the records must have.
	Action string
	// Value is the metric filter's value: a field of the record.
	Value string
	// Unit is the CloudWatch unit of the values.
	Unit string
	// Label is how graphs name it.
	Label string
}

// PeerMetrics are the metrics network publishes about peer: accepted bytes
// sent to it, accepted bytes received from it, and packets from it that
// network's security groups or NACLs rejected. Accepted traffic only for
// bytes: a rejected flow never reached the application, and rejects have
// their own metric.
func PeerMetrics(network, peer, env string) []PeerMetric {
	mk := func(d flowfilter.Direction, what, action, value, unit, label string) PeerMetric {
		key := fmt.Sprintf("%s-%s-%s", d, peer, what)
		return PeerMetric{
			Key: key, Name: fmt.Sprintf("%s-%s-%s", network, key, env),
			Direction: d, Action: action,
			Value: "$" + value, Unit: unit, Label: label,
		}
	}
	return []PeerMetric{
		mk(flowfilter.ToPeer, "bytes", flowfilter.Accept, "bytes", "Bytes", fmt.Sprintf("%s → %s bytes", network, peer)),
		mk(flowfilter.FromPeer, "bytes", flowfilter.Accept, "bytes", "Bytes", fmt.Sprintf("%s ← %s bytes", network, peer)),
		mk(flowfilter.FromPeer, "rejected-packets", flowfilter.Reject, "packets", "Count", fmt.Sprintf("%s ← %s rejected packets", network, peer)),
	}
}

// AlarmSpec is one alarm of a network about a peer, before it is created.
type AlarmSpec struct {
	// Key names the alarm's resources: "to-analytics-traffic".
	Key string
	// Name is the alarm name: "trading-to-analytics-traffic-dev".
	Name        string
	Network     string
	Peer        string
	Metric      PeerMetric
	Threshold   float64
	Description string
}

// Alarm evaluation: Sum over MetricPeriod, alarming when any one of the last
// EvaluationPeriods periods is above the threshold. Flow-log records reach
// CloudWatch 1-10 minutes late, so a single-period alarm would often have
// been evaluated before a period's data arrived; looking at the last three
// periods lets a late data point still raise the alarm.
const (
	EvaluationPeriods = 3
	DatapointsToAlarm = 1
)

// TreatMissingData is notBreaching for every alarm: a period without
// matching flow-log records is a period without traffic (or rejects), which
// is the normal, OK state. "missing" would leave a quiet peering in
// INSUFFICIENT_DATA forever, and "breaching" would page for silence.
const TreatMissingData = "notBreaching"

// PeerAlarmSpecs are network's alarms about peer: traffic to and from it
// above trafficBytes in 5 minutes, and rejected packets from it above
// rejectedPackets in 5 minutes.
func PeerAlarmSpecs(network, peer, env string, trafficBytes, rejectedPackets int64) []AlarmSpec {
	m := PeerMetrics(network, peer, env)
	mk := func(key string, metric PeerMetric, threshold int64, desc string) AlarmSpec {
		key = fmt.Sprintf("%s-%s-%s", metric.Direction, peer, key)
		return AlarmSpec{
			Key: key, Name: fmt.Sprintf("%s-%s-%s", network, key, env),
			Network: network, Peer: peer, Metric: metric, Threshold: float64(threshold),
			Description: desc,
		}
	}
	limit := humanBytes(trafficBytes)
	return []AlarmSpec{
		mk("traffic", m[0], trafficBytes, fmt.Sprintf(
			"Network %s sent more than %s to peer %s in 5 minutes (accepted flows in the VPC flow log of %s). "+
				"Find who talks to %s: a batch job, a replication, or data leaving that should not.",
			network, limit, peer, network, peer)),
		mk("traffic", m[1], trafficBytes, fmt.Sprintf(
			"Network %s received more than %s from peer %s in 5 minutes (accepted flows in the VPC flow log of %s).",
			network, limit, peer, network)),
		mk("rejects", m[2], rejectedPackets, fmt.Sprintf(
			"More than %d packets from peer %s were rejected by the security groups or network ACLs of %s in 5 minutes: "+
				"a misconfigured client, a scan, or a rule change that broke an application.",
			rejectedPackets, peer, network)),
	}
}

// humanBytes renders a byte count for people: "1 GiB", "500 MiB", "1500 bytes".
func humanBytes(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
