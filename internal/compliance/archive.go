package compliance

import (
	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
)

// ArchiveBucketPolicy is the bucket policy a central log-archive bucket
// needs before the stack's accounts can deliver to it: for each account,
// VPC flow log delivery (delivery.logs.amazonaws.com, AWS VPC user guide,
// flow-logs-s3-permissions) and AWS Config delivery (config.amazonaws.com,
// AWS Config developer guide, s3-bucket-policy), each limited to the
// account's own AWSLogs/<account>/ prefix and pinned with aws:SourceAccount
// (and, for flow logs, aws:SourceArn), plus the TLS-only deny. Statement ids
// carry the account id: ids must be unique within a policy.
//
// peerctl does not own the archive bucket (its account is not in the
// stack), so it prints this for the archive's owner to merge into the
// bucket's policy (`peerctl plan --json`, outputs.logArchiveBucketPolicy).
func ArchiveBucketPolicy(partition, region, bucket string, accountIDs []string) iamdoc.Document {
	arn := observability.BucketARN(partition, bucket)
	statements := []iamdoc.Statement{iamdoc.TLSOnly(arn, arn+"/*")}
	for _, id := range accountIDs {
		grants := append(observability.FlowLogDeliveryGrants(partition, region, id, bucket), DeliveryGrants(partition, id, bucket)...)
		for _, g := range grants {
			g.Sid += id
			statements = append(statements, g)
		}
	}
	return iamdoc.New(statements...)
}
