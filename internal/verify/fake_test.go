package verify

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
	nacls       []types.NetworkAcl
	flowLogs    []types.FlowLog
	// publicAccess by bucket; a missing bucket answers NoSuchPublicAccessBlockConfiguration.
	publicAccess map[string]*s3types.PublicAccessBlockConfiguration
	logGroups    []cwltypes.LogGroup
	recorders    []cstypes.ConfigurationRecorderStatus
	compliance   []cstypes.ComplianceByConfigRule
	alarms       []cwtypes.MetricAlarm
	dashboards   map[string]bool

	// errs are returned by an operation, first to last, before it succeeds;
	// the last one repeats when sticky is set for the operation.
	errs   map[string][]error
	sticky map[string]bool

	// Probe behaviour.
	runningPolls int                                                                       // "running" answers before an analysis finishes
	neverFinish  bool                                                                      // analyses stay running
	analysis     func(p *ec2.CreateNetworkInsightsPathInput) types.NetworkInsightsAnalysis // the finished analysis
	onDescribe   func()                                                                    // called on every analysis poll

	mu        sync.Mutex
	calls     []string
	enis      map[string]bool
	paths     map[string]*ec2.CreateNetworkInsightsPathInput
	analyses  map[string]*fakeAnalysis
	nextID    int
	createdIn []string // every created probe resource id
	// deleteCtxErr records deletions attempted with a cancelled context.
	deleteCtxErr []string
}

type fakeAnalysis struct {
	path  string
	polls int
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
		Peerings: f, RouteTables: f, SGRules: f, NACLs: f, FlowLogs: f, Buckets: f, LogGroups: f,
		Recorders: f, RuleCompliance: f, Alarms: f, Dashboards: f,
		ENIs: f, ENIStatus: f, Paths: f, Analyses: f, Analysis: f,
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
	return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: f.logGroups}, nil
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

