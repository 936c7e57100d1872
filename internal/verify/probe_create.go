package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func (r *probeRun) tags(kind types.ResourceType) []types.TagSpecification {
	return []types.TagSpecification{{
		ResourceType: kind,
		Tags: []types.Tag{
			{Key: aws.String(ProbeTag), Value: aws.String(r.v.opts.RunID)},
			{Key: aws.String("Name"), Value: aws.String("peerctl-verify-probe-" + r.peering)},
		},
	}}
}

// createContext is the context of one create call: not cancelled with ctx,
// so that a Ctrl-C never cuts off the answer naming what AWS created, and
// bounded so that a hung call does not hang the run.
func (r *probeRun) createContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), r.wait.CreateTimeout)
}

func (r *probeRun) createENI(ctx context.Context, s *probeSide) error {
	cctx, cancel := r.createContext(ctx)
	defer cancel()
	out, err := s.clients.ENIs.CreateNetworkInterface(cctx, &ec2.CreateNetworkInterfaceInput{
		SubnetId:          aws.String(s.subnet),
		Groups:            []string{s.sg},
		Description:       aws.String("peerctl verify reachability probe (deleted after the run)"),
		TagSpecifications: r.tags(types.ResourceTypeNetworkInterface),
	})
	if err != nil {
		r.cl.createFailed(err)
		return callErr("CreateNetworkInterface", err)
	}
	if out.NetworkInterface == nil || aws.ToString(out.NetworkInterface.NetworkInterfaceId) == "" {
		r.cl.createFailed(nil)
		return errors.New("CreateNetworkInterface returned no interface")
	}
	s.eni = aws.ToString(out.NetworkInterface.NetworkInterfaceId)
	s.ip = aws.ToString(out.NetworkInterface.PrivateIpAddress)
	r.cl.add(eniItem(s, s.eni, false))
	return nil
}

// startAnalysis creates the path in the source account and starts its
// analysis, registering both for deletion as soon as AWS names them.
func (r *probeRun) startAnalysis(ctx context.Context, a *analysis) (string, error) {
	d := a.dir
	in := &ec2.CreateNetworkInsightsPathInput{
		Source:            aws.String(d.from.eni),
		Protocol:          types.ProtocolTcp,
		DestinationPort:   aws.Int32(a.pp.port),
		TagSpecifications: r.tags(types.ResourceTypeNetworkInsightsPath),
	}
	if r.sameAccount {
		in.Destination = aws.String(d.to.eni)
	} else {
		in.Destination = aws.String(r.pcx)
		in.DestinationIp = aws.String(d.to.ip)
	}
	pctx, cancel := r.createContext(ctx)
	defer cancel()
	out, err := d.from.clients.Paths.CreateNetworkInsightsPath(pctx, in)
	if err != nil {
		r.cl.createFailed(err)
		return "", callErr("CreateNetworkInsightsPath", err)
	}
	if out.NetworkInsightsPath == nil || aws.ToString(out.NetworkInsightsPath.NetworkInsightsPathId) == "" {
		r.cl.createFailed(nil)
		return "", errors.New("CreateNetworkInsightsPath returned no path")
	}
	pathID := aws.ToString(out.NetworkInsightsPath.NetworkInsightsPathId)
	r.cl.add(pathItem(d.from, pathID, false))
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("cancelled before the analysis started: %w", err)
	}
	sctx, cancel := r.createContext(ctx)
	defer cancel()
	start, err := d.from.clients.Analyses.StartNetworkInsightsAnalysis(sctx, &ec2.StartNetworkInsightsAnalysisInput{
		NetworkInsightsPathId: aws.String(pathID),
		TagSpecifications:     r.tags(types.ResourceTypeNetworkInsightsAnalysis),
	})
	if err != nil {
		r.cl.createFailed(err)
		return "", callErr("StartNetworkInsightsAnalysis", err)
	}
	if start.NetworkInsightsAnalysis == nil || aws.ToString(start.NetworkInsightsAnalysis.NetworkInsightsAnalysisId) == "" {
		r.cl.createFailed(nil)
		return "", errors.New("StartNetworkInsightsAnalysis returned no analysis")
	}
	id := aws.ToString(start.NetworkInsightsAnalysis.NetworkInsightsAnalysisId)
	r.cl.add(analysisItem(d.from, id, pathID, false))
	return id, nil
}
