package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/tags"
)

// checkFlowLogs: with existing.flowLogs, peerctl would add its own flow log
// next to any the VPC has; the plan showed no such duplicate, so up must not
// silently make one (plan decision 2). Flow logs this stack created carry
// ManagedBy=peerctl and a Name "<network>-...-<env>".
func (e existingCheck) checkFlowLogs(ctx context.Context) (string, error) {
	id := e.n.Existing.VPCID
	out, err := e.cl.FlowLogs.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{
		Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}},
	})
	if err != nil {
		return "", callError(e.where, "ec2:DescribeFlowLogs", err)
	}
	var theirs []string
	for _, fl := range out.FlowLogs {
		if e.ourFlowLog(fl) {
			continue
		}
		dest := aws.ToString(fl.LogDestination)
		if dest == "" {
			dest = aws.ToString(fl.LogGroupName)
		}
		theirs = append(theirs, fmt.Sprintf("%s (%s to %s)", aws.ToString(fl.FlowLogId), fl.LogDestinationType, dest))
	}
	if len(theirs) == 0 {
		return "", nil
	}
	slices.Sort(theirs)
	return fmt.Sprintf("%s: VPC %s already has flow logs that this stack did not create: %s; set %s: false to keep them and create none "+
		"(that also drops the per-peer alarms, which read peerctl's flow logs), or delete them to let peerctl create its own",
		e.where, id, strings.Join(theirs, ", "), e.field("existing.flowLogs")), nil
}

func (e existingCheck) ourFlowLog(fl ec2types.FlowLog) bool {
	tagged := map[string]string{}
	for _, t := range fl.Tags {
		tagged[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	name := tagged[tags.KeyName]
	return tagged[tags.KeyManagedBy] == tags.ManagedBy && tagged[tags.KeyEnvironment] == e.cfg.Environment &&
		strings.HasPrefix(name, e.n.Name+"-") && strings.HasSuffix(name, "-"+e.cfg.Environment)
}
