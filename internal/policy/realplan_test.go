package policy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/peerctl/peerctl/internal/policy"
)

var (
	engineOnce sync.Once
	engine     *policy.Engine
	engineErr  error
)

// baselineEngine is the engine with the embedded baseline only, built once.
func baselineEngine(tb testing.TB) *policy.Engine {
	tb.Helper()
	engineOnce.Do(func() { engine, engineErr = policy.New(context.Background(), policy.Options{}) })
	if engineErr != nil {
		tb.Fatal(engineErr)
	}
	return engine
}

func evaluate(tb testing.TB, d doc) []policy.Finding {
	tb.Helper()
	fs, err := baselineEngine(tb).Evaluate(context.Background(), d)
	if err != nil {
		tb.Fatal(err)
	}
	return fs
}

func describe(fs []policy.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %s [%s] %s", f.Severity, f.Rule, f.Account, f.Message)
	}
	return b.String()
}

// TestRealPlans evaluates the plans of the repository's dev and prod stacks,
// which must have no finding at all.
func TestRealPlans(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			if fs := evaluate(t, completePlan(t, stack)); len(fs) > 0 {
				t.Errorf("findings on the %s plan:%s", stack, describe(fs))
			}
		})
	}
}

// completePlan is the real plan of a stack, with the observability resources
// the stack code builds.
func completePlan(tb testing.TB, stack string) doc {
	tb.Helper()
	return realPlan(tb, stack)
}

// first returns the first resource of type typ for which match holds (nil
// matches all), failing the test when there is none.
func first(tb testing.TB, d doc, typ string, match func(in map[string]any) bool) map[string]any {
	tb.Helper()
	for _, r := range ofType(d, typ) {
		if match == nil || match(inputs(r)) {
			return r
		}
	}
	tb.Fatalf("plan has no matching %s", typ)
	return nil
}

func drop(d doc, target map[string]any) {
	var keep []any
	for _, x := range resources(d) {
		if r, ok := x.(map[string]any); ok && r["urn"] == target["urn"] {
			continue
		}
		keep = append(keep, x)
	}
	d["resources"] = keep
}

// editPolicy decodes the JSON policy document at inputs[key], lets edit
// change its statements, and encodes it back.
func editPolicy(tb testing.TB, r map[string]any, key string, edit func(sts []any) []any) {
	tb.Helper()
	in := inputs(r)
	var pd map[string]any
	switch v := in[key].(type) {
	case string:
		if err := json.Unmarshal([]byte(v), &pd); err != nil {
			tb.Fatal(err)
		}
	case map[string]any:
		pd = v
	default:
		tb.Fatalf("%s has no policy document in %s", r["name"], key)
	}
	sts, ok := pd["Statement"].([]any)
	if !ok {
		sts = []any{pd["Statement"]}
	}
	pd["Statement"] = edit(sts)
	in[key] = mustJSON(pd)
}

func has(key string) func(map[string]any) bool {
	return func(in map[string]any) bool { _, ok := in[key]; return ok }
}

func equals(key string, v any) func(map[string]any) bool {
	return func(in map[string]any) bool { return in[key] == v }
}

const (
	vpcT        = "aws:ec2/vpc:Vpc"
	subnetT     = "aws:ec2/subnet:Subnet"
	defaultSGT  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	naclT       = "aws:ec2/networkAcl:NetworkAcl"
	ingressT    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	connT       = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	accepterT   = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
	optionsT    = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
	routeT      = "aws:ec2/route:Route"
	bucketT     = "aws:s3/bucketV2:BucketV2"
	pabT        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	sseT        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	bucketPolT  = "aws:s3/bucketPolicy:BucketPolicy"
	roleT       = "aws:iam/role:Role"
	rolePolicyT = "aws:iam/rolePolicy:RolePolicy"
	topicPolT   = "aws:sns/topicPolicy:TopicPolicy"
	flowLogT    = "aws:ec2/flowLog:FlowLog"
	alarmT      = "aws:cloudwatch/metricAlarm:MetricAlarm"
	providerT   = "pulumi:providers:aws"
)

