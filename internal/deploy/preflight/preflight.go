// Package preflight checks, before the Pulumi engine changes anything,
// that every account is offered the availability zones the stack places
// subnets in (DescribeAvailabilityZones with each network's credentials),
// and that every account can take the resources AWS allows only once per
// account and region: the AWS Config configuration recorder and delivery
// channel, and the CloudWatch cross-account observability (OAM) sink.
// Accounts under Control Tower or an organisation's monitoring setup often
// have them already; the engine would then fail halfway through an update
// (MaxNumberOfConfigurationRecordersExceededException), or, when the stack
// reuses a recorder that is not there, at the Config rules
// (NoAvailableConfigurationRecorderException).
//
// The names peerctl gives these resources are deterministic (see Plan), so
// finding its own on a re-run is fine; anything else is a conflict that
// the stack configuration must resolve, reported as a *ConflictError.
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/oam"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/observability"
)

// ConfigAPI is what the check asks AWS Config.
type ConfigAPI interface {
	DescribeConfigurationRecorders(ctx context.Context, in *configservice.DescribeConfigurationRecordersInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error)
	DescribeDeliveryChannels(ctx context.Context, in *configservice.DescribeDeliveryChannelsInput, optFns ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error)
}

// SinksAPI is what the check asks CloudWatch Observability Access Manager.
type SinksAPI interface {
	ListSinks(ctx context.Context, in *oam.ListSinksInput, optFns ...func(*oam.Options)) (*oam.ListSinksOutput, error)
}

// Clients reach one account in one region.
type Clients struct {
	Config ConfigAPI
	Sinks  SinksAPI
	Zones  ZonesAPI
	// VPCs, RouteTables, FlowLogs and Peerings read an existing VPC and a
	// partner's peering connection (existing.go, partner.go).
	VPCs        VPCAPI
	RouteTables RouteTableAPI
	FlowLogs    FlowLogAPI
	Peerings    PeeringAPI
}

// Checker runs the pre-flight checks.
type Checker struct {
	// Clients builds the clients of a network's account in region.
	Clients func(ctx context.Context, region string, n config.Network) (Clients, error)
	// Out receives what the checks found that people should see before any
	// change (the route tables discovered in an existing VPC); nil discards.
	Out io.Writer
}

// NewChecker returns the production Checker: each account reached as its
// network's provider reaches it (awsauth.Loader), with peerctl's retryer.
func NewChecker() Checker {
	return Checker{Clients: func(ctx context.Context, region string, n config.Network) (Clients, error) {
		cfg, err := awsauth.Loader{}.Load(ctx, region, n)
		if err != nil {
			return Clients{}, err
		}
		e := ec2.NewFromConfig(cfg)
		return Clients{Config: configservice.NewFromConfig(cfg), Sinks: oam.NewFromConfig(cfg), Zones: e,
			VPCs: e, RouteTables: e, FlowLogs: e, Peerings: e}, nil
	}}
}

// Kind is a kind of resource AWS allows once per account and region.
type Kind string

const (
	Recorder        Kind = "AWS Config recorder"
	DeliveryChannel Kind = "AWS Config delivery channel"
	Sink            Kind = "CloudWatch observability sink"
)

// Owned is one such resource the stack would create, in the account of
// Group, on the provider of its first network.
type Owned struct {
	Group config.AccountGroup
	Kind  Kind
	Name  string
}

// Plan lists the once-per-account resources the stack would create: per
// account group, with peerctl:compliance.createRecorder, a recorder and a
// delivery channel named after the group's first network; with
// peerctl:dashboard.crossAccount and more than one account, a sink in the
// account of the monitoring network.
func Plan(cfg *config.Config, accounts map[string]string) []Owned {
	var out []Owned
	groups := groupByAccount(cfg, accounts)
	if createRecorder(cfg) {
		for _, g := range groups {
			out = append(out,
				Owned{Group: g, Kind: Recorder, Name: compliance.RecorderName(g.Name(), cfg.Environment)},
				Owned{Group: g, Kind: DeliveryChannel, Name: compliance.DeliveryChannelName(g.Name(), cfg.Environment)})
		}
	}
	if mon, ok := monitoringGroup(cfg, groups); ok && crossAccount(cfg) && len(groups) > 1 {
		out = append(out, Owned{Group: mon, Kind: Sink, Name: observability.SinkName(cfg.Environment)})
	}
	return out
}

func createRecorder(cfg *config.Config) bool {
	p := cfg.Observability.Compliance.CreateRecorder
	return p == nil || *p
}

func crossAccount(cfg *config.Config) bool {
	p := cfg.Observability.Dashboard.CrossAccount
	return p != nil && *p
}

func monitoringGroup(cfg *config.Config, groups []config.AccountGroup) (config.AccountGroup, bool) {
	for _, g := range groups {
		if slices.Contains(g.NetworkNames(), cfg.Observability.Dashboard.MonitoringNetwork) {
			return g, true
		}
	}
	if len(groups) > 0 {
		return groups[0], true
	}
	return config.AccountGroup{}, false
}

