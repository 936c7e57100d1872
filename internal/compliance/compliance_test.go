package compliance_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

var accountOf = map[string]string{"trading": "111111111111", "analytics": "222222222222"}

func policyOf(t *testing.T, r plan.Resource, key string) iamdoc.ParsedDocument {
	return obstest.Policy(t, r, key)
}

func statement(t *testing.T, d iamdoc.ParsedDocument, sid string) iamdoc.ParsedStatement {
	t.Helper()
	i := slices.IndexFunc(d.Statement, func(s iamdoc.ParsedStatement) bool { return s.Sid == sid })
	if i < 0 {
		t.Fatalf("no statement %s in %+v", sid, d)
	}
	return d.Statement[i]
}

// With createRecorder (the default), each account gets a recorder that
// records only what the rules need, its role, a hardened delivery bucket,
// the delivery channel and the recorder status, in that order, and the
// rules wait for recording to start.
func TestRecorderCreated(t *testing.T) {
	tests := []struct {
		env          string
		retention    float64
		forceDestroy bool
		versioning   bool
	}{
		{"dev", 30, true, false},
		{"prod", 365, false, true},
	}
	for _, tt := range tests {
		p := obstest.Build(t, obstest.TwoAccounts(), tt.env)
		for _, n := range []string{"trading", "analytics"} {
			t.Run(tt.env+"/"+n, func(t *testing.T) {
				acct, prefix := accountOf[n], n+"-compliance"
				comp := p.Must(t, compliance.TypeToken, prefix)
				if comp.Account != n || comp.Inputs["createRecorder"] != true {
					t.Errorf("component in %q, inputs %v", comp.Account, comp.Inputs)
				}
				bucketName := fmt.Sprintf("%s-config-%s-use1-%s", n, tt.env, acct)
				bucketARN := "arn:aws:s3:::" + bucketName

				role := p.Must(t, obstest.RoleType, prefix+"-role")
				trust := policyOf(t, role, "assumeRolePolicy").Statement
				if obstest.Str(role.Inputs["name"]) != fmt.Sprintf("%s-aws-config-%s-use1", n, tt.env) || len(trust) != 1 ||
					!slices.Equal(trust[0].Principal.Service, []string{"config.amazonaws.com"}) ||
					!slices.Equal(trust[0].ConditionValues("StringEquals", "aws:SourceAccount"), []string{acct}) {
					t.Errorf("role %v trust %+v", role.Inputs["name"], trust)
				}
				att := p.Must(t, obstest.RoleAttachmentType, prefix+"-role-config-policy")
				if obstest.Str(att.Inputs["policyArn"]) != "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole" || obstest.Str(att.Inputs["role"]) != obstest.Str(role.Inputs["name"]) {
					t.Errorf("managed policy attachment = %v", att.Inputs)
				}
				rp := p.Must(t, obstest.RolePolicyType, prefix+"-role-delivery-policy")
				perms := policyOf(t, rp, "policy")
				put, acl := statement(t, perms, "DeliverConfigurationItems"), statement(t, perms, "CheckDeliveryBucket")
				if !slices.Equal(put.Action, []string{"s3:PutObject"}) || !slices.Equal(put.Resource, []string{bucketARN + "/AWSLogs/" + acct + "/Config/*"}) ||
					!slices.Equal(acl.Action, []string{"s3:GetBucketAcl"}) || !slices.Equal(acl.Resource, []string{bucketARN}) {
					t.Errorf("delivery policy = %+v", perms)
				}
				// Prod encrypts with the account's log key, which the role
				// must be granted (Config developer guide, s3-kms-key-policy).
				wantStatements := 2
				if tt.env == "prod" {
					wantStatements = 3
					key := statement(t, perms, "EncryptDeliveries")
					if !slices.Equal(key.Action, []string{"kms:Decrypt", "kms:GenerateDataKey"}) || len(key.Resource) != 1 ||
						!strings.HasPrefix(key.Resource[0], "arn:aws:kms:us-east-1:"+acct+":key/") {
						t.Errorf("prod key statement %+v, want kms:Decrypt and kms:GenerateDataKey on a key of %s", key, acct)
					}
				}
				if len(perms.Statement) != wantStatements {
					t.Errorf("delivery policy has %d statements, want %d: %+v", len(perms.Statement), wantStatements, perms)
				}

				bucket := p.Must(t, obstest.BucketType, prefix+"-bucket")
				if obstest.Str(bucket.Inputs["bucket"]) != bucketName || bucket.Inputs["forceDestroy"] != tt.forceDestroy {
					t.Errorf("bucket %v forceDestroy %v", bucket.Inputs["bucket"], bucket.Inputs["forceDestroy"])
				}
				if lb := p.Must(t, observability.LogBucketType, prefix+"-bucket"); lb.Parent != comp.URN || lb.Account != n {
					t.Errorf("bucket component parent %s account %s", lb.Parent, lb.Account)
				}
				for _, typ := range []string{obstest.PABType, obstest.OwnershipType, obstest.EncryptionType, obstest.LifecycleType} {
					if _, ok := p.Named(typ, prefix+"-bucket-"+map[string]string{
						obstest.PABType: "public-access-block", obstest.OwnershipType: "ownership",
						obstest.EncryptionType: "encryption", obstest.LifecycleType: "lifecycle"}[typ]); !ok {
						t.Errorf("the delivery bucket has no %s", typ)
					}
				}
				lc := p.Must(t, obstest.LifecycleType, prefix+"-bucket-lifecycle")
				if days := obstest.Num(obstest.Obj(obstest.Obj(obstest.List(lc.Inputs["rules"])[0])["expiration"])["days"]); days != tt.retention {
					t.Errorf("delivery bucket expires after %v days, want %v", days, tt.retention)
				}
				if _, ok := p.Named(obstest.VersioningType, prefix+"-bucket-versioning"); ok != tt.versioning {
					t.Errorf("versioning = %v, want %v", ok, tt.versioning)
				}
				bp := p.Must(t, obstest.BucketPolicyType, prefix+"-bucket-policy")
				bdoc := policyOf(t, bp, "policy")
				if tls := statement(t, bdoc, "DenyInsecureTransport"); tls.Effect != "Deny" || !tls.Principal.Anyone {
					t.Errorf("no TLS-only deny: %+v", tls)
				}
				for _, want := range []struct {
					sid, action, resource string
					acl                   bool
				}{
					{"AWSConfigBucketPermissionsCheck", "s3:GetBucketAcl", bucketARN, false},
					{"AWSConfigBucketExistenceCheck", "s3:ListBucket", bucketARN, false},
					{"AWSConfigBucketDelivery", "s3:PutObject", bucketARN + "/AWSLogs/" + acct + "/Config/*", true},
				} {
					s := statement(t, bdoc, want.sid)
					if s.Effect != "Allow" || !slices.Equal(s.Principal.Service, []string{"config.amazonaws.com"}) ||
						!slices.Equal(s.Action, []string{want.action}) || !slices.Equal(s.Resource, []string{want.resource}) ||
						!slices.Equal(s.ConditionValues("StringEquals", "AWS:SourceAccount"), []string{acct}) ||
						want.acl != slices.Equal(s.ConditionValues("StringEquals", "s3:x-amz-acl"), []string{"bucket-owner-full-control"}) {
						t.Errorf("bucket policy %s = %+v", want.sid, s)
					}
				}

				rec := p.Must(t, obstest.RecorderType, prefix+"-recorder")
				group := obstest.Obj(rec.Inputs["recordingGroup"])
				if obstest.Str(rec.Inputs["name"]) != fmt.Sprintf("%s-config-recorder-%s", n, tt.env) || obstest.Str(rec.Inputs["roleArn"]) != fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, obstest.Str(role.Inputs["name"])) ||
					group["allSupported"] != false || group["includeGlobalResourceTypes"] != false ||
					!slices.Equal(obstest.Strs(group["resourceTypes"]), recordedTypes) || !obstest.DependsOn(rec, att.URN) {
					t.Errorf("recorder = %v (depends on %v)", rec.Inputs, rec.DependsOn)
				}
				ch := p.Must(t, obstest.ChannelType, prefix+"-delivery-channel")
				if obstest.Str(ch.Inputs["s3BucketName"]) != bucketName || !obstest.DependsOn(ch, bp.URN) || !obstest.DependsOn(ch, rec.URN) {
					t.Errorf("delivery channel %v depends on %v; want the bucket policy and the recorder", ch.Inputs, ch.DependsOn)
				}
				status := p.Must(t, obstest.RecorderStatusType, prefix+"-recorder-status")
				if status.Inputs["isEnabled"] != true || obstest.Str(status.Inputs["name"]) != obstest.Str(rec.Inputs["name"]) || !obstest.DependsOn(status, ch.URN) {
					t.Errorf("recorder status %v depends on %v; want enabled, after the channel", status.Inputs, status.DependsOn)
				}
				for _, r := range []plan.Resource{role, att, rp, rec, ch, status} {
					if r.Parent != comp.URN || r.Provider != p.Provider(n) {
						t.Errorf("%s: parent %s provider %s", r.Name, r.Parent, r.Provider)
					}
				}
				rules := p.In(obstest.RuleType, n)
				if len(rules) != 6 {
					t.Errorf("%d rules, want 6", len(rules))
				}
				for _, r := range rules {
					if !obstest.DependsOn(r, status.URN) || r.Parent != comp.URN {
						t.Errorf("rule %s does not wait for the recorder status (depends on %v)", r.Name, r.DependsOn)
					}
				}
				if got := obstest.Obj(p.Outputs["configRecorderNames"])[n]; got != obstest.Str(rec.Inputs["name"]) {
					t.Errorf("configRecorderNames[%s] = %v", n, got)
				}
			})
		}
	}
}

