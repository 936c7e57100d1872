package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/observability"
)

// dashboardNames maps every network to the dashboard of its own group:
// the main one for the monitoring group's networks, the group's own
// dashboard for the others (which hold their alarm states). A network
// without flow logs maps to its group's dashboard too, which says why it
// has no graphs.
func dashboardNames(groups []config.AccountGroup, dash *observability.Dashboard) pulumi.StringMap {
	out := pulumi.StringMap{}
	for _, g := range groups {
		name := dash.Main.DashboardName
		if d, ok := dash.PerAccount[g.Name()]; ok {
			name = d.DashboardName
		}
		for _, n := range g.Networks {
			out[n.Name] = name
		}
	}
	return out
}

// newDashboard registers the dashboard over every account group. A group
// is named after its first network and carries its region; the monitoring
// group is the one holding dashboard.monitoringNetwork.
func newDashboard(ctx *pulumi.Context, cfg *config.Config, r *Result, groups []config.AccountGroup,
	alarms map[string]*observability.PeerAlarms) (*observability.Dashboard, error) {
	d := cfg.Observability.Dashboard
	args := &observability.DashboardArgs{
		Environment:  cfg.Environment,
		CrossAccount: *d.CrossAccount,
	}
	for _, g := range groups {
		owner := r.Accounts[g.Name()]
		acct := observability.DashboardAccount{Name: g.Name(), AccountID: owner.ID, Region: g.Region(), Provider: owner.Provider}
		for _, n := range g.Networks {
			acct.Networks = append(acct.Networks, observability.DashboardNetwork{Name: n.Name, Alarms: alarms[n.Name]})
			if n.Name == d.MonitoringNetwork {
				args.Monitoring = g.Name()
			}
		}
		args.Accounts = append(args.Accounts, acct)
	}
	return observability.NewDashboard(ctx, DashboardComponentName, args)
}
