// Package names is the one place that spells the physical names of the
// resources AWS names globally: S3 buckets (one namespace across every
// account and region of a partition), IAM roles (one namespace per account
// across every region) and CloudWatch dashboards (per account, not per
// region). Each carries the short code of the region its resource serves
// (the network's region, or its account group's), so the same environment
// can run in a second region (disaster recovery), and one account can hold
// networks of one stack in two regions, without names colliding; S3 bucket
// names also carry the account id.
//
// Config validation checks these names against AWS's limits, and the
// components create resources under them, so both import this package
// (it knows nothing of Pulumi).
package names

import (
	"fmt"

	"github.com/peerctl/peerctl/internal/netplan"
)

// AWS's length limits of the names built here.
const (
	// MaxBucket: S3 User Guide, general purpose bucket naming rules (3-63).
	MaxBucket = 63
	// MaxRole: IAM User Guide, IAM and AWS STS quotas (role name, 64).
	MaxRole = 64
	// MaxDashboard: CloudWatch PutDashboard, DashboardName (1-255).
	MaxDashboard = 255
)

// RegionCode is the region's short code: the prefix of its AZ IDs, which
// AWS itself uses (us-east-1 -> use1, ap-southeast-2 -> apse2). It is ""
// for a region name that does not follow AWS's pattern; config validation
// refuses such regions before any name is built.
func RegionCode(region string) string { return netplan.RegionCode(region) }

// FlowLogBucket is the S3 bucket of a network's S3 flow log. "flows" rather
// than "flow-logs" keeps the longest inputs (network 20, environment 16,
// region code 5, account 12) within S3's 63 characters: 20+7+16+1+5+1+12=62.
// The bucket's Name tag keeps the readable <network>-flow-logs-<env>.
func FlowLogBucket(network, env, region, accountID string) string {
	return fmt.Sprintf("%s-flows-%s-%s-%s", network, env, RegionCode(region), accountID)
}

// ConfigBucket is the AWS Config delivery bucket of an account, named
// after the account's first network: at most 20+8+16+1+5+1+12 = 63.
func ConfigBucket(account, env, region, accountID string) string {
	return fmt.Sprintf("%s-config-%s-%s-%s", account, env, RegionCode(region), accountID)
}

// FlowLogRole is the role VPC Flow Logs assumes to write a network's
// CloudWatch flow log: at most 20+15+16+1+5 = 57.
func FlowLogRole(network, env, region string) string {
	return fmt.Sprintf("%s-vpc-flow-logs-%s-%s", network, env, RegionCode(region))
}

// ConfigRole is the AWS Config recorder role of an account: at most
// 20+12+16+1+5 = 54.
func ConfigRole(account, env, region string) string {
	return fmt.Sprintf("%s-aws-config-%s-%s", account, env, RegionCode(region))
}

// Dashboard is the main dashboard.
func Dashboard(env, region string) string {
	return fmt.Sprintf("vpc-peering-dashboard-%s-%s", env, RegionCode(region))
}

// AccountDashboard is the dashboard of an account other than the
// monitoring one, named after the account's first network.
func AccountDashboard(network, env, region string) string {
	return fmt.Sprintf("vpc-peering-dashboard-%s-%s-%s", network, env, RegionCode(region))
}

// Kind is what a generated name is, for messages and limits.
type Kind string

// Kinds of generated names.
const (
	BucketKind    Kind = "S3 bucket"
	RoleKind      Kind = "IAM role"
	DashboardKind Kind = "CloudWatch dashboard"
)

// Limit is the longest name AWS accepts for the kind.
func (k Kind) Limit() int {
	switch k {
	case BucketKind:
		return MaxBucket
	case RoleKind:
		return MaxRole
	}
	return MaxDashboard
}

// Generated is one globally scoped name peerctl generates.
type Generated struct {
	Kind Kind
	Name string
}

// ForNetwork lists the global names generated from a network's name: its
// flow-log bucket and role, and (should it name its account's group, which
// depends on the account ids) its account's Config bucket and role and
// account dashboard. accountID may be a 12-digit placeholder offline: every
// account id has 12 digits.
func ForNetwork(network, env, region, accountID string) []Generated {
	return []Generated{
		{BucketKind, FlowLogBucket(network, env, region, accountID)},
		{BucketKind, ConfigBucket(network, env, region, accountID)},
		{RoleKind, FlowLogRole(network, env, region)},
		{RoleKind, ConfigRole(network, env, region)},
		{DashboardKind, AccountDashboard(network, env, region)},
	}
}