func TestRules(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts(), "dev")
	vpc := p.Must(t, obstest.VpcType, "analytics-vpc")
	tests := []struct {
		key, identifier string
		params          map[string]any
		scope           []string
		periodic        bool
	}{
		{"vpc-peering-dns-resolution", "VPC_PEERING_DNS_RESOLUTION_CHECK", map[string]any{"vpcIds": vpc.ID}, []string{"AWS::EC2::VPCPeeringConnection"}, false},
		{"required-tags", "REQUIRED_TAGS", map[string]any{"tag1Key": "CostCenter", "tag2Key": "Environment"},
			[]string{"AWS::EC2::NetworkAcl", "AWS::EC2::RouteTable", "AWS::EC2::SecurityGroup", "AWS::EC2::Subnet", "AWS::EC2::VPC", "AWS::S3::Bucket"}, false},
		{"vpc-flow-logs-enabled", "VPC_FLOW_LOGS_ENABLED", map[string]any{"trafficType": "ALL"}, nil, true},
		{"vpc-default-sg-closed", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", nil, []string{"AWS::EC2::SecurityGroup"}, false},
		{"s3-bucket-public-access-prohibited", "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", nil, []string{"AWS::S3::Bucket"}, false},
		{"s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY", nil, []string{"AWS::S3::Bucket"}, false},
	}
	var names []string
	for _, tt := range tests {
		r := p.Must(t, obstest.RuleType, "analytics-compliance-rule-"+tt.key)
		src := obstest.Obj(r.Inputs["source"])
		if obstest.Str(r.Inputs["name"]) != "peerctl-"+tt.key+"-dev" || src["owner"] != "AWS" || src["sourceIdentifier"] != tt.identifier {
			t.Errorf("rule %s: name %v source %v", tt.key, r.Inputs["name"], src)
		}
		names = append(names, obstest.Str(r.Inputs["name"]))
		params := obstest.Obj(r.Inputs["inputParameters"])
		if fmt.Sprint(params) != fmt.Sprint(tt.params) && !(params == nil && tt.params == nil) {
			t.Errorf("rule %s parameters = %v, want %v", tt.key, r.Inputs["inputParameters"], tt.params)
		}
		if got := obstest.Strs(obstest.Obj(r.Inputs["scope"])["complianceResourceTypes"]); !slices.Equal(got, tt.scope) {
			t.Errorf("rule %s scope = %v, want %v", tt.key, got, tt.scope)
		}
		if periodic := r.Inputs["maximumExecutionFrequency"] == "TwentyFour_Hours"; periodic != tt.periodic {
			t.Errorf("rule %s periodic = %v", tt.key, periodic)
		}
	}
	if got := obstest.Strs(obstest.Obj(p.Outputs["configRuleNames"])["analytics"]); !slices.Equal(got, names) {
		t.Errorf("configRuleNames[analytics] = %v, want %v", got, names)
	}
}

