package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
)

// AWS Config API reference, PutServiceLinkedConfigurationRecorder and
// ConfigurationRecorder: a service-linked recorder carries the
// ServicePrincipal of the service it is linked to, and Config names it with
// the prefix AWSConfigurationRecorderFor; it does not count against the one
// customer managed recorder per account and region.
func TestServiceLinked(t *testing.T) {
	tests := []struct {
		name, principal string
		want            bool
	}{
		{"AWSConfigurationRecorderForSecurityHub", "securityhub.amazonaws.com", true},
		{"SecurityHubRecorder", "securityhub.amazonaws.com", true}, // the principal alone decides
		{"AWSConfigurationRecorderForSecurityHub", "", true},       // an answer without the principal field
		{"default", "", false},
		{"aws-controltower-BaselineConfigRecorder", "", false},
		{"trading-config-recorder-dev", "", false},
	}
	for _, tt := range tests {
		if got := serviceLinked(tt.name, tt.principal); got != tt.want {
			t.Errorf("serviceLinked(%q, %q) = %v, want %v", tt.name, tt.principal, got, tt.want)
		}
	}
}

// checkOne runs Check on the two-account test stack with the trading
// account holding recorders and returns the error text ("" for none).
func checkOne(t *testing.T, createRecorder bool, recorders ...cstypes.ConfigurationRecorder) string {
	t.Helper()
	cfg := testConfig(t, byID, createRecorder, false, "")
	def := []cstypes.ConfigurationRecorder{recorder("default")}
	trading, analytics := &account{recorders: recorders}, &account{}
	if !createRecorder {
		analytics.recorders = def
	}
	fakes := map[string]*account{"trading": trading, "analytics": analytics}
	c := Checker{Clients: func(_ context.Context, _ string, n config.Network) (Clients, error) {
		a := fakes[n.Name]
		return Clients{Config: a, Sinks: a, Zones: a}, nil
	}}
	err := c.Check(context.Background(), cfg, []awsauth.Identity{{Network: "trading", Account: "111111111111"}, {Network: "analytics", Account: "222222222222"}})
	if err == nil {
		return ""
	}
	return err.Error()
}

// A service-linked recorder is neither a conflict for createRecorder nor a
// recorder the stack's rules could use without one.
func TestServiceLinkedRecordersInCheck(t *testing.T) {
	linked := cstypes.ConfigurationRecorder{Name: aws.String("SecurityHubRecorder"), ServicePrincipal: aws.String("securityhub.amazonaws.com")}
	linkedByName := recorder("AWSConfigurationRecorderForSecurityHub")
	for _, r := range []cstypes.ConfigurationRecorder{linked, linkedByName} {
		if got := checkOne(t, true, r); got != "" {
			t.Errorf("createRecorder with only service-linked recorder %s: %s", aws.ToString(r.Name), got)
		}
		want := "pre-flight check: account 111111111111 (network trading) has no AWS Config recorder, and peerctl:compliance.createRecorder is false, " +
			"so creating the Config rules would fail with NoAvailableConfigurationRecorderException; " +
			"set peerctl:compliance.createRecorder: true (the default) to create one; nothing was changed"
		if got := checkOne(t, false, r); got != want {
			t.Errorf("reusing a recorder where only service-linked %s exists:\n%s\nwant:\n%s", aws.ToString(r.Name), got, want)
		}
	}
	// A customer managed recorder next to a service-linked one still
	// conflicts.
	if got := checkOne(t, true, linked, recorder("default")); !strings.Contains(got, `already has AWS Config recorder "default" (Control Tower`) {
		t.Errorf("a customer managed recorder beside a service-linked one: %q", got)
	}
}

