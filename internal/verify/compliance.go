package verify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/peerctl/peerctl/internal/config"
)

// DefaultAlarmGrace is how long a new alarm may sit in INSUFFICIENT_DATA:
// the flow-log metric filters publish 1-10 minutes after traffic, and an
// alarm evaluates 5-minute periods.
const DefaultAlarmGrace = 30 * time.Minute

// checkConfigRecorder checks that AWS Config records in the network's
// account: the stack's recorder, or (name "") the account's existing one.
func (v *verifier) checkConfigRecorder(ctx context.Context, n config.Network) []Result {
	if v.out.ConfigRecorderNames == nil {
		return []Result{skipped(CheckConfigRecorder, n.Name)}
	}
	name, ok := v.out.ConfigRecorderNames[n.Name]
	if !ok {
		return []Result{result(CheckConfigRecorder, n.Name, Fail, "no recorder for %s in the stack outputs (configRecorderNames)", n.Name)}
	}
	in := &configservice.DescribeConfigurationRecorderStatusInput{}
	subject := fmt.Sprintf("%s %s", n.Name, name)
	if name == "" {
		subject = n.Name + " (existing recorder)"
	} else {
		in.ConfigurationRecorderNames = []string{name}
	}
	out, err := v.clients(n.Name).Recorders.DescribeConfigurationRecorderStatus(ctx, in)
	switch {
	case hasCode(err, "NoSuchConfigurationRecorderException"):
		return []Result{result(CheckConfigRecorder, subject, Fail, "recorder does not exist")}
	case err != nil:
		return []Result{result(CheckConfigRecorder, subject, Fail, "%s", apiReason("DescribeConfigurationRecorderStatus", err))}
	case len(out.ConfigurationRecordersStatus) == 0:
		return []Result{result(CheckConfigRecorder, subject, Fail, "no configuration recorder in this account and region; rules evaluate nothing without one")}
	}
	var notes []string
	for _, s := range out.ConfigurationRecordersStatus {
		if s.Recording && s.LastStatus != cstypes.RecorderStatusFailure {
			return []Result{result(CheckConfigRecorder, subject, Pass, "%s recording (last status %s)", aws.ToString(s.Name), s.LastStatus)}
		}
		note := fmt.Sprintf("%s not recording", aws.ToString(s.Name))
		if s.Recording {
			note = fmt.Sprintf("%s recording but last status %s", aws.ToString(s.Name), s.LastStatus)
		}
		if msg := aws.ToString(s.LastErrorMessage); msg != "" {
			note += fmt.Sprintf(": %s %s", aws.ToString(s.LastErrorCode), msg)
		}
		notes = append(notes, note)
	}
	return []Result{result(CheckConfigRecorder, subject, Fail, "%s; the recorder needs its delivery channel and a started status", strings.Join(notes, "; "))}
}

// checkConfigRules judges each rule on the stack's own resources: the
// rules evaluate every resource of their types in the account, and only the
// stack's results pass or fail; the rest of the account is reported as
// information (ruleresults.go).
func (v *verifier) checkConfigRules(ctx context.Context, n config.Network) []Result {
	if v.out.ConfigRuleNames == nil {
		return []Result{skipped(CheckConfigRules, n.Name)}
	}
	rules := v.out.ConfigRuleNames[n.Name]
	if len(rules) == 0 {
		return []Result{result(CheckConfigRules, n.Name, Fail, "no Config rules for %s in the stack outputs (configRuleNames)", n.Name)}
	}
	if api := v.clients(n.Name).RuleResults; api != nil {
		var results []Result
		for _, rule := range rules {
			results = append(results, v.judgeRule(ctx, n, api, rule)...)
		}
		return results
	}
	return v.accountWideRules(ctx, n, rules)
}

