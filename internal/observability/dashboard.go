package observability

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/oam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/names"
)

// MetricResourceType is the only OAM resource type the links share.
const MetricResourceType = "AWS::CloudWatch::Metric"

// DashboardArgs describe the dashboard(s) over every network.
type DashboardArgs struct {
	Environment string
	// CrossAccount also shows every account's metrics on the main dashboard
	// in the monitoring account, through a CloudWatch cross-account
	// observability (OAM) sink there and a link from each other account in
	// the monitoring account's region: OAM is regional (a sink sees its
	// linked accounts' metrics in its own region only). Each other account
	// gets a dashboard of its own in both modes (see Dashboard.PerAccount);
	// without CrossAccount the main dashboard shows only the monitoring
	// account's networks.
	CrossAccount bool
	// Monitoring is the name of the account that holds the dashboard.
	Monitoring string
	// Accounts in configuration order.
	Accounts []DashboardAccount
}

// DashboardAccount is one AWS account in one region (an account group)
// and the networks in it. An account with networks in two regions is two
// DashboardAccounts, named after their different first networks.
type DashboardAccount struct {
	// Name is the group's first network: it names the group's resources.
	Name      string
	AccountID string
	// Region is where the group's networks, metrics and alarms are: the
	// region of its widgets and the region code of its dashboard's name.
	Region   string
	Provider pulumi.ProviderResource
	Networks []DashboardNetwork
}

// DashboardNetwork is one network's alarms and the metrics they watch.
// Alarms is nil for a network without flow logs (an existing VPC with
// existing.flowLogs false): it has no metrics, so no row, and its
// dashboard says so.
type DashboardNetwork struct {
	Name   string
	Alarms *PeerAlarms
}

// Dashboard is the CloudWatch dashboard of the peerings, plus what it needs
// to see across accounts. It spans accounts: every child is created with
// the provider of the account it lives in.
type Dashboard struct {
	pulumi.ResourceState

	// Sink and Links are nil/empty without cross-account observability;
	// only accounts in the monitoring account's region are linked.
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
	d := &Dashboard{Links: map[string]*oam.Link{}, PerAccount: map[string]*cloudwatch.Dashboard{}}
	b := &dashboardBuilder{ctx: ctx, d: d, name: name, args: args}
	b.split()
	// The main dashboard carries its region's code like every per-account
	// one: dashboard names are per account, not per region.
	d.DashboardName = names.Dashboard(args.Environment, b.mon.Region)
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
	if a == nil || a.Environment == "" {
		return fmt.Errorf("environment is required")
	}
	found := false
	for _, acct := range a.Accounts {
		if acct.Name == "" || acct.AccountID == "" || acct.Region == "" || acct.Provider == nil || len(acct.Networks) == 0 {
			return fmt.Errorf("account %q: name, account id, region, provider and networks are required", acct.Name)
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
	// inRegion are the others in the monitoring account's region, the only
	// ones OAM can link; elsewhere the rest, each on its own dashboard only.
	inRegion, elsewhere []DashboardAccount
}

func (b *dashboardBuilder) split() {
	for _, a := range b.args.Accounts {
		if a.Name == b.args.Monitoring {
			b.mon = a
		}
	}
	for _, a := range b.args.Accounts {
		switch {
		case a.Name == b.mon.Name:
		case a.Region == b.mon.Region && a.AccountID != b.mon.AccountID:
			b.others = append(b.others, a)
			b.inRegion = append(b.inRegion, a)
		default:
			b.others = append(b.others, a)
			b.elsewhere = append(b.elsewhere, a)
		}
	}
}

// crossAccount: OAM only when asked for and there is another account in
// the monitoring account's region to link.
func (b *dashboardBuilder) crossAccount() bool { return b.args.CrossAccount && len(b.inRegion) > 0 }

// child is the logical name of a child living in account acct.
func (b *dashboardBuilder) child(acct DashboardAccount, what string) string {
	return fmt.Sprintf("%s-%s-%s", acct.Name, b.name, what)
}

func (b *dashboardBuilder) on(acct DashboardAccount, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.d), pulumi.Provider(acct.Provider)}, more...)
}

