package verify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/peerctl/peerctl/internal/deploy"
)

// Sources of a StackResources list.
const (
	SourceState   = "stack state"
	SourceOutputs = "stack outputs"
)

// StackResources are the resources the stack manages, as AWS Config names
// them: resource type (AWS::EC2::VPC) and resource id (vpc-..., a bucket's
// name). The config-rules check judges the results of these resources and
// reports every other result of a rule as the rest of the account.
//
// The stack's state is the complete list: it holds every resource Pulumi
// manages, including the ones AWS creates with a VPC that the stack adopts
// (default security group, default network ACL, main route table) and every
// bucket. The stack outputs name only what they export, so a list built
// from them is incomplete (Complete false) and results on the missing
// resources show up as the rest of the account.
//
// Tags are not used: REQUIRED_TAGS judges exactly the resources that lost
// their tags, so a list chosen by tag would hide its findings.
type StackResources struct {
	Source   string
	Complete bool
	ids      map[string]map[string]bool // by Config resource type, then id
}

// configTypes maps the Pulumi types peerctl creates to the AWS Config
// resource types that the rules evaluate. The adopted defaults map to the
// type of what they adopt; s3 Bucket is listed for pulumi-aws v7, where
// BucketV2 became Bucket.
var configTypes = map[string]string{
	"aws:ec2/vpc:Vpc":                                                   "AWS::EC2::VPC",
	"aws:ec2/subnet:Subnet":                                             "AWS::EC2::Subnet",
	"aws:ec2/routeTable:RouteTable":                                     "AWS::EC2::RouteTable",
	"aws:ec2/defaultRouteTable:DefaultRouteTable":                       "AWS::EC2::RouteTable",
	"aws:ec2/securityGroup:SecurityGroup":                               "AWS::EC2::SecurityGroup",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                 "AWS::EC2::SecurityGroup",
	"aws:ec2/networkAcl:NetworkAcl":                                     "AWS::EC2::NetworkAcl",
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":                       "AWS::EC2::NetworkAcl",
	"aws:s3/bucketV2:BucketV2":                                          "AWS::S3::Bucket",
	"aws:s3/bucket:Bucket":                                              "AWS::S3::Bucket",
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection":                 "AWS::EC2::VPCPeeringConnection",
	"aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": "AWS::EC2::VPCPeeringConnection",
}

// ConfigTypes lists the AWS Config resource types a StackResources list
// can hold, sorted.
func ConfigTypes() []string {
	out := slices.Collect(maps.Values(configTypes))
	slices.Sort(out)
	return slices.Compact(out)
}

// stateDeployment is the part of a `pulumi stack export` deployment
// (versions 3 and 4) that names resources.
type stateDeployment struct {
	Resources []struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Custom   bool   `json:"custom"`
		Delete   bool   `json:"delete"`
		External bool   `json:"external"`
	} `json:"resources"`
}

// ResourcesFromState lists the stack's resources from its exported state
// (the deployment object of `pulumi stack export`). Resources only read by
// the program (external) and old copies waiting for deletion are left out:
// the stack does not manage them.
func ResourcesFromState(deployment []byte) (*StackResources, error) {
	var d stateDeployment
	if err := json.Unmarshal(deployment, &d); err != nil {
		return nil, fmt.Errorf("stack state: %w", err)
	}
	s := &StackResources{Source: SourceState, Complete: true}
	for _, r := range d.Resources {
		if !r.Custom || r.Delete || r.External || r.ID == "" {
			continue
		}
		if t, ok := configTypes[r.Type]; ok {
			s.add(t, r.ID)
		}
	}
	return s, nil
}

// ResourcesFromOutputs lists what the stack outputs name. The adopted
// default security groups, default network ACLs and main route tables and
// the Config delivery bucket are not among them.
func ResourcesFromOutputs(o *deploy.Outputs) *StackResources {
	s := &StackResources{Source: SourceOutputs}
	if o == nil {
		return s
	}
	for _, id := range o.VpcIDs {
		s.add("AWS::EC2::VPC", id)
	}
	for _, ids := range o.SubnetIDs {
		for _, id := range ids {
			s.add("AWS::EC2::Subnet", id)
		}
	}
	for _, ids := range o.RouteTableIDs {
		for _, id := range ids {
			s.add("AWS::EC2::RouteTable", id)
		}
	}
	for _, id := range o.SecurityGroupIDs {
		s.add("AWS::EC2::SecurityGroup", id)
	}
	for _, id := range o.NaclIDs {
		s.add("AWS::EC2::NetworkAcl", id)
	}
	for _, id := range o.FlowLogBuckets {
		s.add("AWS::S3::Bucket", id)
	}
	for _, id := range o.PeeringConnectionIDs {
		s.add("AWS::EC2::VPCPeeringConnection", id)
	}
	return s
}

func (s *StackResources) add(resourceType, id string) {
	if id == "" {
		return
	}
	if s.ids == nil {
		s.ids = map[string]map[string]bool{}
	}
	if s.ids[resourceType] == nil {
		s.ids[resourceType] = map[string]bool{}
	}
	s.ids[resourceType][id] = true
}

// Has reports whether the stack manages the resource.
func (s *StackResources) Has(resourceType, id string) bool {
	return s != nil && s.ids[resourceType][id]
}

// Len is the number of resources listed.
func (s *StackResources) Len() int {
	n := 0
	if s != nil {
		for _, ids := range s.ids {
			n += len(ids)
		}
	}
	return n
}