// accountWideRules reports each rule's overall compliance as AWS Config has
// it (COMPLIANT passes, NON_COMPLIANT fails, no evaluation yet waits), for
// clients without a per-resource reader. It judges the whole account.
func (v *verifier) accountWideRules(ctx context.Context, n config.Network, rules []string) []Result {
	out, err := v.clients(n.Name).RuleCompliance.DescribeComplianceByConfigRule(ctx, &configservice.DescribeComplianceByConfigRuleInput{ConfigRuleNames: rules})
	if hasCode(err, "NoSuchConfigRuleException") {
		return []Result{result(CheckConfigRules, n.Name, Fail, "one of %v does not exist: %s", rules, apiReason("DescribeComplianceByConfigRule", err))}
	}
	if err != nil {
		return []Result{result(CheckConfigRules, n.Name, Fail, "%s", apiReason("DescribeComplianceByConfigRule", err))}
	}
	var results []Result
	for _, rule := range rules {
		subject := fmt.Sprintf("%s %s", n.Name, rule)
		i := slices.IndexFunc(out.ComplianceByConfigRules, func(c cstypes.ComplianceByConfigRule) bool {
			return aws.ToString(c.ConfigRuleName) == rule
		})
		if i < 0 || out.ComplianceByConfigRules[i].Compliance == nil {
			results = append(results, result(CheckConfigRules, subject, Wait, "no data yet (not evaluated)"))
			continue
		}
		c := out.ComplianceByConfigRules[i].Compliance
		switch c.ComplianceType {
		case cstypes.ComplianceTypeCompliant:
			results = append(results, result(CheckConfigRules, subject, Pass, "COMPLIANT"))
		case cstypes.ComplianceTypeNonCompliant:
			count := ""
			if cc := c.ComplianceContributorCount; cc != nil {
				plus := ""
				if cc.CapExceeded {
					plus = "+"
				}
				count = fmt.Sprintf(" (%d%s resources)", cc.CappedCount, plus)
			}
			results = append(results, result(CheckConfigRules, subject, Fail, "NON_COMPLIANT%s", count))
		default:
			results = append(results, result(CheckConfigRules, subject, Wait, "no data yet (%s)", c.ComplianceType))
		}
	}
	return results
}

// checkAlarms checks that every alarm exists, notifies the stack's topic,
// watches a metric that one of the network's flow-log metric filters
// publishes, and is not stuck in INSUFFICIENT_DATA for longer than the grace
// period, which is what an alarm on a metric that never gets data does.
//
// The alarms treat missing data as not breaching, so an alarm on a metric
// nothing publishes sits in OK, not in INSUFFICIENT_DATA: only the metric
// filters tell whether it can ever fire.
func (v *verifier) checkAlarms(ctx context.Context, n config.Network) []Result {
	if v.out.AlarmNames == nil {
		return []Result{skipped(CheckAlarms, n.Name)}
	}
	names := v.out.AlarmNames[n.Name]
	if len(names) == 0 {
		return []Result{result(CheckAlarms, n.Name, Fail, "no alarms for %s in the stack outputs (alarmNames)", n.Name)}
	}
	var alarms []cwtypes.MetricAlarm
	pages := cloudwatch.NewDescribeAlarmsPaginator(v.clients(n.Name).Alarms,
		&cloudwatch.DescribeAlarmsInput{AlarmNames: names})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return []Result{result(CheckAlarms, n.Name, Fail, "%s", apiReason("DescribeAlarms", err))}
		}
		alarms = append(alarms, page.MetricAlarms...)
	}
	published, filterProblem := v.publishedMetrics(ctx, n)
	topic := v.out.AlarmTopicARNs[n.Name]
	now := v.opts.Now()
	var results []Result
	for _, name := range names {
		subject := fmt.Sprintf("%s %s", n.Name, name)
		i := slices.IndexFunc(alarms, func(a cwtypes.MetricAlarm) bool { return aws.ToString(a.AlarmName) == name })
		if i < 0 {
			results = append(results, result(CheckAlarms, subject, Fail, "alarm does not exist"))
			continue
		}
		a := alarms[i]
		if topic != "" && !slices.Contains(a.AlarmActions, topic) {
			results = append(results, result(CheckAlarms, subject, Fail, "does not notify %s (actions: %v)", topic, a.AlarmActions))
			continue
		}
		if filterProblem != "" {
			results = append(results, result(CheckAlarms, subject, Fail, "%s, so whether a metric filter feeds %s is unknown", filterProblem, strings.Join(alarmMetricNames(a), ", ")))
			continue
		}
		if missing := unpublished(a, published); len(missing) > 0 {
			results = append(results, result(CheckAlarms, subject, Fail,
				"no metric filter on %s publishes %s: the alarm can never fire (missing data counts as %s); run peerctl up",
				v.out.FlowLogGroups[n.Name], strings.Join(missing, ", "), missingDataWord(a)))
			continue
		}
		since := aws.ToTime(a.StateUpdatedTimestamp)
		age := now.Sub(since).Truncate(time.Second)
		metric := strings.Join(alarmMetricNames(a), ", ")
		switch a.StateValue {
		case cwtypes.StateValueOk:
			results = append(results, result(CheckAlarms, subject, Pass, "OK (%s)", metric))
		case cwtypes.StateValueAlarm:
			results = append(results, result(CheckAlarms, subject, Pass, "in ALARM for %s: %s", age, aws.ToString(a.StateReason)))
		default:
			if age > v.opts.AlarmGrace {
				results = append(results, result(CheckAlarms, subject, Fail,
					"INSUFFICIENT_DATA for %s (over %s): %s gets no data points; check the metric filter on the flow-log group and that traffic crosses the peering",
					age, v.opts.AlarmGrace, metric))
			} else {
				results = append(results, result(CheckAlarms, subject, Wait, "INSUFFICIENT_DATA for %s, within the %s grace period", age, v.opts.AlarmGrace))
			}
		}
	}
	return results
}

