package stack_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/configtest"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

const (
	providerType  = "pulumi:providers:aws"
	vpcType       = "aws:ec2/vpc:Vpc"
	subnetType    = "aws:ec2/subnet:Subnet"
	rtType        = "aws:ec2/routeTable:RouteTable"
	rtaType       = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	sgType        = "aws:ec2/securityGroup:SecurityGroup"
	defaultSGType = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	defaultACL    = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	ingressType   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	naclType      = "aws:ec2/networkAcl:NetworkAcl"
	endpointType  = "aws:ec2/vpcEndpoint:VpcEndpoint"
	pcxType       = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	accepterType  = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
	optionsType   = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
	routeType     = "aws:ec2/route:Route"
	networkType   = "peerctl:network:Network"
	peeringType   = "peerctl:peering:Peering"
)

// buildFile plans a stack file from the repository root.
func buildFile(t testing.TB, file, stack string, vars map[string]string) *plan.Document {
	t.Helper()
	raw, err := config.LoadStackFile("../../" + file)
	if err != nil {
		t.Fatal(err)
	}
	return buildRaw(t, raw, stack, vars)
}

func buildYAML(t testing.TB, yaml string) *plan.Document {
	t.Helper()
	raw, err := config.ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return buildRaw(t, raw, "test", nil)
}

