package plan

import (
	"strings"
	"testing"
)

// A hand-built plan: vpc <- subnet <- association, and an alarm that
// depends on a component, so on everything under it.
func TestCriticalPath(t *testing.T) {
	const (
		provider = "urn:pulumi:dev::peerctl::pulumi:providers:aws::trading"
		vpc      = "urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::vpc"
		subnet   = "urn:pulumi:dev::peerctl::aws:ec2/subnet:Subnet::subnet"
		rt       = "urn:pulumi:dev::peerctl::aws:ec2/routeTable:RouteTable::rt"
		assoc    = "urn:pulumi:dev::peerctl::aws:ec2/routeTableAssociation:RouteTableAssociation::assoc"
		bucket   = "urn:pulumi:dev::peerctl::aws:s3/bucketV2:BucketV2::bucket"
		comp     = "urn:pulumi:dev::peerctl::peerctl:network:Network::trading"
		inComp   = "urn:pulumi:dev::peerctl::peerctl:network:Network$aws:ec2/flowLog:FlowLog::flow"
		alarm    = "urn:pulumi:dev::peerctl::aws:cloudwatch/metricAlarm:MetricAlarm::alarm"
	)
	res := func(urn, id, parent string, deps ...string) Resource {
		return Resource{URN: urn, Type: strings.Split(urn, "::")[2], ID: id, Parent: parent, Provider: provider, DependsOn: deps}
	}
	tests := []struct {
		name string
		doc  Document
		want []string
	}{
		{name: "empty plan", doc: Document{}, want: nil},
		{name: "one resource", doc: Document{Resources: []Resource{res(bucket, "b", "")}}, want: []string{bucket}},
		{name: "providers take no time", doc: Document{Resources: []Resource{
			res(provider, "p", ""), res(vpc, "v", "", provider),
		}}, want: []string{vpc}},
		{name: "the longest chain wins over a wide one", doc: Document{Resources: []Resource{
			res(provider, "p", ""), res(vpc, "v", "", provider), res(bucket, "b", "", provider),
			res(rt, "r", "", vpc), res(subnet, "s", "", vpc), res(assoc, "a", "", subnet, rt),
		}}, want: []string{vpc, rt, assoc}}, // rt < subnet by URN: the stable tie-break
		{name: "a dependency on a component waits for what is under it", doc: Document{Resources: []Resource{
			res(vpc, "v", ""), res(subnet, "s", "", vpc), res(comp, "", ""), res(inComp, "f", comp, subnet), res(alarm, "al", "", comp),
		}}, want: []string{vpc, subnet, inComp, alarm}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range tt.doc.CriticalPath() {
				got = append(got, r.URN)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("critical path:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestCriticalPathLine(t *testing.T) {
	doc := Document{Resources: []Resource{
		{URN: "urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::trading-vpc", Type: "aws:ec2/vpc:Vpc", Name: "trading-vpc", ID: "vpc-1"},
		{URN: "urn:pulumi:dev::peerctl::aws:ec2/subnet:Subnet::trading-a", Type: "aws:ec2/subnet:Subnet", Name: "trading-a", ID: "subnet-1",
			DependsOn: []string{"urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::trading-vpc"}},
	}}
	want := "Critical path: 2 resources, each created after the one before: trading-vpc -> trading-a"
	if got := doc.CriticalPathLine(); got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if got := (&Document{}).CriticalPathLine(); got != "" {
		t.Errorf("empty plan: %q", got)
	}
}