// metricKey names a metric as a metric filter publishes it: namespace,
// name and the sorted dimension names.
type metricKey struct {
	namespace, name, dims string
}

func (k metricKey) String() string { return k.namespace + "/" + k.name }

// publishedMetrics returns the metrics the metric filters on the network's
// flow-log group publish, or why they cannot be read.
func (v *verifier) publishedMetrics(ctx context.Context, n config.Network) (map[metricKey]string, string) {
	group := v.out.FlowLogGroups[n.Name]
	if group == "" {
		return nil, fmt.Sprintf("no flow-log group for %s in the stack outputs (flowLogGroups)", n.Name)
	}
	out := map[metricKey]string{}
	pages := cloudwatchlogs.NewDescribeMetricFiltersPaginator(v.clients(n.Name).MetricFilters,
		&cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(group)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var notFound *cwltypes.ResourceNotFoundException
		switch {
		case errors.As(err, &notFound):
			return nil, fmt.Sprintf("the flow-log group %s does not exist", group)
		case err != nil:
			return nil, fmt.Sprintf("cannot read the metric filters of %s: %s", group, apiReason("DescribeMetricFilters", err))
		}
		for _, f := range page.MetricFilters {
			for _, t := range f.MetricTransformations {
				k := metricKey{aws.ToString(t.MetricNamespace), aws.ToString(t.MetricName), joinSorted(slices.Collect(maps.Keys(t.Dimensions)))}
				out[k] = aws.ToString(f.FilterName)
			}
		}
	}
	return out, ""
}

// alarmMetrics are the metrics an alarm watches: its metric, or those of
// its metric math queries.
func alarmMetrics(a cwtypes.MetricAlarm) []metricKey {
	dimNames := func(ds []cwtypes.Dimension) string {
		var names []string
		for _, d := range ds {
			names = append(names, aws.ToString(d.Name))
		}
		return joinSorted(names)
	}
	if aws.ToString(a.MetricName) != "" {
		return []metricKey{{aws.ToString(a.Namespace), aws.ToString(a.MetricName), dimNames(a.Dimensions)}}
	}
	var out []metricKey
	for _, q := range a.Metrics {
		if q.MetricStat != nil && q.MetricStat.Metric != nil {
			m := q.MetricStat.Metric
			out = append(out, metricKey{aws.ToString(m.Namespace), aws.ToString(m.MetricName), dimNames(m.Dimensions)})
		}
	}
	return out
}

func alarmMetricNames(a cwtypes.MetricAlarm) []string {
	var out []string
	for _, k := range alarmMetrics(a) {
		out = append(out, k.String())
	}
	return out
}