// The documented defaults (README, config): createRecorder true,
// crossAccount false. Plan must apply them when the flags are unset, both
// in a parsed configuration and in a Config built without them.
func TestUnsetFlagsTakeTheDocumentedDefaults(t *testing.T) {
	if !createsRecorder(&config.Config{}, config.AccountGroup{Networks: []config.Network{{Name: "trading"}}}) {
		t.Error("createRecorder unset: no recorder, want one (default true)")
	}
	if crossAccount(&config.Config{}) {
		t.Error("crossAccount unset: on, want off (default false)")
	}
	parsed, err := config.Parse(config.Raw{"peerctl:networks": byID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	unset := &config.Config{Environment: "dev", Networks: parsed.Networks}
	accounts := map[string]string{"trading": "111111111111", "analytics": "222222222222"}
	want := []string{
		"trading AWS Config recorder trading-config-recorder-dev", "trading AWS Config delivery channel trading-config-delivery-dev",
		"analytics AWS Config recorder analytics-config-recorder-dev", "analytics AWS Config delivery channel analytics-config-delivery-dev",
	}
	for name, cfg := range map[string]*config.Config{"parsed without the keys": parsed, "built without the flags": unset} {
		var got []string
		for _, o := range Plan(cfg, accounts) {
			got = append(got, fmt.Sprintf("%s %s %s", o.Group.Name(), o.Kind, o.Name))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Plan:\n  %s\nwant:\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

// A sink serves a dashboard across accounts; with every network in one
// account there is nothing to share, so no sink is planned or checked
// even with crossAccount on.
func TestNoSinkForASingleAccount(t *testing.T) {
	cfg := testConfig(t, byProfile, false, true, "")
	for _, tt := range []struct {
		name     string
		accounts map[string]string
		sink     bool
	}{
		{"one account", map[string]string{"trading": "333333333333", "analytics": "333333333333"}, false},
		{"two accounts", map[string]string{"trading": "111111111111", "analytics": "222222222222"}, true},
	} {
		var sinks []string
		for _, o := range Plan(cfg, tt.accounts) {
			if o.Kind == Sink {
				sinks = append(sinks, o.Group.Name()+" "+o.Name)
			}
		}
		if (len(sinks) > 0) != tt.sink {
			t.Errorf("%s: sinks planned %v, want a sink: %v", tt.name, sinks, tt.sink)
		}
		fakes := map[string]*account{"trading": {recorders: []cstypes.ConfigurationRecorder{recorder("default")}},
			"analytics": {recorders: []cstypes.ConfigurationRecorder{recorder("default")}}}
		c := Checker{Clients: func(_ context.Context, _ string, n config.Network) (Clients, error) {
			a := fakes[n.Name]
			return Clients{Config: a, Sinks: a, Zones: a}, nil
		}}
		ids := []awsauth.Identity{{Network: "trading", Account: tt.accounts["trading"]}, {Network: "analytics", Account: tt.accounts["analytics"]}}
		if err := c.Check(context.Background(), cfg, ids); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		listed := slices.Contains(fakes["trading"].calls, "ListSinks")
		if listed != tt.sink {
			t.Errorf("%s: ListSinks called: %v, want %v", tt.name, listed, tt.sink)
		}
	}
}

// mixedStack is a fresh trading account (us-east-1) peered with an
// existing VPC in another account and region, whose account may already
// record with its own AWS Config recorder (Control Tower): the stack of
// examples/existing-vpc. compliance is peerctl:compliance as written.
func mixedStack(t *testing.T, compliance string) *config.Config {
	t.Helper()
	raw := config.Raw{
		"peerctl:environment": "dev",
		"peerctl:networks": `[{"name":"trading","cidr":"10.0.0.0/16","costCenter":"trading","account":{"id":"111111111111","profile":"trading-dev"}},
			{"name":"legacy","cidr":"10.20.0.0/16","costCenter":"legacy","region":"eu-west-1","account":{"id":"222222222222","profile":"legacy"},
			 "existing":{"vpcId":"vpc-0a1b2c3d4e5f60718"}}]`,
		"peerctl:peerings": `[{"requester":"trading","accepter":"legacy"}]`,
	}
	if compliance != "" {
		raw["peerctl:compliance"] = compliance
	}
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The recorder choice is per account and region, as AWS allows one
// recorder and one delivery channel there (AWS Config API reference,
// PutConfigurationRecorder: "one customer managed configuration recorder
// per account per Region"): a group that creates its
// recorder must find none but ours, a group that reuses one must find one
// that is not ours. Messages written by hand.
func TestRecorderChoicePerGroup(t *testing.T) {
	controlTower := []cstypes.ConfigurationRecorder{recorder("aws-controltower-BaselineConfigRecorder")}
	tests := []struct {
		name       string
		compliance string
		trading    []cstypes.ConfigurationRecorder
		legacy     []cstypes.ConfigurationRecorder
		wantErr    string
	}{
		{name: "fresh trading creates, legacy reuses Control Tower's", compliance: `{"reuseRecorderOf": ["legacy"]}`, legacy: controlTower},
		{name: "a re-run finds trading's own recorder", compliance: `{"reuseRecorderOf": ["legacy"]}`,
			trading: []cstypes.ConfigurationRecorder{recorder("trading-config-recorder-dev")}, legacy: controlTower},
		{name: "without reuseRecorderOf, legacy's recorder conflicts", legacy: controlTower,
			wantErr: `pre-flight check: account 222222222222 (network legacy) already has AWS Config recorder "aws-controltower-BaselineConfigRecorder" ` +
				`(Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add legacy to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already); nothing was changed`},
		{name: "createRecorder false leaves the fresh account without one", compliance: `{"createRecorder": false}`, legacy: controlTower,
			wantErr: `pre-flight check: account 111111111111 (network trading) has no AWS Config recorder, and peerctl:compliance.createRecorder is false, ` +
				`so creating the Config rules would fail with NoAvailableConfigurationRecorderException; ` +
				`set peerctl:compliance.createRecorder: true (the default) to create one; nothing was changed`},
		{name: "the listed account has no recorder", compliance: `{"reuseRecorderOf": ["legacy"]}`,
			wantErr: `pre-flight check: account 222222222222 (network legacy) has no AWS Config recorder, and peerctl:compliance.reuseRecorderOf lists legacy, ` +
				`so creating the Config rules would fail with NoAvailableConfigurationRecorderException; ` +
				`remove legacy from peerctl:compliance.reuseRecorderOf to have peerctl create one; nothing was changed`},
		{name: "listing legacy would delete peerctl's own recorder there", compliance: `{"reuseRecorderOf": ["legacy"]}`,
			legacy: []cstypes.ConfigurationRecorder{recorder("legacy-config-recorder-dev")},
			wantErr: `pre-flight check: account 222222222222 (network legacy) has no AWS Config recorder but peerctl's own "legacy-config-recorder-dev", ` +
				`which listing legacy in peerctl:compliance.reuseRecorderOf would delete, leaving the Config rules nothing to evaluate; ` +
				`remove legacy from peerctl:compliance.reuseRecorderOf; nothing was changed`},
		{name: "the fresh account records already too", compliance: `{"reuseRecorderOf": ["legacy"]}`,
			trading: []cstypes.ConfigurationRecorder{recorder("default")}, legacy: controlTower,
			wantErr: `pre-flight check: account 111111111111 (network trading) already has AWS Config recorder "default" ` +
				`(Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add trading to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already); nothing was changed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mixedStack(t, tt.compliance)
			fakes := map[string]*account{"trading": {recorders: tt.trading}, "legacy": {recorders: tt.legacy}}
			legacyEC2 := healthyLegacy()
			c := Checker{Clients: func(_ context.Context, _ string, n config.Network) (Clients, error) {
				a := fakes[n.Name]
				return Clients{Config: a, Sinks: a, Zones: a, VPCs: legacyEC2, RouteTables: legacyEC2, FlowLogs: legacyEC2, Peerings: legacyEC2}, nil
			}}
			err := c.Check(context.Background(), cfg, []awsauth.Identity{
				{Network: "trading", Account: "111111111111"}, {Network: "legacy", Account: "222222222222"}})
			checkOutcome(t, err, tt.wantErr, tt.wantErr != "")
		})
	}
}

// Plan follows the same choice: a recorder and channel for the groups
// that create one only.
func TestPlanRecorderPerGroup(t *testing.T) {
	accounts := map[string]string{"trading": "111111111111", "legacy": "222222222222"}
	tests := []struct {
		compliance string
		want       []string
	}{
		{"", []string{
			"trading AWS Config recorder trading-config-recorder-dev", "trading AWS Config delivery channel trading-config-delivery-dev",
			"legacy AWS Config recorder legacy-config-recorder-dev", "legacy AWS Config delivery channel legacy-config-delivery-dev"}},
		{`{"reuseRecorderOf": ["legacy"]}`, []string{
			"trading AWS Config recorder trading-config-recorder-dev", "trading AWS Config delivery channel trading-config-delivery-dev"}},
		{`{"createRecorder": false}`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, o := range Plan(mixedStack(t, tt.compliance), accounts) {
			got = append(got, fmt.Sprintf("%s %s %s", o.Group.Name(), o.Kind, o.Name))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("compliance %s: Plan:\n  %s\nwant:\n  %s", tt.compliance, strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
		}
	}
}

// Groups are the accounts the credentials resolve to: two profiles into
// one account and region make one group, which reuses its recorder when
// either network is listed; the message names the listed one.
func TestReuseRecorderOfFollowsResolvedAccounts(t *testing.T) {
	raw := config.Raw{
		"peerctl:environment": "dev",
		"peerctl:networks":    byProfile,
		"peerctl:compliance":  `{"reuseRecorderOf": ["analytics"]}`,
	}
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	shared := &account{}
	c := Checker{Clients: func(_ context.Context, _ string, n config.Network) (Clients, error) {
		return Clients{Config: shared, Sinks: shared, Zones: shared}, nil
	}}
	ids := []awsauth.Identity{{Network: "trading", Account: "333333333333"}, {Network: "analytics", Account: "333333333333"}}
	err = c.Check(context.Background(), cfg, ids)
	want := `pre-flight check: account 333333333333 (networks trading, analytics) has no AWS Config recorder, and peerctl:compliance.reuseRecorderOf lists analytics, ` +
		`so creating the Config rules would fail with NoAvailableConfigurationRecorderException; ` +
		`remove analytics from peerctl:compliance.reuseRecorderOf to have peerctl create one; nothing was changed`
	checkOutcome(t, err, want, true)
	if owned := Plan(cfg, map[string]string{"trading": "333333333333", "analytics": "333333333333"}); len(owned) != 0 {
		t.Errorf("Plan = %v, want no recorder for the shared account", owned)
	}
}
