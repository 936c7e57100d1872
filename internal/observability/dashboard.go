package observability

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/oam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/names"
)

// MetricResourceType is the only OAM resource type the links share.
const MetricResourceType = "AWS::CloudWatch::Metric"

// DashboardArgs describe the dashboard(s) over every network.
type DashboardArgs struct {
	Environment string
	Region      string
	// CrossAccount also shows every account's metrics on the main dashboard
	// in the monitoring account, through a CloudWatch cross-account
	// observability (OAM) sink there and a link from each other account.
	// Each other account gets a dashboard of its own in both modes (see
	// Dashboard.PerAccount); without CrossAccount the main dashboard shows
	// only the monitoring account's networks.
	CrossAccount bool
	// Monitoring is the name of the account that holds the dashboard.
	Monitoring string
	// Accounts in configuration order.
	Accounts []DashboardAccount
}

// DashboardAccount is one AWS account and the networks in it.
type DashboardAccount struct {
	// Name is the account's first network: it names the account's resources.
	Name      string
	AccountID string
	Provider  pulumi.ProviderResource
	Networks  []DashboardNetwork
}

// DashboardNetwork is one network's alarms and the metrics they watch.
type DashboardNetwork struct {
	Name   string
	Alarms *PeerAlarms
}

// Dashboard is the CloudWatch dashboard of the peerings, plus what it needs
// to see across accounts. It spans accounts: every child is created with
// the provider of the account it lives in.
type Dashboard struct {
	pulumi.ResourceState

	// Sink and Links are nil/empty without cross-account observability.
	Sink  *oam.Sink
	Links map[string]*oam.Link // by account name
	Main  *cloudwatch.Dashboard
	// PerAccount are the other accounts' dashboards, by account name. They
	// exist in both modes: OAM shares metrics, not alarms, so an account's
	// alarm states are shown by a dashboard in that account.
	PerAccount map[string]*cloudwatch.Dashboard
	// DashboardName is the main dashboard's name.
	DashboardName string
}

// NewDashboard registers the dashboard. It takes no provider option.
func NewDashboard(ctx *pulumi.Context, name string, args *DashboardArgs, opts ...pulumi.ResourceOption) (*Dashboard, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("dashboard %q: %w", name, err)
	}
	d := &Dashboard{
		Links: map[string]*oam.Link{}, PerAccount: map[string]*cloudwatch.Dashboard{},
		DashboardName: names.Dashboard(args.Environment, args.Region),
	}
	b := &dashboardBuilder{ctx: ctx, d: d, name: name, args: args}
	b.split()
	mode := "single-account"
	switch {
	case b.crossAccount():
		mode = "cross-account"
	case len(b.others) > 0:
		mode = "per-account"
	}
	if err := ctx.RegisterComponentResourceV2(DashboardType, name, pulumi.Map{
		"environment":       pulumi.String(args.Environment),
		"monitoringAccount": pulumi.String(args.Monitoring),
		"mode":              pulumi.String(mode),
	}, d, opts...); err != nil {
		return nil, err
	}
	for _, step := range []func() error{b.oam, b.dashboards} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("dashboard %q: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"dashboardName": d.Main.DashboardName,
	}); err != nil {
		return nil, fmt.Errorf("dashboard %q: %w", name, err)
	}
	return d, nil
}

func (a *DashboardArgs) validate() error {
	if a == nil || a.Environment == "" || a.Region == "" {
		return fmt.Errorf("environment and region are required")
	}
	found := false
	for _, acct := range a.Accounts {
		if acct.Name == "" || acct.AccountID == "" || acct.Provider == nil || len(acct.Networks) == 0 {
			return fmt.Errorf("account %q: name, account id, provider and networks are required", acct.Name)
		}
		for _, n := range acct.Networks {
			if n.Alarms == nil {
				return fmt.Errorf("network %q has no alarms", n.Name)
			}
		}
		found = found || acct.Name == a.Monitoring
	}
	if !found {
		return fmt.Errorf("monitoring account %q is not one of the accounts", a.Monitoring)
	}
	return nil
}

