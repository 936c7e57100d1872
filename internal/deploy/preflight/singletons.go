package preflight

// The once-per-account-and-region resources the stack would create (the AWS
// Config recorder and delivery channel, the OAM sink) and the checks that an
// account does not hold other ones already.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/oam"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/observability"
)

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
// account group that creates its AWS Config recorder (createRecorder, and
// no network of the group in reuseRecorderOf), a recorder and a
// delivery channel named after the group's first network; with
// peerctl:dashboard.crossAccount and more than one account, a sink in the
// account of the monitoring network.
func Plan(cfg *config.Config, accounts map[string]string) []Owned {
	var out []Owned
	groups := groupByAccount(cfg, accounts)
	for _, g := range groups {
		if createsRecorder(cfg, g) {
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

// createsRecorder is the program's choice for group g (the stack groups
// networks as Check does, by resolved account id and region), with
// createRecorder unset taken as its default, true.
func createsRecorder(cfg *config.Config, g config.AccountGroup) bool {
	return cfg.Observability.Compliance.CreatesRecorder(g)
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

// checkConfig compares the account's recorders and delivery channels with
// the stack's, for one account group: a group that creates its recorder
// must find none but ours; a group that reuses one (createRecorder false,
// or reuseRecorderOf naming one of its networks) must find a recorder that
// is not ours. Messages say which setting to change, naming the network.
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
	if createsRecorder(cfg, g) {
		// Reusing is the group's own choice (reuseRecorderOf);
		// createRecorder false fits only when every account records.
		reuse := fmt.Sprintf("add %s to %s (or set %s: false if every account of the stack records already)",
			g.Name(), reuseRecorderKey, createRecorderKey)
		switch {
		case len(otherRecorders) > 0:
			what := fmt.Sprintf("AWS Config recorder %s", quoteAll(otherRecorders))
			if len(otherChannels) > 0 {
				what += fmt.Sprintf(" and delivery channel %s", quoteAll(otherChannels))
			}
			return []string{fmt.Sprintf("%s already has %s (Control Tower or another stack), and AWS allows one per account and region; "+
				"to reuse it, %s", where, what, reuse)}, nil
		case len(otherChannels) > 0:
			return []string{fmt.Sprintf("%s already has AWS Config delivery channel %s but no recorder, and AWS allows one channel per account and region, "+
				"so peerctl cannot create %q: delete that channel (aws configservice delete-delivery-channel --delivery-channel-name %s --region %s), "+
				"or give it a recorder and %s",
				where, quoteAll(otherChannels), ourChannel, otherChannels[0], cfg.RegionOf(g.Networks[0]), reuse)}, nil
		}
		return nil, nil
	}
	if len(otherRecorders) > 0 {
		return nil, nil
	}
	// Why the group reuses a recorder, and how to undo that.
	why := fmt.Sprintf("%s is false", createRecorderKey)
	turnsOff := createRecorderKey + ": false"
	fix := fmt.Sprintf("set %s: true (the default) to create one", createRecorderKey)
	keep := fmt.Sprintf("keep %s: true", createRecorderKey)
	if listed := cfg.Observability.Compliance.ReusedBy(g); listed != "" {
		why = fmt.Sprintf("%s lists %s", reuseRecorderKey, listed)
		turnsOff = fmt.Sprintf("listing %s in %s", listed, reuseRecorderKey)
		fix = fmt.Sprintf("remove %s from %s to have peerctl create one", listed, reuseRecorderKey)
		keep = fmt.Sprintf("remove %s from %s", listed, reuseRecorderKey)
	}
	if slices.Contains(recorders, ourRecorder) {
		return []string{fmt.Sprintf("%s has no AWS Config recorder but peerctl's own %q, which %s "+
			"would delete, leaving the Config rules nothing to evaluate; %s", where, ourRecorder, turnsOff, keep)}, nil
	}
	return []string{fmt.Sprintf("%s has no AWS Config recorder, and %s, "+
		"so creating the Config rules would fail with NoAvailableConfigurationRecorderException; %s", where, why, fix)}, nil
}

// The settings the AWS Config messages point to.
const (
	createRecorderKey = config.Namespace + ":compliance.createRecorder"
	reuseRecorderKey  = config.Namespace + ":compliance.reuseRecorderOf"
)

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
