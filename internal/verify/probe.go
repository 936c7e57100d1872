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

	"github.com/peerctl/peerctl/internal/config"
)

// AnalysisCostUSD is what Reachability Analyzer charges per analysis.
const AnalysisCostUSD = 0.10

// ProbeTag marks every probe resource, with the run id as value, so that
// anything a killed run left behind can be found and deleted.
const ProbeTag = "peerctl:verify-probe"

// probePort is one analysis per direction: the port and whether the path
// must be reachable.
type probePort struct {
	port      int32
	reachable bool
}

// probePorts: the application ports must be reachable, SSH must not.
var probePorts = []probePort{{443, true}, {5432, true}, {22, false}}

// AnalysesPerPeering is how many analyses the probe runs for one peering.
var AnalysesPerPeering = 2 * len(probePorts)

// WaitOptions tune the probe's waiting; zero fields take the defaults.
type WaitOptions struct {
	ENIMinDelay, ENIMaxDelay time.Duration
	ENIMaxWait               time.Duration
	AnalysisMinDelay         time.Duration
	AnalysisMaxDelay         time.Duration
	AnalysisMaxWait          time.Duration
	// CleanupTimeout bounds the deletion of the probe resources, which
	// runs on a fresh context so that Ctrl-C does not leave them behind.
	CleanupTimeout time.Duration
	// CleanupRetryDelay separates retries of a deletion AWS refuses for now
	// (an analysis still running, an interface still detaching).
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
	def(&o.CleanupTimeout, 2*time.Minute)
	def(&o.CleanupRetryDelay, 5*time.Second)
	return o
}

// probeSide is one end of the probe: a network interface with the
// application security group in one of the network's subnets.
type probeSide struct {
	net     config.Network
	clients Clients
	subnet  string
	sg      string
	eni     string
	ip      string
}

// probe checks reachability across a peering without instances: a network
// interface on each side, then Reachability Analyzer paths from each side to
// the other on 443 and 5432 (reachable) and 22 (not reachable). Every probe
// resource is deleted afterwards, on failure and on cancellation too.
//
// Within one account the analysis covers the whole path. Across accounts,
// an analysis sees only the source account unless Reachability Analyzer's
// trusted access with AWS Organizations is enabled, so the destination is
// given as the peer interface's IP address: each direction then checks its
// source side (security group egress, NACL, routes, peering), and the peer's
// ingress side is covered by the security-group and nacl checks.
func (v *verifier) probe(ctx context.Context, p config.Peering) (results []Result) {
	wait := v.opts.Wait.withDefaults()
	req, reqOK := v.cfg.Network(p.Requester)
	acc, accOK := v.cfg.Network(p.Accepter)
	if !reqOK || !accOK {
		return []Result{result(CheckReachability, p.Name(), Fail, "peering names an unknown network")}
	}
	sides := []*probeSide{v.probeSide(req), v.probeSide(acc)}
	for _, s := range sides {
		if s.subnet == "" || s.sg == "" {
			return []Result{result(CheckReachability, p.Name(), Fail,
				"no subnet or security group for %s in the stack outputs (subnetIds, securityGroupIds)", s.net.Name)}
		}
	}
	sameAccount := v.cfg.SameAccount(p)
	fmt.Fprintf(v.opts.Log, "probe %s: 2 network interfaces and %d Reachability Analyzer analyses (about $%.2f each, $%.2f in all)\n",
		p.Name(), AnalysesPerPeering, AnalysisCostUSD, AnalysisCostUSD*float64(AnalysesPerPeering))

	cl := &cleanup{retryDelay: wait.CleanupRetryDelay}
	defer func() {
		// A fresh context: the caller's may be cancelled (Ctrl-C), and the
		// probe resources must go anyway.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait.CleanupTimeout)
		defer cancel()
		results = append(results, cl.run(cctx, p.Name(), v.opts.RunID))
	}()

	failAll := func(format string, args ...any) []Result {
		msg := fmt.Sprintf(format, args...)
		var out []Result
		for _, d := range directions(sides) {
			for _, pp := range probePorts {
				out = append(out, result(CheckReachability, probeSubject(d, pp), Fail, "%s", msg))
			}
		}
		return out
	}
	for _, s := range sides {
		if err := v.createENI(ctx, s, p.Name(), cl); err != nil {
			return failAll("probe network interface in %s: %s", s.net.Name, err)
		}
	}
	for _, s := range sides {
		waiter := ec2.NewNetworkInterfaceAvailableWaiter(s.clients.ENIStatus, func(o *ec2.NetworkInterfaceAvailableWaiterOptions) {
			o.MinDelay, o.MaxDelay = wait.ENIMinDelay, wait.ENIMaxDelay
		})
		err := waiter.Wait(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{s.eni}}, wait.ENIMaxWait)
		if err != nil {
			return failAll("probe network interface %s in %s did not become available: %s", s.eni, s.net.Name, apiReason("wait", err))
		}
	}

	type analysis struct {
		dir  direction
		pp   probePort
		id   string
		err  error
		res  *types.NetworkInsightsAnalysis
		from *probeSide
	}
	var analyses []*analysis
	for _, d := range directions(sides) {
		for _, pp := range probePorts {
			a := &analysis{dir: d, pp: pp, from: d.from}
			a.id, a.err = v.startAnalysis(ctx, d, pp.port, sameAccount, p.Name(), cl)
			analyses = append(analyses, a)
		}
	}
	var wg sync.WaitGroup
	for _, a := range analyses {
		if a.err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.res, a.err = waitAnalysis(ctx, a.from.clients.Analysis, a.id, wait)
		}()
	}
	wg.Wait()
	for _, a := range analyses {
		results = append(results, analysisResult(probeSubject(a.dir, a.pp), a.pp, a.id, a.res, a.err, sameAccount))
	}
	return results
}

