package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// thirdNetwork is a network added to the dev stack, in a third account.
const thirdNetwork = `    - name: ops
      cidr: 10.2.0.0/16
      costCenter: ops
      azCount: 3
      account:
        id: "333333333333"
        profile: ops-dev
`

// TestLifecycleFromABareBinary is the whole life of the dev stack, run the
// way a user of the released binary runs it: peerctl copied into an empty
// directory with only a stack file, no project, no Go toolchain in the
// way, deploying with --config. Fresh up, outputs, a preview and an up that
// change nothing, a third network added (creates and in-place updates
// only) and removed again, then destroy, dependents first.
func TestLifecycleFromABareBinary(t *testing.T) {
	e := newEnv(t)
	bin := filepath.Join(e.dir, "peerctl")
	data, err := os.ReadFile(peerctlBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	e.bin = bin
	stackFile := e.copyRepoFile("Pulumi.dev.yaml", "Pulumi.dev.yaml")
	original, _ := os.ReadFile(stackFile)

	// A --stack that contradicts the file is refused before anything runs.
	if r := e.run("up", "--config", "Pulumi.dev.yaml", "--stack", "prod"); r.code != 2 || !strings.Contains(r.stderr, `--stack "prod" does not match --config Pulumi.dev.yaml`) {
		t.Fatalf("mismatched --stack: %s", r)
	}

	r := e.must("up", "--config", "Pulumi.dev.yaml")
	if strings.Contains(r.stdout, "\ncancelled") {
		t.Errorf("a successful up must not say cancelled (the engine ends every stream with a CancelEvent):\n%s", r)
	}
	created := ops(t, e.journal())
	if created["create"] == 0 || created["update"] != 0 || created["delete"] != 0 {
		t.Fatalf("fresh up: stand-in operations %v, want creates only\n%s", created, r)
	}
	if n := len(e.worldURNs()); n != created["create"] {
		t.Errorf("fresh up: %d resources exist after %d creates", n, created["create"])
	}
	if _, err := os.Stat(filepath.Join(e.dir, "Pulumi.yaml")); err == nil {
		t.Error("up wrote a Pulumi.yaml into the user's directory")
	}
	if now, _ := os.ReadFile(stackFile); !strings.HasPrefix(string(now), string(original)) || !strings.Contains(string(now), "encryptionsalt:") {
		t.Errorf("the stack file should keep its content and gain the passphrase salt, as after `pulumi stack init`:\n%s", now)
	}
	if _, err := os.Stat(filepath.Join(e.dir, ".pulumi-state")); err != nil {
		t.Errorf("the default backend is not beside the stack file: %v", err)
	}

	// outputs: the documented shape, with the ids the stand-in gave.
	r = e.must("outputs", "--config", "Pulumi.dev.yaml", "--json")
	var outputs map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &outputs); err != nil {
		t.Fatalf("outputs --json: %v\n%s", err, r)
	}
	for _, key := range []string{"environment", "vpcIds", "subnetIds", "routeTableIds", "securityGroupIds", "endpointIds", "naclIds", "peeringConnectionIds", "peeringStatuses"} {
		if _, ok := outputs[key]; !ok {
			t.Errorf("outputs lack %q: %s", key, r.stdout)
		}
	}
	vpcs, _ := outputs["vpcIds"].(map[string]any)
	if id, _ := vpcs["trading"].(string); !strings.HasPrefix(id, "vpc-") {
		t.Errorf("vpcIds.trading = %v, want a vpc- id", vpcs["trading"])
	}
	if st, _ := outputs["peeringStatuses"].(map[string]any); len(st) == 0 {
		t.Errorf("no peering statuses: %v", outputs["peeringStatuses"])
	}

	// Nothing to do: preview and up change nothing in AWS.
	before := len(e.journal())
	r = e.must("preview", "--config", "Pulumi.dev.yaml")
	if !strings.Contains(r.stdout, "0 to create, 0 to update, 0 to delete") {
		t.Errorf("preview of an unchanged stack plans changes:\n%s", r)
	}
	e.must("up", "--config", "Pulumi.dev.yaml")
	if after := e.journal(); len(after) != before {
		t.Errorf("an up with nothing to do made %d stand-in operations: %v", len(after)-before, after[before:])
	}

	// A third network: creates and in-place updates only.
	withOps := strings.Replace(string(original), "  peerctl:peerings:", thirdNetwork+"  peerctl:peerings:", 1)
	withOps = strings.Replace(withOps, "      accepter: analytics\n", "      accepter: analytics\n    - requester: ops\n      accepter: trading\n", 1)
	if withOps == string(original) {
		t.Fatal("could not add the third network to the stack file")
	}
	salt := saltLines(t, stackFile)
	writeFile(t, stackFile, withOps+salt)
	before = len(e.journal())
	e.must("up", "--config", "Pulumi.dev.yaml")
	added := e.journal()[before:]
	n := ops(t, added)
	if n["create"] == 0 || n["delete"] != 0 {
		t.Errorf("adding a network: stand-in operations %v, want creates (and updates) and no delete", n)
	}
	for _, je := range added {
		if je.Op == "update" && !strings.Contains(je.URN, "ops") {
			t.Logf("in-place update of %s", je.URN)
		}
	}

	// And removed again: only its resources are deleted.
	writeFile(t, stackFile, string(original)+salt)
	before = len(e.journal())
	e.must("up", "--config", "Pulumi.dev.yaml")
	removed := e.journal()[before:]
	n = ops(t, removed)
	if n["create"] != 0 || n["delete"] == 0 {
		t.Errorf("removing the network: stand-in operations %v, want deletes (and updates) only", n)
	}

	// destroy: everything goes, each resource after everything that used
	// it (the stand-in refuses a delete while a dependent exists).
	before = len(e.journal())
	e.must("destroy", "--config", "Pulumi.dev.yaml", "--yes")
	n = ops(t, e.journal()[before:])
	if n["delete"] == 0 || n["create"] != 0 {
		t.Errorf("destroy: stand-in operations %v", n)
	}
	if left := e.worldURNs(); len(left) != 0 {
		t.Errorf("after destroy these still exist: %v", keys(left))
	}
	r = e.must("destroy", "--config", "Pulumi.dev.yaml", "--yes")
	if !strings.Contains(r.stdout, "has no resources") {
		t.Errorf("a second destroy should find an empty stack:\n%s", r)
	}
}

// saltLines returns the secrets settings the stack file gained.
func saltLines(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "encryptionsalt:") || strings.HasPrefix(l, "secretsprovider:") || strings.HasPrefix(l, "encryptedkey:") {
			out.WriteString(l + "\n")
		}
	}
	return out.String()
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