// mutations break each baseline rule once in a complete plan. also lists
// other rules the same change rightly trips.
var mutations = []struct {
	rule   string
	also   []string
	mutate func(tb testing.TB, d doc)
}{
	{"NET-001", nil, func(tb testing.TB, d doc) {
		inputs(first(tb, d, ingressT, has("cidrIpv4")))["cidrIpv4"] = "0.0.0.0/0"
	}},
	{"NET-002", nil, func(tb testing.TB, d doc) { drop(d, first(tb, d, defaultSGT, nil)) }},
	{"NET-003", nil, func(tb testing.TB, d doc) {
		inputs(first(tb, d, defaultSGT, nil))["ingress"] = []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": true}}
	}},
	{"NET-004", nil, func(tb testing.TB, d doc) {
		v := first(tb, d, vpcT, nil)
		igw := map[string]any{"urn": "urn:igw", "type": "aws:ec2/internetGateway:InternetGateway", "name": "igw", "id": "igw-1",
			"account": v["account"], "provider": v["provider"], "inputs": map[string]any{"vpcId": v["id"]}}
		add(d, igw)
	}},
	{"NET-005", nil, func(tb testing.TB, d doc) {
		s := first(tb, d, subnetT, nil)
		nat := map[string]any{"urn": "urn:nat", "type": "aws:ec2/natGateway:NatGateway", "name": "nat", "id": "nat-1",
			"account": s["account"], "provider": s["provider"], "inputs": map[string]any{"subnetId": s["id"]}}
		add(d, nat)
	}},
	{"NET-006", nil, func(tb testing.TB, d doc) { inputs(first(tb, d, subnetT, nil))["mapPublicIpOnLaunch"] = true }},
	{"NET-007", nil, func(tb testing.TB, d doc) {
		in := inputs(first(tb, d, naclT, nil))
		rules, _ := in["ingress"].([]any)
		for i := range 20 {
			rules = append(rules, map[string]any{"ruleNo": 300 + i, "action": "deny", "protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlock": fmt.Sprintf("192.0.2.%d/32", i)})
		}
		in["ingress"] = rules
	}},
	{"PEER-001", nil, func(tb testing.TB, d doc) {
		inputs(first(tb, d, connT, nil))["requester"] = map[string]any{"allowRemoteVpcDnsResolution": true}
	}},
	{"PEER-002", nil, func(tb testing.TB, d doc) { drop(d, first(tb, d, optionsT, has("requester"))) }},
	{"PEER-003", nil, func(tb testing.TB, d doc) { drop(d, first(tb, d, optionsT, has("accepter"))) }},
	{"PEER-004", nil, func(tb testing.TB, d doc) { inputs(first(tb, d, vpcT, nil))["enableDnsHostnames"] = false }},
	{"PEER-005", nil, func(tb testing.TB, d doc) { drop(d, first(tb, d, routeT, has("vpcPeeringConnectionId"))) }},
	{"PEER-006", nil, func(tb testing.TB, d doc) { drop(d, first(tb, d, accepterT, nil)) }},
	{"S3-001", nil, func(tb testing.TB, d doc) { inputs(first(tb, d, pabT, nil))["restrictPublicBuckets"] = false }},
	{"S3-002", nil, func(tb testing.TB, d doc) { drop(d, first(tb, d, sseT, nil)) }},
	{"S3-003", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, bucketPolT, nil), "policy", func(sts []any) []any {
			var keep []any
			for _, s := range sts {
				if s.(map[string]any)["Effect"] != "Deny" {
					keep = append(keep, s)
				}
			}
			return keep
		})
	}},
	{"S3-004", nil, func(tb testing.TB, d doc) {
		// Renaming the bucket detaches its public access block, encryption
		// and policy, which name it.
		inputs(first(tb, d, bucketT, nil))["bucket"] = "Trading_Flow_Logs"
	} /* see also below */},
	{"S3-005", nil, func(tb testing.TB, d doc) {
		b := first(tb, d, bucketT, nil)
		dup := decodeDoc(b)
		dup["urn"], dup["name"] = fmt.Sprint(b["urn"], "-copy"), fmt.Sprint(b["name"], "-copy")
		add(d, dup)
	}},
	// The dev plan made prod: its log buckets also lack Object Lock
	// (S3-007), as a prod plan would without flowLogs settings.
	{"S3-006", []string{"TAG-002", "S3-007"}, func(tb testing.TB, d doc) {
		d["environment"] = "prod"
		inputs(first(tb, d, bucketT, nil))["forceDestroy"] = true
	}},
	{"S3-007", []string{"TAG-002", "S3-006"}, func(tb testing.TB, d doc) {
		d["environment"] = "prod"
		// The dev plan has no lock; the prod plan loses its flow-log locks.
		for _, lock := range ofType(d, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2") {
			if strings.Contains(fmt.Sprint(inputs(lock)["bucket"]), "-flows-") {
				drop(d, lock)
			}
		}
	}},
	{"IAM-001", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, rolePolicyT, nil), "policy", func(sts []any) []any {
			return append(sts, map[string]any{"Effect": "Allow", "Action": "logs:*", "Resource": "arn:aws:logs:us-east-1:111111111111:log-group:x"})
		})
	}},
	{"IAM-002", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, rolePolicyT, nil), "policy", func(sts []any) []any {
			return append(sts, map[string]any{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"})
		})
	}},
	{"IAM-003", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, roleT, nil), "assumeRolePolicy", func(sts []any) []any {
			sts[0].(map[string]any)["Principal"] = map[string]any{"AWS": "arn:aws:iam::333333333333:root"}
			return sts
		})
	}},
	{"IAM-004", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, roleT, nil), "assumeRolePolicy", func(sts []any) []any {
			delete(sts[0].(map[string]any), "Condition")
			return sts
		})
	}},
	{"IAM-005", nil, func(tb testing.TB, d doc) { inputs(first(tb, d, rolePolicyT, nil))["policy"] = "{not json" }},
	{"IAM-006", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, bucketPolT, nil), "policy", func(sts []any) []any {
			return append(sts, map[string]any{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"})
		})
	}},
	{"IAM-007", nil, func(tb testing.TB, d doc) {
		editPolicy(tb, first(tb, d, topicPolT, nil), "policy", func(sts []any) []any {
			delete(sts[0].(map[string]any), "Condition")
			return sts
		})
	}},
	{"TAG-001", nil, func(tb testing.TB, d doc) { delete(inputs(first(tb, d, providerT, nil)), "defaultTags") }},
	{"TAG-002", nil, func(tb testing.TB, d doc) {
		inputs(first(tb, d, vpcT, nil))["tags"] = map[string]any{"Name": "x", "Environment": "staging"}
	}},
	{"MON-001", nil, func(tb testing.TB, d doc) {
		v := first(tb, d, vpcT, nil)
		for _, f := range ofType(d, flowLogT) {
			if inputs(f)["vpcId"] == v["id"] {
				drop(d, f)
			}
		}
	}},
	{"MON-002", nil, func(tb testing.TB, d doc) { inputs(first(tb, d, flowLogT, nil))["maxAggregationInterval"] = 300 }},
	{"MON-003", nil, func(tb testing.TB, d doc) {
		inputs(first(tb, d, flowLogT, equals("logDestinationType", "s3")))["iamRoleArn"] = "arn:aws:iam::111111111111:role/x"
	}},
	{"MON-004", nil, func(tb testing.TB, d doc) {
		in := inputs(first(tb, d, alarmT, nil))
		in["namespace"], in["metricName"] = "AWS/VPC", "BytesIn"
	}},
}