func (v *verifier) probeSide(n config.Network) *probeSide {
	s := &probeSide{net: n, clients: v.clients(n.Name), sg: v.out.SecurityGroupIDs[n.Name]}
	if subnets := v.out.SubnetIDs[n.Name]; len(subnets) > 0 {
		s.subnet = subnets[0]
	}
	return s
}

type direction struct{ from, to *probeSide }

func directions(s []*probeSide) []direction {
	return []direction{{s[0], s[1]}, {s[1], s[0]}}
}

func probeSubject(d direction, pp probePort) string {
	return fmt.Sprintf("%s -> %s tcp %d", d.from.net.Name, d.to.net.Name, pp.port)
}

func (v *verifier) tags(kind types.ResourceType, peering string) []types.TagSpecification {
	return []types.TagSpecification{{
		ResourceType: kind,
		Tags: []types.Tag{
			{Key: aws.String(ProbeTag), Value: aws.String(v.opts.RunID)},
			{Key: aws.String("Name"), Value: aws.String("peerctl-verify-probe-" + peering)},
		},
	}}
}

func (v *verifier) createENI(ctx context.Context, s *probeSide, peering string, cl *cleanup) error {
	out, err := s.clients.ENIs.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{
		SubnetId:          aws.String(s.subnet),
		Groups:            []string{s.sg},
		Description:       aws.String("peerctl verify reachability probe (deleted after the run)"),
		TagSpecifications: v.tags(types.ResourceTypeNetworkInterface, peering),
	})
	if err != nil {
		return fmt.Errorf("%s", apiReason("CreateNetworkInterface", err))
	}
	if out.NetworkInterface == nil || aws.ToString(out.NetworkInterface.NetworkInterfaceId) == "" {
		return fmt.Errorf("CreateNetworkInterface returned no interface")
	}
	s.eni = aws.ToString(out.NetworkInterface.NetworkInterfaceId)
	s.ip = aws.ToString(out.NetworkInterface.PrivateIpAddress)
	api := s.clients.ENIs
	id := s.eni
	cl.add(fmt.Sprintf("network interface %s (%s)", id, s.net.Name), func(ctx context.Context) error {
		_, err := api.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(id)})
		return err
	})
	return nil
}

