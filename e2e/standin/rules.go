package main

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// ownName are the inputs that name the resource itself.
var ownName = map[string]bool{"name": true, "namePrefix": true}

// generatedID matches the ids AWS generates (vpc-0a1b..., pcx-...), unique
// across accounts.
var generatedID = regexp.MustCompile(`^[a-z]+-[0-9a-f]{8,}$`)

// The AWS rules peerctl's program and its ordering depend on, enforced the
// way AWS enforces them: as errors of the call that breaks them.

const (
	typeConnection = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	typeAccepter   = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
	typeOptions    = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
	typeRoute      = "aws:ec2/route:Route"
	typeRecorder   = "aws:cfg/recorder:Recorder"
	typeChannel    = "aws:cfg/deliveryChannel:DeliveryChannel"
)

// owners are the AWS objects whose settings are separate resources with
// the owner's id or ARN (a bucket's policy and encryption, a topic's
// policy, a peering connection's accepter and options, a recorder's
// status).
var owners = map[string]bool{typeConnection: true, typeRecorder: true, "aws:s3/bucketV2:BucketV2": true, "aws:s3/bucket:Bucket": true, "aws:sns/topic:Topic": true}

// vpcDefaults are the VPC's own default ACL, security group and route
// table, which the VPC refers to (defaultNetworkAclId, ...): deleting
// their resource only stops managing them, as the Terraform provider does.
var vpcDefaults = map[string]bool{
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":                 true,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":           true,
	"aws:ec2/defaultRouteTable:DefaultRouteTable":                 true,
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": true,
}

// isFacet reports whether e is a setting of another existing resource: it
// has that resource's id or ARN. What refers to that id depends on the
// owner, not on the setting, so deleting a setting has no dependents.
func isFacet(st *state, e entry) bool {
	if vpcDefaults[e.Type] {
		return true
	}
	if owners[e.Type] {
		return false
	}
	arn, _ := e.Outputs["arn"].(string)
	for _, other := range st.Resources {
		if other.URN == e.URN || other.Type == e.Type || !owners[other.Type] {
			continue
		}
		if other.ID == e.ID || (arn != "" && other.Outputs["arn"] == arn) {
			return true
		}
	}
	return false
}

// bucketTypes are the S3 bucket resources: bucket names are global.
var bucketTypes = map[string]bool{"aws:s3/bucketV2:BucketV2": true, "aws:s3/bucket:Bucket": true}

// onePerRegion are the resources an account can have only one of per
// region: AWS Config's recorder and delivery channel.
var onePerRegion = map[string]string{
	typeRecorder: "MaxNumberOfConfigurationRecordersExceededException",
	typeChannel:  "MaxNumberOfDeliveryChannelsExceededException",
}

// check returns the error AWS would give op, or nil.
func check(st *state, op string, e entry) error {
	switch op {
	case opCreate, opUpdate:
		if err := checkAccepted(st, e); err != nil {
			return err
		}
		if err := checkWhere(st, e); err != nil {
			return err
		}
	}
	if op == opCreate {
		if bucketTypes[e.Type] {
			for _, other := range sorted(st) {
				if bucketTypes[other.Type] && other.ID == e.ID {
					return fmt.Errorf("creating S3 bucket %s: BucketAlreadyExists: the bucket name is already taken (by %s in account %s); bucket names are unique across all AWS accounts",
						e.ID, other.URN, other.Account)
				}
			}
		}
		if code, ok := onePerRegion[e.Type]; ok {
			for _, other := range sorted(st) {
				if other.Type == e.Type && other.Account == e.Account && other.Region == e.Region {
					return fmt.Errorf("creating %s %s: %s: account %s already has one in %s (%s)", e.Type, e.ID, code, e.Account, e.Region, other.URN)
				}
			}
		}
	}
	if op == opDelete {
		return checkNoDependents(st, e)
	}
	return nil
}

// checkAccepted refuses peering connection options on a connection that
// its accepter has not accepted yet (AWS: OperationNotPermitted on a
// pending-acceptance connection). A route through such a connection is
// allowed, as in AWS, but is a blackhole until the connection is active
// (see blackhole).
func checkAccepted(st *state, e entry) error {
	pcx, _ := e.Outputs["vpcPeeringConnectionId"].(string)
	if pcx == "" || e.Type != typeOptions || isActive(st, pcx) {
		return nil
	}
	return fmt.Errorf("%s %s: OperationNotPermitted: peering connection %s is not active (pending-acceptance); it must be accepted first",
		e.Type, e.URN, pcx)
}

// isActive reports whether a connection has been accepted (or was active
// at once, with autoAccept).
func isActive(st *state, pcx string) bool { return st.Accepted[pcx] || activeAtCreation(st, pcx) }

