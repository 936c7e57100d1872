package observability_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/configtest"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// metricKey identifies a metric: namespace, name and dimension names.
type metricKey struct {
	namespace, name, dims string
}

func dims(v any) string {
	return strings.Join(slices.Sorted(maps.Keys(obstest.Obj(v))), ",")
}

// published maps each account id to the metrics its metric filters publish.
func published(p *obstest.Plan) map[string]map[metricKey]bool {
	idOf := map[string]string{}
	for _, n := range p.Config.Networks {
		idOf[n.Name] = accountID(p, n.Name)
	}
	out := map[string]map[metricKey]bool{}
	for _, f := range p.OfType(obstest.MetricFilterType) {
		mt := obstest.Obj(f.Inputs["metricTransformation"])
		id := idOf[f.Account]
		if out[id] == nil {
			out[id] = map[metricKey]bool{}
		}
		out[id][metricKey{fmt.Sprint(mt["namespace"]), fmt.Sprint(mt["name"]), dims(mt["dimensions"])}] = true
	}
	return out
}

// accountID is the account id of network's provider in the plan.
func accountID(p *obstest.Plan, network string) string {
	prov, _ := p.Named(obstest.ProviderType, network)
	if ids := obstest.Strs(prov.Inputs["allowedAccountIds"]); len(ids) == 1 {
		return ids[0]
	}
	return "000000000000"
}

// watched lists [account id, metric] for every metric an alarm watches: its
// own metric (in its account) and each metric query's (in the query's
// account, or the alarm's).
func watched(p *obstest.Plan, a plan.Resource) [][2]any {
	own := accountID(p, a.Account)
	var out [][2]any
	if ns := obstest.Str(a.Inputs["namespace"]); ns != "" || obstest.Str(a.Inputs["metricName"]) != "" {
		out = append(out, [2]any{own, metricKey{ns, obstest.Str(a.Inputs["metricName"]), dims(a.Inputs["dimensions"])}})
	}
	for _, q := range obstest.List(a.Inputs["metricQueries"]) {
		qm := obstest.Obj(q)
		m := obstest.Obj(qm["metric"])
		if m == nil {
			continue
		}
		acct := own
		if id, ok := qm["accountId"].(string); ok && id != "" {
			acct = id
		}
		out = append(out, [2]any{acct, metricKey{fmt.Sprint(m["namespace"]), fmt.Sprint(m["metricName"]), dims(m["dimensions"])}})
	}
	return out
}

// No alarm watches a metric that nothing publishes: every alarm's namespace,
// metric name and dimensions match the metric transformation of a metric
// filter in the account the metric lives in. (An alarm on AWS/VPC BytesIn,
// which does not exist, would sit in INSUFFICIENT_DATA forever.)
func TestEveryAlarmWatchesAPublishedMetric(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		env   string
		count int
	}{
		{"dev", obstest.TwoAccounts(), "dev", 6},
		{"prod", obstest.TwoAccounts(), "prod", 6},
		{"cross-account dashboard", obstest.TwoAccounts("peerctl:dashboard: {crossAccount: true}"), "dev", 6},
		{"one account", obstest.OneAccount(), "dev", 6},
		{"non-aligned peer", nonAligned(), "dev", 6},
		{"mesh of 4", configtest.MeshYAML(4), "dev", 4 * 3 * 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, tt.yaml, tt.env)
			pub := published(p)
			alarms := p.OfType(obstest.AlarmType)
			if len(alarms) != tt.count {
				t.Errorf("%d alarms, want %d", len(alarms), tt.count)
			}
			for _, a := range alarms {
				w := watched(p, a)
				if len(w) == 0 {
					t.Errorf("alarm %s watches no metric", a.Name)
				}
				for _, m := range w {
					acct, key := m[0].(string), m[1].(metricKey)
					if strings.HasPrefix(key.namespace, "AWS/") || !pub[acct][key] {
						t.Errorf("alarm %s watches %+v in account %s, which no metric filter there publishes", a.Name, key, acct)
					}
				}
			}
		})
	}
}

// nonAligned peers trading with a network whose CIDR is not octet-aligned.
func nonAligned() string {
	return `config:
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111", profile: trading}}
    - {name: analytics, cidr: 10.1.16.0/20, costCenter: analytics, account: {id: "222222222222", profile: analytics}, azCount: 2}
  peerctl:peerings: [{requester: trading, accepter: analytics}]
`
}

