package verify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/peerctl/peerctl/internal/config"
)

// checkFlowLogs checks both flow logs of a network (to S3 and to CloudWatch
// Logs): ACTIVE, attached to the network's VPC, capturing ALL traffic, with
// no delivery errors, and delivering to the stack's bucket and log group.
func (v *verifier) checkFlowLogs(ctx context.Context, n config.Network) []Result {
	if v.out.FlowLogIDs == nil {
		return []Result{skipped(CheckFlowLogs, n.Name)}
	}
	ids := v.out.FlowLogIDs[n.Name]
	if len(ids) == 0 {
		return []Result{result(CheckFlowLogs, n.Name, Fail, "no flow logs for %s in the stack outputs (flowLogIds)", n.Name)}
	}
	kinds := slices.Sorted(maps.Keys(ids))
	var query []string
	for _, k := range kinds {
		query = append(query, ids[k])
	}
	out, err := v.clients(n.Name).FlowLogs.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{FlowLogIds: query})
	if err != nil {
		return []Result{result(CheckFlowLogs, n.Name, Fail, "%s", apiReason("DescribeFlowLogs", err))}
	}
	want := flowLogDest{vpc: v.out.VpcIDs[n.Name], bucket: v.out.FlowLogBuckets[n.Name], group: v.out.FlowLogGroups[n.Name]}
	var results []Result
	for _, kind := range kinds {
		id := ids[kind]
		subject := fmt.Sprintf("%s %s %s", n.Name, kind, id)
		i := slices.IndexFunc(out.FlowLogs, func(f types.FlowLog) bool { return aws.ToString(f.FlowLogId) == id })
		if i < 0 {
			results = append(results, result(CheckFlowLogs, subject, Fail, "flow log not found"))
			continue
		}
		results = append(results, flowLogResult(subject, kind, out.FlowLogs[i], want))
	}
	return results
}

// flowLogDest is where a network's flow logs must be attached and deliver;
// "" is not known from the outputs, and not checked.
type flowLogDest struct{ vpc, bucket, group string }

// Flow-log kinds, as the flowLogIds output keys them.
const (
	flowLogKindS3         = "s3"
	flowLogKindCloudWatch = "cloudwatch"
)

func flowLogResult(subject, kind string, f types.FlowLog, want flowLogDest) Result {
	vpc := want.vpc
	status := aws.ToString(f.FlowLogStatus)
	delivery := aws.ToString(f.DeliverLogsStatus)
	switch {
	case status != "ACTIVE":
		return result(CheckFlowLogs, subject, Fail, "status %s, want ACTIVE", status)
	case delivery == "FAILED":
		hint := ""
		switch aws.ToString(f.DeliverLogsErrorMessage) {
		case "Access error":
			hint = " (check the bucket policy for delivery.logs.amazonaws.com, or the log group role)"
		case "Rate limited":
			hint = " (CloudWatch Logs throttled the delivery)"
		}
		return result(CheckFlowLogs, subject, Fail, "delivery FAILED: %s%s", aws.ToString(f.DeliverLogsErrorMessage), hint)
	case vpc != "" && aws.ToString(f.ResourceId) != vpc:
		return result(CheckFlowLogs, subject, Fail, "attached to %s, not the stack's VPC %s", aws.ToString(f.ResourceId), vpc)
	case f.TrafficType != types.TrafficTypeAll:
		return result(CheckFlowLogs, subject, Fail, "captures %s traffic, want ALL (ACCEPT and REJECT)", f.TrafficType)
	}
	if problem := flowLogDestProblem(kind, f, want); problem != "" {
		return result(CheckFlowLogs, subject, Fail, "%s", problem)
	}
	detail := fmt.Sprintf("ACTIVE, ALL traffic to %s", aws.ToString(f.LogDestination))
	if aws.ToString(f.LogDestination) == "" {
		detail = fmt.Sprintf("ACTIVE, ALL traffic to %s", aws.ToString(f.LogGroupName))
	}
	if delivery != "" {
		detail += ", delivery " + delivery
	}
	return result(CheckFlowLogs, subject, Pass, "%s", detail)
}

