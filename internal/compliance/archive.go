package compliance

import (
	"slices"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
)

// ArchiveAccount is one account that delivers to the log archive, and the
// regions its networks are in (flow-log delivery is pinned per region).
type ArchiveAccount struct {
	ID      string
	Regions []string
}

// ArchiveBucketPolicy is the bucket policy a central log-archive bucket
// needs before the stack's accounts can deliver to it: for each account,
// VPC flow log delivery (delivery.logs.amazonaws.com, AWS VPC user guide,
// flow-logs-s3-permissions) from each of its regions and AWS Config
// delivery (config.amazonaws.com, AWS Config developer guide,
// s3-bucket-policy), each limited to the account's own AWSLogs/<account>/
// prefix and pinned with aws:SourceAccount (and, for flow logs,
// aws:SourceArn), plus the TLS-only deny. Statement ids carry the account
// id: ids must be unique within a policy, so an account listed twice is
// merged into one entry with the union of its regions.
//
// peerctl does not own the archive bucket (its account is not in the
// stack), so it prints this for the archive's owner to merge into the
// bucket's policy (`peerctl plan --json`, outputs.logArchiveBucketPolicy).
func ArchiveBucketPolicy(partition, bucket string, accounts []ArchiveAccount) iamdoc.Document {
	arn := observability.BucketARN(partition, bucket)
	statements := []iamdoc.Statement{iamdoc.TLSOnly(arn, arn+"/*")}
	for _, a := range mergeArchiveAccounts(accounts) {
		grants := append(observability.FlowLogDeliveryGrantsIn(partition, a.Regions, a.ID, bucket), DeliveryGrants(partition, a.ID, bucket)...)
		for _, g := range grants {
			g.Sid += a.ID
			statements = append(statements, g)
		}
	}
	return iamdoc.New(statements...)
}

// mergeArchiveAccounts keeps the first appearance order of accounts and of
// each account's regions, dropping repeats.
func mergeArchiveAccounts(accounts []ArchiveAccount) []ArchiveAccount {
	var out []ArchiveAccount
	index := map[string]int{}
	for _, a := range accounts {
		i, ok := index[a.ID]
		if !ok {
			i = len(out)
			index[a.ID] = i
			out = append(out, ArchiveAccount{ID: a.ID})
		}
		for _, r := range a.Regions {
			if !slices.Contains(out[i].Regions, r) {
				out[i].Regions = append(out[i].Regions, r)
			}
		}
	}
	return out
}
