package preflight

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/oam"
	oamtypes "github.com/aws/aws-sdk-go-v2/service/oam/types"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
)

// account is a fake account: what AWS Config and OAM hold in it.
type account struct {
	recorders []cstypes.ConfigurationRecorder
	channels  []string
	// sinkPages are ListSinks pages of sink names.
	sinkPages [][]string
	// zones are what DescribeAvailabilityZones answers; nil means the six
	// regular AZs of us-east-1, all available.
	zones []ec2types.AvailabilityZone
	// fail makes an action return this error.
	fail  map[string]error
	calls []string
	// zoneCalls counts DescribeAvailabilityZones calls, kept apart from
	// calls so that the singleton checks' call lists stay readable.
	zoneCalls int
}

func (a *account) DescribeAvailabilityZones(_ context.Context, in *ec2.DescribeAvailabilityZonesInput, _ ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	a.zoneCalls++
	if err := a.fail["DescribeAvailabilityZones"]; err != nil {
		return nil, err
	}
	zones := a.zones
	if zones == nil {
		for i := 1; i <= 6; i++ {
			zones = append(zones, regularZone(fmt.Sprintf("use1-az%d", i), fmt.Sprintf("us-east-1%c", 'a'+i-1), ec2types.AvailabilityZoneStateAvailable))
		}
	}
	var out []ec2types.AvailabilityZone
	for _, z := range zones {
		// Like AWS: zones not opted in to only with AllAvailabilityZones.
		if z.OptInStatus == ec2types.AvailabilityZoneOptInStatusNotOptedIn && !aws.ToBool(in.AllAvailabilityZones) {
			continue
		}
		out = append(out, z)
	}
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: out}, nil
}

// regularZone is an Availability Zone (not a Local or Wavelength Zone).
func regularZone(id, name string, state ec2types.AvailabilityZoneState) ec2types.AvailabilityZone {
	return ec2types.AvailabilityZone{ZoneId: aws.String(id), ZoneName: aws.String(name), State: state,
		OptInStatus: ec2types.AvailabilityZoneOptInStatusOptInNotRequired, ZoneType: aws.String("availability-zone"), RegionName: aws.String("us-east-1")}
}

func (a *account) DescribeConfigurationRecorders(_ context.Context, _ *configservice.DescribeConfigurationRecordersInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error) {
	a.calls = append(a.calls, "DescribeConfigurationRecorders")
	if err := a.fail["DescribeConfigurationRecorders"]; err != nil {
		return nil, err
	}
	return &configservice.DescribeConfigurationRecordersOutput{ConfigurationRecorders: a.recorders}, nil
}

func (a *account) DescribeDeliveryChannels(_ context.Context, _ *configservice.DescribeDeliveryChannelsInput, _ ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error) {
	a.calls = append(a.calls, "DescribeDeliveryChannels")
	out := &configservice.DescribeDeliveryChannelsOutput{}
	for _, n := range a.channels {
		out.DeliveryChannels = append(out.DeliveryChannels, cstypes.DeliveryChannel{Name: aws.String(n)})
	}
	return out, nil
}

func (a *account) ListSinks(_ context.Context, in *oam.ListSinksInput, _ ...func(*oam.Options)) (*oam.ListSinksOutput, error) {
	a.calls = append(a.calls, "ListSinks")
	if err := a.fail["ListSinks"]; err != nil {
		return nil, err
	}
	page := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &page)
	}
	out := &oam.ListSinksOutput{Items: []oamtypes.ListSinksItem{}}
	if page < len(a.sinkPages) {
		for _, n := range a.sinkPages[page] {
			out.Items = append(out.Items, oamtypes.ListSinksItem{Name: aws.String(n), Arn: aws.String("arn:aws:oam:us-east-1:111111111111:sink/" + n)})
		}
	}
	if page+1 < len(a.sinkPages) {
		out.NextToken = aws.String(fmt.Sprint(page + 1))
	}
	return out, nil
}

func recorder(name string) cstypes.ConfigurationRecorder {
	return cstypes.ConfigurationRecorder{Name: aws.String(name)}
}

