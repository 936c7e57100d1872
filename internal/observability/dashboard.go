package observability

import (
	"fmt"

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
