package verify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// fakeAccount models one AWS account's answers, including the failure
// modes the checks must report. Probe resources are kept as state so that
// tests can assert that cleanup left nothing behind.
type fakeAccount struct {
	name string

	peerings    []types.VpcPeeringConnection
	routeTables []types.RouteTable
	sgRules     []types.SecurityGroupRule
	prefixLists []types.PrefixList
	nacls       []types.NetworkAcl
	flowLogs    []types.FlowLog
	// publicAccess by bucket; a missing bucket answers NoSuchPublicAccessBlockConfiguration.
	publicAccess  map[string]*s3types.PublicAccessBlockConfiguration
	logGroups     []cwltypes.LogGroup
	metricFilters map[string][]cwltypes.MetricFilter // by log group
	// pageSize splits paginated answers (log groups, metric filters); 0 is one page.
	pageSize   int
	recorders  []cstypes.ConfigurationRecorderStatus
	compliance []cstypes.ComplianceByConfigRule
	alarms     []cwtypes.MetricAlarm
	dashboards map[string]bool

	// errs are returned by an operation, first to last, before it succeeds;
	// the last one repeats when sticky is set for the operation.
	errs   map[string][]error
	sticky map[string]bool

	// Probe behaviour.
	runningPolls int                                                                       // "running" answers before an analysis finishes
	neverFinish  bool                                                                      // analyses stay running
	analysis     func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis // the finished analysis
	onDescribe   func()                                                                    // called on every analysis poll
	// eniLag and analysisLag are EC2's eventual consistency: how many
	// describe calls by id answer NotFound for a network interface or an
	// analysis just created.
	eniLag, analysisLag int
	// failDelete fails every deletion of a resource id with its error;
	// hangDelete makes a deletion of the id hang until its context ends.
	failDelete map[string]error
	hangDelete map[string]bool
	// staleDelete: the first deletion of the id answers NotFound and keeps
	// the resource (eventual consistency right after its creation).
	staleDelete map[string]bool
	// afterCreate runs after a create call (op) created its resource, with
	// the call's context; its error replaces the answer (the answer was lost).
	afterCreate func(ctx context.Context, op string) error

	mu        sync.Mutex
	calls     []string
	enis      map[string]bool
	eniTags   map[string]string // probe run tag by interface
	eniSeen   map[string]int    // describe calls by interface id
	runTags   []string          // the probe tag of every interface created
	paths     map[string]*ec2.CreateNetworkInsightsPathInput
	analyses  map[string]*fakeAnalysis
	nextID    int
	createdIn []string // every created probe resource id
	// deleteCtxErr records deletions attempted with a cancelled context.
	deleteCtxErr []string
}

type fakeAnalysis struct {
	path  string
	polls int // polls answered "running"
	seen  int // describe calls by id
}

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// enter records a call and returns the injected error, if any.
func (f *fakeAccount) enter(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
	q := f.errs[op]
	if len(q) == 0 {
		return nil
	}
	err := q[0]
	if len(q) > 1 || !f.sticky[op] {
		f.errs[op] = q[1:]
	}
	return err
}

func (f *fakeAccount) called(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == op {
			n++
		}
	}
	return n
}

func (f *fakeAccount) id(prefix string) string {
	f.nextID++
	return fmt.Sprintf("%s-%s%d", prefix, f.name, f.nextID)
}

// leftovers lists probe resources that still exist.
func (f *fakeAccount) leftovers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	out = append(out, slices.Collect(maps.Keys(f.enis))...)
	out = append(out, slices.Collect(maps.Keys(f.paths))...)
	out = append(out, slices.Collect(maps.Keys(f.analyses))...)
	slices.Sort(out)
	return out
}

func (f *fakeAccount) clients() Clients {
	return Clients{
		Peerings: f, RouteTables: f, SGRules: f, PrefixLists: f, NACLs: f, FlowLogs: f, Buckets: f,
		LogGroups: f, MetricFilters: f, Recorders: f, RuleCompliance: f, Alarms: f, Dashboards: f,
		ENIs: f, ENIStatus: f, Paths: f, PathList: f, Analyses: f, Analysis: f,
	}
}

