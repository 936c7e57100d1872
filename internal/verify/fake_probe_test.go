package verify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The fake's probe resources: network interfaces, Reachability Analyzer
// paths and analyses, kept as state with EC2's eventual consistency, lost
// answers and refused deletions, so that tests see what cleanup left.

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
