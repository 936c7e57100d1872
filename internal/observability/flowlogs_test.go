package observability_test

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/peerctl/peerctl/internal/flowfilter"
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/names"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

var (
	accountOf = map[string]string{"trading": "111111111111", "analytics": "222222222222"}
	networks  = []string{"trading", "analytics"}
)

// The S3 flow log and its bucket, in dev and prod: every bucket setting
// the design and AWS-NOTES ask for, and what differs between environments.
func TestFlowLogToS3(t *testing.T) {
	tests := []struct {
		env          string
		retention    int
		forceDestroy bool
		versioning   bool
		transitions  []string
		// sse: SSE-S3 in dev; prod's account log key (SSE-KMS) by default
		sse string
	}{
		{"dev", 30, true, false, nil, "AES256"},
		{"prod", 365, false, true, []string{"30:STANDARD_IA", "90:GLACIER_IR"}, "aws:kms"},
	}
	for _, tt := range tests {
		p := obstest.Build(t, obstest.TwoAccounts(), tt.env)
		for _, n := range networks {
			t.Run(tt.env+"/"+n, func(t *testing.T) {
				comp := p.Must(t, observability.FlowLogsType, n+"-flow-logs")
				bucketComp := p.Must(t, observability.LogBucketType, n+"-flow-logs-bucket")
				if comp.Account != n || bucketComp.Parent != comp.URN || bucketComp.Account != n {
					t.Errorf("components: flow logs in %q, bucket component parent %s in %q", comp.Account, bucketComp.Parent, bucketComp.Account)
				}
				name := fmt.Sprintf("%s-flows-%s-use1-%s", n, tt.env, accountOf[n])
				bucket := p.Must(t, obstest.BucketType, n+"-flow-logs-bucket")
				if obstest.Str(bucket.Inputs["bucket"]) != name || bucket.Inputs["forceDestroy"] != tt.forceDestroy {
					t.Errorf("bucket %v forceDestroy %v, want %s %v", bucket.Inputs["bucket"], bucket.Inputs["forceDestroy"], name, tt.forceDestroy)
				}
				if got := obstest.Tags(bucket)["Name"]; got != fmt.Sprintf("%s-flow-logs-%s", n, tt.env) {
					t.Errorf("bucket Name tag = %v", got)
				}
				for _, inline := range []string{"policy", "acl", "lifecycleRules", "serverSideEncryptionConfigurations", "versionings"} {
					if bucket.Inputs[inline] != nil {
						t.Errorf("bucket sets deprecated inline %s", inline)
					}
				}
				checkBucketHardening(t, p, n+"-flow-logs-bucket", bucket, tt.sse)
				lc := p.Must(t, obstest.LifecycleType, n+"-flow-logs-bucket-lifecycle")
				rule := obstest.Obj(lc.Inputs["rules"].([]any)[0])
				if obstest.Num(obstest.Obj(rule["expiration"])["days"]) != float64(tt.retention) || rule["status"] != "Enabled" {
					t.Errorf("lifecycle rule = %v, want expiration after %d days", rule, tt.retention)
				}
				var transitions []string
				for _, tr := range obstest.List(rule["transitions"]) {
					m := obstest.Obj(tr)
					transitions = append(transitions, fmt.Sprintf("%v:%v", m["days"], m["storageClass"]))
				}
				if !slices.Equal(transitions, tt.transitions) {
					t.Errorf("transitions = %v, want %v", transitions, tt.transitions)
				}
				rules := lc.Inputs["rules"].([]any)
				if tt.versioning {
					markers := obstest.Obj(obstest.Obj(rules[len(rules)-1])["expiration"])
					if len(rules) != 2 || markers["expiredObjectDeleteMarker"] != true || markers["days"] != nil {
						t.Errorf("a versioned bucket needs a second rule removing expired delete markers, got %v", rules)
					}
				} else if len(rules) != 1 {
					t.Errorf("lifecycle rules = %v, want one", rules)
				}
				// Without forceDestroy, destroy keeps the bucket and every
				// setting protecting it (not a bare bucket full of logs).
				kept := 0
				for _, r := range p.Resources {
					if r.Parent == bucketComp.URN {
						kept++
						if r.RetainOnDelete != !tt.forceDestroy {
							t.Errorf("%s retainOnDelete = %v, want %v", r.Name, r.RetainOnDelete, !tt.forceDestroy)
						}
					}
				}
				if kept < 6 {
					t.Errorf("only %d resources under the bucket component", kept)
				}
				_, versioned := p.Named(obstest.VersioningType, n+"-flow-logs-bucket-versioning")
				if versioned != tt.versioning || (rule["noncurrentVersionExpiration"] != nil) != tt.versioning {
					t.Errorf("versioning %v (noncurrent expiration %v), want %v", versioned, rule["noncurrentVersionExpiration"], tt.versioning)
				}

				fl := p.Must(t, obstest.FlowLogType, n+"-flow-logs-s3")
				vpc := p.Must(t, obstest.VpcType, n+"-vpc")
				opts := obstest.Obj(fl.Inputs["destinationOptions"])
				switch {
				case obstest.Str(fl.Inputs["vpcId"]) != vpc.ID || obstest.Str(fl.Inputs["trafficType"]) != "ALL":
					t.Errorf("flow log vpc %v traffic %v", fl.Inputs["vpcId"], fl.Inputs["trafficType"])
				case obstest.Str(fl.Inputs["logDestinationType"]) != "s3" || obstest.Str(fl.Inputs["logDestination"]) != "arn:aws:s3:::"+name:
					t.Errorf("flow log destination %v %v", fl.Inputs["logDestinationType"], fl.Inputs["logDestination"])
				case opts["fileFormat"] != "parquet" || opts["hiveCompatiblePartitions"] != true || opts["perHourPartition"] != true:
					t.Errorf("destination options = %v", opts)
				case obstest.Num(fl.Inputs["maxAggregationInterval"]) != 60:
					t.Errorf("maxAggregationInterval = %v", fl.Inputs["maxAggregationInterval"])
				case fl.Inputs["iamRoleArn"] != nil || fl.Inputs["deliverLogsPermissionArn"] != nil || fl.Inputs["deliverCrossAccountRole"] != nil:
					t.Errorf("an S3 flow log must not use a role: %v", fl.Inputs)
				case obstest.Str(fl.Inputs["logFormat"]) != flowfilter.LogFormat(flowfilter.S3Fields):
					t.Errorf("S3 log format = %v", fl.Inputs["logFormat"])
				}
				policy := p.Must(t, obstest.BucketPolicyType, n+"-flow-logs-bucket-policy")
				if !obstest.DependsOn(fl, policy.URN) {
					t.Errorf("the S3 flow log does not depend on the bucket policy %s (depends on %v)", policy.URN, fl.DependsOn)
				}
				if fl.Provider != p.Provider(n) || fl.Account != n || fl.Parent != comp.URN {
					t.Errorf("flow log provider %s account %s parent %s", fl.Provider, fl.Account, fl.Parent)
				}
			})
		}
	}
}