func init() {
	// A renamed bucket loses what is attached to it by name.
	for i := range mutations {
		if mutations[i].rule == "S3-004" {
			mutations[i].also = []string{"S3-001", "S3-002", "S3-003"}
		}
	}
}

// TestMutations breaks each rule once in the complete dev and prod plans and
// checks that the rule, and nothing unexpected, reports it.
func TestMutations(t *testing.T) {
	covered := map[string]bool{}
	for _, stack := range []string{"dev", "prod"} {
		base := completePlan(t, stack)
		for _, m := range mutations {
			covered[m.rule] = true
			t.Run(stack+"/"+m.rule, func(t *testing.T) {
				d := decodeDoc(base)
				m.mutate(t, d)
				fs := evaluate(t, decodeDoc(d))
				allowed := map[string]bool{m.rule: true}
				for _, r := range m.also {
					allowed[r] = true
				}
				found := false
				for _, f := range fs {
					switch {
					case f.Rule == m.rule:
						found = true
					case !allowed[f.Rule]:
						t.Errorf("unexpected finding: %s %s %s", f.Severity, f.Rule, f.Message)
					}
				}
				if !found {
					t.Errorf("no %s finding; got:%s", m.rule, describe(fs))
				}
				t.Logf("findings:%s", describe(fs))
			})
		}
	}
	var missing []string
	for _, r := range baselineEngine(t).Rules() {
		if !covered[r.ID] {
			missing = append(missing, r.ID)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("rules without a mutation: %v", missing)
	}
}
