package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/iamdoc"
)

// accountGroups partitions the networks by the account id their provider
// resolved to (configured, or asked of STS) and by region: the singletons
// AWS allows once per account and region must follow the real account.
func accountGroups(cfg *config.Config, r *Result) []config.AccountGroup {
	return config.GroupByAccount(cfg.Networks, func(n string) string { return r.Accounts[n].ID })
}

// archivePolicy is the log-archive bucket's policy for every account of
// the stack, in group order, each with the regions of its groups (flow-log
// delivery is pinned to the region it comes from).
func archivePolicy(cfg *config.Config, groups []config.AccountGroup, r *Result) (string, error) {
	var accounts []compliance.ArchiveAccount
	for _, g := range groups {
		accounts = append(accounts, compliance.ArchiveAccount{ID: r.Accounts[g.Name()].ID, Regions: []string{g.Region()}})
	}
	part := iamdoc.Partition(cfg.Region)
	return compliance.ArchiveBucketPolicy(part, cfg.Observability.LogArchive.Bucket(), accounts).JSON()
}

// configKey is the KMS key AWS Config encrypts its history with: the
// group's key for its own bucket, none for a log archive, whose default
// encryption applies. Under a key the audited account controls, the
// archive could be made unreadable by disabling the key, and its owner
// would need a grant on every account's key to read it.
func configKey(o config.Observability, g config.AccountGroup) string {
	if o.LogArchive.Bucket() != "" {
		return ""
	}
	return o.FlowLogs.AccountKey(g)
}

// newCompliance registers AWS Config for one account group (one account,
// one region: the recorder and delivery channel are per account and
// region), on the provider of its first network. Its DNS rule covers
// every VPC of the group, existing ones included.
func newCompliance(ctx *pulumi.Context, cfg *config.Config, r *Result, g config.AccountGroup,
	createdKey pulumi.StringInput) (*compliance.Compliance, error) {
	o := cfg.Observability
	owner := r.Accounts[g.Name()]
	args := &compliance.ComplianceArgs{
		Account:        g.Name(),
		Networks:       g.NetworkNames(),
		Environment:    cfg.Environment,
		Region:         g.Region(),
		AccountID:      owner.ID,
		CreateRecorder: o.Compliance.CreatesRecorder(g),
		PeeringDNSRule: cfg.Observability.Compliance.PeeringDNSRuleIn(g.Region()),
		RetentionDays:  o.FlowLogs.S3RetentionDays,
		Versioning:     versioned(cfg),
		ForceDestroy:   *o.FlowLogs.ForceDestroy,
		KMSKeyARN:      configKey(o, g),
		KMSKey:         createdKey,
		ObjectLock:     objectLock(cfg),
		BreakGlassRole: o.FlowLogs.BreakGlassRole,
		ArchiveBucket:  o.LogArchive.Bucket(),
	}
	for _, n := range g.Networks {
		args.VpcIDs = append(args.VpcIDs, r.Networks[n.Name].VpcID)
		if n.CostCenter != g.Networks[0].CostCenter {
			args.SharedCostCenter = true
		}
	}
	return compliance.NewCompliance(ctx, g.Name()+"-compliance", args, pulumi.Provider(owner.Provider))
}
