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

// tagValue returns a tag's value from tag specifications.
func tagValue(specs []types.TagSpecification, key string) string {
	for _, s := range specs {
		for _, t := range s.Tags {
			if aws.ToString(t.Key) == key {
				return aws.ToString(t.Value)
			}
		}
	}
	return ""
}

// CreateNetworkInterface creates the interface unless the call's context is
// already done, as the SDK fails such a call before sending it. With
// afterCreate set, the interface is created and then the answer is lost:
// the hook's error is returned instead.
func (f *fakeAccount) CreateNetworkInterface(ctx context.Context, in *ec2.CreateNetworkInterfaceInput, _ ...func(*ec2.Options)) (*ec2.CreateNetworkInterfaceOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.enter("CreateNetworkInterface"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	id := f.id("eni")
	if f.enis == nil {
		f.enis, f.eniTags = map[string]bool{}, map[string]string{}
	}
	f.enis[id] = true
	f.eniTags[id] = tagValue(in.TagSpecifications, ProbeTag)
	f.createdIn = append(f.createdIn, id)
	f.runTags = append(f.runTags, tagValue(in.TagSpecifications, ProbeTag))
	out := &ec2.CreateNetworkInterfaceOutput{NetworkInterface: &types.NetworkInterface{
		NetworkInterfaceId: aws.String(id), PrivateIpAddress: aws.String("10.9.0." + fmt.Sprint(f.nextID)),
		Status: types.NetworkInterfaceStatus("pending"), SubnetId: in.SubnetId,
	}}
	f.mu.Unlock()
	if err := f.created(ctx, "CreateNetworkInterface"); err != nil {
		return nil, err
	}
	return out, nil
}

// created runs the afterCreate hook.
func (f *fakeAccount) created(ctx context.Context, op string) error {
	if f.afterCreate == nil {
		return nil
	}
	return f.afterCreate(ctx, op)
}

func (f *fakeAccount) deleteWith(ctx context.Context, op, id string, store func() error) error {
	if ctx.Err() != nil {
		f.mu.Lock()
		f.deleteCtxErr = append(f.deleteCtxErr, id)
		f.mu.Unlock()
		return ctx.Err()
	}
	if err := f.enter(op); err != nil {
		return err
	}
	if f.hangDelete[id] {
		<-ctx.Done()
		return ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failDelete[id]; err != nil {
		return err
	}
	if f.staleDelete[id] {
		delete(f.staleDelete, id)
		code := map[string]string{"DeleteNetworkInterface": codeENINotFound, "DeleteNetworkInsightsPath": "InvalidNetworkInsightsPathId.NotFound",
			"DeleteNetworkInsightsAnalysis": codeAnalysisNotFound}[op]
		return apiError(code, id+" does not exist")
	}
	if err := store(); err != nil {
		return err
	}
	return nil
}

func (f *fakeAccount) DeleteNetworkInterface(ctx context.Context, in *ec2.DeleteNetworkInterfaceInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInterfaceOutput, error) {
	id := aws.ToString(in.NetworkInterfaceId)
	return &ec2.DeleteNetworkInterfaceOutput{}, f.deleteWith(ctx, "DeleteNetworkInterface", id, func() error {
		if !f.enis[id] {
			return apiError(codeENINotFound, "The networkInterface ID '"+id+"' does not exist")
		}
		delete(f.enis, id)
		return nil
	})
}

// DescribeNetworkInterfaces answers as EC2 does: an unknown id (or one
// created less than lag describe calls ago) is InvalidNetworkInterfaceID.NotFound;
// without ids, the tag filter selects.
func (f *fakeAccount) DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	if err := f.enter("DescribeNetworkInterfaces"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &ec2.DescribeNetworkInterfacesOutput{}
	if len(in.NetworkInterfaceIds) == 0 {
		run := filterValue(in.Filters, "tag:"+ProbeTag)
		for _, id := range slices.Sorted(maps.Keys(f.enis)) {
			if run == "" || f.eniTags[id] == run {
				out.NetworkInterfaces = append(out.NetworkInterfaces, types.NetworkInterface{
					NetworkInterfaceId: aws.String(id), Status: types.NetworkInterfaceStatusAvailable})
			}
		}
		return out, nil
	}
	if f.eniSeen == nil {
		f.eniSeen = map[string]int{}
	}
	for _, id := range in.NetworkInterfaceIds {
		f.eniSeen[id]++
		if !f.enis[id] || f.eniSeen[id] <= f.eniLag {
			return nil, apiError(codeENINotFound, "The networkInterface ID '"+id+"' does not exist")
		}
		out.NetworkInterfaces = append(out.NetworkInterfaces, types.NetworkInterface{
			NetworkInterfaceId: aws.String(id), Status: types.NetworkInterfaceStatusAvailable})
	}
	return out, nil
}

func (f *fakeAccount) CreateNetworkInsightsPath(ctx context.Context, in *ec2.CreateNetworkInsightsPathInput, _ ...func(*ec2.Options)) (*ec2.CreateNetworkInsightsPathOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.enter("CreateNetworkInsightsPath"); err != nil {
		return nil, err
	}
	id, err := f.createPath(in)
	if err != nil {
		return nil, err
	}
	if err := f.created(ctx, "CreateNetworkInsightsPath"); err != nil {
		return nil, err
	}
	return &ec2.CreateNetworkInsightsPathOutput{NetworkInsightsPath: &types.NetworkInsightsPath{NetworkInsightsPathId: aws.String(id)}}, nil
}

// createPath checks what the path names as the account sees it: the source
// must be one of its interfaces; an interface as destination must be too
// (another account's is invisible without AWS Organizations trusted
// access), and a peering connection must be one it is part of.
func (f *fakeAccount) createPath(in *ec2.CreateNetworkInsightsPathInput) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.enis[aws.ToString(in.Source)] {
		return "", apiError("InvalidParameterValue", "source "+aws.ToString(in.Source)+" is not in this account")
	}
	dest := aws.ToString(in.Destination)
	switch {
	case strings.HasPrefix(dest, "eni-") && !f.enis[dest]:
		return "", apiError("InvalidParameterValue", "destination "+dest+" is not in this account; specify an ARN for a resource in another account")
	case strings.HasPrefix(dest, "pcx-") && !slices.ContainsFunc(f.peerings, func(p types.VpcPeeringConnection) bool { return aws.ToString(p.VpcPeeringConnectionId) == dest }):
		return "", apiError("InvalidParameterValue", "destination "+dest+" does not exist")
	}
	id := f.id("nip")
	if f.paths == nil {
		f.paths = map[string]*ec2.CreateNetworkInsightsPathInput{}
	}
	f.paths[id] = in
	f.createdIn = append(f.createdIn, id)
	return id, nil
}

func (f *fakeAccount) DescribeNetworkInsightsPaths(ctx context.Context, in *ec2.DescribeNetworkInsightsPathsInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInsightsPathsOutput, error) {
	if err := f.enter("DescribeNetworkInsightsPaths"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	source := filterValue(in.Filters, "source")
	out := &ec2.DescribeNetworkInsightsPathsOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.paths)) {
		if source == "" || aws.ToString(f.paths[id].Source) == source {
			out.NetworkInsightsPaths = append(out.NetworkInsightsPaths, types.NetworkInsightsPath{
				NetworkInsightsPathId: aws.String(id), Source: f.paths[id].Source})
		}
	}
	return out, nil
}

