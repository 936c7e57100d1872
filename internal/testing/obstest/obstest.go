// Package obstest holds what the observability and compliance tests share:
// stack files to plan, plan look-ups, and independent checkers for policy
// documents and S3 bucket names. The checkers are written from AWS's rules,
// not from the code under test, so that they can disagree with it.
package obstest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/plan"
)

// Resource types the tests look up.
const (
	ProviderType       = "pulumi:providers:aws"
	VpcType            = "aws:ec2/vpc:Vpc"
	FlowLogType        = "aws:ec2/flowLog:FlowLog"
	BucketType         = "aws:s3/bucketV2:BucketV2"
	PABType            = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	EncryptionType     = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	OwnershipType      = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	LifecycleType      = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	VersioningType     = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	BucketPolicyType   = "aws:s3/bucketPolicy:BucketPolicy"
	LogGroupType       = "aws:cloudwatch/logGroup:LogGroup"
	MetricFilterType   = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	AlarmType          = "aws:cloudwatch/metricAlarm:MetricAlarm"
	DashboardType      = "aws:cloudwatch/dashboard:Dashboard"
	RoleType           = "aws:iam/role:Role"
	RolePolicyType     = "aws:iam/rolePolicy:RolePolicy"
	RoleAttachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	TopicType          = "aws:sns/topic:Topic"
	TopicPolicyType    = "aws:sns/topicPolicy:TopicPolicy"
	SubscriptionType   = "aws:sns/topicSubscription:TopicSubscription"
	KeyType            = "aws:kms/key:Key"
	AliasType          = "aws:kms/alias:Alias"
	SinkType           = "aws:oam/sink:Sink"
	SinkPolicyType     = "aws:oam/sinkPolicy:SinkPolicy"
	LinkType           = "aws:oam/link:Link"
	RecorderType       = "aws:cfg/recorder:Recorder"
	ChannelType        = "aws:cfg/deliveryChannel:DeliveryChannel"
	RecorderStatusType = "aws:cfg/recorderStatus:RecorderStatus"
	RuleType           = "aws:cfg/rule:Rule"
)

// TwoAccounts is the dev setup: trading and analytics in two accounts.
// extra lines go under config: (e.g. "peerctl:flowLogs: {...}").
func TwoAccounts(extra ...string) string {
	return stackYAML(`  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111", profile: trading}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "222222222222", profile: analytics}}
`, extra...)
}

// OneAccount puts both networks in one account (equal account ids).
func OneAccount(extra ...string) string {
	return stackYAML(`  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111"}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "111111111111"}}
`, extra...)
}

func stackYAML(networks string, extra ...string) string {
	var b strings.Builder
	b.WriteString("config:\n")
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString(networks)
	if !slices.ContainsFunc(extra, func(e string) bool { return strings.HasPrefix(e, "peerctl:peerings") }) {
		b.WriteString("  peerctl:peerings: [{requester: trading, accepter: analytics}]\n")
	}
	return b.String()
}

// Fataler is what Parse needs of a test: *testing.T or *rapid.T.
type Fataler interface{ Fatal(args ...any) }

// Parse parses a stack file; env sets ENVIRONMENT_SUFFIX when not empty.
func Parse(t Fataler, yaml, env string) (*config.Config, error) {
	raw, err := config.ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return config.Parse(raw, func(k string) (string, bool) {
		if k == config.EnvEnvironmentSuffix && env != "" {
			return env, true
		}
		return "", false
	})
}