func (f *fakeAccount) DescribeVpcPeeringConnections(ctx context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error) {
	if err := f.enter("DescribeVpcPeeringConnections"); err != nil {
		return nil, err
	}
	out := &ec2.DescribeVpcPeeringConnectionsOutput{}
	for _, p := range f.peerings {
		if slices.Contains(in.VpcPeeringConnectionIds, aws.ToString(p.VpcPeeringConnectionId)) {
			out.VpcPeeringConnections = append(out.VpcPeeringConnections, p)
		}
	}
	if len(out.VpcPeeringConnections) == 0 {
		return nil, apiError("InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID does not exist")
	}
	return out, nil
}

func (f *fakeAccount) DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, _ ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	if err := f.enter("DescribeRouteTables"); err != nil {
		return nil, err
	}
	vpc := filterValue(in.Filters, "vpc-id")
	out := &ec2.DescribeRouteTablesOutput{}
	for _, t := range f.routeTables {
		if vpc == "" || aws.ToString(t.VpcId) == vpc {
			out.RouteTables = append(out.RouteTables, t)
		}
	}
	return out, nil
}

func (f *fakeAccount) DescribeSecurityGroupRules(ctx context.Context, in *ec2.DescribeSecurityGroupRulesInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupRulesOutput, error) {
	if err := f.enter("DescribeSecurityGroupRules"); err != nil {
		return nil, err
	}
	group := filterValue(in.Filters, "group-id")
	out := &ec2.DescribeSecurityGroupRulesOutput{}
	for _, r := range f.sgRules {
		if aws.ToString(r.GroupId) == group {
			out.SecurityGroupRules = append(out.SecurityGroupRules, r)
		}
	}
	return out, nil
}

func (f *fakeAccount) DescribeNetworkAcls(ctx context.Context, in *ec2.DescribeNetworkAclsInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error) {
	if err := f.enter("DescribeNetworkAcls"); err != nil {
		return nil, err
	}
	out := &ec2.DescribeNetworkAclsOutput{}
	for _, a := range f.nacls {
		if slices.Contains(in.NetworkAclIds, aws.ToString(a.NetworkAclId)) {
			out.NetworkAcls = append(out.NetworkAcls, a)
		}
	}
	if len(out.NetworkAcls) == 0 {
		return nil, apiError("InvalidNetworkAclID.NotFound", "The networkAcl ID does not exist")
	}
	return out, nil
}

func (f *fakeAccount) DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, _ ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	if err := f.enter("DescribeFlowLogs"); err != nil {
		return nil, err
	}
	out := &ec2.DescribeFlowLogsOutput{}
	for _, fl := range f.flowLogs {
		if slices.Contains(in.FlowLogIds, aws.ToString(fl.FlowLogId)) {
			out.FlowLogs = append(out.FlowLogs, fl)
		}
	}
	return out, nil
}

func (f *fakeAccount) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := f.enter("GetPublicAccessBlock"); err != nil {
		return nil, err
	}
	c, ok := f.publicAccess[aws.ToString(in.Bucket)]
	if !ok {
		return nil, apiError("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: c}, nil
}

func (f *fakeAccount) DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	if err := f.enter("DescribeLogGroups"); err != nil {
		return nil, err
	}
	var groups []cwltypes.LogGroup
	for _, g := range f.logGroups {
		if strings.HasPrefix(aws.ToString(g.LogGroupName), aws.ToString(in.LogGroupNamePrefix)) {
			groups = append(groups, g)
		}
	}
	page, next := paginate(groups, aws.ToString(in.NextToken), f.pageSize)
	return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: page, NextToken: next}, nil
}