func buildRaw(t testing.TB, raw config.Raw, stack string, vars map[string]string) *plan.Document {
	t.Helper()
	cfg, err := config.Parse(raw, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	doc, err := plan.Build(cfg, stack)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func mustNamed(t *testing.T, d *plan.Document, typ, name string) plan.Resource {
	t.Helper()
	r, ok := obstest.Named(d, typ, name)
	if !ok {
		t.Fatalf("no %s named %s in the plan", typ, name)
	}
	return r
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func strs(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

func num(v any) int { f, _ := v.(float64); return int(f) }

func providerURN(d *plan.Document, network string) string {
	for _, r := range obstest.OfType(d, providerType) {
		if r.Name == network {
			return r.URN
		}
	}
	return ""
}

// ofNetwork returns the resources of type typ whose account is network.
func ofNetwork(d *plan.Document, typ, network string) []plan.Resource {
	var out []plan.Resource
	for _, r := range obstest.OfType(d, typ) {
		if r.Account == network {
			out = append(out, r)
		}
	}
	return out
}

func TestVPCsAndSubnets(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	var azsByNetwork [][]string
	for _, n := range []struct{ name, cidr string }{{"trading", "10.0.0.0/16"}, {"analytics", "10.1.0.0/16"}} {
		vpc := mustNamed(t, d, vpcType, n.name+"-vpc")
		if obstest.Str(vpc.Inputs["cidrBlock"]) != n.cidr || vpc.Inputs["enableDnsSupport"] != true || vpc.Inputs["enableDnsHostnames"] != true {
			t.Errorf("%s: cidr %v, DNS support %v, hostnames %v", vpc.Name, vpc.Inputs["cidrBlock"], vpc.Inputs["enableDnsSupport"], vpc.Inputs["enableDnsHostnames"])
		}
		if got := obj(vpc.Inputs["tags"])["Name"]; got != n.name+"-vpc-dev" {
			t.Errorf("%s Name tag = %v", vpc.Name, got)
		}
		subnets := ofNetwork(d, subnetType, n.name)
		if len(subnets) != 3 {
			t.Fatalf("%s has %d subnets, want 3", n.name, len(subnets))
		}
		var azs []string
		for _, s := range subnets {
			if obstest.Str(s.Inputs["vpcId"]) != vpc.ID || s.Inputs["mapPublicIpOnLaunch"] != false || s.Inputs["assignIpv6AddressOnCreation"] != false {
				t.Errorf("%s: vpcId %v, mapPublicIpOnLaunch %v", s.Name, s.Inputs["vpcId"], s.Inputs["mapPublicIpOnLaunch"])
			}
			cidr := netip.MustParsePrefix(obstest.Str(s.Inputs["cidrBlock"]))
			if !netip.MustParsePrefix(n.cidr).Contains(cidr.Addr()) || cidr.Bits() != 20 {
				t.Errorf("%s cidr %s is not a /20 of %s", s.Name, cidr, n.cidr)
			}
			az := obstest.Str(s.Inputs["availabilityZoneId"])
			if s.Name != n.name+"-private-"+az || s.Inputs["availabilityZone"] != nil {
				t.Errorf("subnet %s must be placed and keyed by AZ ID (%s), not AZ name", s.Name, az)
			}
			azs = append(azs, az)
		}
		slices.Sort(azs)
		if len(slices.Compact(slices.Clone(azs))) != 3 {
			t.Errorf("%s subnets share AZs: %v", n.name, azs)
		}
		azsByNetwork = append(azsByNetwork, azs)

		// One route table per subnet, associated explicitly.
		for _, az := range azs {
			rt := mustNamed(t, d, rtType, n.name+"-rt-"+az)
			sub := mustNamed(t, d, subnetType, n.name+"-private-"+az)
			rta := mustNamed(t, d, rtaType, n.name+"-rta-"+az)
			if obstest.Str(rt.Inputs["vpcId"]) != vpc.ID || obstest.Str(rta.Inputs["subnetId"]) != sub.ID || obstest.Str(rta.Inputs["routeTableId"]) != rt.ID {
				t.Errorf("%s: route table %s not associated with subnet %s", az, rt.ID, sub.ID)
			}
			if rt.Inputs["routes"] != nil || rt.Inputs["route"] != nil {
				t.Errorf("%s has inline routes; routes must be separate resources", rt.Name)
			}
		}
	}
	if !slices.Equal(azsByNetwork[0], azsByNetwork[1]) {
		t.Errorf("the two accounts' subnets are in different AZ IDs: %v vs %v", azsByNetwork[0], azsByNetwork[1])
	}
}

func TestNoInternetPath(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	for _, r := range d.Resources {
		lower := strings.ToLower(r.Type)
		for _, banned := range []string{"internetgateway", "natgateway", "eip", "egressonly"} {
			if strings.Contains(lower, banned) {
				t.Errorf("plan contains %s %s", r.Type, r.Name)
			}
		}
	}
}

func TestDefaultSecurityGroupAndNACLAreClosed(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	for _, n := range []string{"trading", "analytics"} {
		vpc := mustNamed(t, d, vpcType, n+"-vpc")
		sg := mustNamed(t, d, defaultSGType, n+"-default-sg")
		if obstest.Str(sg.Inputs["vpcId"]) != vpc.ID {
			t.Errorf("%s manages vpc %v, want %s", sg.Name, sg.Inputs["vpcId"], vpc.ID)
		}
		acl := mustNamed(t, d, defaultACL, n+"-default-nacl")
		if !slices.Equal(acl.IgnoreChanges, []string{"subnetIds"}) {
			t.Errorf("%s must ignore subnetIds (subnets pass through it before our NACL claims them), got %v", acl.Name, acl.IgnoreChanges)
		}
		for _, r := range []plan.Resource{sg, acl} {
			if r.Inputs["ingress"] != nil || r.Inputs["egress"] != nil {
				t.Errorf("%s has rules: ingress %v egress %v", r.Name, r.Inputs["ingress"], r.Inputs["egress"])
			}
		}
	}
}

func TestApplicationSecurityGroup(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	peerOf := map[string]string{"trading": "10.1.0.0/16", "analytics": "10.0.0.0/16"}
	for n, peer := range peerOf {
		sg := mustNamed(t, d, sgType, n+"-app-sg")
		if sg.Inputs["ingress"] != nil || sg.Inputs["egress"] != nil {
			t.Errorf("%s has inline rules", sg.Name)
		}
		type rule struct {
			port   int
			target string
		}
		collect := func(typ string) []rule {
			var out []rule
			for _, r := range ofNetwork(d, typ, n) {
				if obstest.Str(r.Inputs["securityGroupId"]) != sg.ID {
					t.Errorf("%s attaches to %v, want %s", r.Name, r.Inputs["securityGroupId"], sg.ID)
				}
				if obstest.Str(r.Inputs["description"]) == "" {
					t.Errorf("%s has no description", r.Name)
				}
				if obstest.Str(r.Inputs["ipProtocol"]) != "tcp" || num(r.Inputs["fromPort"]) != num(r.Inputs["toPort"]) {
					t.Errorf("%s is not a single TCP port: %v", r.Name, r.Inputs)
				}
				target := obstest.Str(r.Inputs["cidrIpv4"]) + obstest.Str(r.Inputs["prefixListId"])
				out = append(out, rule{num(r.Inputs["fromPort"]), target})
			}
			return out
		}
		in := collect(ingressType)
		if !slices.Equal(in, []rule{{443, peer}, {5432, peer}}) {
			t.Errorf("%s ingress = %v, want 443 and 5432 from %s only", n, in, peer)
		}
		out := collect(egressType)
		var prefixLists int
		for _, r := range out {
			switch {
			case r.target == peer && (r.port == 443 || r.port == 5432):
			case strings.HasPrefix(r.target, "pl-") && r.port == 443:
				prefixLists++
			default:
				t.Errorf("%s egress rule %v is neither the peer on 443/5432 nor an endpoint prefix list on 443", n, r)
			}
		}
		if len(out) != 4 || prefixLists != 2 {
			t.Errorf("%s egress = %v, want peer 443, peer 5432, S3 and DynamoDB prefix lists", n, out)
		}
	}
}

// No security group rule anywhere opens to the whole internet.
func TestNoSecurityGroupRuleOpenToTheWorld(t *testing.T) {
	for _, file := range []string{"Pulumi.dev.yaml", "Pulumi.prod.yaml"} {
		d := buildFile(t, file, "x", nil)
		for _, r := range d.Resources {
			if !strings.Contains(strings.ToLower(r.Type), "securitygroup") {
				continue
			}
			text := fmt.Sprint(r.Inputs)
			if strings.Contains(text, "0.0.0.0/0") || strings.Contains(text, "::/0") {
				t.Errorf("%s %s is open to the world: %v", r.Type, r.Name, r.Inputs)
			}
		}
	}
}

func TestNetworkACL(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	nacl := mustNamed(t, d, naclType, "trading-nacl")
	vpc := mustNamed(t, d, vpcType, "trading-vpc")
	var subnetIDs []string
	for _, s := range ofNetwork(d, subnetType, "trading") {
		subnetIDs = append(subnetIDs, s.ID)
	}
	got := strs(nacl.Inputs["subnetIds"])
	slices.Sort(got)
	slices.Sort(subnetIDs)
	if obstest.Str(nacl.Inputs["vpcId"]) != vpc.ID || !slices.Equal(got, subnetIDs) {
		t.Errorf("NACL covers %v, want all private subnets %v", got, subnetIDs)
	}
	type entry struct {
		no             int
		proto, cidr    string
		fromPort, toPt int
	}
	read := func(key string) []entry {
		var out []entry
		for _, e := range nacl.Inputs[key].([]any) {
			m := obj(e)
			if m["action"] != "allow" {
				t.Errorf("%s rule %v is not an allow; everything else is the implicit deny", key, m)
			}
			out = append(out, entry{num(m["ruleNo"]), m["protocol"].(string), m["cidrBlock"].(string), num(m["fromPort"]), num(m["toPort"])})
		}
		return out
	}
	// analytics' rules sit in its slot: FNV-1a("analytics") = 1544569995,
	// mod 3100 = 1195, so rules 1000 + 10 × 1195 = 12950 and 12951.
	wantIn := []entry{
		{100, "-1", "10.0.0.0/16", 0, 0},
		{900, "tcp", "0.0.0.0/0", 1024, 3388},
		{901, "tcp", "0.0.0.0/0", 3390, 65535},
		{12950, "tcp", "10.1.0.0/16", 443, 443},
		{12951, "tcp", "10.1.0.0/16", 1024, 65535},
	}
	wantOut := []entry{
		{100, "-1", "10.0.0.0/16", 0, 0},
		{900, "tcp", "0.0.0.0/0", 443, 443},
		{12950, "tcp", "10.1.0.0/16", 443, 443},
		{12951, "tcp", "10.1.0.0/16", 1024, 65535},
	}
	if in := read("ingress"); !slices.Equal(in, wantIn) {
		t.Errorf("ingress = %v\nwant %v", in, wantIn)
	}
	if out := read("egress"); !slices.Equal(out, wantOut) {
		t.Errorf("egress = %v\nwant %v", out, wantOut)
	}
}

func TestGatewayEndpointsOnEveryRouteTable(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	for _, n := range []string{"trading", "analytics"} {
		var rts []string
		for _, rt := range ofNetwork(d, rtType, n) {
			rts = append(rts, rt.ID)
		}
		slices.Sort(rts)
		for _, svc := range []string{"s3", "dynamodb"} {
			ep := mustNamed(t, d, endpointType, n+"-"+svc+"-endpoint")
			got := strs(ep.Inputs["routeTableIds"])
			slices.Sort(got)
			if obstest.Str(ep.Inputs["serviceName"]) != "com.amazonaws.us-east-1."+svc || obstest.Str(ep.Inputs["vpcEndpointType"]) != "Gateway" || !slices.Equal(got, rts) {
				t.Errorf("%s: service %v, type %v, route tables %v (want %v)", ep.Name, ep.Inputs["serviceName"], ep.Inputs["vpcEndpointType"], got, rts)
			}
		}
	}
}

// The gateway endpoints reach only the stack's accounts' buckets and tables
// (unless turned off): a workload cannot copy data out to another account's
// bucket through them.
func TestGatewayEndpointPerimeter(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	type statement struct {
		Sid       string
		Action    []string
		Resource  []string
		Condition map[string]map[string][]string
	}
	parse := func(r plan.Resource) []statement {
		// The plan shows policy documents as JSON objects.
		b, err := json.Marshal(r.Inputs["policy"])
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Statement []statement }
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s policy: %v", r.Name, err)
		}
		return doc.Statement
	}
	for _, n := range []string{"trading", "analytics"} {
		s3 := parse(mustNamed(t, d, endpointType, n+"-s3-endpoint"))
		// The second statement reads AWS-owned buckets (endpoint_buckets_test.go).
		if len(s3) != 2 || !slices.Equal(s3[0].Condition["StringEquals"]["aws:ResourceAccount"], []string{"111111111111", "222222222222"}) {
			t.Errorf("%s S3 endpoint policy = %+v", n, s3)
		}
		ddb := parse(mustNamed(t, d, endpointType, n+"-dynamodb-endpoint"))
		want := []string{"arn:aws:dynamodb:us-east-1:111111111111:table/*", "arn:aws:dynamodb:us-east-1:222222222222:table/*"}
		if len(ddb) != 2 || !slices.Equal(ddb[0].Resource, want) || !slices.Contains(ddb[1].Action, "dynamodb:DescribeEndpoints") {
			t.Errorf("%s DynamoDB endpoint policy = %+v", n, ddb)
		}
	}
	open := buildYAML(t, "config:\n  peerctl:endpoints: {restrictToStackAccounts: false}\n")
	for _, ep := range obstest.OfType(open, endpointType) {
		if ep.Inputs["policy"] != nil {
			t.Errorf("%s has a policy with the perimeter turned off", ep.Name)
		}
	}
	extra := buildYAML(t, "config:\n  peerctl:endpoints: {allowS3Resources: [\"arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*\"]}\n")
	s3 := parse(mustNamed(t, extra, endpointType, "trading-s3-endpoint"))
	if len(s3) != 3 || !slices.Equal(s3[2].Resource, []string{"arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*"}) ||
		!slices.Equal(s3[2].Action, []string{"s3:GetObject", "s3:ListBucket"}) {
		t.Errorf("S3 endpoint policy with an allowed AWS bucket = %+v", s3)
	}
}

func TestCrossAccountPeering(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	trading, analytics := providerURN(d, "trading"), providerURN(d, "analytics")
	conn := mustNamed(t, d, pcxType, "trading-analytics-connection")
	analyticsVPC := mustNamed(t, d, vpcType, "analytics-vpc")
	if conn.Provider != trading || obstest.Str(conn.Inputs["peerOwnerId"]) != "222222222222" || obstest.Str(conn.Inputs["peerVpcId"]) != analyticsVPC.ID || obstest.Str(conn.Inputs["peerRegion"]) != "us-east-1" {
		t.Errorf("connection: provider %s, peer owner %v, peer vpc %v, region %v", conn.Provider, conn.Inputs["peerOwnerId"], conn.Inputs["peerVpcId"], conn.Inputs["peerRegion"])
	}
	for _, inline := range []string{"autoAccept", "requester", "accepter"} {
		if _, set := conn.Inputs[inline]; set {
			t.Errorf("cross-account connection sets %s inline", inline)
		}
	}
	tags := obj(conn.Inputs["tags"])
	if tags["Name"] != "trading-analytics-peering-dev" || tags["CostCenter"] != "shared" {
		t.Errorf("connection tags = %v", tags)
	}
	acc := mustNamed(t, d, accepterType, "trading-analytics-accepter")
	if acc.Provider != analytics || acc.Inputs["autoAccept"] != true || obstest.Str(acc.Inputs["vpcPeeringConnectionId"]) != conn.ID {
		t.Errorf("accepter: provider %s, autoAccept %v, connection %v", acc.Provider, acc.Inputs["autoAccept"], acc.Inputs["vpcPeeringConnectionId"])
	}
	if obj(acc.Inputs["tags"])["CostCenter"] != "shared" {
		t.Errorf("accepter tags = %v", acc.Inputs["tags"])
	}
	for _, side := range []struct{ name, provider, block, other string }{
		{"trading-analytics-requester-options", trading, "requester", "accepter"},
		{"trading-analytics-accepter-options", analytics, "accepter", "requester"},
	} {
		o := mustNamed(t, d, optionsType, side.name)
		if o.Provider != side.provider {
			t.Errorf("%s is on %s, want the owner's provider %s", o.Name, o.Provider, side.provider)
		}
		if obj(o.Inputs[side.block])["allowRemoteVpcDnsResolution"] != true || o.Inputs[side.other] != nil {
			t.Errorf("%s sets %v / %v", o.Name, o.Inputs[side.block], o.Inputs[side.other])
		}
		if obstest.Str(o.Inputs["vpcPeeringConnectionId"]) != conn.ID || !slices.Contains(o.DependsOn, acc.URN) {
			t.Errorf("%s is not keyed on the accepted connection (depends on %v)", o.Name, o.DependsOn)
		}
	}
}

func TestRoutesToPeerInEveryRouteTable(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	conn := mustNamed(t, d, pcxType, "trading-analytics-connection")
	acc := mustNamed(t, d, accepterType, "trading-analytics-accepter")
	routes := obstest.OfType(d, routeType)
	for _, side := range []struct{ network, peerCIDR string }{{"trading", "10.1.0.0/16"}, {"analytics", "10.0.0.0/16"}} {
		for _, rt := range ofNetwork(d, rtType, side.network) {
			i := slices.IndexFunc(routes, func(r plan.Resource) bool { return obstest.Str(r.Inputs["routeTableId"]) == rt.ID })
			if i < 0 {
				t.Errorf("route table %s has no route to the peer", rt.Name)
				continue
			}
			r := routes[i]
			if obstest.Str(r.Inputs["destinationCidrBlock"]) != side.peerCIDR || obstest.Str(r.Inputs["vpcPeeringConnectionId"]) != conn.ID ||
				r.Provider != providerURN(d, side.network) || !slices.Contains(r.DependsOn, acc.URN) {
				t.Errorf("route %s: %v via %v on %s (depends on %v)", r.Name, r.Inputs["destinationCidrBlock"], r.Inputs["vpcPeeringConnectionId"], r.Provider, r.DependsOn)
			}
		}
	}
	if len(routes) != 6 {
		t.Errorf("%d routes, want 3 route tables x 2 sides", len(routes))
	}
}

func TestSameAccountPeeringAutoAccepts(t *testing.T) {
	d := buildYAML(t, "config: {}") // the default pair, both on default credentials
	conn := mustNamed(t, d, pcxType, "trading-analytics-connection")
	if conn.Inputs["autoAccept"] != true || conn.Inputs["peerOwnerId"] != nil || conn.Inputs["peerRegion"] != nil {
		t.Errorf("same-account connection inputs = %v", conn.Inputs)
	}
	if n := len(obstest.OfType(d, accepterType)); n != 0 {
		t.Errorf("same-account peering has %d accepter resources", n)
	}
	opts := obstest.OfType(d, optionsType)
	if len(opts) != 1 {
		t.Fatalf("want one options resource, got %d", len(opts))
	}
	o := opts[0]
	if obj(o.Inputs["requester"])["allowRemoteVpcDnsResolution"] != true || obj(o.Inputs["accepter"])["allowRemoteVpcDnsResolution"] != true ||
		obstest.Str(o.Inputs["vpcPeeringConnectionId"]) != conn.ID {
		t.Errorf("options = %v", o.Inputs)
	}
	if peering := mustNamed(t, d, peeringType, "trading-analytics"); peering.Inputs["mode"] != "same-account" {
		t.Errorf("peering mode = %v", peering.Inputs["mode"])
	}
	if len(obstest.OfType(d, routeType)) != 6 {
		t.Errorf("same-account peering still needs routes on both sides")
	}
}

func TestProvidersAndTags(t *testing.T) {
	tests := []struct {
		file    string
		network string
		auth    func(map[string]any) bool
		account string
	}{
		{"Pulumi.dev.yaml", "trading", func(in map[string]any) bool { return in["profile"] == "trading-dev" && in["assumeRole"] == nil }, "111111111111"},
		{"Pulumi.prod.yaml", "analytics", func(in map[string]any) bool {
			role := obj(in["assumeRole"])
			return in["profile"] == nil && role["roleArn"] == "arn:aws:iam::222222222222:role/peerctl-deployer" && role["sessionName"] == "peerctl-prod-analytics"
		}, "222222222222"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := buildFile(t, tt.file, "x", nil)
			p := mustNamed(t, d, providerType, tt.network)
			if !tt.auth(p.Inputs) || !slices.Equal(strs(p.Inputs["allowedAccountIds"]), []string{tt.account}) || obstest.Str(p.Inputs["region"]) != "us-east-1" {
				t.Errorf("provider inputs = %v", p.Inputs)
			}
			tags := obj(obj(p.Inputs["defaultTags"])["tags"])
			want := map[string]any{"Environment": d.Environment, "CostCenter": tt.network, "Project": "peerctl", "ManagedBy": "peerctl"}
			for k, v := range want {
				if tags[k] != v {
					t.Errorf("default tag %s = %v, want %v", k, tags[k], v)
				}
			}
		})
	}
}

// Every AWS resource is created with an explicit provider (never the
// ambient default one, which could be any account) and inside a component.
func TestExplicitProvidersAndParents(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	components := map[string]bool{}
	for _, r := range d.Resources {
		if strings.HasPrefix(r.Type, "peerctl:") {
			components[r.URN] = true
		}
	}
	for _, r := range d.Resources {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		if r.Provider == "" || r.Account == "" {
			t.Errorf("%s %s has no explicit provider", r.Type, r.Name)
		}
		if !components[r.Parent] {
			t.Errorf("%s %s is not parented to a component (parent %q)", r.Type, r.Name, r.Parent)
		}
		if !strings.HasPrefix(r.Name, r.Account) && !strings.HasPrefix(r.Name, "trading-analytics") {
			t.Errorf("%s is not named after its network or peering", r.Name)
		}
	}
	if n := mustNamed(t, d, networkType, "trading"); n.Account != "trading" {
		t.Errorf("the trading network component is attributed to %q", n.Account)
	}
	if p := mustNamed(t, d, peeringType, "trading-analytics"); p.Account != "" {
		t.Errorf("the peering spans two accounts, but is attributed to %q", p.Account)
	}
}

func TestEnvironmentSuffixChangesEveryName(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", map[string]string{"ENVIRONMENT_SUFFIX": "prod"})
	if d.Environment != "prod" {
		t.Fatalf("environment = %s", d.Environment)
	}
	named := 0
	for _, r := range d.Resources {
		tags := obj(r.Inputs["tags"])
		if name, ok := tags["Name"].(string); ok {
			named++
			if !strings.HasSuffix(name, "-prod") {
				t.Errorf("%s Name tag %q does not end in -prod", r.Name, name)
			}
		}
		if name := obstest.Str(r.Inputs["name"]); name != "" && strings.HasPrefix(r.Type, "aws:") && !strings.Contains(name, "prod") {
			t.Errorf("%s physical name %q does not carry the environment", r.Name, name)
		}
	}
	if named < 40 {
		t.Errorf("only %d resources carry a Name tag", named)
	}
	p := mustNamed(t, d, providerType, "trading")
	if obj(obj(p.Inputs["defaultTags"])["tags"])["Environment"] != "prod" {
		t.Errorf("provider Environment tag = %v", p.Inputs["defaultTags"])
	}
}

func TestOutputs(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	o := d.Outputs
	if obj(o["vpcIds"])["trading"] != mustNamed(t, d, vpcType, "trading-vpc").ID {
		t.Errorf("vpcIds = %v", o["vpcIds"])
	}
	if obj(o["peeringConnectionIds"])["trading-analytics"] != mustNamed(t, d, pcxType, "trading-analytics-connection").ID {
		t.Errorf("peeringConnectionIds = %v", o["peeringConnectionIds"])
	}
	if obj(o["peeringStatuses"])["trading-analytics"] != "active" {
		t.Errorf("peeringStatuses = %v", o["peeringStatuses"])
	}
	if obj(o["securityGroupIds"])["analytics"] != mustNamed(t, d, sgType, "analytics-app-sg").ID {
		t.Errorf("securityGroupIds = %v", o["securityGroupIds"])
	}
	if eps := obj(obj(o["endpointIds"])["trading"]); eps["s3"] != mustNamed(t, d, endpointType, "trading-s3-endpoint").ID || eps["dynamodb"] == nil {
		t.Errorf("endpointIds = %v", o["endpointIds"])
	}
	for _, key := range []string{"subnetIds", "routeTableIds"} {
		for _, n := range []string{"trading", "analytics"} {
			ids, _ := obj(o[key])[n].([]any)
			if len(ids) != 3 {
				t.Errorf("%s[%s] = %v", key, n, ids)
			}
			for _, id := range ids {
				if _, ok := obstest.ByID(d, id.(string)); !ok {
					t.Errorf("%s[%s] names %v, which is not in the plan", key, n, id)
				}
			}
		}
	}
	if obj(o["accountIds"])["analytics"] != "222222222222" || o["environment"] != "dev" {
		t.Errorf("accountIds = %v, environment = %v", o["accountIds"], o["environment"])
	}
}

func TestExplicitAZsAndShortage(t *testing.T) {
	d := buildYAML(t, `config:
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: t, azs: [use1-az6, use1-az2]}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: 1}
`)
	if _, ok := obstest.Named(d, subnetType, "trading-private-use1-az6"); !ok {
		t.Error("explicit AZ IDs must be used as given")
	}
	if s := mustNamed(t, d, subnetType, "trading-private-use1-az2"); obstest.Str(s.Inputs["cidrBlock"]) != "10.0.16.0/20" {
		t.Errorf("the second listed AZ gets the second block, got %v", s.Inputs["cidrBlock"])
	}
	if n := len(ofNetwork(d, subnetType, "analytics")); n != 1 {
		t.Errorf("analytics has %d subnets, want 1", n)
	}

	raw, _ := config.ParseStackYAML([]byte("config:\n  peerctl:region: eu-west-1\n  peerctl:networks:\n    - {name: a, cidr: 10.0.0.0/16, costCenter: a, azCount: 4}\n    - {name: b, cidr: 10.1.0.0/16, costCenter: b}\n  peerctl:peerings: [{requester: a, accepter: b}]\n"))
	// eu-west-1 has three AZ IDs: config knows the region's zones and
	// refuses a fourth before the stack chooses any (exit 3, not a plan error).
	_, err := config.Parse(raw, nil)
	want := `peerctl:networks[0].azCount: "4"`
	if !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v\nwant a validation error containing %s", err, want)
	}
}

