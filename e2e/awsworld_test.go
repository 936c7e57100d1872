package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

// The stand-in's world as the fake AWS endpoints and the tests read it:
// world.json (what exists) and seed.json (what the test put into AWS
// without any stack; see e2e/standin/seed.go). The stand-in merges a seed
// at its next operation; until then the fake AWS sees it here, as AWS
// would.

// worldResource is one resource in AWS.
type worldResource struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Account string         `json:"account"`
	Region  string         `json:"region"`
	Outputs map[string]any `json:"outputs"`
	Seeded  bool           `json:"seeded,omitempty"`
}

// awsWorld is what exists, sorted by URN.
type awsWorld struct {
	resources []*worldResource
	accepted  map[string]bool
}

const (
	typeVpc        = "aws:ec2/vpc:Vpc"
	typeRouteTable = "aws:ec2/routeTable:RouteTable"
	typeRoute      = "aws:ec2/route:Route"
	typeFlowLog    = "aws:ec2/flowLog:FlowLog"
	typeConnection = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	typeAccepter   = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
)

// loadWorld reads the world and the seeds not merged into it yet. A file
// that cannot be read is an empty world: the stand-in replaces world.json
// atomically, so that only happens before its first operation.
func loadWorld(dir string) awsWorld {
	var st struct {
		Resources map[string]*worldResource `json:"resources"`
		Accepted  map[string]bool           `json:"accepted"`
		Seeds     map[string]bool           `json:"seeds"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, "world.json")); err == nil {
		_ = json.Unmarshal(data, &st)
	}
	w := awsWorld{accepted: st.Accepted}
	for _, r := range st.Resources {
		w.resources = append(w.resources, r)
	}
	var seed struct {
		Resources []*worldResource `json:"resources"`
		Deleted   []string         `json:"deleted"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, "seed.json")); err == nil {
		_ = json.Unmarshal(data, &seed)
	}
	for _, r := range seed.Resources {
		if !st.Seeds[r.ID] {
			r.URN, r.Seeded = "urn:pulumi:seed::seed::"+r.Type+"::"+r.ID, true
			w.resources = append(w.resources, r)
		}
	}
	var kept []*worldResource
	for _, r := range w.resources {
		if r.Outputs == nil {
			r.Outputs = map[string]any{}
		}
		// What the stand-in does with the seed's deleted ids at its next
		// operation (e2e/standin/seed.go).
		if r.Seeded && slices.Contains(seed.Deleted, r.ID) {
			if r.Type != typeConnection {
				continue
			}
			r.Outputs["acceptStatus"] = "deleted"
		}
		kept = append(kept, r)
	}
	w.resources = kept
	sort.Slice(w.resources, func(i, j int) bool { return w.resources[i].URN < w.resources[j].URN })
	return w
}

func (r *worldResource) out(key string) string {
	s, _ := r.Outputs[key].(string)
	return s
}

// tags are the resource's tags as AWS holds them: tagsAll (with the
// provider's default tags), else tags.
func (r *worldResource) tags() map[string]string {
	out := map[string]string{}
	for _, key := range []string{"tags", "tagsAll"} {
		if m, ok := r.Outputs[key].(map[string]any); ok {
			for k, v := range m {
				if s, ok := v.(string); ok {
					out[k] = s
				}
			}
		}
	}
	return out
}

// visible reports whether a call from account in region sees r.
func (r *worldResource) visible(account, region string) bool {
	return r.Account == account && r.Region == region
}

// find returns the resource of typ with id.
func (w awsWorld) find(typ, id string) *worldResource {
	for _, r := range w.resources {
		if r.Type == typ && r.ID == id {
			return r
		}
	}
	return nil
}

// pcxSide is one end of a peering connection (as e2e/standin/invokes.go
// computes it: the accepter's account and region are peerOwnerId and
// peerRegion, else the requester's).
type pcxSide struct{ account, region, vpc string }

func (w awsWorld) sides(c *worldResource) (requester, accepter pcxSide) {
	requester = pcxSide{c.Account, c.Region, c.out("vpcId")}
	accepter = pcxSide{c.Account, c.Region, c.out("peerVpcId")}
	if v := c.out("peerOwnerId"); v != "" {
		accepter.account = v
	}
	if v := c.out("peerRegion"); v != "" {
		accepter.region = v
	}
	return requester, accepter
}

// status is a connection's status code (as e2e/standin/invokes.go's
// connectionStatus: an ended state, else active once accepted).
func (w awsWorld) status(c *worldResource) string {
	s := c.out("acceptStatus")
	switch {
	case slices.Contains([]string{"rejected", "expired", "failed", "deleted", "deleting"}, s):
		return s
	case w.accepted[c.ID]:
		return "active"
	case s != "":
		return s
	}
	return "pending-acceptance"
}

// worldResources lists what exists now (seeds included), for assertions.
func (e *env) worldResources() awsWorld {
	e.t.Helper()
	return loadWorld(e.world)
}

// seedAWS writes the seed file: what exists in AWS without any stack.
func (e *env) seedAWS(t testing.TB, resources ...*worldResource) {
	t.Helper()
	e.writeSeed(t, map[string]any{"resources": resources})
}

// deleteSeeded says, in the seed file, that the owners of seeded
// resources deleted them (a partner deleting its connection).
func (e *env) deleteSeeded(t testing.TB, ids ...string) {
	t.Helper()
	var seed map[string]any
	data, err := os.ReadFile(filepath.Join(e.world, "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &seed); err != nil {
		t.Fatal(err)
	}
	seed["deleted"] = ids
	e.writeSeed(t, seed)
}

func (e *env) writeSeed(t testing.TB, seed map[string]any) {
	t.Helper()
	data, err := json.MarshalIndent(seed, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(e.world, "seed.json.tmp")
	writeFile(t, tmp, string(data))
	if err := os.Rename(tmp, filepath.Join(e.world, "seed.json")); err != nil {
		t.Fatal(err)
	}
}
