package verify

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// fakeRuleResults is AWS Config's GetComplianceDetailsByConfigRule in one
// account: results by rule, filtered by compliance type and paged as AWS
// pages them (Limit at most 100, a NextToken while results remain).
type fakeRuleResults struct {
	byRule   map[string][]cstypes.EvaluationResult
	pageSize int32 // 0: the caller's Limit
	missing  map[string]bool

	mu    sync.Mutex
	calls []configservice.GetComplianceDetailsByConfigRuleInput
}

func (f *fakeRuleResults) GetComplianceDetailsByConfigRule(_ context.Context, in *configservice.GetComplianceDetailsByConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.GetComplianceDetailsByConfigRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, *in)
	rule := aws.ToString(in.ConfigRuleName)
	if in.Limit > 100 {
		return nil, apiError("InvalidLimitException", "limit must be at most 100")
	}
	for _, c := range in.ComplianceTypes {
		if c == cstypes.ComplianceTypeInsufficientData {
			return nil, apiError("InvalidParameterValueException", "INSUFFICIENT_DATA cannot be used to filter results")
		}
	}
	if f.missing[rule] {
		return nil, apiError("NoSuchConfigRuleException", "The ConfigRule '"+rule+"' provided in the request is invalid.")
	}
	var matching []cstypes.EvaluationResult
	for _, r := range f.byRule[rule] {
		if len(in.ComplianceTypes) == 0 || containsType(in.ComplianceTypes, r.ComplianceType) {
			matching = append(matching, r)
		}
	}
	start, _ := strconv.Atoi(aws.ToString(in.NextToken))
	size := int(f.pageSize)
	if size == 0 {
		size = int(in.Limit)
	}
	if size == 0 {
		size = 10 // AWS's default page
	}
	end := min(start+size, len(matching))
	out := &configservice.GetComplianceDetailsByConfigRuleOutput{EvaluationResults: matching[start:end]}
	if end < len(matching) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func containsType(types []cstypes.ComplianceType, t cstypes.ComplianceType) bool {
	for _, c := range types {
		if c == t {
			return true
		}
	}
	return false
}

func (f *fakeRuleResults) add(rule, resourceType, id string, c cstypes.ComplianceType, annotation string) {
	if f.byRule == nil {
		f.byRule = map[string][]cstypes.EvaluationResult{}
	}
	r := cstypes.EvaluationResult{ComplianceType: c, EvaluationResultIdentifier: &cstypes.EvaluationResultIdentifier{
		EvaluationResultQualifier: &cstypes.EvaluationResultQualifier{
			ConfigRuleName: aws.String(rule), ResourceType: aws.String(resourceType), ResourceId: aws.String(id),
		}}}
	if annotation != "" {
		r.Annotation = aws.String(annotation)
	}
	f.byRule[rule] = append(f.byRule[rule], r)
}

const (
	compliant    = cstypes.ComplianceTypeCompliant
	nonCompliant = cstypes.ComplianceTypeNonCompliant
	notApplies   = cstypes.ComplianceTypeNotApplicable
)

// testState is an exported stack state as `pulumi stack export` writes it
// (trimmed to the fields read), for the trading network of newWorld: what
// the outputs name, plus what they do not (the adopted default security
// group and main route table, the Config bucket), plus entries that are not
// the stack's: a VPC only read (external), a replaced route table waiting
// for deletion, and a component.
const testState = `{
  "manifest": {"time": "2024-06-01T12:00:00Z"},
  "resources": [
    {"urn": "urn:pulumi:dev::peerctl::peerctl:network:Network::trading", "custom": false, "type": "peerctl:network:Network"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::trading-vpc", "custom": true, "id": "vpc-t", "type": "aws:ec2/vpc:Vpc"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/subnet:Subnet::trading-use1-az1", "custom": true, "id": "subnet-t1", "type": "aws:ec2/subnet:Subnet"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/subnet:Subnet::trading-use1-az2", "custom": true, "id": "subnet-t2", "type": "aws:ec2/subnet:Subnet"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/routeTable:RouteTable::trading-rt-1", "custom": true, "id": "rtb-t1", "type": "aws:ec2/routeTable:RouteTable"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/routeTable:RouteTable::trading-rt-old", "custom": true, "id": "rtb-told", "type": "aws:ec2/routeTable:RouteTable", "delete": true},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/defaultRouteTable:DefaultRouteTable::trading-main-rt", "custom": true, "id": "rtb-tmain", "type": "aws:ec2/defaultRouteTable:DefaultRouteTable"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/securityGroup:SecurityGroup::trading-app-sg", "custom": true, "id": "sg-t", "type": "aws:ec2/securityGroup:SecurityGroup"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/defaultSecurityGroup:DefaultSecurityGroup::trading-default-sg", "custom": true, "id": "sg-tdefault", "type": "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/defaultNetworkAcl:DefaultNetworkAcl::trading-default-nacl", "custom": true, "id": "acl-tdefault", "type": "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"},
    {"urn": "urn:pulumi:dev::peerctl::aws:s3/bucketV2:BucketV2::trading-compliance-bucket", "custom": true, "id": "trading-config-dev-111111111111", "type": "aws:s3/bucketV2:BucketV2"},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::shared-services", "custom": true, "id": "vpc-shared", "type": "aws:ec2/vpc:Vpc", "external": true},
    {"urn": "urn:pulumi:dev::peerctl::aws:ec2/vpcPeeringConnection:VpcPeeringConnection::trading-analytics", "custom": true, "id": "pcx-1", "type": "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"}
  ]
}`

