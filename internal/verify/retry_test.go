package verify

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/peerctl/peerctl/internal/deploy/awsauth"
)

// ec2Server answers EC2 query requests with canned XML bodies, in order;
// the last one repeats.
type ec2Server struct {
	mu      sync.Mutex
	answers []cannedHTTP
	actions []string
}

type cannedHTTP struct {
	status int
	body   string
}

func (s *ec2Server) Do(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actions = append(s.actions, form.Get("Action"))
	a := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	return &http.Response{StatusCode: a.status, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: io.NopCloser(strings.NewReader(a.body)), Request: r}, nil
}

const throttled = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>`

const activePeering = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcPeeringConnectionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r-2</requestId>
  <vpcPeeringConnectionSet>
    <item>
      <vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId>
      <requesterVpcInfo><ownerId>111111111111</ownerId><vpcId>vpc-t</vpcId><cidrBlock>10.0.0.0/16</cidrBlock>
        <peeringOptions><allowDnsResolutionFromRemoteVpc>true</allowDnsResolutionFromRemoteVpc></peeringOptions></requesterVpcInfo>
      <accepterVpcInfo><ownerId>222222222222</ownerId><vpcId>vpc-a</vpcId><cidrBlock>10.1.0.0/16</cidrBlock>
        <peeringOptions><allowDnsResolutionFromRemoteVpc>true</allowDnsResolutionFromRemoteVpc></peeringOptions></accepterVpcInfo>
      <status><code>active</code><message>Active</message></status>
    </item>
  </vpcPeeringConnectionSet>
</DescribeVpcPeeringConnectionsResponse>`

// realEC2 is the real SDK client, with peerctl's retryer (backoff removed
// so the test is quick) and an in-memory HTTP answerer.
func realEC2(server *ec2Server) *ec2.Client {
	return ec2.New(ec2.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIATEST", "secret", ""),
		HTTPClient:  server,
		Retryer: awsauth.NewRetryer(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			o.RateLimiter = ratelimit.None
		}),
	})
}

func TestThrottlingIsRetriedByTheSDKRetryer(t *testing.T) {
	tests := []struct {
		name       string
		answers    []cannedHTTP
		wantCalls  int
		wantStatus Status
		wantDetail string
	}{
		{
			name:       "throttled three times, then answered",
			answers:    []cannedHTTP{{503, throttled}, {503, throttled}, {503, throttled}, {200, activePeering}},
			wantCalls:  4,
			wantStatus: Pass,
			wantDetail: "active",
		},
		{
			name:       "throttled beyond the attempts",
			answers:    []cannedHTTP{{503, throttled}},
			wantCalls:  awsauth.MaxAttempts,
			wantStatus: Fail,
			wantDetail: "still throttled after retries (RequestLimitExceeded)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			server := &ec2Server{answers: tt.answers}
			c := w.trading.clients()
			c.Peerings = realEC2(server)
			opts := w.options(false)
			opts.Clients["trading"] = c
			results := Run(context.Background(), opts)
			r, ok := findResult(results, CheckPeeringStatus, "pcx-1")
			if !ok {
				t.Fatalf("no peering status result:\n%s", dump(results))
			}
			if r.Status != tt.wantStatus || !strings.Contains(r.Detail, tt.wantDetail) {
				t.Errorf("peering status = %s %q, want %s %q", r.Status, r.Detail, tt.wantStatus, tt.wantDetail)
			}
			if got := len(server.actions); got != tt.wantCalls {
				t.Errorf("%d HTTP requests, want %d (%v)", got, tt.wantCalls, server.actions)
			}
			if server.actions[0] != "DescribeVpcPeeringConnections" {
				t.Errorf("action %q", server.actions[0])
			}
		})
	}
}
