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
	if !createRecorder(&config.Config{}) {
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
