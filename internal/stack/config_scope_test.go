package stack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/compliance"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

const (
	defaultRTType = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	bucketType    = "aws:s3/bucketV2:BucketV2"
)

// configTypeResources says, for every resource type an AWS Config rule of
// peerctl's scopes, which Pulumi types the stack creates of it: explicitly,
// and implicitly (AWS creates one with every VPC; the stack must adopt it,
// or the rule judges an unmanaged, untagged resource). Written by hand from
// the Amazon VPC User Guide: every VPC comes with a main route table, a
// default network ACL and a default security group.
var configTypeResources = map[string]struct {
	explicit, implicitPerVPC []string
}{
	"AWS::EC2::VPC":                  {explicit: []string{vpcType}},
	"AWS::EC2::Subnet":               {explicit: []string{subnetType}},
	"AWS::EC2::RouteTable":           {explicit: []string{rtType}, implicitPerVPC: []string{defaultRTType}},
	"AWS::EC2::NetworkAcl":           {explicit: []string{naclType}, implicitPerVPC: []string{defaultACL}},
	"AWS::EC2::SecurityGroup":        {explicit: []string{sgType}, implicitPerVPC: []string{defaultSGType}},
	"AWS::S3::Bucket":                {explicit: []string{bucketType}},
	"AWS::EC2::VPCPeeringConnection": {explicit: []string{pcxType}},
}

// scopedTypes lists every resource type any rule scopes, with the rules.
func scopedTypes() map[string][]compliance.Rule {
	out := map[string][]compliance.Rule{}
	for _, r := range compliance.Rules(true) {
		for _, t := range r.Scope {
			out[t] = append(out[t], r)
		}
	}
	return out
}

// A rule that starts scoping a new type must say here what the stack
// creates of it, or the checks below would silently skip it.
func TestConfigScopeTypesAreMapped(t *testing.T) {
	for typ := range scopedTypes() {
		if _, ok := configTypeResources[typ]; !ok {
			t.Errorf("%s is in a Config rule's scope but not in configTypeResources: say which resources of it the stack creates, explicitly or implicitly", typ)
		}
	}
	// The mapping names types the stack really plans: a renamed Pulumi type
	// (aws:s3/bucket:Bucket for BucketV2, say) would otherwise leave the
	// checks below with nothing to check.
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	for typ, m := range configTypeResources {
		for _, pt := range append(slices.Clone(m.explicit), m.implicitPerVPC...) {
			if len(obstest.OfType(d, pt)) == 0 {
				t.Errorf("configTypeResources maps %s to %s, which the dev plan does not contain", typ, pt)
			}
		}
	}
}

// Every resource AWS creates with a VPC whose type a Config rule scopes is
// managed by the stack: one adopting resource per VPC, in the VPC's account,
// wired to that VPC. Otherwise the main route table (say) stays untagged
// and REQUIRED_TAGS reports NON_COMPLIANT from the first evaluation.
func TestImplicitResourcesInConfigScopeAreAdopted(t *testing.T) {
	for _, f := range []struct{ file, stack string }{{"Pulumi.dev.yaml", "dev"}, {"Pulumi.prod.yaml", "prod"}} {
		d := buildFile(t, f.file, f.stack, nil)
		vpcs := obstest.OfType(d, vpcType)
		if len(vpcs) == 0 {
			t.Fatalf("%s: no VPCs planned", f.file)
		}
		for typ := range scopedTypes() {
			for _, implicit := range configTypeResources[typ].implicitPerVPC {
				for _, vpc := range vpcs {
					var adopters []string
					for _, r := range obstest.OfType(d, implicit) {
						if slices.Contains(r.DependsOn, vpc.URN) {
							adopters = append(adopters, r.Name)
							if r.Account != vpc.Account || r.Provider != vpc.Provider {
								t.Errorf("%s: %s adopts %s's %s but is in account %q (provider %s)", f.file, r.Name, vpc.Name, typ, r.Account, r.Provider)
							}
						}
					}
					if len(adopters) != 1 {
						t.Errorf("%s: VPC %s's implicit %s (%s) is adopted by %v, want exactly one resource", f.file, vpc.Name, typ, implicit, adopters)
					}
				}
			}
		}
	}
}

// Every resource the stack creates or adopts of a type REQUIRED_TAGS scopes
// carries the rule's tag keys (provider default tags or its own) and our
// Name tag.
func TestScopedResourcesCarryRequiredTags(t *testing.T) {
	var required []string
	for _, r := range compliance.Rules(true) {
		if r.Key == compliance.RequiredTagsKey {
			for k, v := range r.Parameters {
				if strings.HasSuffix(k, "Key") {
					required = append(required, v)
				}
			}
		}
	}
	slices.Sort(required)
	if !slices.Equal(required, []string{"CostCenter", "Environment"}) {
		t.Fatalf("REQUIRED_TAGS keys = %v, want CostCenter and Environment", required)
	}
	for _, f := range []struct{ file, stack string }{{"Pulumi.dev.yaml", "dev"}, {"Pulumi.prod.yaml", "prod"}} {
		d := buildFile(t, f.file, f.stack, nil)
		checked := 0
		for _, typ := range compliance.RequiredTagsScope {
			m := configTypeResources[typ]
			for _, pt := range append(slices.Clone(m.explicit), m.implicitPerVPC...) {
				for _, r := range obstest.OfType(d, pt) {
					checked++
					own := obj(r.Inputs["tags"])
					if name, _ := own["Name"].(string); name == "" {
						t.Errorf("%s: %s (%s) has no Name tag of its own", f.file, r.Name, typ)
					}
					effective := providerDefaultTags(d, r.Provider)
					for k, v := range own {
						effective[k] = v
					}
					for _, k := range required {
						if v, _ := effective[k].(string); v == "" {
							t.Errorf("%s: %s (%s) would lack the %s tag REQUIRED_TAGS checks; tags %v", f.file, r.Name, typ, k, effective)
						}
					}
				}
			}
		}
		if checked == 0 {
			t.Fatalf("%s: no resource in REQUIRED_TAGS' scope planned", f.file)
		}
	}
}

// providerDefaultTags returns a copy of the provider's default tags.
func providerDefaultTags(d *plan.Document, providerURN string) map[string]any {
	out := map[string]any{}
	for _, p := range obstest.OfType(d, providerType) {
		if p.URN == providerURN {
			for k, v := range obj(obj(p.Inputs["defaultTags"])["tags"]) {
				out[k] = v
			}
		}
	}
	return out
}

// The adopted main route table carries no routes: routes is an explicit
// empty list, so the provider removes any added outside the stack, and a
// subnet AWS associates with it (one created outside the stack) reaches no
// peer and no endpoint.
func TestMainRouteTableHasNoRoutes(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	for _, n := range []string{"trading", "analytics"} {
		rt := mustNamed(t, d, defaultRTType, n+"-main-rt")
		routes, ok := rt.Inputs["routes"].([]any)
		if !ok || len(routes) != 0 {
			t.Errorf("%s routes = %#v, want an explicit empty list", rt.Name, rt.Inputs["routes"])
		}
		if got := obj(rt.Inputs["tags"])["Name"]; got != n+"-main-rt-dev" {
			t.Errorf("%s Name tag = %v", rt.Name, got)
		}
		for _, ep := range ofNetwork(d, endpointType, n) {
			if slices.Contains(strs(ep.Inputs["routeTableIds"]), rt.ID) {
				t.Errorf("%s is attached to the main route table", ep.Name)
			}
		}
	}
}
