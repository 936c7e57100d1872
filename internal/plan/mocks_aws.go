package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/netplan"
	"github.com/peerctl/peerctl/internal/regions"
)

// This file is the AWS side of the mock monitor: the ids, ARNs and computed
// attributes the provider would return, and the answers to data sources.

// hexID returns n hex characters derived from key.
func hexID(key string, n int) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:n]
}

// idPrefixes are the AWS id prefixes of the resource types peerctl creates.
var idPrefixes = map[string]string{
	"aws:ec2/vpc:Vpc":                                           "vpc-",
	"aws:ec2/subnet:Subnet":                                     "subnet-",
	"aws:ec2/routeTable:RouteTable":                             "rtb-",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":       "rtbassoc-",
	"aws:ec2/securityGroup:SecurityGroup":                       "sg-",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":         "sg-",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   "sgr-",
	"aws:ec2/networkAcl:NetworkAcl":                             "acl-",
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           "vpce-",
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection":         "pcx-",
	"aws:ec2/route:Route":                                       "r-",
	"aws:ec2/flowLog:FlowLog":                                   "fl-",
}

// computed fills in what the provider would compute and returns the id.
func (m *Mocks) computed(rec *record, state resource.PropertyMap) string {
	str := func(k string) string {
		if v, ok := state[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	set := func(k, v string) { state[resource.PropertyKey(k)] = resource.NewProperty(v) }
	h := func(salt string) string { return hexID(rec.urn+"#"+salt, 17) }

	if !rec.custom {
		return ""
	}
	if strings.HasPrefix(rec.typ, "pulumi:providers:") {
		id := hexID(rec.urn, 32)
		return fmt.Sprintf("%s-%s-%s-%s-%s", id[:8], id[8:12], id[12:16], id[16:20], id[20:])
	}
	switch rec.typ {
	case "aws:ec2/vpc:Vpc":
		set("defaultSecurityGroupId", "sg-"+h("default-sg"))
		set("defaultNetworkAclId", "acl-"+h("default-nacl"))
		set("defaultRouteTableId", "rtb-"+h("main-rt"))
		set("mainRouteTableId", "rtb-"+h("main-rt"))
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		set("prefixListId", "pl-"+hexID(rec.urn, 8))
		set("state", "available")
	case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
		status := "pending-acceptance"
		if v, ok := state["autoAccept"]; ok && v.IsBool() && v.BoolValue() {
			status = "active"
		}
		set("acceptStatus", status)
	case "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter":
		set("acceptStatus", "active")
		return str("vpcPeeringConnectionId") // the provider uses the connection id
	case "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions":
		return str("vpcPeeringConnectionId")
	case "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":
		return str("defaultNetworkAclId")
	case "aws:ec2/defaultRouteTable:DefaultRouteTable":
		return str("defaultRouteTableId") // the provider adopts the VPC's main route table
	case "aws:kms/key:Key":
		k := hexID(rec.urn, 32) // KMS key ids are UUIDs; the id is the key id
		set("keyId", fmt.Sprintf("%s-%s-%s-%s-%s", k[:8], k[8:12], k[12:16], k[16:20], k[20:]))
	}
	id := rec.name + "-" + hexID(rec.urn, 7)
	if prefix, ok := idPrefixes[rec.typ]; ok {
		id = prefix + h("id")
	} else {
		// Named resources (buckets, log groups, roles, topics, dashboards)
		// use their name as id; KMS keys their key id.
		for _, k := range []string{"bucket", "name", "dashboardName", "keyId"} {
			if v := str(k); v != "" {
				id = v
				break
			}
		}
	}
	if _, has := state["arn"]; !has {
		if arn := m.arn(rec, id); arn != "" {
			set("arn", arn)
		}
	}
	return id
}

// arnFormats are the ARN shapes of resource types whose ARN other resources
// reference (policies, alarm actions, flow-log destinations). Verbs: region,
// account, id, partition.
var arnFormats = map[string]string{
	"aws:s3/bucketV2:BucketV2":               "arn:%[4]s:s3:::%[3]s",
	"aws:s3/bucket:Bucket":                   "arn:%[4]s:s3:::%[3]s",
	"aws:cloudwatch/logGroup:LogGroup":       "arn:%[4]s:logs:%[1]s:%[2]s:log-group:%[3]s",
	"aws:iam/role:Role":                      "arn:%[4]s:iam::%[2]s:role/%[3]s",
	"aws:iam/policy:Policy":                  "arn:%[4]s:iam::%[2]s:policy/%[3]s",
	"aws:sns/topic:Topic":                    "arn:%[4]s:sns:%[1]s:%[2]s:%[3]s",
	"aws:kms/key:Key":                        "arn:%[4]s:kms:%[1]s:%[2]s:key/%[3]s",
	"aws:cloudwatch/metricAlarm:MetricAlarm": "arn:%[4]s:cloudwatch:%[1]s:%[2]s:alarm:%[3]s",
	"aws:cloudwatch/dashboard:Dashboard":     "arn:%[4]s:cloudwatch::%[2]s:dashboard/%[3]s",
	"aws:oam/sink:Sink":                      "arn:%[4]s:oam:%[1]s:%[2]s:sink/%[3]s",
	"aws:oam/link:Link":                      "arn:%[4]s:oam:%[1]s:%[2]s:link/%[3]s",
	"aws:cfg/rule:Rule":                      "arn:%[4]s:config:%[1]s:%[2]s:config-rule/%[3]s",
	"aws:ec2/vpc:Vpc":                        "arn:%[4]s:ec2:%[1]s:%[2]s:vpc/%[3]s",
	"aws:ec2/subnet:Subnet":                  "arn:%[4]s:ec2:%[1]s:%[2]s:subnet/%[3]s",
	"aws:ec2/securityGroup:SecurityGroup":    "arn:%[4]s:ec2:%[1]s:%[2]s:security-group/%[3]s",
	"aws:ec2/flowLog:FlowLog":                "arn:%[4]s:ec2:%[1]s:%[2]s:vpc-flow-log/%[3]s",
}

// arn returns the ARN AWS would assign, or "" for types without one here.
func (m *Mocks) arn(rec *record, id string) string {
	format, ok := arnFormats[rec.typ]
	if !ok {
		return ""
	}
	m.mu.Lock()
	provider := m.providers[rec.provider]
	m.mu.Unlock()
	region := regionOf(provider)
	return fmt.Sprintf(format, region, accountOf(provider), id, regions.Partition(region))
}

// regionOf is the region a provider is configured for, "" if none.
func regionOf(provider *record) string {
	if provider != nil {
		if v, ok := provider.inputs["region"]; ok && v.IsString() {
			return v.StringValue()
		}
	}
	return ""
}

// Call answers the data-source invokes the program makes.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	provider := m.providers[providerURN(args.Provider)]
	m.mu.Unlock()
	regionName := regionOf(provider)
	partition := regions.PartitionOf(regionName)
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		account := accountOf(provider)
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": account,
			"arn":       fmt.Sprintf("arn:%s:sts::%s:assumed-role/peerctl/offline-plan", partition.ID, account),
			"id":        account,
			"userId":    "AROAOFFLINEPLAN:peerctl",
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		ids, names := offlineZones(regionName)
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": regionName, "zoneIds": ids, "names": names, "groupNames": names,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"id": regionName, "name": regionName}), nil
	case "aws:ec2/getRouteTables:getRouteTables":
		// An existing VPC's route tables are only known at preview/up.
		vpcID := filterValue(args.Args, "vpc-id")
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": regionName, "ids": DiscoveredRouteTables(vpcID),
		}), nil
	case "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections":
		// Offline, no partner has accepted anything: a requester-only
		// connection is never active, so its DNS option is left for the
		// first up after the partner accepts.
		return resource.NewPropertyMapFromMap(map[string]any{"id": regionName, "ids": []string{}}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": partition.ID, "partition": partition.ID, "dnsSuffix": partition.DNSSuffix,
		}), nil
	}
	return nil, fmt.Errorf("the offline plan has no answer for %s; add it to internal/plan/mocks.go", args.Token)
}

