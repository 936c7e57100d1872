package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smithytime "github.com/aws/smithy-go/time"
	smithywaiter "github.com/aws/smithy-go/waiter"
)

// EC2 is eventually consistent: a describe call right after a create can
// answer NotFound for what was just created. maxNotFound is how many such
// answers the probe's waiters take before they believe them.
const maxNotFound = 5

const (
	codeENINotFound      = "InvalidNetworkInterfaceID.NotFound"
	codeAnalysisNotFound = "InvalidNetworkInsightsAnalysisId.NotFound"
)

// WaitOptions tune the probe's waiting; zero fields take the defaults.
type WaitOptions struct {
	ENIMinDelay, ENIMaxDelay time.Duration
	ENIMaxWait               time.Duration
	AnalysisMinDelay         time.Duration
	AnalysisMaxDelay         time.Duration
	AnalysisMaxWait          time.Duration
	// CreateTimeout bounds each create call. Create calls are not cancelled
	// by Ctrl-C, so that whatever AWS creates is known and deleted.
	CreateTimeout time.Duration
	// DrainTimeout bounds the wait, after Ctrl-C or a timeout, for analyses
	// still running: AWS deletes an analysis only once it has finished.
	DrainTimeout time.Duration
	// CleanupCallTimeout bounds each call of the cleanup (a deletion, a
	// lookup by tag); the cleanup runs on a fresh context so that Ctrl-C does
	// not leave the probe resources behind.
	CleanupCallTimeout time.Duration
	// CleanupTimeout bounds the retries of deletions AWS refuses for now (an
	// analysis still running, an interface still detaching). The first pass
	// over every resource always runs, whatever this says.
	CleanupTimeout time.Duration
	// CleanupRetryDelay separates the retry passes.
	CleanupRetryDelay time.Duration
}

func (o WaitOptions) withDefaults() WaitOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.ENIMinDelay, 2*time.Second)
	def(&o.ENIMaxDelay, 10*time.Second)
	def(&o.ENIMaxWait, 2*time.Minute)
	def(&o.AnalysisMinDelay, 5*time.Second)
	def(&o.AnalysisMaxDelay, 30*time.Second)
	def(&o.AnalysisMaxWait, 10*time.Minute)
	def(&o.CreateTimeout, 30*time.Second)
	def(&o.DrainTimeout, 3*time.Minute)
	def(&o.CleanupCallTimeout, 30*time.Second)
	def(&o.CleanupTimeout, 2*time.Minute)
	def(&o.CleanupRetryDelay, 5*time.Second)
	return o
}

// waitENI waits until the interface is available, with the SDK's waiter;
// its modelled behaviour takes NotFound as final, which right after the
// create is only EC2's eventual consistency, so a few are retried.
func (r *probeRun) waitENI(ctx context.Context, s *probeSide) error {
	waiter := ec2.NewNetworkInterfaceAvailableWaiter(s.clients.ENIStatus, func(o *ec2.NetworkInterfaceAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = r.wait.ENIMinDelay, r.wait.ENIMaxDelay
		o.Retryable = retryNotFound(o.Retryable, codeENINotFound, maxNotFound)
	})
	return waiter.Wait(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{s.eni}}, r.wait.ENIMaxWait)
}

// retryNotFound wraps a generated waiter's Retryable: the first limit answers
// with the NotFound code keep the waiter waiting; after them NotFound fails
// the wait, and every other answer goes to the modelled behaviour.
func retryNotFound[In, Out any](next func(context.Context, In, Out, error) (bool, error), code string, limit int) func(context.Context, In, Out, error) (bool, error) {
	var mu sync.Mutex
	seen := 0
	return func(ctx context.Context, in In, out Out, err error) (bool, error) {
		if !hasCode(err, code) {
			return next(ctx, in, out, err)
		}
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen <= limit {
			return true, nil
		}
		return false, fmt.Errorf("still %s after %d lookups", code, seen)
	}
}

// waitAnalysis polls an analysis until it leaves "running", with the
// exponential backoff and jitter of the SDK's generated waiters
// (smithy-go's waiter.ComputeDelay): the EC2 SDK has no waiter for
// network insights analyses. The first few NotFound answers are EC2's
// eventual consistency right after the start and are polled through.
// Throttled describe calls are retried by the client's retryer underneath.
func waitAnalysis(ctx context.Context, api AnalysisDescriber, id string, o WaitOptions) (*types.NetworkInsightsAnalysis, error) {
	ctx, cancel := context.WithTimeout(ctx, o.AnalysisMaxWait)
	defer cancel()
	remaining := o.AnalysisMaxWait
	notFound := 0
	for attempt := int64(1); ; attempt++ {
		start := time.Now()
		out, err := api.DescribeNetworkInsightsAnalyses(ctx, &ec2.DescribeNetworkInsightsAnalysesInput{
			NetworkInsightsAnalysisIds: []string{id},
		})
		switch {
		case hasCode(err, codeAnalysisNotFound) && notFound < maxNotFound:
			notFound++
		case err != nil:
			return nil, callErr("DescribeNetworkInsightsAnalyses", err)
		default:
			for i := range out.NetworkInsightsAnalyses {
				a := out.NetworkInsightsAnalyses[i]
				if aws.ToString(a.NetworkInsightsAnalysisId) == id && a.Status != types.AnalysisStatusRunning {
					return &a, nil
				}
			}
		}
		remaining -= time.Since(start)
		if remaining < o.AnalysisMinDelay {
			return nil, fmt.Errorf("analysis %s still running after %s", id, o.AnalysisMaxWait)
		}
		delay, err := smithywaiter.ComputeDelay(attempt, o.AnalysisMinDelay, o.AnalysisMaxDelay, remaining)
		if err != nil {
			return nil, err
		}
		remaining -= delay
		if err := smithytime.SleepWithContext(ctx, delay); err != nil {
			return nil, fmt.Errorf("waiting for analysis %s: %w", id, err)
		}
	}
}

// ctxErr reports a cancelled or timed-out wait; the SDK's errors do not
// always wrap the context's, so the message is checked too.
func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), context.Canceled.Error()) || strings.Contains(err.Error(), context.DeadlineExceeded.Error())
}