func TestFullMesh(t *testing.T) {
	// 8 VPCs on one account: MeshYAML raises the default quota of 5 VPCs
	// per region, as a user with a quota increase would.
	d := buildYAML(t, configtest.MeshYAML(8))
	if n := len(obstest.OfType(d, peeringType)); n != 28 {
		t.Fatalf("%d peerings, want 28", n)
	}
	if n := len(obstest.OfType(d, routeType)); n != 28*2*3 {
		t.Errorf("%d routes, want %d", n, 28*2*3)
	}
	nacl := mustNamed(t, d, naclType, "net3-nacl")
	if n := len(nacl.Inputs["ingress"].([]any)); n != 17 {
		t.Errorf("net3 NACL has %d ingress rules, want 17 (7 peers)", n)
	}
	if n := len(ofNetwork(d, ingressType, "net3")); n != 14 {
		t.Errorf("net3 has %d ingress SG rules, want 14", n)
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	render := func() string {
		var b strings.Builder
		if err := buildFile(t, "Pulumi.dev.yaml", "dev", nil).WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	first := render()
	for range 3 {
		if render() != first {
			t.Fatal("two plans of the same configuration differ")
		}
	}
}

func TestMain(m *testing.M) {
	// The program must not depend on the caller's environment.
	os.Unsetenv("ENVIRONMENT_SUFFIX")
	os.Exit(m.Run())
}

// Every network names the dashboard in its own account.
func TestDashboardNamesOutput(t *testing.T) {
	d := buildFile(t, "Pulumi.dev.yaml", "dev", nil)
	got := obj(d.Outputs["dashboardNames"])
	if got["trading"] != "vpc-peering-dashboard-dev-use1" || got["analytics"] != "vpc-peering-dashboard-analytics-dev-use1" {
		t.Errorf("dashboardNames = %v", got)
	}
	one := buildYAML(t, "config: {}")
	if got := obj(one.Outputs["dashboardNames"]); got["trading"] != "vpc-peering-dashboard-dev-use1" || got["analytics"] != "vpc-peering-dashboard-dev-use1" {
		t.Errorf("one account, one dashboard: dashboardNames = %v", got)
	}
}