type dashboardBuilder struct {
	ctx    *pulumi.Context
	d      *Dashboard
	name   string
	args   *DashboardArgs
	mon    DashboardAccount
	others []DashboardAccount
}

func (b *dashboardBuilder) split() {
	for _, a := range b.args.Accounts {
		if a.Name == b.args.Monitoring {
			b.mon = a
		} else {
			b.others = append(b.others, a)
		}
	}
}

// crossAccount: OAM only when asked for and there is another account.
func (b *dashboardBuilder) crossAccount() bool { return b.args.CrossAccount && len(b.others) > 0 }

// child is the logical name of a child living in account acct.
func (b *dashboardBuilder) child(acct DashboardAccount, what string) string {
	return fmt.Sprintf("%s-%s-%s", acct.Name, b.name, what)
}

func (b *dashboardBuilder) on(acct DashboardAccount, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.d), pulumi.Provider(acct.Provider)}, more...)
}

// SinkName is the OAM sink of the monitoring account.
func SinkName(env string) string { return "vpc-peering-" + env }

// SinkPolicy lets exactly these accounts link to the sink, sharing metrics
// only. In a sink policy "*" as the resource means this sink.
func SinkPolicy(accountIDs []string) iamdoc.Document {
	ids := slices.Sorted(slices.Values(accountIDs))
	return iamdoc.New(iamdoc.Statement{
		Sid:       "SourceAccountsShareMetrics",
		Effect:    iamdoc.Allow,
		Principal: iamdoc.Accounts(slices.Compact(ids)...),
		Action:    []string{"oam:CreateLink", "oam:UpdateLink"},
		Resource:  []string{"*"},
		Condition: iamdoc.Conditions{"ForAllValues:StringEquals": {"oam:ResourceTypes": {MetricResourceType}}},
	})
}

// oam creates the sink in the monitoring account and a link from every
// other account, sharing only the peerctl metric namespace.
func (b *dashboardBuilder) oam() error {
	if !b.crossAccount() {
		return nil
	}
	sinkName := SinkName(b.args.Environment)
	sink, err := oam.NewSink(b.ctx, b.child(b.mon, "oam-sink"), &oam.SinkArgs{
		Name: pulumi.String(sinkName),
		Tags: sharedTags(sinkName),
	}, b.on(b.mon)...)
	if err != nil {
		return err
	}
	b.d.Sink = sink
	var ids []string
	for _, o := range b.others {
		ids = append(ids, o.AccountID)
	}
	policy, err := SinkPolicy(ids).JSON()
	if err != nil {
		return err
	}
	sinkPolicy, err := oam.NewSinkPolicy(b.ctx, b.child(b.mon, "oam-sink-policy"), &oam.SinkPolicyArgs{
		SinkIdentifier: sink.Arn,
		Policy:         pulumi.String(policy),
	}, b.on(b.mon)...)
	if err != nil {
		return err
	}
	for _, o := range b.others {
		link, err := oam.NewLink(b.ctx, b.child(o, "oam-link"), &oam.LinkArgs{
			SinkIdentifier: sink.Arn,
			LabelTemplate:  pulumi.String("$AccountName"),
			ResourceTypes:  pulumi.StringArray{pulumi.String(MetricResourceType)},
			LinkConfiguration: &oam.LinkLinkConfigurationArgs{
				MetricConfiguration: &oam.LinkLinkConfigurationMetricConfigurationArgs{
					Filter: pulumi.String(fmt.Sprintf("Namespace IN ('%s')", Namespace)),
				},
			},
			Tags: sharedTags(fmt.Sprintf("%s-oam-link-%s", o.Name, b.args.Environment)),
		}, b.on(o, pulumi.DependsOn([]pulumi.Resource{sinkPolicy}))...)
		if err != nil {
			return err
		}
		b.d.Links[o.Name] = link
	}
	return nil
}

// panel is one network's row on a dashboard.
type panel struct {
	network string
	// accountID and accountName are set when the metrics live in another
	// account (whose first network names its dashboard).
	accountID   string
	accountName string
	metrics     []PeerMetric
	specs       []AlarmSpec
	alarms      []pulumi.StringOutput // alarm ARNs, in specs order
}