// Build plans a stack file in environment env ("" for the file's own).
func Build(t testing.TB, yaml, env string) *Plan {
	t.Helper()
	cfg, err := Parse(t, yaml, env)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := plan.Build(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &Plan{Document: doc, Config: cfg}
}

// BuildFile plans one of the repository's stack files (Pulumi.<stack>.yaml),
// from a package two directories below the root.
func BuildFile(t testing.TB, root, stack string) *Plan {
	t.Helper()
	raw, err := config.LoadStackFile(root + config.StackFileName(stack))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	doc, err := plan.Build(cfg, stack)
	if err != nil {
		t.Fatal(err)
	}
	return &Plan{Document: doc, Config: cfg}
}

// Plan is a plan document with its configuration.
type Plan struct {
	*plan.Document
	Config *config.Config
}

// Must returns the resource of type typ called name, or fails the test.
func (p *Plan) Must(t testing.TB, typ, name string) plan.Resource {
	t.Helper()
	r, ok := p.Named(typ, name)
	if !ok {
		t.Fatalf("no %s named %s in the plan", typ, name)
	}
	return r
}

// ByURN returns the resource with URN urn.
func (p *Plan) ByURN(urn string) (plan.Resource, bool) {
	for _, r := range p.Resources {
		if r.URN == urn {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// In returns the resources of type typ in the account of network.
func (p *Plan) In(typ, network string) []plan.Resource {
	var out []plan.Resource
	for _, r := range p.OfType(typ) {
		if r.Account == network {
			out = append(out, r)
		}
	}
	return out
}

// Provider is the URN of network's provider.
func (p *Plan) Provider(network string) string {
	if r, ok := p.Named(ProviderType, network); ok {
		return r.URN
	}
	return ""
}

// Str is a plan value as a string ("" when it is not one).
func Str(v any) string { s, _ := v.(string); return s }

// Obj is a plan value as an object (nil when it is not one).
func Obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// Strs is a plan value as a list of strings.
func Strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

// List is a plan value as a list (nil when it is not one).
func List(v any) []any { l, _ := v.([]any); return l }

// Num is a plan value as a number.
func Num(v any) float64 { f, _ := v.(float64); return f }

// Tags are a resource's tags input.
func Tags(r plan.Resource) map[string]any { return Obj(r.Inputs["tags"]) }

// DependsOn reports whether r depends on the resource with URN urn.
func DependsOn(r plan.Resource, urn string) bool { return slices.Contains(r.DependsOn, urn) }

// Policy kinds, by what holds the document.
const (
	Trust    = "trust"    // a role's trust policy
	Identity = "identity" // a role's permissions
	Resource = "resource" // a bucket or topic policy
	// SelfResource policies (KMS key, OAM sink) can only name "*", which
	// there means the key or sink itself.
	SelfResource = "self-resource"
)

// PolicyDoc is one policy document found in a plan.
type PolicyDoc struct {
	Resource plan.Resource
	Kind     string
	Doc      iamdoc.ParsedDocument
}

// policySources: where documents live in the plan.
var policySources = []struct{ typ, key, kind string }{
	{RoleType, "assumeRolePolicy", Trust},
	{RolePolicyType, "policy", Identity},
	{BucketPolicyType, "policy", Resource},
	{TopicPolicyType, "policy", Resource},
	{KeyType, "policy", SelfResource},
	{SinkPolicyType, "policy", SelfResource},
}

// Policies parses every policy document of the plan; a document that does
// not parse fails the test.
func (p *Plan) Policies(t testing.TB) []PolicyDoc {
	t.Helper()
	var out []PolicyDoc
	for _, src := range policySources {
		for _, r := range p.OfType(src.typ) {
			v, ok := r.Inputs[src.key]
			if !ok {
				t.Errorf("%s %s has no %s", r.Type, r.Name, src.key)
				continue
			}
			text, isString := v.(string)
			if !isString { // the plan decodes JSON strings into objects
				raw, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				text = string(raw)
			}
			d, err := iamdoc.Parse(text)
			if err != nil {
				t.Errorf("%s %s: %s: %v", r.Type, r.Name, src.key, err)
				continue
			}
			out = append(out, PolicyDoc{Resource: r, Kind: src.kind, Doc: d})
		}
		if src.typ == RoleType {
			for _, r := range p.OfType(src.typ) {
				if r.Inputs["inlinePolicies"] != nil || r.Inputs["managedPolicyArns"] != nil {
					t.Errorf("role %s has inline or managed policies on the role resource; use separate resources", r.Name)
				}
			}
		}
	}
	return out
}

var (
	fullWildcard = regexp.MustCompile(`^(\*|[A-Za-z0-9-]+:\*)$`)
	readAction   = regexp.MustCompile(`^[A-Za-z0-9-]+:(Get|List|Describe|Head)`)
	// kms:EncryptionContext:aws:logs:arn pins CloudWatch Logs to log
	// groups of one account, the key policy condition AWS documents for it
	// (CloudWatch Logs user guide, encrypt-log-data-kms).
	sourceKeys = []string{"aws:SourceAccount", "aws:SourceArn", "kms:EncryptionContext:aws:logs:arn"}
)

// PolicyProblems checks a document against least privilege, independently
// of how it was built, and returns what is wrong.
func PolicyProblems(d PolicyDoc) []string {
	var out []string
	where := fmt.Sprintf("%s %s", d.Resource.Type, d.Resource.Name)
	if len(d.Doc.Statement) == 0 {
		out = append(out, where+": no statements")
	}
	for i, s := range d.Doc.Statement {
		at := fmt.Sprintf("%s statement %d (%s)", where, i, s.Sid)
		if s.Effect != "Allow" && s.Effect != "Deny" {
			out = append(out, fmt.Sprintf("%s: effect %q", at, s.Effect))
		}
		if s.Effect != "Allow" {
			continue
		}
		if len(s.NotAction) > 0 {
			out = append(out, at+": Allow with NotAction")
		}
		if len(s.Action) == 0 {
			out = append(out, at+": no actions")
		}
		var writes []string
		for _, a := range s.Action {
			if fullWildcard.MatchString(a) {
				out = append(out, fmt.Sprintf("%s: allows every action (%q)", at, a))
			}
			if !readAction.MatchString(a) {
				writes = append(writes, a)
			}
		}
		if slices.Contains(s.Resource, "*") && len(writes) > 0 && d.Kind != SelfResource {
			out = append(out, fmt.Sprintf("%s: write actions %v on resource \"*\"", at, writes))
		}
		if d.Kind != Trust && len(s.Resource) == 0 {
			out = append(out, at+": names no resource")
		}
		sourcePinned := slices.ContainsFunc(sourceKeys, s.HasConditionKey)
		switch d.Kind {
		case Trust:
			if s.Principal == nil || len(s.Principal.Service) == 0 || len(s.Principal.AWS) > 0 || s.Principal.Anyone {
				out = append(out, at+": trust policy must name service principals only")
			}
			if !slices.Equal(s.Action, []string{"sts:AssumeRole"}) {
				out = append(out, fmt.Sprintf("%s: trust allows %v, want sts:AssumeRole", at, s.Action))
			}
			if len(s.ConditionValues("StringEquals", "aws:SourceAccount")) != 1 {
				out = append(out, at+": trust policy without a single aws:SourceAccount (StringEquals)")
			}
		case Identity:
			if s.Principal != nil {
				out = append(out, at+": identity policy with a principal")
			}
		case Resource, SelfResource:
			if s.Principal == nil || s.Principal.Anyone {
				out = append(out, at+": allows anyone")
			}
			if s.Principal != nil && len(s.Principal.Service) > 0 && !sourcePinned {
				out = append(out, at+": a service may act without aws:SourceAccount/aws:SourceArn")
			}
		}
	}
	return out
}

// BucketNameProblems lists the S3 general purpose bucket naming rules name
// breaks (S3 User Guide, bucket naming rules).
func BucketNameProblems(name string) []string {
	var out []string
	if len(name) < 3 || len(name) > 63 {
		out = append(out, fmt.Sprintf("is %d characters, not 3-63", len(name)))
	}
	if strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		out = append(out, "has characters other than lowercase letters, digits, dots and hyphens")
	}
	if name != "" && (strings.ContainsAny(name[:1], ".-") || strings.ContainsAny(name[len(name)-1:], ".-")) {
		out = append(out, "does not begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		out = append(out, "has two adjacent dots")
	}
	if regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`).MatchString(name) {
		out = append(out, "looks like an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			out = append(out, "has the reserved prefix "+p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			out = append(out, "has the reserved suffix "+s)
		}
	}
	return out
}