func (f *fakeAccount) CreateNetworkInterface(ctx context.Context, in *ec2.CreateNetworkInterfaceInput, _ ...func(*ec2.Options)) (*ec2.CreateNetworkInterfaceOutput, error) {
	if err := f.enter("CreateNetworkInterface"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.id("eni")
	if f.enis == nil {
		f.enis = map[string]bool{}
	}
	f.enis[id] = true
	f.createdIn = append(f.createdIn, id)
	return &ec2.CreateNetworkInterfaceOutput{NetworkInterface: &types.NetworkInterface{
		NetworkInterfaceId: aws.String(id), PrivateIpAddress: aws.String("10.9.0." + fmt.Sprint(f.nextID)),
		Status: types.NetworkInterfaceStatus("pending"), SubnetId: in.SubnetId,
	}}, nil
}

func (f *fakeAccount) deleteWith(ctx context.Context, op, id string, store func() bool) error {
	if ctx.Err() != nil {
		f.mu.Lock()
		f.deleteCtxErr = append(f.deleteCtxErr, id)
		f.mu.Unlock()
		return ctx.Err()
	}
	if err := f.enter(op); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !store() {
		return apiError(op+".NotFound", id+" does not exist")
	}
	return nil
}

func (f *fakeAccount) DeleteNetworkInterface(ctx context.Context, in *ec2.DeleteNetworkInterfaceInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInterfaceOutput, error) {
	id := aws.ToString(in.NetworkInterfaceId)
	return &ec2.DeleteNetworkInterfaceOutput{}, f.deleteWith(ctx, "DeleteNetworkInterface", id, func() bool {
		ok := f.enis[id]
		delete(f.enis, id)
		return ok
	})
}

func (f *fakeAccount) DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	if err := f.enter("DescribeNetworkInterfaces"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &ec2.DescribeNetworkInterfacesOutput{}
	for _, id := range in.NetworkInterfaceIds {
		if f.enis[id] {
			out.NetworkInterfaces = append(out.NetworkInterfaces, types.NetworkInterface{
				NetworkInterfaceId: aws.String(id), Status: types.NetworkInterfaceStatusAvailable})
		}
	}
	return out, nil
}

func (f *fakeAccount) CreateNetworkInsightsPath(ctx context.Context, in *ec2.CreateNetworkInsightsPathInput, _ ...func(*ec2.Options)) (*ec2.CreateNetworkInsightsPathOutput, error) {
	if err := f.enter("CreateNetworkInsightsPath"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.enis[aws.ToString(in.Source)] {
		return nil, apiError("InvalidParameterValue", "source "+aws.ToString(in.Source)+" is not in this account")
	}
	id := f.id("nip")
	if f.paths == nil {
		f.paths = map[string]*ec2.CreateNetworkInsightsPathInput{}
	}
	f.paths[id] = in
	f.createdIn = append(f.createdIn, id)
	return &ec2.CreateNetworkInsightsPathOutput{NetworkInsightsPath: &types.NetworkInsightsPath{NetworkInsightsPathId: aws.String(id)}}, nil
}

func (f *fakeAccount) DeleteNetworkInsightsPath(ctx context.Context, in *ec2.DeleteNetworkInsightsPathInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInsightsPathOutput, error) {
	id := aws.ToString(in.NetworkInsightsPathId)
	f.mu.Lock()
	for aid, a := range f.analyses {
		if a.path == id {
			f.mu.Unlock()
			return nil, apiError("InvalidParameterValue", "path "+id+" still has analysis "+aid)
		}
	}
	f.mu.Unlock()
	return &ec2.DeleteNetworkInsightsPathOutput{}, f.deleteWith(ctx, "DeleteNetworkInsightsPath", id, func() bool {
		_, ok := f.paths[id]
		delete(f.paths, id)
		return ok
	})
}

func (f *fakeAccount) StartNetworkInsightsAnalysis(ctx context.Context, in *ec2.StartNetworkInsightsAnalysisInput, _ ...func(*ec2.Options)) (*ec2.StartNetworkInsightsAnalysisOutput, error) {
	if err := f.enter("StartNetworkInsightsAnalysis"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.id("nia")
	if f.analyses == nil {
		f.analyses = map[string]*fakeAnalysis{}
	}
	f.analyses[id] = &fakeAnalysis{path: aws.ToString(in.NetworkInsightsPathId)}
	f.createdIn = append(f.createdIn, id)
	return &ec2.StartNetworkInsightsAnalysisOutput{NetworkInsightsAnalysis: &types.NetworkInsightsAnalysis{
		NetworkInsightsAnalysisId: aws.String(id), Status: types.AnalysisStatusRunning,
	}}, nil
}

func (f *fakeAccount) DeleteNetworkInsightsAnalysis(ctx context.Context, in *ec2.DeleteNetworkInsightsAnalysisInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInsightsAnalysisOutput, error) {
	id := aws.ToString(in.NetworkInsightsAnalysisId)
	return &ec2.DeleteNetworkInsightsAnalysisOutput{}, f.deleteWith(ctx, "DeleteNetworkInsightsAnalysis", id, func() bool {
		_, ok := f.analyses[id]
		delete(f.analyses, id)
		return ok
	})
}

func (f *fakeAccount) DescribeNetworkInsightsAnalyses(ctx context.Context, in *ec2.DescribeNetworkInsightsAnalysesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInsightsAnalysesOutput, error) {
	if f.onDescribe != nil {
		f.onDescribe()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.enter("DescribeNetworkInsightsAnalyses"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &ec2.DescribeNetworkInsightsAnalysesOutput{}
	for _, id := range in.NetworkInsightsAnalysisIds {
		a, ok := f.analyses[id]
		if !ok {
			return nil, apiError("InvalidNetworkInsightsAnalysisId.NotFound", id)
		}
		a.polls++
		if f.neverFinish || a.polls <= f.runningPolls {
			out.NetworkInsightsAnalyses = append(out.NetworkInsightsAnalyses, types.NetworkInsightsAnalysis{
				NetworkInsightsAnalysisId: aws.String(id), Status: types.AnalysisStatusRunning})
			continue
		}
		res := f.analysis(f.paths[a.path])
		res.NetworkInsightsAnalysisId = aws.String(id)
		res.NetworkInsightsPathId = aws.String(a.path)
		out.NetworkInsightsAnalyses = append(out.NetworkInsightsAnalyses, res)
	}
	return out, nil
}

func filterValue(filters []types.Filter, name string) string {
	for _, f := range filters {
		if aws.ToString(f.Name) == name && len(f.Values) > 0 {
			return f.Values[0]
		}
	}
	return ""
}