func TestMetricFilters(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		network string
		peer    string
		terms   []string
	}{
		{"trading sees analytics /16", obstest.TwoAccounts(), "trading", "analytics", []string{"10.1.*"}},
		{"analytics sees trading /16", obstest.TwoAccounts(), "analytics", "trading", []string{"10.0.*"}},
		{"trading sees analytics /20", nonAligned(), "trading", "analytics", terms(16, func(i int) string { return fmt.Sprintf("10.1.%d.*", 16+i) })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, tt.yaml, "dev")
			group := p.Must(t, obstest.LogGroupType, tt.network+"-flow-logs-group")
			comp := p.Must(t, observability.PeerAlarmsType, tt.network+"-peer-alarms")
			want := []struct {
				metric, field, action, value, unit string
			}{
				{fmt.Sprintf("%s-to-%s-bytes-dev", tt.network, tt.peer), "dstaddr", "ACCEPT", "$bytes", "Bytes"},
				{fmt.Sprintf("%s-from-%s-bytes-dev", tt.network, tt.peer), "srcaddr", "ACCEPT", "$bytes", "Bytes"},
				{fmt.Sprintf("%s-from-%s-rejected-packets-dev", tt.network, tt.peer), "srcaddr", "REJECT", "$packets", "Count"},
			}
			filters := p.In(obstest.MetricFilterType, tt.network)
			if len(filters) != len(want)*len(tt.terms) {
				t.Errorf("%d filters, want %d", len(filters), len(want)*len(tt.terms))
			}
			for _, w := range want {
				var got []string
				for _, f := range filters {
					mt := obstest.Obj(f.Inputs["metricTransformation"])
					if mt["name"] != w.metric {
						continue
					}
					if mt["namespace"] != "Peerctl/VpcPeering" || mt["value"] != w.value || mt["unit"] != w.unit || mt["dimensions"] != nil {
						t.Errorf("%s transformation = %v", f.Name, mt)
					}
					if obstest.Str(f.Inputs["logGroupName"]) != obstest.Str(group.Inputs["name"]) || f.Parent != comp.URN || !obstest.DependsOn(f, group.URN) {
						t.Errorf("%s: log group %v parent %s", f.Name, f.Inputs["logGroupName"], f.Parent)
					}
					if !strings.HasSuffix(obstest.Str(f.Inputs["name"]), "-dev") {
						t.Errorf("%s physical name %v lacks the environment", f.Name, f.Inputs["name"])
					}
					// The pattern selects the address field by the term and the action.
					pattern := obstest.Str(f.Inputs["pattern"])
					i := strings.Index(pattern, w.field+" = \"")
					if i < 0 || !strings.Contains(pattern, `action = "`+w.action+`"`) {
						t.Errorf("%s pattern %s does not test %s and action %s", f.Name, pattern, w.field, w.action)
						continue
					}
					term := strings.SplitN(pattern[i+len(w.field)+4:], `"`, 2)[0]
					got = append(got, term)
					if want := fmt.Sprintf(patternOn[w.field], term, w.action); pattern != want {
						t.Errorf("%s pattern = %s, want %s", f.Name, pattern, want)
					}
				}
				slices.Sort(got)
				wantTerms := slices.Sorted(slices.Values(tt.terms))
				if !slices.Equal(got, wantTerms) {
					t.Errorf("metric %s filters match %v, want %v", w.metric, got, wantTerms)
				}
			}
		})
	}
}