// checkBucketHardening checks what every log bucket has: all public access
// blocked, ACLs off, default encryption, and a TLS-only policy that waits
// for the public access block.
func checkBucketHardening(t *testing.T, p *obstest.Plan, name string, bucket plan.Resource, sse string) {
	t.Helper()
	pab := p.Must(t, obstest.PABType, name+"-public-access-block")
	for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab.Inputs[f] != true {
			t.Errorf("%s: %s = %v", pab.Name, f, pab.Inputs[f])
		}
	}
	own := p.Must(t, obstest.OwnershipType, name+"-ownership")
	if obstest.Obj(own.Inputs["rule"])["objectOwnership"] != "BucketOwnerEnforced" {
		t.Errorf("%s: ownership %v", own.Name, own.Inputs["rule"])
	}
	enc := p.Must(t, obstest.EncryptionType, name+"-encryption")
	byDefault := obstest.Obj(obstest.Obj(enc.Inputs["rules"].([]any)[0])["applyServerSideEncryptionByDefault"])
	if byDefault["sseAlgorithm"] != sse {
		t.Errorf("%s: encryption %v, want %s", enc.Name, byDefault, sse)
	}
	policy := p.Must(t, obstest.BucketPolicyType, name+"-policy")
	for _, r := range []plan.Resource{pab, own, enc, policy} {
		if obstest.Str(r.Inputs["bucket"]) != bucket.ID || r.Parent != bucket.Parent || r.Provider != bucket.Provider {
			t.Errorf("%s: bucket %v parent %s, want %s under %s", r.Name, r.Inputs["bucket"], r.Parent, bucket.ID, bucket.Parent)
		}
	}
	if !obstest.DependsOn(policy, pab.URN) {
		t.Errorf("%s does not wait for the public access block", policy.Name)
	}
	doc := policyOf(t, p, policy)
	deny := doc.Statement[0]
	arn := "arn:aws:s3:::" + obstest.Str(bucket.Inputs["bucket"])
	if deny.Effect != "Deny" || !deny.Principal.Anyone || !slices.Equal(deny.Action, []string{"s3:*"}) ||
		!slices.Equal(deny.Resource, []string{arn, arn + "/*"}) ||
		!slices.Equal(deny.ConditionValues("Bool", "aws:SecureTransport"), []string{"false"}) {
		t.Errorf("%s: first statement is not the TLS-only deny: %+v", policy.Name, deny)
	}
}

