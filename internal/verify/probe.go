package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
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

// EC2 is eventually consistent: a describe call right after a create can
// answer NotFound for what was just created. maxNotFound is how many such
// answers the probe's waiters take before they believe them.
const maxNotFound = 5

const (
	codeENINotFound      = "InvalidNetworkInterfaceID.NotFound"
	codeAnalysisNotFound = "InvalidNetworkInsightsAnalysisId.NotFound"
)

// sweepAttempts is how often the cleanup looks for the run's resources by
// tag when a create call may have succeeded without telling us (its answer
// was lost): a resource just created may take a moment to show up there.
const sweepAttempts = 3

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

// probeSide is one end of the probe: a network interface with the
// application security group in one of the network's subnets.
type probeSide struct {
	net     config.Network
	clients Clients
	subnet  string
	sg      string
	nacl    string
	eni     string
	ip      string
}

type direction struct{ from, to *probeSide }

func directions(s []*probeSide) []direction {
	return []direction{{s[0], s[1]}, {s[1], s[0]}}
}

func probeSubject(d direction, pp probePort) string {
	return fmt.Sprintf("%s -> %s tcp %d", d.from.net.Name, d.to.net.Name, pp.port)
}

// analysis is one Reachability Analyzer run: its path's direction and port,
// and what came of it.
type analysis struct {
	dir direction
	pp  probePort
	id  string
	err error
	res *types.NetworkInsightsAnalysis
}

// probeRun is the probe of one peering.
type probeRun struct {
	v           *verifier
	peering     string
	pcx         string
	sameAccount bool
	sides       []*probeSide
	wait        WaitOptions
	cl          *cleanup
	analyses    []*analysis
}

// probe checks reachability across a peering without instances: a network
// interface on each side, then Reachability Analyzer paths from each side to
// the other on 443 and 5432 (reachable) and 22 (not reachable). Every probe
// resource is deleted afterwards, on failure and on cancellation too.
//
// Within one account a path goes from interface to interface and its
// analysis covers the whole way. Across accounts, Reachability Analyzer is
// documented to see the other account's resources only within an AWS
// Organization with trusted access, so each path ends at the peering
// connection (a documented destination type), with the peer interface's
// address as destination address. Each direction then proves its source
// half: the source security group's egress, the source subnet's NACL, the
// source route table's route to the peering, and the peering itself; the
// peer's half is read from the peer's own account by the security-group and
// nacl checks.
func (v *verifier) probe(ctx context.Context, p config.Peering) (results []Result) {
	req, reqOK := v.cfg.Network(p.Requester)
	acc, accOK := v.cfg.Network(p.Accepter)
	if !reqOK || !accOK {
		return []Result{result(CheckReachability, p.Name(), Fail, "peering names an unknown network")}
	}
	r := &probeRun{
		v:           v,
		peering:     p.Name(),
		pcx:         v.out.PeeringConnectionIDs[p.Name()],
		sameAccount: v.cfg.SameAccount(p),
		sides:       []*probeSide{v.probeSide(req), v.probeSide(acc)},
		wait:        v.opts.Wait.withDefaults(),
	}
	for _, s := range r.sides {
		if s.subnet == "" || s.sg == "" {
			return []Result{result(CheckReachability, p.Name(), Fail,
				"no subnet or security group for %s in the stack outputs (subnetIds, securityGroupIds)", s.net.Name)}
		}
	}
	if !r.sameAccount && r.pcx == "" {
		return []Result{result(CheckReachability, p.Name(), Fail,
			"no peering connection id for %s in the stack outputs (peeringConnectionIds); across accounts the probe's paths end at the peering connection", p.Name())}
	}
	r.cl = &cleanup{callTimeout: r.wait.CleanupCallTimeout, retryFor: r.wait.CleanupTimeout, retryDelay: r.wait.CleanupRetryDelay}
	fmt.Fprintf(v.opts.Log, "probe %s: 2 network interfaces and %d Reachability Analyzer analyses (about $%.2f each, $%.2f in all)\n",
		p.Name(), AnalysesPerPeering, AnalysisCostUSD, AnalysisCostUSD*float64(AnalysesPerPeering))
	defer func() {
		// A fresh context: the caller's may be cancelled (Ctrl-C), and the
		// probe resources must go anyway. Every call below has its own bound.
		results = append(results, r.cleanup(context.WithoutCancel(ctx)))
	}()
	return r.run(ctx)
}