func (f *fakeAccount) DeleteNetworkInsightsPath(ctx context.Context, in *ec2.DeleteNetworkInsightsPathInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInsightsPathOutput, error) {
	id := aws.ToString(in.NetworkInsightsPathId)
	return &ec2.DeleteNetworkInsightsPathOutput{}, f.deleteWith(ctx, "DeleteNetworkInsightsPath", id, func() error {
		for aid, a := range f.analyses {
			if a.path == id {
				return apiError("InvalidParameterValue", "path "+id+" still has analysis "+aid)
			}
		}
		if _, ok := f.paths[id]; !ok {
			return apiError("InvalidNetworkInsightsPathId.NotFound", "path "+id+" does not exist")
		}
		delete(f.paths, id)
		return nil
	})
}

func (f *fakeAccount) StartNetworkInsightsAnalysis(ctx context.Context, in *ec2.StartNetworkInsightsAnalysisInput, _ ...func(*ec2.Options)) (*ec2.StartNetworkInsightsAnalysisOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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

// running reports whether an analysis is still running: it finishes after
// runningPolls describe calls, or never.
func (f *fakeAccount) running(a *fakeAnalysis) bool {
	return f.neverFinish || a.polls < f.runningPolls
}

// DeleteNetworkInsightsAnalysis refuses, as AWS does, to delete an analysis
// that is still running.
func (f *fakeAccount) DeleteNetworkInsightsAnalysis(ctx context.Context, in *ec2.DeleteNetworkInsightsAnalysisInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInsightsAnalysisOutput, error) {
	id := aws.ToString(in.NetworkInsightsAnalysisId)
	return &ec2.DeleteNetworkInsightsAnalysisOutput{}, f.deleteWith(ctx, "DeleteNetworkInsightsAnalysis", id, func() error {
		a, ok := f.analyses[id]
		switch {
		case !ok:
			return apiError(codeAnalysisNotFound, "analysis "+id+" does not exist")
		case f.running(a):
			return apiError("IncorrectState", "analysis "+id+" is running")
		}
		delete(f.analyses, id)
		return nil
	})
}

// DescribeNetworkInsightsAnalyses answers by ids (each call a poll that
// moves the analysis on; an id started less than lag polls ago is NotFound)
// or by path (a listing, which moves nothing).
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
	if path := aws.ToString(in.NetworkInsightsPathId); path != "" {
		for _, id := range slices.Sorted(maps.Keys(f.analyses)) {
			if a := f.analyses[id]; a.path == path {
				status := types.AnalysisStatusSucceeded
				if f.running(a) {
					status = types.AnalysisStatusRunning
				}
				out.NetworkInsightsAnalyses = append(out.NetworkInsightsAnalyses, types.NetworkInsightsAnalysis{
					NetworkInsightsAnalysisId: aws.String(id), NetworkInsightsPathId: aws.String(path), Status: status})
			}
		}
		return out, nil
	}
	for _, id := range in.NetworkInsightsAnalysisIds {
		a, ok := f.analyses[id]
		if ok {
			a.seen++
		}
		if !ok || a.seen <= f.analysisLag {
			return nil, apiError(codeAnalysisNotFound, "The network insights analysis '"+id+"' does not exist")
		}
		if f.running(a) {
			a.polls++
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
