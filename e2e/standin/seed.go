package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// seedFile, in PEERCTL_STANDIN_DIR, lists what exists in AWS without any
// stack having created it: an existing VPC and its route tables, a
// partner's peering connection waiting for acceptance. peerctl finds these
// (invokes, its pre-flight check) and must never create or delete them. A
// test writes the file before peerctl runs, or between runs (a partner
// requesting a connection to a VPC the stack created); the stand-in merges
// it into the world before every operation.
//
//	{"resources": [
//	  {"type": "aws:ec2/vpc:Vpc", "id": "vpc-...", "account": "222222222222",
//	   "region": "eu-west-1", "outputs": {"cidrBlock": "10.20.0.0/16"}},
//	  {"type": "aws:ec2/routeTable:RouteTable", "id": "rtb-...", ...,
//	   "outputs": {"vpcId": "vpc-..."}},
//	  {"type": "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
//	   "id": "pcx-...", "account": "<requester>", "region": "<requester's>",
//	   "outputs": {"vpcId": "<requester's VPC>", "peerVpcId": "<ours>",
//	     "peerOwnerId": "<our account>", "peerRegion": "<our region>",
//	     "acceptStatus": "pending-acceptance"}}],
//	 "deleted": ["pcx-..."]}
//
// Outputs use the provider's property names, so a seeded resource answers
// like one the stand-in created.
const seedFile = "seed.json"

// seed is the content of the seed file.
type seed struct {
	Resources []entry `json:"resources"`
	// Deleted are seeded resources their owner has deleted since (a
	// partner deleting its connection): a connection stays visible in the
	// deleted state, as in AWS, anything else is gone.
	Deleted []string `json:"deleted,omitempty"`
}

// seedURN names a seeded resource in the world: no stack's URN, so no
// stack's delete reaches it.
func seedURN(typ, id string) string { return "urn:pulumi:seed::seed::" + typ + "::" + id }

// mergeSeed adds the seed file's resources that st has not had yet. A seed
// is merged once: one that something deleted stays deleted.
func mergeSeed(dir string, st *state) error {
	path := filepath.Join(dir, seedFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var sd seed
	if err := json.Unmarshal(data, &sd); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, r := range sd.Resources {
		if r.Type == "" || r.ID == "" || r.Account == "" || r.Region == "" {
			return fmt.Errorf("%s: seeded resource %+v: type, id, account and region are required", path, r)
		}
		if st.Seeds[r.ID] {
			continue
		}
		r.URN, r.Seeded = seedURN(r.Type, r.ID), true
		if r.Outputs == nil {
			r.Outputs = map[string]any{}
		}
		if st.Seeds == nil {
			st.Seeds = map[string]bool{}
		}
		st.Resources[r.URN] = &r
		st.Seeds[r.ID] = true
	}
	for _, id := range sd.Deleted {
		for urn, r := range st.Resources {
			if !r.Seeded || r.ID != id {
				continue
			}
			if r.Type == typeConnection {
				r.Outputs["acceptStatus"] = "deleted"
			} else {
				delete(st.Resources, urn)
			}
		}
	}
	return nil
}