func stateResources(t *testing.T) *StackResources {
	t.Helper()
	s, err := ResourcesFromState([]byte(testState))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ruleWorld is newWorld with per-resource Config results in both accounts.
func ruleWorld() (*world, *fakeRuleResults, *fakeRuleResults) {
	return newWorld(), &fakeRuleResults{}, &fakeRuleResults{}
}

func runRules(t *testing.T, w *world, trading, analytics *fakeRuleResults, resources *StackResources) []Result {
	t.Helper()
	opts := w.options(false)
	opts.Resources = resources
	for name, f := range map[string]*fakeRuleResults{"trading": trading, "analytics": analytics} {
		c := opts.Clients[name]
		c.RuleResults = f
		opts.Clients[name] = c
	}
	var out []Result
	for _, r := range Run(context.Background(), opts) {
		if r.Check == CheckConfigRules {
			out = append(out, r)
		}
	}
	return out
}

// healthyRules gives every rule of both accounts a COMPLIANT result on the
// stack's VPC, so that a test changes only what it is about.
func healthyRules(w *world, trading, analytics *fakeRuleResults) {
	for _, rule := range w.out.ConfigRuleNames["trading"] {
		trading.add(rule, "AWS::EC2::VPC", "vpc-t", compliant, "")
	}
	for _, rule := range w.out.ConfigRuleNames["analytics"] {
		analytics.add(rule, "AWS::EC2::VPC", "vpc-a", compliant, "")
	}
}

func TestConfigRulesJudgeTheStacksResources(t *testing.T) {
	const tags, dns = "peerctl-trading-tags", "peerctl-trading-dns"
	tests := []struct {
		name      string
		state     bool // the stack's resources from testState, else from the outputs
		mutate    func(w *world, trading, analytics *fakeRuleResults)
		want      []expect
		wantCount map[Status]int
	}{
		{
			name:  "the default VPC and another team's bucket are information; the stack passes",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.add(tags, "AWS::EC2::Subnet", "subnet-t1", compliant, "")
				trading.add(tags, "AWS::EC2::VPC", "vpc-0default", nonCompliant, "")
				trading.add(tags, "AWS::S3::Bucket", "other-team-logs", nonCompliant, "")
				trading.add(tags, "AWS::EC2::VPC", "vpc-0tagged", compliant, "")
			},
			want: []expect{
				{CheckConfigRules, "trading " + tags, Pass, "COMPLIANT: 2 of the stack's resources"},
				{CheckConfigRules, "trading " + tags + " (rest of account)", Info,
					"not the stack's resources, not counted: 2 NON_COMPLIANT (vpc-0default (AWS::EC2::VPC); other-team-logs (AWS::S3::Bucket)), 1 compliant or not applicable"},
			},
			wantCount: map[Status]int{Pass: 4, Info: 1},
		},
		{
			name:  "an adopted main route table without tags fails, with AWS's annotation",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.add(tags, "AWS::EC2::RouteTable", "rtb-tmain", nonCompliant, "Missing tag CostCenter")
			},
			want: []expect{{CheckConfigRules, "trading " + tags, Fail,
				"NON_COMPLIANT: rtb-tmain (AWS::EC2::RouteTable): Missing tag CostCenter"}},
			wantCount: map[Status]int{Pass: 3, Fail: 1},
		},
		{
			name: "from the outputs alone the main route table is not known as the stack's, and the result says so",
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.add(tags, "AWS::EC2::RouteTable", "rtb-tmain", nonCompliant, "")
			},
			want: []expect{
				{CheckConfigRules, "trading " + tags + " (rest of account)", Info, "1 NON_COMPLIANT (rtb-tmain (AWS::EC2::RouteTable))"},
				{CheckConfigRules, "trading " + tags + " (rest of account)", Info, "taken from the stack outputs, which do not name"},
			},
			wantCount: map[Status]int{Pass: 4, Info: 1},
		},
		{
			name:  "a rule with results only for other resources has not judged the stack yet",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.byRule[tags] = nil
				trading.add(tags, "AWS::EC2::VPC", "vpc-0default", compliant, "")
			},
			want: []expect{{CheckConfigRules, "trading " + tags, Wait,
				"no evaluation of the stack's resources yet (1 results for other resources of the account)"}},
			wantCount: map[Status]int{Pass: 3, Wait: 1},
		},
		{
			name:  "not applicable counts as judged",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.byRule[tags] = nil
				trading.add(tags, "AWS::EC2::SecurityGroup", "sg-t", notApplies, "")
			},
			want:      []expect{{CheckConfigRules, "trading " + tags, Pass, "COMPLIANT: 0 of the stack's resources, 1 not applicable"}},
			wantCount: map[Status]int{Pass: 4},
		},
		{
			name:  "a deleted rule fails",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.missing = map[string]bool{dns: true}
			},
			want:      []expect{{CheckConfigRules, "trading " + dns, Fail, "rule does not exist; run peerctl up"}},
			wantCount: map[Status]int{Pass: 3, Fail: 1},
		},
		{
			name:  "results on later pages are read",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.pageSize = 2
				for _, id := range []string{"vpc-0a", "vpc-0b", "vpc-0c", "vpc-0d", "vpc-0e", "vpc-0f"} {
					trading.add(tags, "AWS::EC2::VPC", id, nonCompliant, "")
				}
				trading.add(tags, "AWS::EC2::SecurityGroup", "sg-tdefault", nonCompliant, "")
			},
			want: []expect{
				{CheckConfigRules, "trading " + tags, Fail, "NON_COMPLIANT: sg-tdefault (AWS::EC2::SecurityGroup)"},
				{CheckConfigRules, "trading " + tags + " (rest of account)", Info,
					"6 NON_COMPLIANT (vpc-0a (AWS::EC2::VPC); vpc-0b (AWS::EC2::VPC); vpc-0c (AWS::EC2::VPC); vpc-0d (AWS::EC2::VPC); vpc-0e (AWS::EC2::VPC); and 1 more), 0 compliant"},
			},
			wantCount: map[Status]int{Pass: 3, Fail: 1, Info: 1},
		},
		{
			name:  "DNS rule: a side its owner reports off fails",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.add(dns, peeringConnectionType, pcx, nonCompliant, "")
				w.analytics.peerings[0].AccepterVpcInfo = &types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-a"),
					PeeringOptions: &types.VpcPeeringConnectionOptionsDescription{AllowDnsResolutionFromRemoteVpc: aws.Bool(false)}}
			},
			want: []expect{{CheckConfigRules, "trading " + dns, Fail,
				"NON_COMPLIANT: pcx-1 (AWS::EC2::VPCPeeringConnection): DNS resolution is off on the accepter side (as analytics's account reports it); run peerctl up"}},
			wantCount: map[Status]int{Pass: 3, Fail: 1},
		},
		{
			name:  "DNS rule: across accounts, NON_COMPLIANT while both owners report their side on is information",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				trading.byRule[dns] = nil
				trading.add(dns, peeringConnectionType, pcx, nonCompliant, "")
			},
			want: []expect{{CheckConfigRules, "trading " + dns + " pcx-1", Info,
				"NON_COMPLIANT in trading's account, but each owner reports DNS resolution on for its own side (peering-dns)"}},
			wantCount: map[Status]int{Pass: 3, Info: 1},
		},
		{
			name:  "DNS rule: in one account, NON_COMPLIANT while both sides are on waits for re-evaluation",
			state: true,
			mutate: func(w *world, trading, _ *fakeRuleResults) {
				w.cfg.Networks[1].Account = w.cfg.Networks[0].Account
				trading.byRule[dns] = nil
				trading.add(dns, peeringConnectionType, pcx, nonCompliant, "")
			},
			want:      []expect{{CheckConfigRules, "trading " + dns + " pcx-1", Wait, "re-evaluates the connection after the change is recorded"}},
			wantCount: map[Status]int{Pass: 3, Wait: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, trading, analytics := ruleWorld()
			healthyRules(w, trading, analytics)
			tt.mutate(w, trading, analytics)
			var resources *StackResources
			if tt.state {
				resources = stateResources(t)
				for _, id := range []string{"vpc-a", "pcx-1"} { // the analytics half of the state
					resources.add(map[string]string{"vpc-a": "AWS::EC2::VPC", "pcx-1": peeringConnectionType}[id], id)
				}
			}
			results := runRules(t, w, trading, analytics, resources)
			checkExpectations(t, results, tt.want)
			counts := map[Status]int{}
			for _, r := range results {
				counts[r.Status]++
			}
			for _, s := range []Status{Pass, Fail, Wait, Info, Skip} {
				if counts[s] != tt.wantCount[s] {
					t.Errorf("%d %s results, want %d:\n%s", counts[s], s, tt.wantCount[s], dump(results))
				}
			}
			for _, in := range trading.calls {
				if in.Limit < 1 || in.Limit > 100 {
					t.Errorf("Limit %d, want 1..100", in.Limit)
				}
			}
		})
	}
}

// TestInfoNeverFailsTheReport: the rest of the account is information, even
// with --strict.
func TestInfoNeverFailsTheReport(t *testing.T) {
	results := []Result{
		{Check: CheckConfigRules, Subject: "trading tags", Status: Pass, Detail: "COMPLIANT"},
		{Check: CheckConfigRules, Subject: "trading tags (rest of account)", Status: Info, Detail: "NON_COMPLIANT vpc-0default"},
	}
	for _, strict := range []bool{false, true} {
		if r := NewReport("dev", results, strict); !r.Passed {
			t.Errorf("strict=%v: an info result failed the report", strict)
		}
	}
	var b strings.Builder
	if err := NewReport("dev", results, false).WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "INFO") {
		t.Errorf("the table does not show the info row:\n%s", b.String())
	}
}