func TestFlowLogBucketPolicyGrantsLogDelivery(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts(), "dev")
	for _, n := range networks {
		acct := accountOf[n]
		doc := policyOf(t, p, p.Must(t, obstest.BucketPolicyType, n+"-flow-logs-bucket-policy"))
		arn := fmt.Sprintf("arn:aws:s3:::%s-flows-dev-use1-%s", n, acct)
		source := fmt.Sprintf("arn:aws:logs:us-east-1:%s:*", acct)
		if len(doc.Statement) != 3 {
			t.Fatalf("%s bucket policy has %d statements, want deny + write + check", n, len(doc.Statement))
		}
		for _, s := range []struct {
			actions   []string
			resources []string
			acl       bool
		}{
			// Hive-compatible partitions put files under aws-account-id=<acct>.
			{[]string{"s3:PutObject"}, []string{arn + "/AWSLogs/" + acct + "/*", arn + "/AWSLogs/aws-account-id=" + acct + "/*"}, true},
			{[]string{"s3:GetBucketAcl", "s3:ListBucket"}, []string{arn}, false},
		} {
			st := doc.Statement[slices.IndexFunc(doc.Statement, func(x iamdoc.ParsedStatement) bool { return slices.Equal(x.Action, s.actions) })]
			if st.Effect != "Allow" || !slices.Equal(st.Principal.Service, []string{"delivery.logs.amazonaws.com"}) ||
				!slices.Equal(st.Resource, s.resources) ||
				!slices.Equal(st.ConditionValues("StringEquals", "aws:SourceAccount"), []string{acct}) ||
				!slices.Equal(st.ConditionValues("ArnLike", "aws:SourceArn"), []string{source}) {
				t.Errorf("%s: statement %s = %+v", n, st.Sid, st)
			}
			acl := st.ConditionValues("StringEquals", "s3:x-amz-acl")
			if s.acl != slices.Equal(acl, []string{"bucket-owner-full-control"}) {
				t.Errorf("%s: statement %s x-amz-acl condition %v", n, st.Sid, acl)
			}
		}
	}
}