// blackhole is the warning a route creation gets when its connection is
// not active yet: AWS creates it in the blackhole state, without effect
// until the connection is accepted ("Update your route tables for a VPC
// peering connection"). The journal records it, so a test can tell a
// route created before acceptance (an ordering mistake for a connection
// the stack itself accepts) from one the program means to leave waiting
// for a partner (requester-only).
func blackhole(st *state, op string, e entry) string {
	pcx, _ := e.Outputs["vpcPeeringConnectionId"].(string)
	if pcx == "" || e.Type != typeRoute || op == opDelete || isActive(st, pcx) {
		return ""
	}
	return fmt.Sprintf("blackhole: route %s through peering connection %s, which is not active (pending-acceptance)", e.URN, pcx)
}

// activeAtCreation: a connection requested with autoAccept (same account
// and region) is active at once.
func activeAtCreation(st *state, pcx string) bool {
	for _, r := range st.Resources {
		if r.Type == typeConnection && r.ID == pcx && r.Outputs["acceptStatus"] == "active" {
			return true
		}
	}
	return false
}

// checkNoDependents refuses to delete a resource that another existing
// resource still refers to, by id or ARN (AWS: DependencyViolation), so
// the engine must delete dependents first.
func checkNoDependents(st *state, e entry) error {
	if isFacet(st, e) {
		return nil
	}
	arn, _ := e.Outputs["arn"].(string)
	var users []string
	for _, other := range sorted(st) {
		if other.URN == e.URN {
			continue
		}
		// A connection that ended holds nothing back (its VPCs can go).
		if other.Type == typeConnection && slices.Contains(endedStates, connectionStatus(st, other)) {
			continue
		}
		// A name (Config rule, log group) means something only in its own
		// account; generated ids (vpc-, pcx-) and ARNs are unique across
		// accounts, and the accepter's account refers to the requester's
		// peering connection by id.
		id := e.ID
		if other.Account != e.Account && !generatedID.MatchString(id) {
			id = ""
		}
		if refers(other.Outputs, id, arn) {
			users = append(users, other.URN)
		}
	}
	if len(users) == 0 {
		return nil
	}
	return fmt.Errorf("deleting %s %s: DependencyViolation: still used by %s", e.Type, e.ID, strings.Join(users, ", "))
}

// refers reports whether any value in props (tags excluded) is id or arn,
// or a sub-resource of arn ("arn/...", "arn:*"). Policy documents (JSON
// text) are not read: AWS lets an IAM, bucket or topic policy name a
// resource that does not exist, so they hold nothing back.
// Inside a document (a policy, as JSON text or as an object) a name is not
// a reference: policies name resources by ARN, and the same text may be
// another resource's name (a bucket and a delivery channel both called
// "x-config-delivery-prod"). Generated ids count everywhere.
func refers(props map[string]any, id, arn string) bool {
	return refersIn(props, id, arn, false)
}

func refersIn(props map[string]any, id, arn string, inDoc bool) bool {
	for k, v := range props {
		if k == "tags" || k == "tagsAll" {
			continue
		}
		// A resource's own name is no reference: names are per type (a
		// role policy and a delivery channel may share one).
		if !inDoc && ownName[k] && !generatedID.MatchString(id) {
			if arn == "" {
				continue
			}
			if refersValue(v, "", arn, inDoc) {
				return true
			}
			continue
		}
		if refersValue(v, id, arn, inDoc) {
			return true
		}
	}
	return false
}

func refersValue(v any, id, arn string, inDoc bool) bool {
	switch t := v.(type) {
	case string:
		idMatch := id != "" && t == id && (!inDoc || generatedID.MatchString(id))
		if idMatch || (arn != "" && (t == arn || strings.HasPrefix(t, arn+"/") || strings.HasPrefix(t, arn+":"))) {
			return true
		}
	case []any:
		for _, x := range t {
			if refersValue(x, id, arn, true) {
				return true
			}
		}
	case map[string]any:
		return refersIn(t, id, arn, true)
	}
	return false
}

// change makes a checked operation.
func change(st *state, op string, e entry) {
	switch op {
	case opCreate, opUpdate:
		c := e
		st.Resources[e.URN] = &c
		if e.Type == typeAccepter {
			// Accepting makes the connection active for both sides; deleting
			// the accepter later leaves it so (the provider only forgets it).
			st.Accepted[e.ID] = true
			if c := connection(st, e.ID); c != nil {
				if c.Outputs == nil {
					c.Outputs = map[string]any{}
				}
				c.Outputs["acceptStatus"] = "active"
			}
		}
	case opDelete:
		delete(st.Resources, e.URN)
	}
}

// sorted lists the world's resources by URN, so errors name them in a
// stable order.
func sorted(st *state) []*entry {
	out := make([]*entry, 0, len(st.Resources))
	for _, r := range st.Resources {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}