// dashboards creates the main dashboard in the monitoring account and one
// in every other account. With cross-account observability the main one
// also graphs the other accounts' metrics (metric widgets name their
// account); alarm states stay with each account's own dashboard, because
// OAM shares metrics and not alarms, and an alarm in the monitoring account
// on another account's metric would need CloudWatch's older cross-account
// sharing roles.
func (b *dashboardBuilder) dashboards() error {
	var main []panel
	for _, n := range b.mon.Networks {
		main = append(main, b.localPanel(n))
	}
	if b.crossAccount() {
		for _, o := range b.others {
			for _, n := range o.Networks {
				main = append(main, panel{network: n.Name, accountID: o.AccountID, accountName: o.Name, metrics: n.Alarms.Metrics, specs: n.Alarms.Specs})
			}
		}
	}
	note := ""
	if len(b.others) > 0 {
		if b.crossAccount() {
			note = "Alarm states of networks in other accounts are on their accounts' dashboards:"
		} else {
			note = "Networks in other accounts have their own dashboards:"
		}
		for _, o := range b.others {
			note += fmt.Sprintf(" `%s` (account %s)", names.AccountDashboard(o.Name, b.args.Environment, b.args.Region), o.AccountID)
		}
		note += "."
	}
	var err error
	b.d.Main, err = b.dashboard(b.mon, "dashboard", b.d.DashboardName, main, note)
	if err != nil {
		return err
	}
	for _, o := range b.others {
		var panels []panel
		for _, n := range o.Networks {
			panels = append(panels, b.localPanel(n))
		}
		dash, err := b.dashboard(o, "dashboard", names.AccountDashboard(o.Name, b.args.Environment, b.args.Region), panels,
			fmt.Sprintf("The main dashboard is `%s` in the account of network %s.", b.d.DashboardName, b.mon.Name))
		if err != nil {
			return err
		}
		b.d.PerAccount[o.Name] = dash
	}
	return nil
}

func (b *dashboardBuilder) localPanel(n DashboardNetwork) panel {
	p := panel{network: n.Name, metrics: n.Alarms.Metrics, specs: n.Alarms.Specs}
	for _, s := range n.Alarms.Specs {
		p.alarms = append(p.alarms, n.Alarms.Alarms[s.Key].Arn)
	}
	return p
}

func (b *dashboardBuilder) dashboard(acct DashboardAccount, what, dashName string, panels []panel, note string) (*cloudwatch.Dashboard, error) {
	var arns []any
	for _, p := range panels {
		for _, a := range p.alarms {
			arns = append(arns, a)
		}
	}
	region, env := b.args.Region, b.args.Environment
	body := pulumi.All(arns...).ApplyT(func(resolved []any) (string, error) {
		i := 0
		plain := make([][]string, len(panels))
		for pi, p := range panels {
			for range p.alarms {
				plain[pi] = append(plain[pi], resolved[i].(string))
				i++
			}
		}
		return renderDashboard(env, region, panels, plain, note)
	}).(pulumi.StringOutput)
	return cloudwatch.NewDashboard(b.ctx, b.child(acct, what), &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(dashName),
		DashboardBody: body,
	}, b.on(acct)...)
}

// Dashboard body JSON (CloudWatch dashboard body structure), built from
// structs so the same dashboard always has the same body.
type dashboardBody struct {
	Widgets []widget `json:"widgets"`
}

type widget struct {
	Type       string `json:"type"`
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Properties any    `json:"properties"`
}

type textProperties struct {
	Markdown string `json:"markdown"`
}

type metricProperties struct {
	Title       string       `json:"title"`
	View        string       `json:"view"`
	Stacked     bool         `json:"stacked"`
	Region      string       `json:"region"`
	Stat        string       `json:"stat"`
	Period      int          `json:"period"`
	Metrics     [][]any      `json:"metrics"`
	Annotations *annotations `json:"annotations,omitempty"`
	YAxis       yAxis        `json:"yAxis"`
}

