// Package flowfilter is how peerctl turns VPC flow-log records into
// CloudWatch metrics: the record format of the flow logs, and the
// space-delimited CloudWatch Logs filter patterns that select the records
// sent to or received from a peer's CIDR.
//
// CloudWatch filter patterns cannot test CIDR membership. In a space-delimited
// pattern a field can be compared with = to a string term, and a term may end
// in the * wildcard; so "dstaddr = "10.1.*"" matches every address in
// 10.1.0.0/16 and nothing else (the dot before the * keeps 10.10.0.0/16 out).
// That is exact for CIDRs on an octet boundary (/8, /16, /24, /32). Any other
// CIDR is covered exactly by 2^n octet-aligned prefixes (a /20 by sixteen
// /24s, a /28 by sixteen single addresses); AddressTerms lists them, and the
// caller creates one metric filter per term, all publishing the same metric,
// whose values CloudWatch adds up. Config validation rejects CIDRs that need
// more filters than a log group allows (MetricFiltersPerLogGroup).
//
// The package knows nothing of Pulumi; configuration validation uses it too.
package flowfilter

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// MetricFiltersPerLogGroup is the CloudWatch Logs quota of metric filters per
// log group (not adjustable).
const MetricFiltersPerLogGroup = 100

// MetricsPerPeer is how many metrics each network publishes per peer (bytes
// to, bytes from, rejected packets from): each needs one filter per term.
const MetricsPerPeer = 3

// CloudWatchFields are the fields of the CloudWatch Logs flow log, in order:
// the version 2 default fields, pinned so that the metric filters' column
// list can never drift from the records. Nothing else is added: CloudWatch
// Logs ingestion is billed per byte, and the metric filters need no more.
var CloudWatchFields = []string{
	"version", "account-id", "interface-id",
	"srcaddr", "dstaddr", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "action", "log-status",
}

// S3Fields are the fields of the S3 (Parquet) flow log, the audit record:
// the default fields plus where the traffic came from and went to (VPC,
// subnet, instance, AZ ID: cross-AZ peering traffic is billed), TCP flags,
// the packet-level addresses and the direction and path of the flow.
var S3Fields = append(slices.Clone(CloudWatchFields),
	"vpc-id", "subnet-id", "instance-id", "az-id", "tcp-flags", "type",
	"pkt-srcaddr", "pkt-dstaddr", "flow-direction", "traffic-path",
)

// LogFormat is the flow log's logFormat for fields: "${version} ${account-id} ...".
func LogFormat(fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "${" + f + "}"
	}
	return strings.Join(parts, " ")
}

// Column is the filter-pattern column name of a flow-log field
// ("log-status" becomes "log_status").
func Column(field string) string { return strings.ReplaceAll(field, "-", "_") }

// Direction says which address of a record must be in the peer's CIDR.
type Direction string

// Directions, seen from the network whose flow log it is.
const (
	// ToPeer records were sent by one of our interfaces to the peer.
	ToPeer Direction = "to"
	// FromPeer records were sent by the peer to one of our interfaces.
	FromPeer Direction = "from"
)

// AddressField is the record field that must match the peer's CIDR.
func (d Direction) AddressField() string {
	if d == ToPeer {
		return "dstaddr"
	}
	return "srcaddr"
}

// Actions of flow-log records.
const (
	Accept = "ACCEPT"
	Reject = "REJECT"
)

// AddressTerms returns the filter-pattern terms that together match exactly
// the IPv4 addresses in cidr: one "a.b.*" style prefix per octet-aligned
// block, or single addresses when cidr is longer than /24. The terms are in
// address order.
func AddressTerms(cidr netip.Prefix) ([]string, error) {
	if !cidr.IsValid() || !cidr.Addr().Is4() {
		return nil, fmt.Errorf("%s is not an IPv4 CIDR block", cidr)
	}
	cidr = cidr.Masked()
	bits := cidr.Bits()
	aligned := (bits + 7) / 8 * 8 // round up to an octet boundary
	count := 1 << (aligned - bits)
	octets := aligned / 8
	base := cidr.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	step := uint64(1) << (32 - aligned) // addresses per term
	terms := make([]string, 0, count)
	for i := range count {
		a := uint32(uint64(start) + uint64(i)*step)
		b := [4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}
		parts := make([]string, 0, 4)
		for _, o := range b[:octets] {
			parts = append(parts, fmt.Sprint(o))
		}
		if octets < 4 {
			parts = append(parts, "*")
		}
		terms = append(terms, strings.Join(parts, "."))
	}
	return terms, nil
}

// TermKey makes a term usable in resource names: "10.0.16.*" becomes "10-0-16".
func TermKey(term string) string {
	return strings.ReplaceAll(strings.TrimSuffix(term, ".*"), ".", "-")
}

// FiltersFor is the number of metric filters a network needs on its log
// group for peers with these CIDRs.
func FiltersFor(peers []netip.Prefix) (int, error) {
	n := 0
	for _, p := range peers {
		terms, err := AddressTerms(p)
		if err != nil {
			return 0, err
		}
		n += MetricsPerPeer * len(terms)
	}
	return n, nil
}

// Pattern is the space-delimited filter pattern selecting flow-log records
// (in CloudWatchFields format) whose address field for direction d matches
// term and whose action is action. For example, with d FromPeer, term
// "10.1.*" and action ACCEPT:
//
//	[version, account_id, interface_id, srcaddr = "10.1.*", dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action = "ACCEPT", log_status]
//
// Records without traffic (NODATA, SKIPDATA) carry "-" in these fields and
// never match.
func Pattern(d Direction, term, action string) string {
	addr := d.AddressField()
	cols := make([]string, len(CloudWatchFields))
	for i, f := range CloudWatchFields {
		c := Column(f)
		switch f {
		case addr:
			c += " = " + quote(term)
		case "action":
			c += " = " + quote(action)
		}
		cols[i] = c
	}
	return "[" + strings.Join(cols, ", ") + "]"
}

// quote quotes a term as CloudWatch expects; terms here never contain quotes
// or backslashes.
func quote(term string) string { return `"` + term + `"` }