// DiscoveredRouteTablePrefix starts the placeholder ids the offline plan
// gives an existing VPC's discovered route tables: obviously not AWS ids
// (those are rtb- and 8 or 17 hex digits), so no reviewer takes them for
// real ones; the plan says they are discovered at preview/up.
const DiscoveredRouteTablePrefix = "rtb-discovered-"

// DiscoveredRouteTables is the offline plan's answer for the route tables
// of vpcID: one placeholder, derived from the VPC id so it is the same on
// every run and differs between VPCs.
func DiscoveredRouteTables(vpcID string) []string {
	return []string{DiscoveredRouteTablePrefix + strings.TrimPrefix(vpcID, "vpc-")}
}

// filterValue is the first value of the invoke filter called name
// (filters: [{name, values}]), "" if there is none.
func filterValue(args resource.PropertyMap, name string) string {
	v, ok := args["filters"]
	if !ok || !v.IsArray() {
		return ""
	}
	for _, f := range v.ArrayValue() {
		if !f.IsObject() {
			continue
		}
		obj := f.ObjectValue()
		if n := obj["name"]; !n.IsString() || n.StringValue() != name {
			continue
		}
		if vals := obj["values"]; vals.IsArray() && len(vals.ArrayValue()) > 0 && vals.ArrayValue()[0].IsString() {
			return vals.ArrayValue()[0].StringValue()
		}
	}
	return ""
}

// accountOf is the account a provider is pinned to, if the plan can tell.
// Otherwise it is a placeholder that, like a real account, is shared by
// providers with the same credentials: UnknownAccountID for the default
// chain, and one derived from the profile for a named profile.
func accountOf(provider *record) string {
	if provider == nil {
		return UnknownAccountID
	}
	if v, ok := provider.inputs["allowedAccountIds"]; ok && v.IsArray() && len(v.ArrayValue()) == 1 {
		return v.ArrayValue()[0].StringValue()
	}
	if v, ok := provider.inputs["profile"]; ok && v.IsString() && v.StringValue() != "" {
		digits := ""
		for _, c := range hexID("profile:"+v.StringValue(), 32) {
			digits += fmt.Sprint(int(c) % 10)
		}
		return "0000" + digits[:8]
	}
	return UnknownAccountID
}

// offlineZones lists the zones the offline plan assumes a region has: the
// AZ IDs of the region table (six in us-east-1, four in us-west-2...), or,
// for a region the table has none for, three derived from its name. An
// account may be offered fewer; the pre-flight check asks AWS before a
// deploy. Names are per-account aliases (us-east-1a); IDs are what peerctl
// places subnets by.
func offlineZones(region string) (ids, names []string) {
	if r, ok := regions.Region(region); ok && len(r.AZIDs) > 0 {
		ids = r.AZIDs
	} else {
		for i := 1; i <= 3; i++ {
			ids = append(ids, fmt.Sprintf("%s-az%d", netplan.RegionCode(region), i))
		}
	}
	for i := range ids {
		names = append(names, fmt.Sprintf("%s%c", region, 'a'+i))
	}
	return ids, names
}