// startAnalysis creates the path in the source account and starts its
// analysis, registering both for deletion.
func (v *verifier) startAnalysis(ctx context.Context, d direction, port int32, sameAccount bool, peering string, cl *cleanup) (string, error) {
	in := &ec2.CreateNetworkInsightsPathInput{
		Source:            aws.String(d.from.eni),
		Protocol:          types.ProtocolTcp,
		DestinationPort:   aws.Int32(port),
		TagSpecifications: v.tags(types.ResourceTypeNetworkInsightsPath, peering),
	}
	if sameAccount {
		in.Destination = aws.String(d.to.eni)
	} else {
		in.DestinationIp = aws.String(d.to.ip)
	}
	paths := d.from.clients.Paths
	out, err := paths.CreateNetworkInsightsPath(ctx, in)
	if err != nil {
		return "", fmt.Errorf("%s", apiReason("CreateNetworkInsightsPath", err))
	}
	pathID := aws.ToString(out.NetworkInsightsPath.NetworkInsightsPathId)
	cl.add(fmt.Sprintf("network insights path %s (%s)", pathID, d.from.net.Name), func(ctx context.Context) error {
		_, err := paths.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: aws.String(pathID)})
		return err
	})
	analyses := d.from.clients.Analyses
	start, err := analyses.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{
		NetworkInsightsPathId: aws.String(pathID),
		TagSpecifications:     v.tags(types.ResourceTypeNetworkInsightsAnalysis, peering),
	})
	if err != nil {
		return "", fmt.Errorf("%s", apiReason("StartNetworkInsightsAnalysis", err))
	}
	id := aws.ToString(start.NetworkInsightsAnalysis.NetworkInsightsAnalysisId)
	cl.add(fmt.Sprintf("network insights analysis %s (%s)", id, d.from.net.Name), func(ctx context.Context) error {
		_, err := analyses.DeleteNetworkInsightsAnalysis(ctx, &ec2.DeleteNetworkInsightsAnalysisInput{NetworkInsightsAnalysisId: aws.String(id)})
		return err
	})
	return id, nil
}