func (v *verifier) probeSide(n config.Network) *probeSide {
	s := &probeSide{net: n, clients: v.clients(n.Name), sg: v.out.SecurityGroupIDs[n.Name], nacl: v.out.NaclIDs[n.Name]}
	if subnets := v.out.SubnetIDs[n.Name]; len(subnets) > 0 {
		s.subnet = subnets[0]
	}
	return s
}

func (r *probeRun) run(ctx context.Context) []Result {
	for _, s := range r.sides {
		if err := ctx.Err(); err != nil {
			return r.failAll("cancelled before the probe network interface in %s was created", s.net.Name)
		}
		if err := r.createENI(ctx, s); err != nil {
			return r.failAll("probe network interface in %s: %s", s.net.Name, err)
		}
	}
	for _, s := range r.sides {
		if err := r.waitENI(ctx, s); err != nil {
			return r.failAll("probe network interface %s in %s did not become available: %s", s.eni, s.net.Name, apiReason("wait", err))
		}
	}
	for _, d := range directions(r.sides) {
		for _, pp := range probePorts {
			a := &analysis{dir: d, pp: pp}
			r.analyses = append(r.analyses, a)
			if err := ctx.Err(); err != nil {
				a.err = fmt.Errorf("cancelled before the analysis started: %w", err)
				continue
			}
			a.id, a.err = r.startAnalysis(ctx, a)
		}
	}
	var wg sync.WaitGroup
	for _, a := range r.analyses {
		if a.err != nil {
			continue
		}
		wg.Go(func() {
			a.res, a.err = waitAnalysis(ctx, a.dir.from.clients.Analysis, a.id, r.wait)
		})
	}
	wg.Wait()
	var results []Result
	for _, a := range r.analyses {
		results = append(results, r.analysisResult(a))
	}
	return results
}

func (r *probeRun) failAll(format string, args ...any) []Result {
	msg := fmt.Sprintf(format, args...)
	var out []Result
	for _, d := range directions(r.sides) {
		for _, pp := range probePorts {
			out = append(out, result(CheckReachability, probeSubject(d, pp), Fail, "%s", msg))
		}
	}
	return out
}

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

// analysisResult judges one analysis. Across accounts a reachable path
// must end at the stack's peering connection, and "not reachable" counts
// only when the source side's own security group or network ACL blocks the
// traffic: a path that merely stops at what the source account cannot see
// proves nothing. Within one account either side's group or ACL may block.
func (r *probeRun) analysisResult(a *analysis) Result {
	subject := probeSubject(a.dir, a.pp)
	switch {
	case a.err != nil && ctxErr(a.err):
		return result(CheckReachability, subject, Fail, "cancelled: %s", a.err)
	case a.err != nil:
		return result(CheckReachability, subject, Fail, "%s", a.err)
	case a.res.Status == types.AnalysisStatusFailed:
		return result(CheckReachability, subject, Fail, "analysis %s failed: %s", a.id, aws.ToString(a.res.StatusMessage))
	}
	from, to := a.dir.from, a.dir.to
	found := aws.ToBool(a.res.NetworkPathFound)
	switch {
	case found && a.pp.reachable && r.sameAccount:
		return result(CheckReachability, subject, Pass, "reachable (analysis %s)", a.id)
	case found && a.pp.reachable:
		last := lastHop(a.res.ForwardPathComponents)
		if !componentIs(last, r.pcx) {
			return result(CheckReachability, subject, Fail, "a path was found, but it ends at %s, not at the stack's peering connection %s (analysis %s)",
				componentName(last), r.pcx, a.id)
		}
		return result(CheckReachability, subject, Pass, "reachable up to the peering connection %s (analysis %s; %s's half of the path, %s's half is checked in its own account by security-group and nacl)",
			r.pcx, a.id, from.net.Name, to.net.Name)
	case !found && !a.pp.reachable:
		blockers := []*probeSide{from}
		whose := from.net.Name + "'s"
		if r.sameAccount {
			blockers = append(blockers, to)
			whose = "either side's"
		}
		if blockedBySide(a.res.Explanations, blockers) {
			return result(CheckReachability, subject, Pass, "not reachable, as intended: %s", explain(a.res.Explanations))
		}
		return result(CheckReachability, subject, Fail,
			"not reachable, but not because of %s security group or network ACL, so this does not show that tcp %d is blocked: %s (analysis %s)",
			whose, a.pp.port, explain(a.res.Explanations), a.id)
	case found:
		return result(CheckReachability, subject, Fail, "reachable, but only 443 and 5432 may cross (analysis %s)", a.id)
	}
	return result(CheckReachability, subject, Fail, "not reachable: %s (analysis %s)", explain(a.res.Explanations), a.id)
}