func TestFlowLogToCloudWatch(t *testing.T) {
	tests := []struct {
		name      string
		extra     []string
		retention float64
		interval  float64
	}{
		{"defaults", nil, 7, 60},
		{"configured", []string{"peerctl:flowLogs: {cloudWatchRetentionDays: 30, maxAggregationInterval: 600}"}, 30, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, obstest.TwoAccounts(tt.extra...), "dev")
			for _, n := range networks {
				acct := accountOf[n]
				group := p.Must(t, obstest.LogGroupType, n+"-flow-logs-group")
				if obstest.Str(group.Inputs["name"]) != "/peerctl/dev/vpc-flow-logs/"+n || obstest.Num(group.Inputs["retentionInDays"]) != tt.retention ||
					obstest.Str(group.Inputs["logGroupClass"]) != "STANDARD" {
					t.Errorf("log group = %v", group.Inputs)
				}
				groupARN := fmt.Sprintf("arn:aws:logs:us-east-1:%s:log-group:/peerctl/dev/vpc-flow-logs/%s", acct, n)

				role := p.Must(t, obstest.RoleType, n+"-flow-logs-role")
				if want := n + "-vpc-flow-logs-dev-use1"; obstest.Str(role.Inputs["name"]) != want {
					t.Errorf("role name = %q, want %q (region code in the global name)", obstest.Str(role.Inputs["name"]), want)
				}
				trust := policyOf(t, p, role, "assumeRolePolicy").Statement
				if len(trust) != 1 || !slices.Equal(trust[0].Principal.Service, []string{"vpc-flow-logs.amazonaws.com"}) ||
					!slices.Equal(trust[0].ConditionValues("StringEquals", "aws:SourceAccount"), []string{acct}) ||
					!slices.Equal(trust[0].ConditionValues("ArnLike", "aws:SourceArn"), []string{"arn:aws:ec2:us-east-1:" + acct + ":vpc-flow-log/*"}) {
					t.Errorf("%s trust = %+v", role.Name, trust)
				}
				rp := p.Must(t, obstest.RolePolicyType, n+"-flow-logs-role-policy")
				perms := policyOf(t, p, rp).Statement
				if obstest.Str(rp.Inputs["role"]) != role.ID || len(perms) != 2 ||
					!slices.Equal(perms[0].Action, []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}) ||
					!slices.Equal(perms[0].Resource, []string{groupARN, groupARN + ":*"}) ||
					!slices.Equal(perms[1].Action, []string{"logs:DescribeLogGroups"}) ||
					!slices.Equal(perms[1].Resource, []string{fmt.Sprintf("arn:aws:logs:us-east-1:%s:log-group:*", acct)}) {
					t.Errorf("%s = %+v on role %v", rp.Name, perms, rp.Inputs["role"])
				}

				fl := p.Must(t, obstest.FlowLogType, n+"-flow-logs-cloudwatch")
				switch {
				case obstest.Str(fl.Inputs["logDestinationType"]) != "cloud-watch-logs" || obstest.Str(fl.Inputs["logDestination"]) != groupARN:
					t.Errorf("flow log destination %v %v", fl.Inputs["logDestinationType"], fl.Inputs["logDestination"])
				case obstest.Str(fl.Inputs["iamRoleArn"]) != fmt.Sprintf("arn:aws:iam::%s:role/%s-vpc-flow-logs-dev-use1", acct, n):
					t.Errorf("flow log role = %v", fl.Inputs["iamRoleArn"])
				case obstest.Str(fl.Inputs["trafficType"]) != "ALL" || obstest.Num(fl.Inputs["maxAggregationInterval"]) != tt.interval:
					t.Errorf("traffic %v interval %v", fl.Inputs["trafficType"], fl.Inputs["maxAggregationInterval"])
				case obstest.Str(fl.Inputs["logFormat"]) != "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}":
					t.Errorf("CloudWatch log format = %v", fl.Inputs["logFormat"])
				case !obstest.DependsOn(fl, rp.URN):
					t.Errorf("the CloudWatch flow log does not wait for its role's policy")
				}
				if s3 := p.Must(t, obstest.FlowLogType, n+"-flow-logs-s3"); obstest.Num(s3.Inputs["maxAggregationInterval"]) != tt.interval {
					t.Errorf("S3 flow log interval = %v", s3.Inputs["maxAggregationInterval"])
				}
			}
		})
	}
}

func TestFlowLogBucketWithKMSKey(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	// The key is in trading's account; config refuses one key for two accounts.
	p := obstest.Build(t, obstest.OneAccount("peerctl:flowLogs: {kmsKeyArn: \""+key+"\", forceDestroy: false}"), "dev")
	bucket := p.Must(t, obstest.BucketType, "trading-flow-logs-bucket")
	checkBucketHardening(t, p, "trading-flow-logs-bucket", bucket, "aws:kms")
	rule := obstest.Obj(p.Must(t, obstest.EncryptionType, "trading-flow-logs-bucket-encryption").Inputs["rules"].([]any)[0])
	if obstest.Obj(rule["applyServerSideEncryptionByDefault"])["kmsMasterKeyId"] != key || rule["bucketKeyEnabled"] != true {
		t.Errorf("SSE-KMS rule = %v", rule)
	}
	if bucket.Inputs["forceDestroy"] != false {
		t.Errorf("flowLogs.forceDestroy false is not honoured in dev: %v", bucket.Inputs["forceDestroy"])
	}
}

