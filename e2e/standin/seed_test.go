package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A seed is merged into the world at the stand-in's next operation, once:
// a seeded resource that something deleted does not come back, and a seed
// written later (a partner's connection between two runs) is merged then.
func TestSeedIsMergedOnce(t *testing.T) {
	dir := t.TempDir()
	w := &world{dir: dir}
	writeSeed := func(content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, seedFile), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeSeed(`{"resources": [
	  {"type": "aws:ec2/vpc:Vpc", "id": "vpc-0a1b2c3d4e5f60718", "account": "222222222222", "region": "eu-west-1", "outputs": {"cidrBlock": "10.20.0.0/16"}},
	  {"type": "aws:ec2/routeTable:RouteTable", "id": "rtb-0a1b2c3d4e5f60719", "account": "222222222222", "region": "eu-west-1", "outputs": {"vpcId": "vpc-0a1b2c3d4e5f60718"}}]}`)

	vpcURN := "urn:pulumi:seed::seed::aws:ec2/vpc:Vpc::vpc-0a1b2c3d4e5f60718"
	if e, ok, err := w.lookup(vpcURN); err != nil || !ok || !e.Seeded || e.Account != "222222222222" || e.Region != "eu-west-1" || e.Outputs["cidrBlock"] != "10.20.0.0/16" {
		t.Fatalf("seeded VPC = %+v, %v, %v", e, ok, err)
	}
	// Something deletes the seeded route table (a bug the tests must see).
	rtb := entry{URN: "urn:pulumi:seed::seed::aws:ec2/routeTable:RouteTable::rtb-0a1b2c3d4e5f60719", Type: typeRouteTable, ID: "rtb-0a1b2c3d4e5f60719",
		Account: "222222222222", Region: "eu-west-1", Outputs: map[string]any{"vpcId": "vpc-0a1b2c3d4e5f60718"}}
	if err := w.apply(opDelete, rtb); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := w.lookup(rtb.URN); ok {
		t.Fatal("a deleted seed came back")
	}

	// A partner's connection, seeded between two runs.
	writeSeed(`{"resources": [
	  {"type": "aws:ec2/vpc:Vpc", "id": "vpc-0a1b2c3d4e5f60718", "account": "222222222222", "region": "eu-west-1"},
	  {"type": "aws:ec2/routeTable:RouteTable", "id": "rtb-0a1b2c3d4e5f60719", "account": "222222222222", "region": "eu-west-1"},
	  {"type": "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "id": "pcx-0123456789abcdef0", "account": "333333333333", "region": "us-east-1",
	   "outputs": {"acceptStatus": "pending-acceptance"}}]}`)
	if e, ok, err := w.lookup("urn:pulumi:seed::seed::aws:ec2/vpcPeeringConnection:VpcPeeringConnection::pcx-0123456789abcdef0"); err != nil || !ok || e.Outputs["acceptStatus"] != "pending-acceptance" {
		t.Fatalf("seeded connection = %+v, %v, %v", e, ok, err)
	}
	if _, ok, _ := w.lookup(rtb.URN); ok {
		t.Fatal("a deleted seed came back when the seed file changed")
	}

	// The partner deletes its connection; the VPC's seed stays.
	writeSeed(`{"resources": [], "deleted": ["pcx-0123456789abcdef0", "vpc-0a1b2c3d4e5f60999"]}`)
	if e, ok, err := w.lookup("urn:pulumi:seed::seed::aws:ec2/vpcPeeringConnection:VpcPeeringConnection::pcx-0123456789abcdef0"); err != nil || !ok || e.Outputs["acceptStatus"] != "deleted" {
		t.Fatalf("deleted connection = %+v, %v, %v", e, ok, err)
	}
	if _, ok, _ := w.lookup(vpcURN); !ok {
		t.Fatal("deleting another id removed the seeded VPC")
	}

	writeSeed(`{"resources": [{"type": "aws:ec2/vpc:Vpc", "id": "vpc-1"}]}`)
	if _, _, err := w.lookup(vpcURN); err == nil || !strings.Contains(err.Error(), "type, id, account and region are required") {
		t.Fatalf("an incomplete seed: err = %v", err)
	}
}
