package main

import (
	"maps"
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	const (
		pcx    = "pcx-0123456789abcdef0"
		trade  = "111111111111"
		analyt = "222222222222"
	)
	world := func(entries ...entry) *state {
		st := &state{Resources: map[string]*entry{}, Accepted: map[string]bool{}}
		for i := range entries {
			// Each world its own outputs: accepting changes the connection's.
			entries[i].Outputs = maps.Clone(entries[i].Outputs)
			st.Resources[entries[i].URN] = &entries[i]
		}
		return st
	}
	conn := entry{URN: "conn", Type: typeConnection, ID: pcx, Account: trade, Outputs: map[string]any{"acceptStatus": "pending-acceptance"}}
	accepter := entry{URN: "accepter", Type: typeAccepter, ID: pcx, Account: analyt, Outputs: map[string]any{"vpcPeeringConnectionId": pcx}}
	options := entry{URN: "options", Type: typeOptions, ID: pcx, Account: trade, Outputs: map[string]any{"vpcPeeringConnectionId": pcx}}
	route := entry{URN: "route", Type: typeRoute, ID: "r-1", Account: trade, Outputs: map[string]any{"vpcPeeringConnectionId": pcx}}
	vpc := entry{URN: "vpc", Type: "aws:ec2/vpc:Vpc", ID: "vpc-0123456789abcdef0", Account: trade, Outputs: map[string]any{}}
	subnet := entry{URN: "subnet", Type: "aws:ec2/subnet:Subnet", ID: "subnet-1", Account: trade, Outputs: map[string]any{"vpcId": vpc.ID, "tags": map[string]any{"x": "subnet-9"}}}
	role := entry{URN: "role", Type: "aws:iam/role:Role", ID: "flow-logs", Account: trade, Outputs: map[string]any{"arn": "arn:aws:iam::111111111111:role/flow-logs"}}
	policy := entry{URN: "policy", Type: "aws:iam/rolePolicy:RolePolicy", ID: "p", Account: trade,
		Outputs: map[string]any{"policy": `{"Statement":[{"Resource":"arn:aws:iam::111111111111:role/flow-logs"}]}`}}
	ruleTrading := entry{URN: "rule-t", Type: "aws:cfg/rule:Rule", ID: "required-tags", Account: trade, Outputs: map[string]any{"name": "required-tags"}}
	ruleAnalytics := entry{URN: "rule-a", Type: "aws:cfg/rule:Rule", ID: "required-tags", Account: analyt, Outputs: map[string]any{"name": "required-tags"}}
	bucket := func(urn, account string) entry {
		return entry{URN: urn, Type: "aws:s3/bucketV2:BucketV2", ID: "peerctl-logs", Account: account, Outputs: map[string]any{"bucket": "peerctl-logs"}}
	}
	recorder := func(urn, account string) entry {
		return entry{URN: urn, Type: typeRecorder, ID: "rec-" + urn, Account: account, Region: "us-east-1", Outputs: map[string]any{}}
	}

	tests := []struct {
		name    string
		st      *state
		op      string
		e       entry
		wantErr string
	}{
		{name: "options on a pending connection", st: world(conn), op: opCreate, e: options, wantErr: "OperationNotPermitted"},
		{name: "a route through a pending connection (a blackhole, see TestBlackholeRoutes)", st: world(conn), op: opCreate, e: route},
		{name: "options once accepted", st: func() *state { s := world(conn); change(s, opCreate, accepter); return s }(), op: opCreate, e: options},
		{name: "a route once accepted", st: func() *state { s := world(conn); change(s, opCreate, accepter); return s }(), op: opUpdate, e: route},
		{name: "a VPC with a subnet left", st: world(vpc, subnet), op: opDelete, e: vpc, wantErr: "DependencyViolation: still used by subnet"},
		{name: "a VPC alone", st: world(vpc), op: opDelete, e: vpc},
		{name: "tags are not references", st: world(subnet, entry{URN: "s9", Type: "aws:ec2/subnet:Subnet", ID: "subnet-9", Account: trade, Outputs: map[string]any{}}), op: opDelete,
			e: entry{URN: "s9", Type: "aws:ec2/subnet:Subnet", ID: "subnet-9", Account: trade}},
		{name: "a policy document may name what no longer exists", st: world(role, policy), op: opDelete, e: role},
		{name: "a flow log's role", st: world(role, entry{URN: "fl", Type: "aws:ec2/flowLog:FlowLog", ID: "fl-0123456789", Account: trade,
			Outputs: map[string]any{"iamRoleArn": "arn:aws:iam::111111111111:role/flow-logs"}}), op: opDelete, e: role, wantErr: "still used by fl"},
		{name: "a connection its accepter still refers to", st: world(conn, accepter), op: opDelete, e: conn, wantErr: "still used by accepter"},
		{name: "options while routes use the connection", st: world(conn, options, route), op: opDelete, e: options},
		{name: "a name inside a policy document is not a reference", st: world(entry{URN: "ch", Type: typeChannel, ID: "x-delivery", Account: trade, Outputs: map[string]any{}},
			entry{URN: "pol", Type: "aws:iam/rolePolicy:RolePolicy", ID: "p", Account: trade, Outputs: map[string]any{"policy": `{"Condition":{"s3:prefix":"x-delivery"}}`}}),
			op: opDelete, e: entry{URN: "ch", Type: typeChannel, ID: "x-delivery", Account: trade}},
		{name: "names are per type", st: world(entry{URN: "ch", Type: typeChannel, ID: "x-delivery", Account: trade, Outputs: map[string]any{"name": "x-delivery"}},
			entry{URN: "pol", Type: "aws:iam/rolePolicy:RolePolicy", ID: "x-delivery", Account: trade, Outputs: map[string]any{"name": "x-delivery", "role": "r"}}),
			op: opDelete, e: entry{URN: "ch", Type: typeChannel, ID: "x-delivery", Account: trade}},
		{name: "a log group its flow log names", st: world(entry{URN: "lg", Type: "aws:cloudwatch/logGroup:LogGroup", ID: "/flow", Account: trade, Outputs: map[string]any{"name": "/flow"}},
			entry{URN: "fl", Type: "aws:ec2/flowLog:FlowLog", ID: "fl-0123456789", Account: trade, Outputs: map[string]any{"logGroupName": "/flow"}}),
			op: opDelete, e: entry{URN: "lg", Type: "aws:cloudwatch/logGroup:LogGroup", ID: "/flow", Account: trade}, wantErr: "still used by fl"},
		{name: "a bucket's policy while its other settings exist", st: world(bucket("b", trade),
			entry{URN: "bp", Type: "aws:s3/bucketPolicy:BucketPolicy", ID: "peerctl-logs", Account: trade, Outputs: map[string]any{"bucket": "peerctl-logs"}},
			entry{URN: "pab", Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", ID: "peerctl-logs", Account: trade, Outputs: map[string]any{"bucket": "peerctl-logs"}}),
			op: opDelete, e: entry{URN: "bp", Type: "aws:s3/bucketPolicy:BucketPolicy", ID: "peerctl-logs", Account: trade}},
		{name: "a bucket while its settings exist", st: world(bucket("b", trade),
			entry{URN: "bp", Type: "aws:s3/bucketPolicy:BucketPolicy", ID: "peerctl-logs", Account: trade, Outputs: map[string]any{"bucket": "peerctl-logs"}}),
			op: opDelete, e: bucket("b", trade), wantErr: "still used by bp"},
		{name: "a name means something only in its own account", st: world(ruleTrading, ruleAnalytics), op: opDelete, e: ruleTrading},
		{name: "a bucket name taken in another account", st: world(bucket("b1", trade)), op: opCreate, e: bucket("b2", analyt), wantErr: "BucketAlreadyExists"},
		{name: "a second recorder in the account and region", st: world(recorder("r1", trade)), op: opCreate, e: recorder("r2", trade),
			wantErr: "MaxNumberOfConfigurationRecordersExceededException"},
		{name: "a recorder in each account", st: world(recorder("r1", trade)), op: opCreate, e: recorder("r2", analyt)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(tt.st, tt.op, tt.e)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// AWS creates a route through a pending connection in the blackhole state;
// the stand-in allows it and says so.
func TestBlackholeRoutes(t *testing.T) {
	const pcx = "pcx-0123456789abcdef0"
	conn := entry{URN: "conn", Type: typeConnection, ID: pcx, Account: "111111111111", Outputs: map[string]any{"acceptStatus": "pending-acceptance"}}
	route := entry{URN: "route", Type: typeRoute, ID: "r-1", Account: "111111111111", Outputs: map[string]any{"vpcPeeringConnectionId": pcx}}
	st := &state{Resources: map[string]*entry{"conn": &conn}, Accepted: map[string]bool{}}
	want := "blackhole: route route through peering connection pcx-0123456789abcdef0, which is not active (pending-acceptance)"
	if got := blackhole(st, opCreate, route); got != want {
		t.Errorf("pending: %q, want %q", got, want)
	}
	if got := blackhole(st, opDelete, route); got != "" {
		t.Errorf("deleting a blackhole route: %q, want no warning", got)
	}
	st.Accepted[pcx] = true
	if got := blackhole(st, opCreate, route); got != "" {
		t.Errorf("accepted: %q, want no warning", got)
	}
}