// With createRecorder false an existing recorder is reused: no recorder,
// channel, status, role or bucket; the rules remain and wait for nothing.
func TestRecorderReused(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:compliance: {createRecorder: false}"), "dev")
	for _, typ := range []string{obstest.RecorderType, obstest.ChannelType, obstest.RecorderStatusType} {
		if n := len(p.OfType(typ)); n != 0 {
			t.Errorf("%d %s with createRecorder false", n, typ)
		}
	}
	for _, n := range []string{"trading", "analytics"} {
		comp := p.Must(t, compliance.TypeToken, n+"-compliance")
		for _, r := range p.Resources {
			if r.Parent == comp.URN && r.Type != obstest.RuleType {
				t.Errorf("%s %s created with createRecorder false", r.Type, r.Name)
			}
		}
		rules := p.In(obstest.RuleType, n)
		if len(rules) != 6 {
			t.Errorf("%s: %d rules, want 6", n, len(rules))
		}
		for _, r := range rules {
			for _, dep := range r.DependsOn {
				if d, ok := p.ByURN(dep); ok && d.Parent == comp.URN {
					t.Errorf("rule %s depends on %s", r.Name, dep)
				}
			}
		}
		if got, ok := obstest.Obj(p.Outputs["configRecorderNames"])[n]; !ok || got != "" {
			t.Errorf("configRecorderNames[%s] = %v, want \"\"", n, got)
		}
	}
	for _, b := range p.OfType(obstest.BucketType) {
		if b.Name != "trading-flow-logs-bucket" && b.Name != "analytics-flow-logs-bucket" {
			t.Errorf("bucket %s created with createRecorder false", b.Name)
		}
	}
	for _, r := range p.OfType(obstest.RoleType) {
		if r.Name != "trading-flow-logs-role" && r.Name != "analytics-flow-logs-role" {
			t.Errorf("role %s created with createRecorder false", r.Name)
		}
	}
}

