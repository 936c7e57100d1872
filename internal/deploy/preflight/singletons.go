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
