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
//
// For the VPCs peerctl does not own it reads, with the owning network's
// credentials and region, what the offline plan cannot know: an existing
// VPC's CIDRs, DNS attributes, route tables and flow logs (existing*.go),
// and a partner's peering connection (partner.go).
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/oam"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
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
		cl, err := c.Clients(ctx, cfg.RegionOf(n), n)
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