// networks of the test configurations: two accounts by id, or two
// profiles without ids.
const (
	byID = `[{"name":"trading","cidr":"10.0.0.0/16","costCenter":"trading","account":{"id":"111111111111","profile":"trading-dev"}},
	         {"name":"analytics","cidr":"10.1.0.0/16","costCenter":"analytics","account":{"id":"222222222222","profile":"analytics-dev"}}]`
	byProfile = `[{"name":"trading","cidr":"10.0.0.0/16","costCenter":"trading","account":{"profile":"trading-dev"}},
	         {"name":"analytics","cidr":"10.1.0.0/16","costCenter":"analytics","account":{"profile":"analytics-dev"}}]`
)

func testConfig(t *testing.T, networks string, createRecorder, crossAccount bool, monitoring string) *config.Config {
	t.Helper()
	raw := config.Raw{
		"peerctl:environment": "dev",
		"peerctl:networks":    networks,
		"peerctl:compliance":  fmt.Sprintf(`{"createRecorder": %v}`, createRecorder),
		"peerctl:dashboard":   fmt.Sprintf(`{"crossAccount": %v, "monitoringNetwork": %q}`, crossAccount, monitoring),
	}
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestCheck(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform config:DescribeConfigurationRecorders"}
	tests := []struct {
		name           string
		networks       string
		createRecorder bool
		crossAccount   bool
		monitoring     string
		// resolved are the accounts the credentials check found (default: the ids).
		resolved  map[string]string
		trading   account
		analytics account
		// wantErr is the exact message; "" for no error.
		wantErr      string
		wantConflict bool
		// wantCalls are the calls per account, "trading analytics".
		wantCalls [2]string
	}{
		{
			name: "fresh accounts: nothing to say", createRecorder: true, crossAccount: true,
			wantCalls: [2]string{"DescribeConfigurationRecorders DescribeDeliveryChannels ListSinks", "DescribeConfigurationRecorders DescribeDeliveryChannels"},
		},
		{
			name: "a re-run finds its own recorder, channel and sink", createRecorder: true, crossAccount: true,
			trading: account{recorders: []cstypes.ConfigurationRecorder{recorder("trading-config-recorder-dev")},
				channels: []string{"trading-config-delivery-dev"}, sinkPages: [][]string{{"vpc-peering-dev"}}},
			analytics: account{recorders: []cstypes.ConfigurationRecorder{recorder("analytics-config-recorder-dev")},
				channels: []string{"analytics-config-delivery-dev"}},
		},
		{
			name: "createRecorder where Control Tower records", createRecorder: true,
			trading: account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}},
			wantErr: `pre-flight check: account 111111111111 (network trading) already has AWS Config recorder "default" (Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add trading to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already); nothing was changed`,
			wantConflict: true,
		},
		{
			name: "createRecorder where a recorder and channel exist", createRecorder: true,
			analytics: account{recorders: []cstypes.ConfigurationRecorder{recorder("aws-controltower-BaselineConfigRecorder")},
				channels: []string{"aws-controltower-BaselineConfigDeliveryChannel"}},
			wantErr: `pre-flight check: account 222222222222 (network analytics) already has AWS Config recorder "aws-controltower-BaselineConfigRecorder" ` +
				`and delivery channel "aws-controltower-BaselineConfigDeliveryChannel" (Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add analytics to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already); nothing was changed`,
			wantConflict: true,
		},
		{
			name: "another environment's recorder in the same account", createRecorder: true,
			trading: account{recorders: []cstypes.ConfigurationRecorder{recorder("trading-config-recorder-prod")}, channels: []string{"trading-config-delivery-prod"}},
			wantErr: `pre-flight check: account 111111111111 (network trading) already has AWS Config recorder "trading-config-recorder-prod" ` +
				`and delivery channel "trading-config-delivery-prod" (Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add trading to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already); nothing was changed`,
			wantConflict: true,
		},
		{
			name: "service-linked recorders do not count", createRecorder: true,
			trading: account{recorders: []cstypes.ConfigurationRecorder{{Name: aws.String("AWSConfigurationRecorderForSecurityHub"),
				ServicePrincipal: aws.String("securityhub.amazonaws.com")}}},
		},
		{
			name: "a stray delivery channel", createRecorder: true,
			trading: account{channels: []string{"default"}},
			wantErr: `pre-flight check: account 111111111111 (network trading) already has AWS Config delivery channel "default" but no recorder, ` +
				`and AWS allows one channel per account and region, so peerctl cannot create "trading-config-delivery-dev": ` +
				`delete that channel (aws configservice delete-delivery-channel --delivery-channel-name default --region us-east-1), ` +
				`or give it a recorder and add trading to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already); nothing was changed`,
			wantConflict: true,
		},
		{
			name:      "reusing the account's recorder",
			trading:   account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}, channels: []string{"default"}},
			analytics: account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}, channels: []string{"default"}},
		},
		{
			name:    "reusing a recorder that is not there",
			trading: account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}},
			wantErr: `pre-flight check: account 222222222222 (network analytics) has no AWS Config recorder, and peerctl:compliance.createRecorder is false, ` +
				`so creating the Config rules would fail with NoAvailableConfigurationRecorderException; ` +
				`set peerctl:compliance.createRecorder: true (the default) to create one; nothing was changed`,
			wantConflict: true,
		},
		{
			name:      "turning createRecorder off would delete the only recorder",
			trading:   account{recorders: []cstypes.ConfigurationRecorder{recorder("trading-config-recorder-dev")}},
			analytics: account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}},
			wantErr: `pre-flight check: account 111111111111 (network trading) has no AWS Config recorder but peerctl's own "trading-config-recorder-dev", ` +
				`which peerctl:compliance.createRecorder: false would delete, leaving the Config rules nothing to evaluate; ` +
				`keep peerctl:compliance.createRecorder: true; nothing was changed`,
			wantConflict: true,
		},
		{
			name: "the monitoring account already has a sink", createRecorder: true, crossAccount: true,
			trading: account{sinkPages: [][]string{{}, {"org-monitoring"}}},
			wantErr: `pre-flight check: account 111111111111 (network trading), the monitoring account, already has CloudWatch observability sink "org-monitoring" ` +
				`(another stack, or the organisation's monitoring account); AWS allows one per account and region, so peerctl cannot create "vpc-peering-dev": ` +
				`set peerctl:dashboard.crossAccount: false (the main dashboard then shows only its own account's networks), ` +
				`or make another account the monitoring one with peerctl:dashboard.monitoringNetwork; nothing was changed`,
			wantConflict: true,
			wantCalls:    [2]string{"DescribeConfigurationRecorders DescribeDeliveryChannels ListSinks ListSinks", "DescribeConfigurationRecorders DescribeDeliveryChannels"},
		},
		{
			name: "sinks do not matter without crossAccount", createRecorder: true,
			trading:   account{sinkPages: [][]string{{"org-monitoring"}}},
			wantCalls: [2]string{"DescribeConfigurationRecorders DescribeDeliveryChannels", "DescribeConfigurationRecorders DescribeDeliveryChannels"},
		},
		{
			name: "only the monitoring account's sinks matter", createRecorder: true, crossAccount: true, monitoring: "analytics",
			trading:   account{sinkPages: [][]string{{"org-monitoring"}}},
			analytics: account{sinkPages: [][]string{{"vpc-peering-dev"}}},
			wantCalls: [2]string{"DescribeConfigurationRecorders DescribeDeliveryChannels", "DescribeConfigurationRecorders DescribeDeliveryChannels ListSinks"},
		},
		{
			// Two profiles into one account are one account: one recorder,
			// named after the first network, checked once.
			name: "networks the configuration keeps apart share an account", networks: byProfile, createRecorder: true,
			resolved:  map[string]string{"trading": "333333333333", "analytics": "333333333333"},
			trading:   account{recorders: []cstypes.ConfigurationRecorder{recorder("trading-config-recorder-dev")}},
			wantCalls: [2]string{"DescribeConfigurationRecorders DescribeDeliveryChannels", ""},
		},
		{
			name: "every conflict at once", createRecorder: true,
			trading:   account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}},
			analytics: account{recorders: []cstypes.ConfigurationRecorder{recorder("default")}},
			wantErr: "pre-flight check (2 problems, nothing was changed):\n" +
				`  account 111111111111 (network trading) already has AWS Config recorder "default" (Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add trading to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already)` + "\n" +
				`  account 222222222222 (network analytics) already has AWS Config recorder "default" (Control Tower or another stack), and AWS allows one per account and region; ` +
				`to reuse it, add analytics to peerctl:compliance.reuseRecorderOf (or set peerctl:compliance.createRecorder: false if every account of the stack records already)`,
			wantConflict: true,
		},
		{
			name: "a denied describe call names the permission", createRecorder: true,
			trading: account{fail: map[string]error{"DescribeConfigurationRecorders": denied}},
			wantErr: "pre-flight check of account 111111111111 (network trading): access denied to config:DescribeConfigurationRecorders (AccessDeniedException); " +
				"the deploying credentials need it so that peerctl can check the account before changing it: " +
				"api error AccessDeniedException: not authorized to perform config:DescribeConfigurationRecorders",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			networks := tt.networks
			if networks == "" {
				networks = byID
			}
			cfg := testConfig(t, networks, tt.createRecorder, tt.crossAccount, tt.monitoring)
			var ids []awsauth.Identity
			for _, n := range cfg.Networks {
				acct := n.Account.ExpectedID()
				if a, ok := tt.resolved[n.Name]; ok {
					acct = a
				}
				ids = append(ids, awsauth.Identity{Network: n.Name, Account: acct})
			}
			accounts := map[string]*account{"trading": &tt.trading, "analytics": &tt.analytics}
			c := Checker{Clients: func(_ context.Context, region string, n config.Network) (Clients, error) {
				if region != "us-east-1" {
					t.Errorf("clients for region %q", region)
				}
				return Clients{Config: accounts[n.Name], Sinks: accounts[n.Name], Zones: accounts[n.Name]}, nil
			}}
			err := c.Check(context.Background(), cfg, ids)
			checkOutcome(t, err, tt.wantErr, tt.wantConflict)
			if tt.wantCalls != [2]string{} {
				got := [2]string{strings.Join(tt.trading.calls, " "), strings.Join(tt.analytics.calls, " ")}
				if got != tt.wantCalls {
					t.Errorf("calls = %q, want %q", got, tt.wantCalls)
				}
			}
		})
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name                         string
		createRecorder, crossAccount bool
		monitoring                   string
		want                         []string
	}{
		{name: "everything", createRecorder: true, crossAccount: true, monitoring: "analytics", want: []string{
			"trading AWS Config recorder trading-config-recorder-dev", "trading AWS Config delivery channel trading-config-delivery-dev",
			"analytics AWS Config recorder analytics-config-recorder-dev", "analytics AWS Config delivery channel analytics-config-delivery-dev",
			"analytics CloudWatch observability sink vpc-peering-dev",
		}},
		{name: "reusing recorders, no sink", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, byID, tt.createRecorder, tt.crossAccount, tt.monitoring)
			var got []string
			accounts := map[string]string{"trading": "111111111111", "analytics": "222222222222"}
			for _, o := range Plan(cfg, accounts) {
				got = append(got, fmt.Sprintf("%s %s %s", o.Group.Name(), o.Kind, o.Name))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Plan:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// checkOutcome compares a Check error with the expected message and what
// it must be to callers: a conflict is the configuration's to fix
// (config.ErrInvalid, exit 3); a failed call is any other failure (exit 1).
func checkOutcome(t *testing.T, err error, wantErr string, wantConflict bool) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case wantErr != "" && (err == nil || err.Error() != wantErr):
		t.Fatalf("err:\n%v\nwant:\n%s", err, wantErr)
	}
	if got := errors.Is(err, config.ErrInvalid); got != wantConflict {
		t.Errorf("errors.Is(err, config.ErrInvalid) = %v, want %v", got, wantConflict)
	}
	if got := errors.Is(err, ErrConflict); got != wantConflict {
		t.Errorf("errors.Is(err, ErrConflict) = %v, want %v", got, wantConflict)
	}
	wantCode := cmdutil.ExitOK
	switch {
	case wantConflict:
		wantCode = cmdutil.ExitConfig
	case err != nil:
		wantCode = cmdutil.ExitError
	}
	if got := cmdutil.ExitCode(err); got != wantCode {
		t.Errorf("exit status %d, want %d", got, wantCode)
	}
}