func TestTransitions(t *testing.T) {
	tests := []struct {
		retention int
		want      []observability.Transition
	}{
		{1, nil},
		{30, nil},
		{59, nil},
		{60, []observability.Transition{{Days: 30, StorageClass: "STANDARD_IA"}}},
		{179, []observability.Transition{{Days: 30, StorageClass: "STANDARD_IA"}}},
		{180, []observability.Transition{{Days: 30, StorageClass: "STANDARD_IA"}, {Days: 90, StorageClass: "GLACIER_IR"}}},
		{3650, []observability.Transition{{Days: 30, StorageClass: "STANDARD_IA"}, {Days: 90, StorageClass: "GLACIER_IR"}}},
	}
	for _, tt := range tests {
		if got := observability.Transitions(tt.retention); !slices.Equal(got, tt.want) {
			t.Errorf("Transitions(%d) = %v, want %v", tt.retention, got, tt.want)
		}
	}
}

// S3's lifecycle rules hold for every retention: STANDARD_IA no earlier than
// day 30, Glacier at least 30 days after IA, expiration after the last
// transition, and each class kept at least its minimum billed duration.
func TestTransitionsFollowS3Rules(t *testing.T) {
	minDays := map[string]int{"STANDARD_IA": 30, "GLACIER_IR": 90}
	rapid.Check(t, func(t *rapid.T) {
		retention := rapid.IntRange(1, 3650).Draw(t, "retention")
		ts := observability.Transitions(retention)
		for i, tr := range ts {
			if tr.StorageClass == "STANDARD_IA" && tr.Days < 30 {
				t.Fatalf("STANDARD_IA at day %d", tr.Days)
			}
			if i > 0 && tr.Days < ts[i-1].Days+30 {
				t.Fatalf("%s at day %d, less than 30 days after %s", tr.StorageClass, tr.Days, ts[i-1].StorageClass)
			}
			until := retention
			if i+1 < len(ts) {
				until = ts[i+1].Days
			}
			if until-tr.Days < minDays[tr.StorageClass] {
				t.Fatalf("retention %d: %s for %d days, less than its %d-day minimum", retention, tr.StorageClass, until-tr.Days, minDays[tr.StorageClass])
			}
		}
		if len(ts) > 0 && retention <= ts[len(ts)-1].Days {
			t.Fatalf("retention %d expires before the last transition", retention)
		}
	})
}

// Bucket names are valid S3 names for every environment suffix and network
// name that configuration accepts, and every account id.
func TestBucketNamesAreValidS3Names(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		env := rapid.StringMatching(`^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$`).Draw(t, "env")
		network := rapid.StringMatching(`^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$`).Draw(t, "network")
		account := rapid.StringMatching(`^[0-9]{12}$`).Draw(t, "account")
		region := rapid.SampledFrom(supportedRegions()).Draw(t, "region")
		// The generators must stay within what configuration accepts.
		other := "x" + network
		if len(other) > 20 {
			other = other[:19] + "x"
		}
		yaml := fmt.Sprintf("config:\n  peerctl:environment: %q\n  peerctl:region: %q\n  peerctl:networks:\n"+
			"    - {name: %q, cidr: 10.0.0.0/16, costCenter: c, account: {id: %q}}\n"+
			"    - {name: %q, cidr: 10.1.0.0/16, costCenter: c}\n"+
			"  peerctl:peerings: [{requester: %q, accepter: %q}]\n", env, region, network, account, other, network, other)
		if _, err := obstest.Parse(t, yaml, ""); err != nil {
			t.Fatalf("generated a configuration that is not valid: %v", err)
		}
		for _, name := range []string{
			names.FlowLogBucket(network, env, region, account),
			names.ConfigBucket(network, env, region, account),
		} {
			if problems := obstest.BucketNameProblems(name); len(problems) > 0 {
				t.Fatalf("bucket name %q: %v", name, problems)
			}
		}
	})
}

// The checker itself rejects what S3 rejects (so the property above can fail).
func TestBucketNameProblems(t *testing.T) {
	for name, bad := range map[string]bool{
		"trading-flow-logs-dev-111111111111": false,
		"ab":                                 true,
		"a" + string(make([]byte, 63)):       true,
		"Trading-logs":                       true,
		"-trading":                           true,
		"trading-":                           true,
		"a..b":                               true,
		"192.168.1.1":                        true,
		"xn--abc":                            true,
		"logs-s3alias":                       true,
		"under_score":                        true,
	} {
		if got := len(obstest.BucketNameProblems(name)) > 0; got != bad {
			t.Errorf("BucketNameProblems(%q) bad = %v, want %v", name, got, bad)
		}
	}
}
