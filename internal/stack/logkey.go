package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/observability"
)

// logKeys are the log keys peerctl created, by account group (group name:
// one key per account and region, KMS keys being regional) and by network. A network is in byNetwork only when no key is configured for
// it: a configured key always wins.
type logKeys struct {
	byAccount map[string]*observability.LogKey
	byNetwork map[string]*observability.LogKey
}

// defineLogKeys creates, with flowLogs.createKmsKey (on in prod), one
// customer managed key per account group (account and region) that will
// use it: a network with flow logs and no configured flow-log key, or the
// group's own AWS Config bucket without a configured key. The key is in
// the group's region, and its alias, named after the group's first
// network, is unique per account and region. It is retained on destroy
// where the log buckets are (forceDestroy false): it must outlive the logs
// encrypted with it.
func defineLogKeys(ctx *pulumi.Context, cfg *config.Config, r *Result, groups []config.AccountGroup) (logKeys, error) {
	fl := cfg.Observability.FlowLogs
	keys := logKeys{byAccount: map[string]*observability.LogKey{}, byNetwork: map[string]*observability.LogKey{}}
	for _, g := range groups {
		if !cfg.Observability.NeedsCreatedKey(g) {
			continue
		}
		owner := r.Accounts[g.Name()]
		k, err := observability.NewLogKey(ctx, g.Name()+"-log-key", &observability.LogKeyArgs{
			Account:     g.Name(),
			Environment: cfg.Environment,
			Region:      g.Region(),
			AccountID:   owner.ID,
			Retain:      !*fl.ForceDestroy,
		}, pulumi.Provider(owner.Provider))
		if err != nil {
			return keys, err
		}
		keys.byAccount[g.Name()] = k
		for _, n := range g.Networks {
			if n.HasFlowLogs() && fl.KeyFor(n.Name) == "" {
				keys.byNetwork[n.Name] = k
			}
		}
	}
	return keys, nil
}

// flowLogKey is the created key of a network's flow logs; nil when a key
// is configured for it or none is created.
func (k logKeys) flowLogKey(network string) pulumi.StringInput {
	if key, ok := k.byNetwork[network]; ok {
		return key.Key.Arn
	}
	return nil
}

// configKey is the created key of an account's AWS Config bucket: nil
// with a log archive (see configKey) or when the account has a configured
// key, which AWS Config keeps using.
func (k logKeys) configKey(o config.Observability, g config.AccountGroup) pulumi.StringInput {
	key, ok := k.byAccount[g.Name()]
	if !ok || o.LogArchive.Bucket() != "" || o.FlowLogs.AccountKey(g) != "" {
		return nil
	}
	return key.Key.Arn
}
