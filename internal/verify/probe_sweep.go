package verify

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smithytime "github.com/aws/smithy-go/time"
)

// sweepAttempts is how often the cleanup looks for the run's resources by
// tag when a create call may have succeeded without telling us (its answer
// was lost): a resource just created may take a moment to show up there.
const sweepAttempts = 3

// cleanup removes the probe's resources: it waits (bounded) for analyses
// still running, looks for resources of this run that a failed create call
// did not name, deletes everything, then looks again and deletes what is
// still there. Anything left, or any look that failed, fails the check.
func (r *probeRun) cleanup(ctx context.Context) Result {
	r.drain(ctx)
	r.sweep(ctx)
	r.cl.deleteAll(ctx)
	// Look once more, and delete again whatever is still there: right after
	// a create, EC2 can answer a deletion with NotFound and keep the
	// resource. This look is also what proves nothing of the run is left.
	problems := uniq(r.sweepOnce(ctx))
	r.cl.deleteAll(ctx)
	deleted, found, left := r.cl.report()
	tag := fmt.Sprintf("%s=%s", ProbeTag, r.v.opts.RunID)
	switch {
	case len(left) > 0:
		return result(CheckProbeCleanup, r.peering, Fail, "left behind, delete by hand (tag %s): %s",
			tag, strings.Join(append(left, problems...), "; "))
	case len(problems) > 0:
		return result(CheckProbeCleanup, r.peering, Fail, "deleted %d probe resources, but could not look for others of this run (tag %s): %s",
			deleted, tag, strings.Join(problems, "; "))
	case found > 0:
		return result(CheckProbeCleanup, r.peering, Pass, "deleted %d probe resources (%d of them found by tag: their create call failed after AWS created them)", deleted, found)
	}
	return result(CheckProbeCleanup, r.peering, Pass, "deleted %d probe resources", deleted)
}

// drain waits for analyses that were still running when the run stopped
// (Ctrl-C, or the analysis wait timed out): AWS refuses to delete them
// until they finish.
func (r *probeRun) drain(ctx context.Context) {
	var running []*analysis
	for _, a := range r.analyses {
		if a.id != "" && a.res == nil {
			running = append(running, a)
		}
	}
	if len(running) == 0 {
		return
	}
	fmt.Fprintf(r.v.opts.Log, "probe %s: waiting up to %s for %d running analyses to finish, so that they can be deleted\n",
		r.peering, r.wait.DrainTimeout, len(running))
	o := r.wait
	o.AnalysisMaxWait = r.wait.DrainTimeout
	var wg sync.WaitGroup
	for _, a := range running {
		wg.Go(func() {
			_, _ = waitAnalysis(ctx, a.dir.from.clients.Analysis, a.id, o)
		})
	}
	wg.Wait()
}

// sweep registers the run's resources that no create call named: network
// interfaces by the run's tag, paths by their source interface, analyses by
// their path. When a create call may have succeeded unseen, it looks a few
// times, since a new resource can take a moment to be listed.
func (r *probeRun) sweep(ctx context.Context) {
	attempts := 1
	if r.cl.uncertainCreate() {
		attempts = sweepAttempts
	}
	for i := range attempts {
		if i > 0 {
			_ = smithytime.SleepWithContext(ctx, r.wait.CleanupRetryDelay)
		}
		r.sweepOnce(ctx)
	}
}

// sweepOnce looks for the run's resources once, registers them, and returns
// the lookups that failed.
func (r *probeRun) sweepOnce(ctx context.Context) []string {
	var problems []string
	for _, s := range r.sides {
		enis, err := r.lookup(ctx, func(ctx context.Context) ([]string, error) {
			return findProbeENIs(ctx, s.clients.ENIStatus, r.v.opts.RunID)
		})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", s.net.Name, apiReason("DescribeNetworkInterfaces", err)))
		}
		for _, id := range enis {
			r.cl.add(eniItem(s, id, true))
		}
		for _, eni := range r.cl.keys(kindENI, s.net.Name) {
			paths, err := r.lookup(ctx, func(ctx context.Context) ([]string, error) { return findPaths(ctx, s.clients.PathList, eni) })
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s", s.net.Name, apiReason("DescribeNetworkInsightsPaths", err)))
			}
			for _, id := range paths {
				r.cl.add(pathItem(s, id, true))
			}
		}
		for _, path := range r.cl.keys(kindPath, s.net.Name) {
			analyses, err := r.lookup(ctx, func(ctx context.Context) ([]string, error) { return findAnalyses(ctx, s.clients.Analysis, path) })
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s", s.net.Name, apiReason("DescribeNetworkInsightsAnalyses", err)))
			}
			for _, id := range analyses {
				r.cl.add(analysisItem(s, id, path, true))
			}
		}
	}
	return problems
}

func (r *probeRun) lookup(ctx context.Context, f func(context.Context) ([]string, error)) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.wait.CleanupCallTimeout)
	defer cancel()
	return f(ctx)
}

func findProbeENIs(ctx context.Context, api ENIDescriber, runID string) ([]string, error) {
	var ids []string
	pages := ec2.NewDescribeNetworkInterfacesPaginator(api, &ec2.DescribeNetworkInterfacesInput{
		Filters: []types.Filter{{Name: aws.String("tag:" + ProbeTag), Values: []string{runID}}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return ids, err
		}
		for _, n := range page.NetworkInterfaces {
			ids = append(ids, aws.ToString(n.NetworkInterfaceId))
		}
	}
	return ids, nil
}

func findPaths(ctx context.Context, api PathDescriber, sourceENI string) ([]string, error) {
	var ids []string
	pages := ec2.NewDescribeNetworkInsightsPathsPaginator(api, &ec2.DescribeNetworkInsightsPathsInput{
		Filters: []types.Filter{{Name: aws.String("source"), Values: []string{sourceENI}}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return ids, ignoreNotFound(err)
		}
		for _, p := range page.NetworkInsightsPaths {
			ids = append(ids, aws.ToString(p.NetworkInsightsPathId))
		}
	}
	return ids, nil
}

func findAnalyses(ctx context.Context, api AnalysisDescriber, path string) ([]string, error) {
	var ids []string
	pages := ec2.NewDescribeNetworkInsightsAnalysesPaginator(api, &ec2.DescribeNetworkInsightsAnalysesInput{
		NetworkInsightsPathId: aws.String(path),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return ids, ignoreNotFound(err)
		}
		for _, a := range page.NetworkInsightsAnalyses {
			ids = append(ids, aws.ToString(a.NetworkInsightsAnalysisId))
		}
	}
	return ids, nil
}

// ignoreNotFound: looking up what belongs to a resource already deleted
// finds nothing.
func ignoreNotFound(err error) error {
	if hasCode(err, notFound...) {
		return nil
	}
	return err
}
