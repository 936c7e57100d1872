// Package verify checks a deployed stack against AWS, read-only except for
// the reachability probe, which creates network interfaces and Reachability
// Analyzer paths and analyses and always removes them again.
//
// Every check reads the stack outputs (which ids to look at) and the
// configuration (CIDRs, peerings, accounts), asks AWS through one or two
// narrow calls, and reports pass, fail, skip (the stack does not export
// what it needs) or wait (AWS has no data yet, such as a Config rule not yet
// evaluated).
package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
)

// Status is the outcome of one check.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Skip: the stack outputs do not have what the check needs.
	Skip Status = "skip"
	// Wait: AWS has no data yet (a Config rule not evaluated, an alarm
	// still within its grace period).
	Wait Status = "wait"
	// WaitingForPartner: a one-sided peering's connection is pending
	// acceptance by the partner's account, which this stack cannot do. It
	// never fails the report, not even with --strict, and is counted apart.
	WaitingForPartner Status = "waiting"
)

// Check names, stable for --json consumers.
const (
	CheckPeeringStatus  = "peering-status"
	CheckPeeringDNS     = "peering-dns"
	CheckRoutes         = "routes"
	CheckSecurityGroup  = "security-group"
	CheckNACL           = "nacl"
	CheckFlowLogs       = "flow-logs"
	CheckFlowLogBucket  = "flow-log-bucket"
	CheckFlowLogGroup   = "flow-log-group"
	CheckConfigRecorder = "config-recorder"
	CheckConfigRules    = "config-rules"
	CheckAlarms         = "alarms"
	CheckDashboard      = "dashboard"
	CheckReachability   = "reachability"
	CheckProbeCleanup   = "probe-cleanup"
)

// Checks lists every check, in the order Run reports them.
var Checks = []string{
	CheckPeeringStatus, CheckPeeringDNS, CheckRoutes, CheckSecurityGroup, CheckNACL,
	CheckFlowLogs, CheckFlowLogBucket, CheckFlowLogGroup, CheckConfigRecorder, CheckConfigRules,
	CheckAlarms, CheckDashboard, CheckReachability, CheckProbeCleanup,
}

// SkippedNotInOutputs is the detail of a check whose output key is missing.
const SkippedNotInOutputs = "skipped (not in stack outputs)"

// Result is one check of one subject (a peering, a route table, an alarm).
type Result struct {
	Check   string `json:"check"`
	Subject string `json:"subject"`
	Status  Status `json:"status"`
	Detail  string `json:"detail"`
}

// Options are what Run needs.
type Options struct {
	Config  *config.Config
	Outputs *deploy.Outputs
	// Clients are each network's AWS clients, by network name.
	Clients map[string]Clients
	// Resources are the stack's resources (from its state); nil lists
	// what Outputs name (ResourcesFromOutputs).
	Resources *StackResources
	// Probe runs the Reachability Analyzer probe.
	Probe bool
	// AlarmGrace is how long an alarm may sit in INSUFFICIENT_DATA.
	AlarmGrace time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// Wait tunes the probe's waiters; zero values are production defaults.
	Wait WaitOptions
	// Log receives progress lines (probe steps); nil discards them.
	Log io.Writer
	// RunID tags the probe resources; default NewRunID(Now()).
	RunID string
}