func terms(n int, f func(int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// patternOn is the filter pattern that tests one address field (the term
// goes in the first %s) and the action (the second), written by hand from
// the default flow log record format, version 2, whose fields are, in order:
// version account-id interface-id srcaddr dstaddr srcport dstport protocol
// packets bytes start end action log-status (Amazon VPC User Guide, "Flow
// log records", Default format). A space-delimited CloudWatch Logs pattern
// names every field in brackets, in order, and a field is compared with
// = "value" (CloudWatch Logs User Guide, "Filter pattern syntax",
// space-delimited log events); the names use _ for -, which the pattern
// syntax reads as an operator.
var patternOn = map[string]string{
	"srcaddr": `[version, account_id, interface_id, srcaddr = "%s", dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action = "%s", log_status]`,
	"dstaddr": `[version, account_id, interface_id, srcaddr, dstaddr = "%s", srcport, dstport, protocol, packets, bytes, start, end, action = "%s", log_status]`,
}

func TestAlarms(t *testing.T) {
	tests := []struct {
		name            string
		extra           []string
		traffic, reject float64
	}{
		{"defaults", nil, 1 << 30, 1000},
		{"configured", []string{"peerctl:alarms: {peerTrafficBytes: 5368709120, rejectedPackets: 50}"}, 5 << 30, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, obstest.TwoAccounts(tt.extra...), "dev")
			for _, n := range networks {
				peer := map[string]string{"trading": "analytics", "analytics": "trading"}[n]
				topic := p.Must(t, obstest.TopicType, n+"-peer-alarms-topic")
				topicARN := fmt.Sprintf("arn:aws:sns:us-east-1:%s:%s-peering-alarms-dev", accountOf[n], n)
				want := []struct {
					key, metric string
					threshold   float64
				}{
					{"to-" + peer + "-traffic", fmt.Sprintf("%s-to-%s-bytes-dev", n, peer), tt.traffic},
					{"from-" + peer + "-traffic", fmt.Sprintf("%s-from-%s-bytes-dev", n, peer), tt.traffic},
					{"from-" + peer + "-rejects", fmt.Sprintf("%s-from-%s-rejected-packets-dev", n, peer), tt.reject},
				}
				for _, w := range want {
					a := p.Must(t, obstest.AlarmType, n+"-peer-alarms-"+w.key)
					switch {
					case obstest.Str(a.Inputs["name"]) != fmt.Sprintf("%s-%s-dev", n, w.key):
						t.Errorf("%s name = %v", a.Name, a.Inputs["name"])
					case obstest.Str(a.Inputs["namespace"]) != "Peerctl/VpcPeering" || obstest.Str(a.Inputs["metricName"]) != w.metric:
						t.Errorf("%s watches %v %v", a.Name, a.Inputs["namespace"], a.Inputs["metricName"])
					case obstest.Str(a.Inputs["statistic"]) != "Sum" || obstest.Num(a.Inputs["period"]) != 300:
						t.Errorf("%s: %v over %v s, want Sum over 300", a.Name, a.Inputs["statistic"], a.Inputs["period"])
					case obstest.Num(a.Inputs["threshold"]) != w.threshold || obstest.Str(a.Inputs["comparisonOperator"]) != "GreaterThanThreshold":
						t.Errorf("%s: %v %v, want > %v", a.Name, a.Inputs["comparisonOperator"], a.Inputs["threshold"], w.threshold)
					case obstest.Num(a.Inputs["evaluationPeriods"]) != 3 || obstest.Num(a.Inputs["datapointsToAlarm"]) != 1:
						t.Errorf("%s: %v of %v periods", a.Name, a.Inputs["datapointsToAlarm"], a.Inputs["evaluationPeriods"])
					case obstest.Str(a.Inputs["treatMissingData"]) != "notBreaching":
						t.Errorf("%s treatMissingData = %v", a.Name, a.Inputs["treatMissingData"])
					case !slices.Equal(obstest.Strs(a.Inputs["alarmActions"]), []string{topicARN}) || !slices.Equal(obstest.Strs(a.Inputs["okActions"]), []string{topicARN}):
						t.Errorf("%s actions = %v / %v, want the topic %s", a.Name, a.Inputs["alarmActions"], a.Inputs["okActions"], topicARN)
					case obstest.Str(a.Inputs["alarmDescription"]) == "" || obstest.Tags(a)["Name"] != obstest.Str(a.Inputs["name"]):
						t.Errorf("%s description %v tags %v", a.Name, a.Inputs["alarmDescription"], a.Inputs["tags"])
					case !obstest.DependsOn(a, topic.URN) || a.Provider != p.Provider(n):
						t.Errorf("%s provider %s depends on %v", a.Name, a.Provider, a.DependsOn)
					}
				}
				if got := obstest.Strs(obstest.Obj(p.Outputs["alarmNames"])[n]); !slices.Equal(got, []string{
					fmt.Sprintf("%s-to-%s-traffic-dev", n, peer), fmt.Sprintf("%s-from-%s-traffic-dev", n, peer), fmt.Sprintf("%s-from-%s-rejects-dev", n, peer),
				}) {
					t.Errorf("alarmNames[%s] = %v", n, got)
				}
			}
		})
	}
}