// flowLogDestProblem says where a flow log delivers if that is not the
// stack's bucket (S3) or log group (CloudWatch Logs).
func flowLogDestProblem(kind string, f types.FlowLog, want flowLogDest) string {
	dest := aws.ToString(f.LogDestination)
	switch {
	case kind == flowLogKindS3 && want.bucket != "":
		bucket, ok := s3Bucket(dest)
		switch {
		case f.LogDestinationType != "" && f.LogDestinationType != types.LogDestinationTypeS3:
			return fmt.Sprintf("delivers to %s (%s), not to the stack's bucket %s", f.LogDestinationType, destOrGroup(f), want.bucket)
		case !ok:
			return fmt.Sprintf("delivers to %q, not to the stack's bucket %s", dest, want.bucket)
		case bucket != want.bucket:
			return fmt.Sprintf("delivers to bucket %s, not to the stack's bucket %s", bucket, want.bucket)
		}
	case kind == flowLogKindCloudWatch && want.group != "":
		if f.LogDestinationType != "" && f.LogDestinationType != types.LogDestinationTypeCloudWatchLogs {
			return fmt.Sprintf("delivers to %s (%s), not to the stack's log group %s", f.LogDestinationType, destOrGroup(f), want.group)
		}
		if g := aws.ToString(f.LogGroupName); g != want.group {
			return fmt.Sprintf("delivers to log group %q, not to the stack's log group %s", g, want.group)
		}
	}
	return ""
}

func destOrGroup(f types.FlowLog) string {
	if d := aws.ToString(f.LogDestination); d != "" {
		return d
	}
	return aws.ToString(f.LogGroupName)
}

// s3Bucket returns the bucket of an S3 ARN (arn:aws:s3:::bucket/prefix),
// in any partition.
func s3Bucket(dest string) (string, bool) {
	a, err := arn.Parse(dest)
	if err != nil || a.Service != "s3" || a.Resource == "" {
		return "", false
	}
	bucket, _, _ := strings.Cut(a.Resource, "/")
	return bucket, true
}

// checkFlowLogBucket checks that the flow-log bucket blocks every kind of
// public access.
func (v *verifier) checkFlowLogBucket(ctx context.Context, n config.Network) []Result {
	if v.out.FlowLogBuckets == nil {
		return []Result{skipped(CheckFlowLogBucket, n.Name)}
	}
	bucket := v.out.FlowLogBuckets[n.Name]
	if bucket == "" {
		return []Result{result(CheckFlowLogBucket, n.Name, Fail, "no flow-log bucket for %s in the stack outputs (flowLogBuckets)", n.Name)}
	}
	subject := fmt.Sprintf("%s %s", n.Name, bucket)
	out, err := v.clients(n.Name).Buckets.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	switch {
	case hasCode(err, "NoSuchPublicAccessBlockConfiguration"):
		return []Result{result(CheckFlowLogBucket, subject, Fail, "no public access block on the bucket")}
	case hasCode(err, "NoSuchBucket"):
		return []Result{result(CheckFlowLogBucket, subject, Fail, "bucket does not exist")}
	case err != nil:
		return []Result{result(CheckFlowLogBucket, subject, Fail, "%s", apiReason("GetPublicAccessBlock", err))}
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		return []Result{result(CheckFlowLogBucket, subject, Fail, "no public access block on the bucket")}
	}
	var off []string
	for _, f := range []struct {
		name string
		on   *bool
	}{
		{"BlockPublicAcls", c.BlockPublicAcls}, {"IgnorePublicAcls", c.IgnorePublicAcls},
		{"BlockPublicPolicy", c.BlockPublicPolicy}, {"RestrictPublicBuckets", c.RestrictPublicBuckets},
	} {
		if !aws.ToBool(f.on) {
			off = append(off, f.name)
		}
	}
	if len(off) > 0 {
		return []Result{result(CheckFlowLogBucket, subject, Fail, "public access not fully blocked: %v off", off)}
	}
	return []Result{result(CheckFlowLogBucket, subject, Pass, "all four public access blocks on")}
}

// checkFlowLogGroup checks that the CloudWatch Logs group of the second
// flow log exists, and reports its retention.
func (v *verifier) checkFlowLogGroup(ctx context.Context, n config.Network) []Result {
	if v.out.FlowLogGroups == nil {
		return []Result{skipped(CheckFlowLogGroup, n.Name)}
	}
	group := v.out.FlowLogGroups[n.Name]
	if group == "" {
		return []Result{result(CheckFlowLogGroup, n.Name, Fail, "no flow-log group for %s in the stack outputs (flowLogGroups)", n.Name)}
	}
	subject := fmt.Sprintf("%s %s", n.Name, group)
	// Other groups may share the prefix (group-old, group-2): page through.
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(v.clients(n.Name).LogGroups,
		&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return []Result{result(CheckFlowLogGroup, subject, Fail, "%s", apiReason("DescribeLogGroups", err))}
		}
		for _, g := range page.LogGroups {
			if aws.ToString(g.LogGroupName) != group {
				continue
			}
			if g.RetentionInDays == nil {
				return []Result{result(CheckFlowLogGroup, subject, Pass, "exists, logs never expire")}
			}
			return []Result{result(CheckFlowLogGroup, subject, Pass, "exists, retention %d days", aws.ToInt32(g.RetentionInDays))}
		}
	}
	return []Result{result(CheckFlowLogGroup, subject, Fail, "log group does not exist")}
}