// waitAnalysis polls an analysis until it leaves "running", with the
// exponential backoff and jitter of the SDK's generated waiters
// (smithy-go's waiter.ComputeDelay): the EC2 SDK has no waiter for
// network insights analyses. Throttled describe calls are retried by the
// client's retryer underneath.
func waitAnalysis(ctx context.Context, api AnalysisDescriber, id string, o WaitOptions) (*types.NetworkInsightsAnalysis, error) {
	ctx, cancel := context.WithTimeout(ctx, o.AnalysisMaxWait)
	defer cancel()
	remaining := o.AnalysisMaxWait
	for attempt := int64(1); ; attempt++ {
		start := time.Now()
		out, err := api.DescribeNetworkInsightsAnalyses(ctx, &ec2.DescribeNetworkInsightsAnalysesInput{
			NetworkInsightsAnalysisIds: []string{id},
		})
		if err != nil {
			return nil, fmt.Errorf("%s", apiReason("DescribeNetworkInsightsAnalyses", err))
		}
		for i := range out.NetworkInsightsAnalyses {
			a := out.NetworkInsightsAnalyses[i]
			if aws.ToString(a.NetworkInsightsAnalysisId) == id && a.Status != types.AnalysisStatusRunning {
				return &a, nil
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

func analysisResult(subject string, pp probePort, id string, a *types.NetworkInsightsAnalysis, err error, sameAccount bool) Result {
	scope := ""
	if !sameAccount {
		scope = ", source account's side"
	}
	switch {
	case err != nil && ctxErr(err):
		return result(CheckReachability, subject, Fail, "cancelled: %s", err)
	case err != nil:
		return result(CheckReachability, subject, Fail, "%s", err)
	case a.Status == types.AnalysisStatusFailed:
		return result(CheckReachability, subject, Fail, "analysis %s failed: %s", id, aws.ToString(a.StatusMessage))
	}
	found := aws.ToBool(a.NetworkPathFound)
	switch {
	case found && pp.reachable:
		return result(CheckReachability, subject, Pass, "reachable (analysis %s%s)", id, scope)
	case !found && !pp.reachable:
		return result(CheckReachability, subject, Pass, "not reachable, as intended: %s", explain(a.Explanations))
	case found:
		return result(CheckReachability, subject, Fail, "reachable, but only 443 and 5432 may cross (analysis %s)", id)
	}
	return result(CheckReachability, subject, Fail, "not reachable: %s (analysis %s)", explain(a.Explanations), id)
}

// explain summarizes Reachability Analyzer explanations: code and component.
func explain(exps []types.Explanation) string {
	if len(exps) == 0 {
		return "no explanation given"
	}
	var parts []string
	for _, e := range exps {
		s := aws.ToString(e.ExplanationCode)
		for _, c := range []*types.AnalysisComponent{e.Component, e.SecurityGroup, e.Acl, e.RouteTable, e.VpcPeeringConnection} {
			if c != nil && aws.ToString(c.Id) != "" {
				s += " at " + aws.ToString(c.Id)
				break
			}
		}
		if d := aws.ToString(e.Direction); d != "" {
			s += " (" + d + ")"
		}
		if len(parts) == 0 || parts[len(parts)-1] != s {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// ctxErr reports a cancelled or timed-out wait; the SDK's errors do not
// always wrap the context's, so the message is checked too.
func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), context.Canceled.Error()) || strings.Contains(err.Error(), context.DeadlineExceeded.Error())
}

// cleanup deletes what the probe created, newest first (an analysis
// before its path), retrying deletions AWS refuses for the moment.
type cleanup struct {
	mu         sync.Mutex
	items      []cleanupItem
	retryDelay time.Duration
}

type cleanupItem struct {
	what string
	del  func(context.Context) error
}

func (c *cleanup) add(what string, del func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = append(c.items, cleanupItem{what, del})
}

// notFound are the codes of a resource that is already gone.
var notFound = []string{
	"InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInsightsPathId.NotFound",
	"InvalidNetworkInsightsAnalysisId.NotFound",
}

// busy are the codes of a deletion to try again shortly.
var busy = []string{"IncorrectState", "InvalidNetworkInterface.InUse", "DependencyViolation", "ResourceInUse"}

func (c *cleanup) run(ctx context.Context, peering, runID string) Result {
	c.mu.Lock()
	items := c.items
	c.items = nil
	c.mu.Unlock()
	var left []string
	for i := len(items) - 1; i >= 0; i-- {
		if err := c.delete(ctx, items[i]); err != nil {
			left = append(left, fmt.Sprintf("%s: %s", items[i].what, apiReason("delete", err)))
		}
	}
	if len(left) > 0 {
		return result(CheckProbeCleanup, peering, Fail, "left behind, delete by hand (tag %s=%s): %s",
			ProbeTag, runID, strings.Join(left, "; "))
	}
	return result(CheckProbeCleanup, peering, Pass, "deleted %d probe resources", len(items))
}

func (c *cleanup) delete(ctx context.Context, it cleanupItem) error {
	for {
		err := it.del(ctx)
		switch {
		case err == nil || hasCode(err, notFound...):
			return nil
		case !hasCode(err, busy...):
			return err
		}
		if serr := smithytime.SleepWithContext(ctx, c.retryDelay); serr != nil {
			return err
		}
	}
}