// lastHop is the forward path's last component, nil if there is none.
func lastHop(path []types.PathComponent) *types.AnalysisComponent {
	var last *types.PathComponent
	for i := range path {
		if last == nil || aws.ToInt32(path[i].SequenceNumber) >= aws.ToInt32(last.SequenceNumber) {
			last = &path[i]
		}
	}
	if last == nil {
		return nil
	}
	return last.Component
}

// componentIs reports whether an analysis component is the resource id,
// given by id or by ARN.
func componentIs(c *types.AnalysisComponent, id string) bool {
	if c == nil || id == "" {
		return false
	}
	return aws.ToString(c.Id) == id || strings.HasSuffix(aws.ToString(c.Arn), "/"+id)
}

func componentName(c *types.AnalysisComponent) string {
	switch {
	case c == nil:
		return "no component"
	case aws.ToString(c.Id) != "":
		return aws.ToString(c.Id)
	case aws.ToString(c.Arn) != "":
		return aws.ToString(c.Arn)
	}
	return "an unnamed component"
}

// Explanation codes that put the block on a security group or a network
// ACL (docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
var (
	sgBlockCodes  = []string{"ENI_SG_RULES_MISMATCH", "SG_HAS_NO_RULES"}
	aclBlockCodes = []string{"SUBNET_ACL_RESTRICTION"}
)

// blockedBySide reports whether an explanation blames the security group
// (or the probe interface it is attached to) or the network ACL (or the
// subnet it guards) of one of sides.
func blockedBySide(exps []types.Explanation, sides []*probeSide) bool {
	for _, e := range exps {
		code := aws.ToString(e.ExplanationCode)
		var candidates []*types.AnalysisComponent
		var ids func(s *probeSide) []string
		switch {
		case slices.Contains(sgBlockCodes, code):
			candidates = []*types.AnalysisComponent{e.SecurityGroup, e.Component, e.NetworkInterface}
			for i := range e.SecurityGroups {
				candidates = append(candidates, &e.SecurityGroups[i])
			}
			ids = func(s *probeSide) []string { return []string{s.sg, s.eni} }
		case slices.Contains(aclBlockCodes, code):
			candidates = []*types.AnalysisComponent{e.Acl, e.Component, e.Subnet}
			ids = func(s *probeSide) []string { return []string{s.nacl, s.subnet} }
		default:
			continue
		}
		for _, s := range sides {
			for _, id := range ids(s) {
				for _, c := range candidates {
					if componentIs(c, id) {
						return true
					}
				}
			}
		}
	}
	return false
}

// explain summarizes Reachability Analyzer explanations: code and component.
func explain(exps []types.Explanation) string {
	if len(exps) == 0 {
		return "no explanation given"
	}
	var parts []string
	for _, e := range exps {
		s := aws.ToString(e.ExplanationCode)
		for _, c := range []*types.AnalysisComponent{e.SecurityGroup, e.Acl, e.RouteTable, e.VpcPeeringConnection, e.Component} {
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

// Kinds of probe resources, as the cleanup names them.
const (
	kindENI      = "network interface"
	kindPath     = "network insights path"
	kindAnalysis = "network insights analysis"
)

func eniItem(s *probeSide, id string, found bool) cleanupItem {
	api := s.clients.ENIs
	return cleanupItem{kind: kindENI, id: id, network: s.net.Name, found: found, del: func(ctx context.Context) error {
		_, err := api.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(id)})
		return err
	}}
}

func pathItem(s *probeSide, id string, found bool) cleanupItem {
	api := s.clients.Paths
	return cleanupItem{kind: kindPath, id: id, network: s.net.Name, found: found, del: func(ctx context.Context) error {
		_, err := api.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: aws.String(id)})
		return err
	}}
}

func analysisItem(s *probeSide, id, path string, found bool) cleanupItem {
	api := s.clients.Analyses
	return cleanupItem{kind: kindAnalysis, id: id, parent: path, network: s.net.Name, found: found, del: func(ctx context.Context) error {
		_, err := api.DeleteNetworkInsightsAnalysis(ctx, &ec2.DeleteNetworkInsightsAnalysisInput{NetworkInsightsAnalysisId: aws.String(id)})
		return err
	}}
}

