package awsauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/config"
)

// stsServer answers STS query-protocol requests in memory. Each action maps
// to a queue of canned responses; the last one repeats.
type stsServer struct {
	mu        sync.Mutex
	responses map[string][]cannedResponse
	calls     []string
	forms     []url.Values
}

type cannedResponse struct {
	status int
	body   string
}

func (s *stsServer) Do(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, action)
	s.forms = append(s.forms, form)
	queue := s.responses[action]
	if len(queue) == 0 {
		return nil, errors.New("unexpected STS action " + action)
	}
	resp := queue[0]
	if len(queue) > 1 {
		s.responses[action] = queue[1:]
	}
	return &http.Response{
		StatusCode: resp.status,
		Header:     http.Header{"Content-Type": {"text/xml"}},
		Body:       io.NopCloser(strings.NewReader(resp.body)),
		Request:    r,
	}, nil
}

func identityXML(account string) cannedResponse {
	return cannedResponse{200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::` + account + `:user/deployer</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>` + account + `</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`}
}

func stsError(status int, code, message string) cannedResponse {
	return cannedResponse{status, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>` + code + `</Code><Message>` + message + `</Message></Error>
  <RequestId>r-err</RequestId>
</ErrorResponse>`}
}

func assumeRoleXML(account string) cannedResponse {
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	return cannedResponse{200, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAROLE</AccessKeyId>
      <SecretAccessKey>secret</SecretAccessKey>
      <SessionToken>token</SessionToken>
      <Expiration>` + exp + `</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROA:peerctl</AssumedRoleId>
      <Arn>arn:aws:sts::` + account + `:assumed-role/deployer/peerctl</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata>
</AssumeRoleResponse>`}
}

// isolateAWSEnv points the SDK at empty shared files and turns off instance
// metadata, so nothing on the test machine (or the network) is consulted.
func isolateAWSEnv(t *testing.T, sharedConfig string) {
	t.Helper()
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	if err := os.WriteFile(cfgFile, []byte(sharedConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	credFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(credFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":                        cfgFile,
		"AWS_SHARED_CREDENTIALS_FILE":            credFile,
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_ACCESS_KEY_ID":                      "",
		"AWS_SECRET_ACCESS_KEY":                  "",
		"AWS_SESSION_TOKEN":                      "",
		"AWS_PROFILE":                            "",
		"AWS_DEFAULT_PROFILE":                    "",
		"AWS_ROLE_ARN":                           "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_REGION":                             "",
		"AWS_CA_BUNDLE":                          "",
	} {
		t.Setenv(k, v)
	}
}

const sharedConfig = `[profile trading]
aws_access_key_id = AKIATRADING
aws_secret_access_key = secret

[profile analytics]
aws_access_key_id = AKIAANALYTICS
aws_secret_access_key = secret
`

func fastRetryer() aws.Retryer {
	return NewRetryer(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}

func twoNetworks(trading, analytics config.Account) *config.Config {
	nets := config.DefaultNetworks()
	nets[0].Account = trading
	nets[1].Account = analytics
	return &config.Config{Region: "us-east-1", Networks: nets, Peerings: config.DefaultPeerings()}
}

func TestCheckWithRealLoader(t *testing.T) {
	tests := []struct {
		name      string
		trading   config.Account
		analytics config.Account
		sts       map[string][]cannedResponse
		env       map[string]string
		// wantAssume are parameters the AssumeRole request must carry.
		wantAssume map[string]string
		// wantErr lists substrings of the error; empty means success.
		wantErr  []string
		notInErr []string
		wantIDs  []string
	}{
		{
			name:      "both profiles reach the expected accounts",
			trading:   config.Account{ID: "111111111111", Profile: "trading"},
			analytics: config.Account{ID: "222222222222", Profile: "analytics"},
			sts: map[string][]cannedResponse{
				"GetCallerIdentity": {identityXML("111111111111"), identityXML("222222222222")},
			},
			wantIDs: []string{"111111111111", "222222222222"},
		},
		{
			name:      "missing profile names the network and profile",
			trading:   config.Account{Profile: "trading"},
			analytics: config.Account{Profile: "analytics-prod"},
			sts:       map[string][]cannedResponse{"GetCallerIdentity": {identityXML("111111111111")}},
			wantErr: []string{`network "analytics" (profile analytics-prod)`,
				`profile "analytics-prod" is not in the shared config`},
			notInErr: []string{`network "trading"`},
		},
		{
			name:      "wrong account is reported with both ids",
			trading:   config.Account{ID: "111111111111", Profile: "trading"},
			analytics: config.Account{ID: "222222222222", Profile: "analytics"},
			sts: map[string][]cannedResponse{
				"GetCallerIdentity": {identityXML("111111111111"), identityXML("111111111111")},
			},
			wantErr: []string{`network "analytics" (profile analytics)`,
				"credentials are for account 111111111111", "account.id says 222222222222"},
		},
		{
			name:      "assume role denied names the role",
			trading:   config.Account{Profile: "trading"},
			analytics: config.Account{RoleARN: "arn:aws:iam::222222222222:role/peerctl-deployer", ExternalID: "ext-1"},
			env:       map[string]string{"AWS_ACCESS_KEY_ID": "AKIABASE", "AWS_SECRET_ACCESS_KEY": "secret"},
			sts: map[string][]cannedResponse{
				"GetCallerIdentity": {identityXML("111111111111")},
				"AssumeRole":        {stsError(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole")},
			},
			wantErr: []string{`network "analytics" (role arn:aws:iam::222222222222:role/peerctl-deployer)`,
				"cannot assume role arn:aws:iam::222222222222:role/peerctl-deployer", "trust policy"},
			wantAssume: map[string]string{"RoleSessionName": "peerctl-analytics", "ExternalId": "ext-1",
				"RoleArn": "arn:aws:iam::222222222222:role/peerctl-deployer"},
		},
		{
			name:      "assumed role in the role's account passes",
			trading:   config.Account{Profile: "trading"},
			analytics: config.Account{RoleARN: "arn:aws:iam::222222222222:role/peerctl-deployer"},
			env:       map[string]string{"AWS_ACCESS_KEY_ID": "AKIABASE", "AWS_SECRET_ACCESS_KEY": "secret"},
			sts: map[string][]cannedResponse{
				"GetCallerIdentity": {identityXML("111111111111"), identityXML("222222222222")},
				"AssumeRole":        {assumeRoleXML("222222222222")},
			},
			wantIDs: []string{"111111111111", "222222222222"},
		},
		{
			name:      "expired token",
			trading:   config.Account{Profile: "trading"},
			analytics: config.Account{Profile: "analytics"},
			sts: map[string][]cannedResponse{
				"GetCallerIdentity": {identityXML("111111111111"), stsError(403, "ExpiredToken", "The security token included in the request is expired")},
			},
			wantErr: []string{`network "analytics"`, "expired", "aws sso login --profile analytics"},
		},
		{
			name:      "default chain without credentials",
			trading:   config.Account{},
			analytics: config.Account{Profile: "analytics"},
			sts:       map[string][]cannedResponse{"GetCallerIdentity": {identityXML("222222222222")}},
			wantErr:   []string{`network "trading" (default credentials)`, "no AWS credentials found"},
		},
		{
			name:      "role without base credentials",
			trading:   config.Account{Profile: "trading"},
			analytics: config.Account{RoleARN: "arn:aws:iam::222222222222:role/peerctl-deployer"},
			sts:       map[string][]cannedResponse{"GetCallerIdentity": {identityXML("111111111111")}},
			wantErr:   []string{`network "analytics" (role arn:aws:iam::222222222222:role/peerctl-deployer)`, "no base credentials to assume role"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateAWSEnv(t, sharedConfig)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			server := &stsServer{responses: tt.sts}
			loader := Loader{HTTPClient: server, Retryer: fastRetryer}
			checker := Checker{Load: loader.Load, STS: func(c aws.Config) CallerIdentityAPI { return sts.NewFromConfig(c) }}
			ids, err := checker.Check(context.Background(), twoNetworks(tt.trading, tt.analytics))
			for k, want := range tt.wantAssume {
				got := ""
				for i, c := range server.calls {
					if c == "AssumeRole" {
						got = server.forms[i].Get(k)
					}
				}
				if got != want {
					t.Errorf("AssumeRole %s = %q, want %q", k, got, want)
				}
			}
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				var got []string
				for _, id := range ids {
					got = append(got, id.Account)
				}
				if strings.Join(got, ",") != strings.Join(tt.wantIDs, ",") {
					t.Errorf("accounts = %v, want %v", got, tt.wantIDs)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check succeeded, want error with %q", tt.wantErr)
			}
			if !errors.Is(err, ErrCredentials) {
				t.Errorf("errors.Is(err, ErrCredentials) = false for %v", err)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not contain %q", err, want)
				}
			}
			for _, not := range tt.notInErr {
				if strings.Contains(err.Error(), not) {
					t.Errorf("error %q\nshould not mention %q", err, not)
				}
			}
		})
	}
}

func TestRetryerRetriesThrottling(t *testing.T) {
	tests := []struct {
		name      string
		responses []cannedResponse
		wantCalls int
		wantCode  string
	}{
		{
			name: "throttled twice then answered",
			responses: []cannedResponse{
				stsError(400, "Throttling", "Rate exceeded"),
				stsError(400, "Throttling", "Rate exceeded"),
				identityXML("111111111111"),
			},
			wantCalls: 3,
		},
		{
			name:      "throttled on every attempt gives up after MaxAttempts",
			responses: []cannedResponse{stsError(400, "Throttling", "Rate exceeded")},
			wantCalls: MaxAttempts,
			wantCode:  "Throttling",
		},
		{
			name:      "access denied is not retried",
			responses: []cannedResponse{stsError(403, "AccessDenied", "no")},
			wantCalls: 1,
			wantCode:  "AccessDenied",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateAWSEnv(t, sharedConfig)
			server := &stsServer{responses: map[string][]cannedResponse{"GetCallerIdentity": tt.responses}}
			cfg, err := Loader{HTTPClient: server, Retryer: fastRetryer}.Load(context.Background(), "us-east-1", config.Network{Name: "trading", Account: config.Account{Profile: "trading"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if len(server.calls) != tt.wantCalls {
				t.Errorf("STS was called %d times, want %d", len(server.calls), tt.wantCalls)
			}
			var apiErr smithy.APIError
			switch {
			case tt.wantCode == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantCode != "" && !errors.As(err, &apiErr):
				t.Fatalf("error %v is not an APIError", err)
			case tt.wantCode != "" && apiErr.ErrorCode() != tt.wantCode:
				t.Errorf("error code %q, want %q", apiErr.ErrorCode(), tt.wantCode)
			}
		})
	}
}

func TestNewRetryerMaxAttempts(t *testing.T) {
	if got := NewRetryer().MaxAttempts(); got != MaxAttempts {
		t.Errorf("MaxAttempts() = %d, want %d", got, MaxAttempts)
	}
}