func TestPeeringDNSRuleSwitch(t *testing.T) {
	tests := []struct {
		name   string
		extra  []string
		region string
		want   bool
	}{
		{"default in us-east-1", nil, "", true},
		{"off", []string{"peerctl:compliance: {peeringDnsRule: false}"}, "", false},
		{"default where AWS has no such rule", nil, "il-central-1", false},
		{"forced where AWS had no such rule", []string{"peerctl:compliance: {peeringDnsRule: true}"}, "il-central-1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := tt.extra
			if tt.region != "" {
				extra = append(extra, "peerctl:region: "+tt.region)
			}
			p := obstest.Build(t, obstest.TwoAccounts(extra...), "dev")
			_, has := p.Named(obstest.RuleType, "trading-compliance-rule-vpc-peering-dns-resolution")
			if has != tt.want {
				t.Errorf("DNS rule present = %v, want %v", has, tt.want)
			}
			types := obstest.Strs(obstest.Obj(p.Must(t, obstest.RecorderType, "trading-compliance-recorder").Inputs["recordingGroup"])["resourceTypes"])
			if slices.Contains(types, "AWS::EC2::VPCPeeringConnection") != tt.want {
				t.Errorf("recorder records %v; peering connections only for the DNS rule", types)
			}
			if n := len(p.In(obstest.RuleType, "trading")); n != 5+map[bool]int{true: 1}[tt.want] {
				t.Errorf("%d rules", n)
			}
		})
	}
}