// ErrConflict is matched (errors.Is) by a *ConflictError.
var ErrConflict = errors.New("pre-flight check failed")

// Conflict is one thing an account already has that the stack, as
// configured, cannot live with.
type Conflict struct {
	// Account is the account id ("" if unknown); Networks the networks in it.
	Account  string
	Networks []string
	// Message says what is there and how to fix the configuration.
	Message string
}

// ConflictError lists every conflict found, so that all are fixed at once.
// It is a configuration problem: errors.Is(err, config.ErrInvalid) holds,
// so the commands exit with the invalid-configuration status (3).
type ConflictError struct {
	Conflicts []Conflict
}

func (e *ConflictError) Error() string {
	lines := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		lines[i] = c.Message
	}
	if len(lines) == 1 {
		return "pre-flight check: " + lines[0] + "; nothing was changed"
	}
	return fmt.Sprintf("pre-flight check (%d problems, nothing was changed):\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Is makes errors.Is(err, ErrConflict) and errors.Is(err, config.ErrInvalid) true.
func (e *ConflictError) Is(target error) bool {
	return target == ErrConflict || target == config.ErrInvalid
}

// Check looks into every account of cfg, as the credentials check resolved
// them (ids), and returns a *ConflictError naming every conflict, or the
// first AWS call that failed. It changes nothing.
func (c Checker) Check(ctx context.Context, cfg *config.Config, ids []awsauth.Identity) error {
	accounts := map[string]string{} // network -> account id
	for _, n := range cfg.Networks {
		accounts[n.Name] = n.Account.ExpectedID()
	}
	for _, id := range ids {
		if id.Account != "" {
			accounts[id.Network] = id.Account
		}
	}
	// Each network's clients, built once: a network's credentials may take
	// an assumed role, which is worth doing once per run.
	clients := map[string]Clients{}
	clientsOf := func(n config.Network) (Clients, error) {
		if cl, ok := clients[n.Name]; ok {
			return cl, nil
		}
		// Each network's own region: its VPC, zones and per-(account,
		// region) singletons live there.
		cl, err := c.Clients(ctx, regionOf(cfg, n), n)
		if err != nil {
			where := describe(accounts[n.Name], config.AccountGroup{Networks: []config.Network{n}})
			return Clients{}, fmt.Errorf("pre-flight check of %s: %s", where, awsauth.Explain(n.Account, err))
		}
		clients[n.Name] = cl
		return cl, nil
	}
	conflicts, err := checkZones(ctx, cfg, accounts, clientsOf)
	if err != nil {
		return err
	}
	out := c.Out
	if out == nil {
		out = io.Discard
	}
	found, err := checkExisting(ctx, cfg, accounts, clientsOf, out)
	if err != nil {
		return err
	}
	conflicts = append(conflicts, found...)
	if found, err = checkPartners(ctx, cfg, accounts, clientsOf, out); err != nil {
		return err
	}
	conflicts = append(conflicts, found...)
	groups := groupByAccount(cfg, accounts)
	owned := Plan(cfg, accounts)
	for _, g := range groups {
		account := accounts[g.Name()]
		where := describe(account, g)
		var mine []Owned
		for _, o := range owned {
			if o.Group.Name() == g.Name() {
				mine = append(mine, o)
			}
		}
		cl, err := clientsOf(g.Networks[0])
		if err != nil {
			return err
		}
		found, err := c.checkConfig(ctx, cl.Config, cfg, g, where)
		if err != nil {
			return err
		}
		for _, msg := range found {
			conflicts = append(conflicts, Conflict{Account: account, Networks: g.NetworkNames(), Message: msg})
		}
		for _, o := range mine {
			if o.Kind != Sink {
				continue
			}
			msg, err := checkSink(ctx, cl.Sinks, o, where)
			if err != nil {
				return err
			}
			if msg != "" {
				conflicts = append(conflicts, Conflict{Account: account, Networks: g.NetworkNames(), Message: msg})
			}
		}
	}
	if len(conflicts) > 0 {
		return &ConflictError{Conflicts: conflicts}
	}
	return nil
}

// regionOf is a network's region: its own, else the stack's (networks built
// before the region key existed).
func regionOf(cfg *config.Config, n config.Network) string {
	if n.Region != "" {
		return n.Region
	}
	return cfg.Region
}

// describe names an account for messages: "account 111111111111 (network
// trading)".
func describe(account string, g config.AccountGroup) string {
	nets := "network " + g.Name()
	if len(g.Networks) > 1 {
		nets = "networks " + strings.Join(g.NetworkNames(), ", ")
	}
	if account == "" {
		return "the account of " + nets
	}
	return fmt.Sprintf("account %s (%s)", account, nets)
}

// groupByAccount groups the networks as the program does: by the account
// each one's credentials resolve to (accounts: network -> id). A network
// whose account is unknown keeps a group of its own.
func groupByAccount(cfg *config.Config, accounts map[string]string) []config.AccountGroup {
	return config.GroupByAccount(cfg.Networks, func(n string) string {
		if id := accounts[n]; id != "" {
			return id
		}
		return "network:" + n
	})
}

// checkConfig compares the account's recorders and delivery channels with
// the stack's: with createRecorder the account must have none but ours;
// without it, it must have a recorder that is not ours.
func (c Checker) checkConfig(ctx context.Context, api ConfigAPI, cfg *config.Config, g config.AccountGroup, where string) ([]string, error) {
	recOut, err := api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return nil, callError(where, "config:DescribeConfigurationRecorders", err)
	}
	chOut, err := api.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return nil, callError(where, "config:DescribeDeliveryChannels", err)
	}
	ourRecorder := compliance.RecorderName(g.Name(), cfg.Environment)
	ourChannel := compliance.DeliveryChannelName(g.Name(), cfg.Environment)
	var recorders, otherRecorders, otherChannels []string
	for _, r := range recOut.ConfigurationRecorders {
		name := aws.ToString(r.Name)
		if serviceLinked(name, aws.ToString(r.ServicePrincipal)) {
			continue // service-linked recorders do not count against the one per account
		}
		recorders = append(recorders, name)
		if name != ourRecorder {
			otherRecorders = append(otherRecorders, name)
		}
	}
	for _, ch := range chOut.DeliveryChannels {
		if name := aws.ToString(ch.Name); name != ourChannel {
			otherChannels = append(otherChannels, name)
		}
	}
	if createRecorder(cfg) {
		switch {
		case len(otherRecorders) > 0:
			what := fmt.Sprintf("AWS Config recorder %s", quoteAll(otherRecorders))
			if len(otherChannels) > 0 {
				what += fmt.Sprintf(" and delivery channel %s", quoteAll(otherChannels))
			}
			return []string{fmt.Sprintf("%s already has %s (Control Tower or another stack); "+
				"set peerctl:compliance.createRecorder: false to reuse it", where, what)}, nil
		case len(otherChannels) > 0:
			return []string{fmt.Sprintf("%s already has AWS Config delivery channel %s but no recorder, and AWS allows one channel per account and region, "+
				"so peerctl cannot create %q: delete that channel (aws configservice delete-delivery-channel --delivery-channel-name %s --region %s), "+
				"or give it a recorder and set peerctl:compliance.createRecorder: false",
				where, quoteAll(otherChannels), ourChannel, otherChannels[0], regionOf(cfg, g.Networks[0]))}, nil
		}
		return nil, nil
	}
	if len(otherRecorders) > 0 {
		return nil, nil
	}
	if slices.Contains(recorders, ourRecorder) {
		return []string{fmt.Sprintf("%s has no AWS Config recorder but peerctl's own %q, which peerctl:compliance.createRecorder: false "+
			"would delete, leaving the Config rules nothing to evaluate; keep peerctl:compliance.createRecorder: true", where, ourRecorder)}, nil
	}
	return []string{fmt.Sprintf("%s has no AWS Config recorder, and peerctl:compliance.createRecorder is false, "+
		"so creating the Config rules would fail with NoAvailableConfigurationRecorderException; "+
		"set peerctl:compliance.createRecorder: true (the default) to create one", where)}, nil
}

