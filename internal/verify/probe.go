package verify

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

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