func (f *fakeAccount) DescribeConfigurationRecorderStatus(ctx context.Context, in *configservice.DescribeConfigurationRecorderStatusInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error) {
	if err := f.enter("DescribeConfigurationRecorderStatus"); err != nil {
		return nil, err
	}
	out := &configservice.DescribeConfigurationRecorderStatusOutput{}
	for _, r := range f.recorders {
		if len(in.ConfigurationRecorderNames) == 0 || slices.Contains(in.ConfigurationRecorderNames, aws.ToString(r.Name)) {
			out.ConfigurationRecordersStatus = append(out.ConfigurationRecordersStatus, r)
		}
	}
	if len(in.ConfigurationRecorderNames) > 0 && len(out.ConfigurationRecordersStatus) == 0 {
		return nil, apiError("NoSuchConfigurationRecorderException", "Cannot find configuration recorder")
	}
	return out, nil
}

func (f *fakeAccount) DescribeComplianceByConfigRule(ctx context.Context, in *configservice.DescribeComplianceByConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.DescribeComplianceByConfigRuleOutput, error) {
	if err := f.enter("DescribeComplianceByConfigRule"); err != nil {
		return nil, err
	}
	out := &configservice.DescribeComplianceByConfigRuleOutput{}
	for _, c := range f.compliance {
		if slices.Contains(in.ConfigRuleNames, aws.ToString(c.ConfigRuleName)) {
			out.ComplianceByConfigRules = append(out.ComplianceByConfigRules, c)
		}
	}
	return out, nil
}

func (f *fakeAccount) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := f.enter("DescribeAlarms"); err != nil {
		return nil, err
	}
	out := &cloudwatch.DescribeAlarmsOutput{}
	for _, a := range f.alarms {
		if slices.Contains(in.AlarmNames, aws.ToString(a.AlarmName)) {
			out.MetricAlarms = append(out.MetricAlarms, a)
		}
	}
	return out, nil
}

func (f *fakeAccount) GetDashboard(ctx context.Context, in *cloudwatch.GetDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error) {
	if err := f.enter("GetDashboard"); err != nil {
		return nil, err
	}
	if !f.dashboards[aws.ToString(in.DashboardName)] {
		return nil, &cwtypes.DashboardNotFoundError{Message: aws.String("Dashboard does not exist"), ErrorCodeOverride: aws.String("ResourceNotFound")}
	}
	return &cloudwatch.GetDashboardOutput{DashboardName: in.DashboardName}, nil
}

func (f *fakeAccount) DescribePrefixLists(ctx context.Context, in *ec2.DescribePrefixListsInput, _ ...func(*ec2.Options)) (*ec2.DescribePrefixListsOutput, error) {
	if err := f.enter("DescribePrefixLists"); err != nil {
		return nil, err
	}
	names := filterValues(in.Filters, "prefix-list-name")
	out := &ec2.DescribePrefixListsOutput{}
	for _, pl := range f.prefixLists {
		if len(names) == 0 || slices.Contains(names, aws.ToString(pl.PrefixListName)) {
			out.PrefixLists = append(out.PrefixLists, pl)
		}
	}
	return out, nil
}

func (f *fakeAccount) DescribeMetricFilters(ctx context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	if err := f.enter("DescribeMetricFilters"); err != nil {
		return nil, err
	}
	group := aws.ToString(in.LogGroupName)
	if !slices.ContainsFunc(f.logGroups, func(g cwltypes.LogGroup) bool { return aws.ToString(g.LogGroupName) == group }) {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	page, next := paginate(f.metricFilters[group], aws.ToString(in.NextToken), f.pageSize)
	return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: page, NextToken: next}, nil
}

// paginate returns the page of items starting at token (an index), and the
// next token; size 0 means one page.
func paginate[T any](items []T, token string, size int) ([]T, *string) {
	start := 0
	if token != "" {
		fmt.Sscan(token, &start)
	}
	if size <= 0 || start+size >= len(items) {
		return items[min(start, len(items)):], nil
	}
	return items[start : start+size], aws.String(fmt.Sprint(start + size))
}

func filterValue(filters []types.Filter, name string) string {
	if v := filterValues(filters, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

func filterValues(filters []types.Filter, name string) []string {
	for _, f := range filters {
		if aws.ToString(f.Name) == name {
			return f.Values
		}
	}
	return nil
}