// metricOptions are the rendering properties of one metric line.
type metricOptions struct {
	Label     string `json:"label"`
	AccountID string `json:"accountId,omitempty"`
}

type annotations struct {
	Horizontal []annotation `json:"horizontal"`
}

type annotation struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
}

type yAxis struct {
	Left axis `json:"left"`
}

type axis struct {
	Min float64 `json:"min"`
}

type alarmProperties struct {
	Title  string   `json:"title"`
	Alarms []string `json:"alarms"`
	SortBy string   `json:"sortBy"`
}

// renderDashboard renders a dashboard: a header, then one row per network
// with its bytes to and from each peer, the packets its peers had rejected
// (both with the alarm threshold drawn), and its alarms' states.
func renderDashboard(env, region string, panels []panel, alarmARNs [][]string, note string) (string, error) {
	header := fmt.Sprintf("# VPC peering (%s)\n"+
		"Traffic between peered networks, from each network's VPC flow log (CloudWatch Logs metric filters in namespace `%s`). "+
		"Near-real-time: flow-log records arrive 1-10 minutes after the traffic. Bytes are accepted flows; rejects are packets "+
		"the receiving network's security groups or NACLs dropped. Alarms fire on a 5-minute sum above the line drawn on each graph.",
		env, Namespace)
	if note != "" {
		header += "\n\n" + note
	}
	body := dashboardBody{Widgets: []widget{{Type: "text", X: 0, Y: 0, Width: 24, Height: 3, Properties: textProperties{Markdown: header}}}}
	y := 3
	for i, p := range panels {
		if len(p.metrics) == 0 {
			continue // a network without peers has nothing to show
		}
		where := ""
		if p.accountID != "" {
			where = fmt.Sprintf(" (account %s)", p.accountID)
		}
		var traffic, rejects [][]any
		for _, m := range p.metrics {
			line := []any{Namespace, m.Name, metricOptions{Label: m.Label, AccountID: p.accountID}}
			if m.Action == "REJECT" {
				rejects = append(rejects, line)
			} else {
				traffic = append(traffic, line)
			}
		}
		var trafficLimit, rejectLimit float64
		for _, s := range p.specs {
			if s.Metric.Action == "REJECT" {
				rejectLimit = s.Threshold
			} else {
				trafficLimit = s.Threshold
			}
		}
		graph := func(title string, metrics [][]any, limit float64) metricProperties {
			return metricProperties{
				Title: title, View: "timeSeries", Region: region, Stat: "Sum", Period: MetricPeriod,
				Metrics:     metrics,
				Annotations: &annotations{Horizontal: []annotation{{Label: "alarm threshold", Value: limit}}},
			}
		}
		body.Widgets = append(body.Widgets,
			widget{Type: "metric", X: 0, Y: y, Width: 9, Height: 6,
				Properties: graph(fmt.Sprintf("%s%s: bytes to and from peers (5-min sum)", p.network, where), traffic, trafficLimit)},
			widget{Type: "metric", X: 9, Y: y, Width: 9, Height: 6,
				Properties: graph(fmt.Sprintf("%s%s: packets from peers rejected (5-min sum)", p.network, where), rejects, rejectLimit)},
		)
		if len(alarmARNs[i]) > 0 {
			body.Widgets = append(body.Widgets, widget{Type: "alarm", X: 18, Y: y, Width: 6, Height: 6,
				Properties: alarmProperties{Title: p.network + " alarms", Alarms: alarmARNs[i], SortBy: "stateUpdatedTimestamp"}})
		} else {
			body.Widgets = append(body.Widgets, widget{Type: "text", X: 18, Y: y, Width: 6, Height: 6,
				Properties: textProperties{Markdown: fmt.Sprintf("**%s alarms** are in account %s: see `%s` there. "+
					"The lines on the graphs are their thresholds.", p.network, p.accountID, names.AccountDashboard(p.accountName, env, region))}})
		}
		y += 6
	}
	out, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("dashboard body: %w", err)
	}
	return string(out), nil
}