func TestAlarmTopic(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	// A configured key is one account's, so only networks in that account
	// can share it (config refuses it across accounts).
	oneAccount := map[string]string{"trading": "111111111111", "analytics": "111111111111"}
	tests := []struct {
		name      string
		yaml      string
		accounts  map[string]string
		createKey bool
		emails    []string
	}{
		{"own key", obstest.TwoAccounts(), accountOf, true, nil},
		{"configured key and e-mails", obstest.OneAccount(fmt.Sprintf(`peerctl:alarms: {kmsKeyArn: %q, emails: [ops@example.com, net@example.com]}`, key)),
			oneAccount, false, []string{"net@example.com", "ops@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := obstest.Build(t, tt.yaml, "dev")
			for _, n := range networks {
				acct := tt.accounts[n]
				topic := p.Must(t, obstest.TopicType, n+"-peer-alarms-topic")
				k, created := p.Named(obstest.KeyType, n+"-peer-alarms-key")
				if created != tt.createKey {
					t.Fatalf("key created = %v, want %v", created, tt.createKey)
				}
				wantKey := key
				if created {
					wantKey = fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/%s", acct, k.ID)
					if k.Inputs["enableKeyRotation"] != true || k.Provider != p.Provider(n) {
						t.Errorf("key %s: rotation %v provider %s", k.Name, k.Inputs["enableKeyRotation"], k.Provider)
					}
					alias := p.Must(t, obstest.AliasType, n+"-peer-alarms-key-alias")
					if obstest.Str(alias.Inputs["targetKeyId"]) != k.ID || obstest.Str(alias.Inputs["name"]) != "alias/"+n+"-peering-alarms-dev" {
						t.Errorf("alias = %v", alias.Inputs)
					}
					kp := policyOf(t, p, k).Statement
					cw := kp[slices.IndexFunc(kp, func(s iamdoc.ParsedStatement) bool { return s.Sid == "CloudWatchAlarmsPublish" })]
					if !slices.Equal(cw.Principal.Service, []string{"cloudwatch.amazonaws.com"}) ||
						!slices.Equal(cw.Action, []string{"kms:Decrypt", "kms:GenerateDataKey"}) ||
						!slices.Equal(cw.ConditionValues("StringEquals", "aws:SourceAccount"), []string{acct}) {
						t.Errorf("key policy does not let CloudWatch use the key: %+v", cw)
					}
				}
				if obstest.Str(topic.Inputs["kmsMasterKeyId"]) != wantKey || obstest.Str(topic.Inputs["kmsMasterKeyId"]) == "alias/aws/sns" {
					t.Errorf("topic key = %v, want %s", topic.Inputs["kmsMasterKeyId"], wantKey)
				}
				if obstest.Str(topic.Inputs["name"]) != n+"-peering-alarms-dev" {
					t.Errorf("topic name = %v", topic.Inputs["name"])
				}
				tp := p.Must(t, obstest.TopicPolicyType, n+"-peer-alarms-topic-policy")
				arn := fmt.Sprintf("arn:aws:sns:us-east-1:%s:%s-peering-alarms-dev", acct, n)
				doc := policyOf(t, p, tp)
				if obstest.Str(tp.Inputs["arn"]) != arn {
					t.Errorf("topic policy on %v", tp.Inputs["arn"])
				}
				for _, s := range doc.Statement {
					if !slices.Equal(s.Resource, []string{arn}) || !slices.Equal(s.Action, []string{"sns:Publish"}) {
						t.Errorf("topic policy statement %s: %v on %v", s.Sid, s.Action, s.Resource)
					}
					if s.Effect == "Allow" && (!slices.Equal(s.Principal.Service, []string{"cloudwatch.amazonaws.com"}) ||
						!slices.Equal(s.ConditionValues("StringEquals", "aws:SourceAccount"), []string{acct}) ||
						!slices.Equal(s.ConditionValues("ArnLike", "aws:SourceArn"), []string{"arn:aws:cloudwatch:us-east-1:" + acct + ":alarm:*"})) {
						t.Errorf("topic policy allows %+v", s)
					}
				}
				var emails []string
				for _, s := range p.In(obstest.SubscriptionType, n) {
					if obstest.Str(s.Inputs["protocol"]) != "email" || obstest.Str(s.Inputs["topic"]) != arn {
						t.Errorf("subscription %s = %v", s.Name, s.Inputs)
					}
					emails = append(emails, obstest.Str(s.Inputs["endpoint"]))
				}
				slices.Sort(emails)
				if !slices.Equal(emails, tt.emails) {
					t.Errorf("subscriptions = %v, want %v", emails, tt.emails)
				}
				if got := obstest.Obj(p.Outputs["alarmTopicArns"])[n]; got != arn {
					t.Errorf("alarmTopicArns[%s] = %v", n, got)
				}
			}
		})
	}
}
