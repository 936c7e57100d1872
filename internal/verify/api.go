package verify

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Each check depends on the one or two AWS calls it makes, never on a whole
// client, so tests fake exactly what a check uses.

// PeeringAPI reads peering connections (status, DNS options).
type PeeringAPI interface {
	DescribeVpcPeeringConnections(ctx context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error)
}

// RouteTableAPI reads route tables.
type RouteTableAPI = ec2.DescribeRouteTablesAPIClient

// SecurityGroupRuleAPI reads security group rules.
type SecurityGroupRuleAPI = ec2.DescribeSecurityGroupRulesAPIClient

// NetworkACLAPI reads network ACLs.
type NetworkACLAPI interface {
	DescribeNetworkAcls(ctx context.Context, in *ec2.DescribeNetworkAclsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error)
}

// FlowLogAPI reads flow logs.
type FlowLogAPI interface {
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}

// PublicAccessBlockAPI reads a bucket's public access block.
type PublicAccessBlockAPI interface {
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

// LogGroupAPI reads CloudWatch Logs groups (through the SDK's paginator).
type LogGroupAPI = cloudwatchlogs.DescribeLogGroupsAPIClient

// MetricFilterAPI reads a log group's metric filters.
type MetricFilterAPI = cloudwatchlogs.DescribeMetricFiltersAPIClient

// PrefixListAPI reads the AWS-managed prefix lists of the S3 and DynamoDB
// gateway endpoints.
type PrefixListAPI = ec2.DescribePrefixListsAPIClient

// RecorderStatusAPI reads AWS Config recorder status.
type RecorderStatusAPI interface {
	DescribeConfigurationRecorderStatus(ctx context.Context, in *configservice.DescribeConfigurationRecorderStatusInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error)
}

// RuleComplianceAPI reads AWS Config rule compliance.
type RuleComplianceAPI interface {
	DescribeComplianceByConfigRule(ctx context.Context, in *configservice.DescribeComplianceByConfigRuleInput, optFns ...func(*configservice.Options)) (*configservice.DescribeComplianceByConfigRuleOutput, error)
}

// RuleResultsAPI reads a rule's evaluation result for each resource
// (through the SDK's paginator), so that verify can tell the stack's
// resources from the rest of the account. Clients without it (nil) get
// each rule's account-wide compliance instead.
type RuleResultsAPI = configservice.GetComplianceDetailsByConfigRuleAPIClient

// AlarmAPI reads CloudWatch alarms.
type AlarmAPI = cloudwatch.DescribeAlarmsAPIClient

// DashboardAPI reads a CloudWatch dashboard.
type DashboardAPI interface {
	GetDashboard(ctx context.Context, in *cloudwatch.GetDashboardInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error)
}

// ProbeENIAPI creates and deletes the probe network interfaces.
type ProbeENIAPI interface {
	CreateNetworkInterface(ctx context.Context, in *ec2.CreateNetworkInterfaceInput, optFns ...func(*ec2.Options)) (*ec2.CreateNetworkInterfaceOutput, error)
	DeleteNetworkInterface(ctx context.Context, in *ec2.DeleteNetworkInterfaceInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNetworkInterfaceOutput, error)
}

// ENIDescriber is what the SDK's NetworkInterfaceAvailable waiter polls, and
// what the cleanup asks for interfaces carrying the run's tag.
type ENIDescriber = ec2.DescribeNetworkInterfacesAPIClient

// InsightsPathAPI creates and deletes Reachability Analyzer paths.
type InsightsPathAPI interface {
	CreateNetworkInsightsPath(ctx context.Context, in *ec2.CreateNetworkInsightsPathInput, optFns ...func(*ec2.Options)) (*ec2.CreateNetworkInsightsPathOutput, error)
	DeleteNetworkInsightsPath(ctx context.Context, in *ec2.DeleteNetworkInsightsPathInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNetworkInsightsPathOutput, error)
}

// InsightsAnalysisAPI starts and deletes Reachability Analyzer analyses.
type InsightsAnalysisAPI interface {
	StartNetworkInsightsAnalysis(ctx context.Context, in *ec2.StartNetworkInsightsAnalysisInput, optFns ...func(*ec2.Options)) (*ec2.StartNetworkInsightsAnalysisOutput, error)
	DeleteNetworkInsightsAnalysis(ctx context.Context, in *ec2.DeleteNetworkInsightsAnalysisInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNetworkInsightsAnalysisOutput, error)
}

// PathDescriber finds the paths whose source is a probe interface, so that
// the cleanup also deletes paths whose create call lost its answer.
type PathDescriber = ec2.DescribeNetworkInsightsPathsAPIClient

// AnalysisDescriber polls an analysis until it finishes, and lists a path's
// analyses for the cleanup.
type AnalysisDescriber = ec2.DescribeNetworkInsightsAnalysesAPIClient

// Clients are one network's AWS clients, each seen through the narrow
// interface of the check that uses it.
type Clients struct {
	Peerings       PeeringAPI
	RouteTables    RouteTableAPI
	SGRules        SecurityGroupRuleAPI
	PrefixLists    PrefixListAPI
	NACLs          NetworkACLAPI
	FlowLogs       FlowLogAPI
	Buckets        PublicAccessBlockAPI
	LogGroups      LogGroupAPI
	MetricFilters  MetricFilterAPI
	Recorders      RecorderStatusAPI
	RuleCompliance RuleComplianceAPI
	RuleResults    RuleResultsAPI
	Alarms         AlarmAPI
	Dashboards     DashboardAPI

	ENIs      ProbeENIAPI
	ENIStatus ENIDescriber
	Paths     InsightsPathAPI
	PathList  PathDescriber
	Analyses  InsightsAnalysisAPI
	Analysis  AnalysisDescriber
}

// NewClients makes a network's clients from its AWS configuration (whose
// retryer, from awsauth, retries throttling).
func NewClients(cfg aws.Config) Clients {
	e := ec2.NewFromConfig(cfg)
	cw := cloudwatch.NewFromConfig(cfg)
	cs := configservice.NewFromConfig(cfg)
	logs := cloudwatchlogs.NewFromConfig(cfg)
	return Clients{
		Peerings: e, RouteTables: e, SGRules: e, PrefixLists: e, NACLs: e, FlowLogs: e,
		Buckets:        s3.NewFromConfig(cfg),
		LogGroups:      logs,
		MetricFilters:  logs,
		Recorders:      cs,
		RuleCompliance: cs,
		RuleResults:    cs,
		Alarms:         cw,
		Dashboards:     cw,
		ENIs:           e, ENIStatus: e, Paths: e, PathList: e, Analyses: e, Analysis: e,
	}
}
