package observability

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/oam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
)

// This file is CloudWatch cross-account observability: the OAM sink in the
// monitoring account and the links that share other accounts' metrics.

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
// other account in its region, sharing only the peerctl metric namespace.
// A sink receives links from its own region only (OAM is regional).
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
	for _, o := range b.inRegion {
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
	for _, o := range b.inRegion {
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