// Run performs every check and returns the results in a stable order.
func Run(ctx context.Context, opts Options) []Result {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AlarmGrace == 0 {
		opts.AlarmGrace = DefaultAlarmGrace
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.RunID == "" {
		opts.RunID = NewRunID(opts.Now())
	}
	v := &verifier{opts: opts, cfg: opts.Config, out: opts.Outputs, waiting: map[string]bool{}}
	var results []Result
	for _, p := range v.cfg.Peerings {
		if p.OneSided() {
			results = append(results, v.checkOneSidedPeering(ctx, p)...)
			continue
		}
		results = append(results, v.checkPeering(ctx, p)...)
	}
	for _, n := range v.cfg.Networks {
		results = append(results, v.checkRoutes(ctx, n)...)
		if !n.HasSecurityGroup() {
			results = append(results, notCreated(CheckSecurityGroup, n.Name, "existing.securityGroup is false"))
		} else {
			results = append(results, v.checkSecurityGroup(ctx, n)...)
		}
		if n.IsExisting() {
			results = append(results, notCreated(CheckNACL, n.Name, "an existing VPC's network ACLs are not peerctl's"))
		} else {
			results = append(results, v.checkNACL(ctx, n)...)
		}
	}
	for _, n := range v.cfg.Networks {
		if !n.HasFlowLogs() {
			for _, check := range []string{CheckFlowLogs, CheckFlowLogBucket, CheckFlowLogGroup} {
				results = append(results, notCreated(check, n.Name, "existing.flowLogs is false"))
			}
			continue
		}
		results = append(results, v.checkFlowLogs(ctx, n)...)
		results = append(results, v.checkFlowLogBucket(ctx, n)...)
		results = append(results, v.checkFlowLogGroup(ctx, n)...)
	}
	for _, n := range v.cfg.Networks {
		results = append(results, v.checkConfigRecorder(ctx, n)...)
		results = append(results, v.checkConfigRules(ctx, n)...)
		if !n.HasFlowLogs() {
			results = append(results, notCreated(CheckAlarms, n.Name, "existing.flowLogs is false, and the alarms read the flow logs"))
			continue
		}
		results = append(results, v.checkAlarms(ctx, n)...)
	}
	results = append(results, v.checkDashboard(ctx)...)
	if opts.Probe {
		for _, p := range v.cfg.Peerings {
			if why := v.noProbe(p); why != "" {
				results = append(results, result(CheckReachability, p.Name(), Skip, "%s", why))
				continue
			}
			results = append(results, v.probe(ctx, p)...)
		}
	}
	return results
}

// notCreated is the result of a check of something the configuration
// tells peerctl not to create (or that an existing VPC keeps as it is).
func notCreated(check, subject, why string) Result {
	return Result{Check: check, Subject: subject, Status: Skip, Detail: "not created by peerctl: " + why}
}

// noProbe says why a peering cannot be probed, or "": the probe places a
// network interface in a subnet of each side, and needs both sides.
func (v *verifier) noProbe(p config.Peering) string {
	if p.OneSided() {
		return "one-sided peering: the partner's side cannot be probed from this stack"
	}
	for _, name := range []string{p.Requester, p.Accepter} {
		if n, ok := v.cfg.Network(name); ok && n.IsExisting() {
			return fmt.Sprintf("%s is an existing VPC: peerctl has no subnet of its own there to probe from", name)
		}
	}
	return ""
}

// NewRunID returns a run id: the time to the second, readable in the AWS
// console, and 8 random hex digits, so that two runs started in the same
// second (two CI jobs, two users) never share the tag that the cleanup
// deletes by.
func NewRunID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

type verifier struct {
	opts Options
	cfg  *config.Config
	out  *deploy.Outputs
	// waiting caches, by connection id, whether a one-sided peering waits
	// for acceptance (waitingPeering).
	waiting map[string]bool
}

func (v *verifier) clients(network string) Clients { return v.opts.Clients[network] }

// peer is the other end of a peering, seen from one network: a configured
// network, or a one-sided peering's partner (Network then holds the
// partner's name, CIDR and region only).
type peer struct {
	Network config.Network
	Peering string // peering name
	PCX     string // peering connection id, "" if not in outputs
	// Partner is set for a one-sided peering's other side.
	Partner bool
	// Config is the peering as configured.
	Config config.Peering
}

// pcxOf is a peering's connection id: the stack output, else (accepter-only)
// the configured connection.
func (v *verifier) pcxOf(p config.Peering) string {
	if id := v.out.PeeringConnectionIDs[p.Name()]; id != "" {
		return id
	}
	return p.ConnectionID
}

func (v *verifier) peersOf(n config.Network) []peer {
	var out []peer
	for _, p := range v.cfg.Peerings {
		if p.OneSided() {
			if p.Ours() == n.Name {
				partner := config.Network{Name: p.PartnerName(), CIDR: p.PeerCIDR, Region: v.cfg.PartnerRegion(p)}
				out = append(out, peer{Network: partner, Peering: p.Name(), PCX: v.pcxOf(p), Partner: true, Config: p})
			}
			continue
		}
		var other string
		switch n.Name {
		case p.Requester:
			other = p.Accepter
		case p.Accepter:
			other = p.Requester
		default:
			continue
		}
		on, ok := v.cfg.Network(other)
		if !ok {
			continue
		}
		out = append(out, peer{Network: on, Peering: p.Name(), PCX: v.out.PeeringConnectionIDs[p.Name()], Config: p})
	}
	return out
}

func result(check, subject string, status Status, format string, args ...any) Result {
	return Result{Check: check, Subject: subject, Status: status, Detail: fmt.Sprintf(format, args...)}
}

func skipped(check, subject string) Result {
	return Result{Check: check, Subject: subject, Status: Skip, Detail: SkippedNotInOutputs}
}

// overlaps reports whether a CIDR string overlaps p; bad CIDRs do not.
func overlaps(cidr string, p netip.Prefix) bool {
	q, err := netip.ParsePrefix(cidr)
	return err == nil && q.Overlaps(p)
}