// panel is one network's row on a dashboard.
type panel struct {
	network string
	// region is where the network's metrics are: its widgets' region.
	region string
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
	main := b.localPanels(b.mon)
	if b.crossAccount() {
		for _, o := range b.inRegion {
			for _, n := range o.Networks {
				if n.Alarms == nil {
					continue // no flow logs, no metrics; its own dashboard says so
				}
				main = append(main, panel{network: n.Name, region: o.Region, accountID: o.AccountID, accountName: o.Name,
					metrics: n.Alarms.Metrics, specs: n.Alarms.Specs})
			}
		}
	}
	var err error
	b.d.Main, err = b.dashboard(b.mon, "dashboard", b.d.DashboardName, main, joinNotes(b.otherDashboardsNote(), withoutFlowLogsNote(b.mon)))
	if err != nil {
		return err
	}
	for _, o := range b.others {
		note := fmt.Sprintf("The main dashboard is `%s` in the account of network %s.", b.d.DashboardName, b.mon.Name)
		dash, err := b.dashboard(o, "dashboard", names.AccountDashboard(o.Name, b.args.Environment, o.Region), b.localPanels(o),
			joinNotes(note, withoutFlowLogsNote(o)))
		if err != nil {
			return err
		}
		b.d.PerAccount[o.Name] = dash
	}
	return nil
}

// otherDashboardsNote points from the main dashboard to the others: those
// of accounts in the monitoring region (whose alarm states they hold when
// their metrics are graphed here through OAM), then those of other
// regions, which OAM cannot link.
func (b *dashboardBuilder) otherDashboardsNote() string {
	var sentences []string
	if len(b.inRegion) > 0 {
		note := "Networks in other accounts have their own dashboards:"
		if b.crossAccount() {
			note = "Alarm states of networks in other accounts are on their accounts' dashboards:"
		}
		for _, o := range b.inRegion {
			note += fmt.Sprintf(" `%s` (account %s)", names.AccountDashboard(o.Name, b.args.Environment, o.Region), o.AccountID)
		}
		sentences = append(sentences, note+".")
	}
	if len(b.elsewhere) > 0 {
		note := "Networks in other regions have their own dashboards:"
		for _, o := range b.elsewhere {
			note += fmt.Sprintf(" `%s` (account %s, %s)", names.AccountDashboard(o.Name, b.args.Environment, o.Region), o.AccountID, o.Region)
		}
		note += "."
		if b.args.CrossAccount {
			note += " CloudWatch cross-account observability links accounts within one region only, so their metrics are not graphed here."
		}
		sentences = append(sentences, note)
	}
	return strings.Join(sentences, " ")
}

// withoutFlowLogsNote names the account's networks that have no flow logs
// (existing VPCs with existing.flowLogs false), which therefore have no
// graphs or alarms; "" when there are none.
func withoutFlowLogsNote(acct DashboardAccount) string {
	var without []string
	for _, n := range acct.Networks {
		if n.Alarms == nil {
			without = append(without, n.Name)
		}
	}
	if len(without) == 0 {
		return ""
	}
	return fmt.Sprintf("No traffic graphs or alarms for %s: peerctl creates no flow logs there (existing VPC with existing.flowLogs false).",
		strings.Join(without, ", "))
}

// joinNotes joins the non-empty notes as paragraphs.
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "\n\n")
}

// localPanels are the rows of an account's networks that have flow logs,
// with their alarm states.
func (b *dashboardBuilder) localPanels(acct DashboardAccount) []panel {
	var out []panel
	for _, n := range acct.Networks {
		if n.Alarms == nil {
			continue
		}
		p := panel{network: n.Name, region: acct.Region, metrics: n.Alarms.Metrics, specs: n.Alarms.Specs}
		for _, s := range n.Alarms.Specs {
			p.alarms = append(p.alarms, n.Alarms.Alarms[s.Key].Arn)
		}
		out = append(out, p)
	}
	return out
}

func (b *dashboardBuilder) dashboard(acct DashboardAccount, what, dashName string, panels []panel, note string) (*cloudwatch.Dashboard, error) {
	var arns []any
	for _, p := range panels {
		for _, a := range p.alarms {
			arns = append(arns, a)
		}
	}
	env := b.args.Environment
	body := pulumi.All(arns...).ApplyT(func(resolved []any) (string, error) {
		i := 0
		plain := make([][]string, len(panels))
		for pi, p := range panels {
			for range p.alarms {
				plain[pi] = append(plain[pi], resolved[i].(string))
				i++
			}
		}
		return renderDashboard(env, panels, plain, note)
	}).(pulumi.StringOutput)
	return cloudwatch.NewDashboard(b.ctx, b.child(acct, what), &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(dashName),
		DashboardBody: body,
	}, b.on(acct)...)
}