// serviceLinked reports whether a recorder is a service-linked one, which
// AWS services create for themselves besides the customer managed one.
func serviceLinked(name, servicePrincipal string) bool {
	return servicePrincipal != "" || strings.HasPrefix(name, "AWSConfigurationRecorderFor")
}

// checkSink reports a sink in the monitoring account other than ours.
func checkSink(ctx context.Context, api SinksAPI, o Owned, where string) (string, error) {
	var others []string
	p := oam.NewListSinksPaginator(api, &oam.ListSinksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", callError(where, "oam:ListSinks", err)
		}
		for _, s := range page.Items {
			if name := aws.ToString(s.Name); name != o.Name {
				others = append(others, name)
			}
		}
	}
	if len(others) == 0 {
		return "", nil
	}
	return fmt.Sprintf("%s, the monitoring account, already has CloudWatch observability sink %s (another stack, or the organisation's monitoring account); "+
		"AWS allows one per account and region, so peerctl cannot create %q: set peerctl:dashboard.crossAccount: false "+
		"(the main dashboard then shows only its own account's networks), or make another account the monitoring one with peerctl:dashboard.monitoringNetwork",
		where, quoteAll(others), o.Name), nil
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// callError explains a failed describe call: what permission is missing,
// or what AWS said.
func callError(where, action string, err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
			return fmt.Errorf("pre-flight check of %s: access denied to %s (%s); the deploying credentials need it so that peerctl can check the account before changing it: %w",
				where, action, apiErr.ErrorCode(), err)
		}
	}
	return fmt.Errorf("pre-flight check of %s: %s: %w", where, action, err)
}

// hasCode reports whether err is an API error with one of codes.
func hasCode(err error, codes ...string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && slices.Contains(codes, apiErr.ErrorCode())
}