// cleanup holds what the probe created and deletes it: one pass over
// everything, newest first (an analysis before its path), each call with its
// own timeout, then retry passes over only the deletions AWS refused for the
// moment, until they succeed or the retry time is up. A path waits for its
// analyses; network interfaces wait for nothing, so they go even when an
// analysis or a path cannot.
type cleanup struct {
	mu        sync.Mutex
	items     []*cleanupItem
	uncertain bool

	callTimeout time.Duration
	retryFor    time.Duration
	retryDelay  time.Duration
}

type cleanupItem struct {
	kind    string
	id      string
	network string
	// parent is the path an analysis belongs to: the path is deleted after.
	parent string
	// found: registered by the sweep, not by the create call.
	found bool
	del   func(context.Context) error

	state itemState
	err   error
}

type itemState int

const (
	itemPending itemState = iota
	itemDeleted
	itemFailed
)

func (it *cleanupItem) what() string { return fmt.Sprintf("%s %s (%s)", it.kind, it.id, it.network) }

// add registers an item unless one with its id is registered already. An
// item the sweep finds again after its deletion is deleted again.
func (c *cleanup) add(it cleanupItem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range c.items {
		if o.id == it.id {
			if it.found && o.state == itemDeleted {
				o.state = itemPending
			}
			return
		}
	}
	c.items = append(c.items, &it)
}

// keys lists the ids of the registered items of a kind in a network.
func (c *cleanup) keys(kind, network string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, it := range c.items {
		if it.kind == kind && it.network == network {
			out = append(out, it.id)
		}
	}
	return out
}

// createFailed notes a failed create call. An API error means AWS refused
// it; anything else (a timeout, a lost connection) may have come after AWS
// created the resource.
func (c *cleanup) createFailed(err error) {
	var apiErr smithy.APIError
	if err != nil && errors.As(err, &apiErr) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.uncertain = true
}

func (c *cleanup) uncertainCreate() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.uncertain
}

// notFound are the codes of a resource that is already gone.
var notFound = []string{
	"InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInsightsPathId.NotFound",
	"InvalidNetworkInsightsAnalysisId.NotFound",
}

// busy are the codes of a deletion to try again shortly.
var busy = []string{"IncorrectState", "InvalidNetworkInterface.InUse", "DependencyViolation", "ResourceInUse"}

// deleteAll deletes the pending items: one pass over all of them, then
// passes over those AWS refused for the moment, until the retry time is up;
// what is still refused then is given up on.
func (c *cleanup) deleteAll(ctx context.Context) {
	c.mu.Lock()
	items := make([]*cleanupItem, 0, len(c.items))
	for i := len(c.items) - 1; i >= 0; i-- {
		items = append(items, c.items[i])
	}
	c.mu.Unlock()

	var pending []*cleanupItem
	for _, it := range items {
		if it.state == itemPending {
			pending = append(pending, it)
		}
	}
	deadline := time.Now().Add(c.retryFor)
	for pass := 0; len(pending) > 0; pass++ {
		if pass > 0 {
			if !time.Now().Before(deadline) {
				break
			}
			if err := smithytime.SleepWithContext(ctx, c.retryDelay); err != nil {
				break
			}
		}
		var again []*cleanupItem
		for _, it := range pending {
			if child := pendingChild(items, it); child != nil {
				it.err = fmt.Errorf("waits for %s %s to be deleted first", child.kind, child.id)
				again = append(again, it)
				continue
			}
			cctx, cancel := context.WithTimeout(ctx, c.callTimeout)
			err := it.del(cctx)
			cancel()
			switch {
			case err == nil || hasCode(err, notFound...):
				it.state, it.err = itemDeleted, nil
			case hasCode(err, busy...) || ctxErr(err):
				it.err = err
				again = append(again, it)
			default:
				it.state, it.err = itemFailed, err
			}
		}
		pending = again
	}
	for _, it := range pending {
		it.state = itemFailed
	}
}

// report returns how many items were deleted, how many of those the sweep
// found, and what is left with why, newest first.
func (c *cleanup) report() (deleted, found int, left []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.items) - 1; i >= 0; i-- {
		it := c.items[i]
		switch {
		case it.state == itemDeleted:
			deleted++
			if it.found {
				found++
			}
		case it.err != nil:
			left = append(left, fmt.Sprintf("%s: %s", it.what(), apiReason("delete", it.err)))
		default:
			left = append(left, it.what()+": not deleted")
		}
	}
	return deleted, found, left
}

// pendingChild returns an analysis of path it that is not deleted or given
// up on yet.
func pendingChild(items []*cleanupItem, it *cleanupItem) *cleanupItem {
	for _, o := range items {
		if o.parent == it.id && o.state == itemPending {
			return o
		}
	}
	return nil
}