// Networks in one account share one recorder (AWS allows one per account
// and region) and one set of rules; the DNS rule covers all their VPCs.
func TestOneRecorderPerAccount(t *testing.T) {
	p := obstest.Build(t, obstest.OneAccount(), "dev")
	if n := len(p.OfType(compliance.TypeToken)); n != 1 {
		t.Fatalf("%d compliance components for one account", n)
	}
	if n := len(p.OfType(obstest.RecorderType)); n != 1 {
		t.Errorf("%d recorders for one account", n)
	}
	comp := p.Must(t, compliance.TypeToken, "trading-compliance")
	if !slices.Equal(obstest.Strs(comp.Inputs["networks"]), []string{"trading", "analytics"}) {
		t.Errorf("component networks = %v", comp.Inputs["networks"])
	}
	dns := p.Must(t, obstest.RuleType, "trading-compliance-rule-vpc-peering-dns-resolution")
	want := p.Must(t, obstest.VpcType, "trading-vpc").ID + "," + p.Must(t, obstest.VpcType, "analytics-vpc").ID
	if got := obstest.Obj(dns.Inputs["inputParameters"])["vpcIds"]; got != want {
		t.Errorf("vpcIds = %v, want %v", got, want)
	}
	// trading and analytics have different cost centres: the shared
	// account's compliance resources are CostCenter=shared.
	for _, r := range []plan.Resource{dns, p.Must(t, obstest.BucketType, "trading-compliance-bucket"), p.Must(t, obstest.RoleType, "trading-compliance-role")} {
		if obstest.Tags(r)["CostCenter"] != "shared" {
			t.Errorf("%s tags = %v", r.Name, r.Inputs["tags"])
		}
	}
	rules, recorders := obstest.Obj(p.Outputs["configRuleNames"]), obstest.Obj(p.Outputs["configRecorderNames"])
	if fmt.Sprint(rules["trading"]) != fmt.Sprint(rules["analytics"]) || len(obstest.Strs(rules["analytics"])) != 6 ||
		recorders["trading"] != "trading-config-recorder-dev" || recorders["analytics"] != "trading-config-recorder-dev" {
		t.Errorf("outputs: rules %v recorders %v", rules, recorders)
	}
}

// recordedTypes is what the recorder must record, written by hand from the
// "Resource Types" line of each rule's page in the AWS Config Developer
// Guide (docs.aws.amazon.com/config/latest/developerguide/<rule>.html):
// a change-triggered rule evaluates only the types the recorder records.
// Sorted, as the recording group lists them.
var recordedTypes = []string{
	"AWS::EC2::NetworkAcl",           // required-tags: one of its documented types, and the stack tags its NACLs
	"AWS::EC2::RouteTable",           // required-tags: likewise, for the route tables
	"AWS::EC2::SecurityGroup",        // vpc-default-security-group-closed: Resource Types AWS::EC2::SecurityGroup; and required-tags
	"AWS::EC2::Subnet",               // required-tags: the private subnets
	"AWS::EC2::VPC",                  // vpc-flow-logs-enabled: Resource Types AWS::EC2::VPC (periodic); and required-tags
	"AWS::EC2::VPCPeeringConnection", // vpc-peering-dns-resolution-check: Resource Types AWS::EC2::VPCPeeringConnection
	"AWS::S3::Bucket",                // s3-bucket-level-public-access-prohibited and s3-bucket-ssl-requests-only: Resource Types AWS::S3::Bucket; and required-tags
}

func TestRecordedTypes(t *testing.T) {
	got := compliance.RecordedTypes(compliance.Rules(true))
	if !slices.Equal(got, recordedTypes) {
		t.Errorf("RecordedTypes = %v, want %v", got, recordedTypes)
	}
	// Every type a rule is scoped to is recorded.
	for _, r := range compliance.Rules(true) {
		for _, s := range r.Scope {
			if !slices.Contains(got, s) {
				t.Errorf("rule %s is scoped to %s, which is not recorded", r.Key, s)
			}
		}
	}
}