// unpublished lists the alarm's metrics that no metric filter publishes
// (with the same dimensions: a metric with dimensions is another metric).
func unpublished(a cwtypes.MetricAlarm, published map[metricKey]string) []string {
	metrics := alarmMetrics(a)
	if len(metrics) == 0 {
		return []string{"(no metric)"}
	}
	var out []string
	for _, k := range metrics {
		if _, ok := published[k]; !ok {
			out = append(out, k.String())
		}
	}
	return out
}

func missingDataWord(a cwtypes.MetricAlarm) string {
	switch aws.ToString(a.TreatMissingData) {
	case "breaching":
		return "breaching"
	case "ignore":
		return "the last state"
	case "missing":
		return "INSUFFICIENT_DATA"
	}
	return "not breaching"
}

func joinSorted(s []string) string {
	slices.Sort(s)
	return strings.Join(s, ",")
}

// checkDashboard checks that every network's account has its dashboard
// (dashboardNames: the main one in the monitoring account, an own one in
// each other account). Stacks that export only dashboardName are checked
// the older way: the main dashboard exists in one of the accounts.
func (v *verifier) checkDashboard(ctx context.Context) []Result {
	if v.out.DashboardNames != nil {
		return v.checkAccountDashboards(ctx)
	}
	if v.out.DashboardName == nil {
		return []Result{skipped(CheckDashboard, "dashboard")}
	}
	name := *v.out.DashboardName
	if name == "" {
		return []Result{result(CheckDashboard, "dashboard", Fail, "dashboardName is empty in the stack outputs")}
	}
	seen := map[string]bool{}
	var found, missing, failed []string
	for _, n := range v.cfg.Networks {
		key := n.Account.ExpectedID()
		if key == "" {
			key = n.Account.Credentials()
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		_, err := v.clients(n.Name).Dashboards.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String(name)})
		var notFound *cwtypes.DashboardNotFoundError
		switch {
		case err == nil:
			found = append(found, n.Name+"'s account")
		case errors.As(err, &notFound) || hasCode(err, "ResourceNotFound"):
			missing = append(missing, n.Name+"'s account")
		default:
			failed = append(failed, fmt.Sprintf("%s's account: %s", n.Name, apiReason("GetDashboard", err)))
		}
	}
	switch {
	case len(found) > 0:
		return []Result{result(CheckDashboard, name, Pass, "found in %s", strings.Join(found, ", "))}
	case len(failed) > 0:
		return []Result{result(CheckDashboard, name, Fail, "%s", strings.Join(failed, "; "))}
	}
	return []Result{result(CheckDashboard, name, Fail, "not found in %s", strings.Join(missing, ", "))}
}

// checkAccountDashboards reads each network's dashboard from the network's
// own account, once per account and name.
func (v *verifier) checkAccountDashboards(ctx context.Context) []Result {
	var out []Result
	seen := map[string]bool{}
	for _, n := range v.cfg.Networks {
		name, ok := v.out.DashboardNames[n.Name]
		if !ok || name == "" {
			out = append(out, result(CheckDashboard, n.Name, Fail, "no dashboard for %s in the stack outputs (dashboardNames)", n.Name))
			continue
		}
		key := v.out.AccountIDs[n.Name] + "/" + name
		if v.out.AccountIDs[n.Name] != "" && seen[key] {
			continue // a network sharing the account and dashboard of one already checked
		}
		seen[key] = true
		subject := fmt.Sprintf("%s %s", n.Name, name)
		_, err := v.clients(n.Name).Dashboards.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String(name)})
		var notFound *cwtypes.DashboardNotFoundError
		switch {
		case err == nil:
			out = append(out, result(CheckDashboard, subject, Pass, "found in %s's account", n.Name))
		case errors.As(err, &notFound) || hasCode(err, "ResourceNotFound"):
			out = append(out, result(CheckDashboard, subject, Fail, "not found in %s's account", n.Name))
		default:
			out = append(out, result(CheckDashboard, subject, Fail, "%s", apiReason("GetDashboard", err)))
		}
	}
	return out
}
