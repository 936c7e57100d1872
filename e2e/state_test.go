package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stateResource is one resource of a stack as the engine's state holds it.
type stateResource struct {
	URN      string         `json:"urn"`
	Type     string         `json:"type"`
	ID       string         `json:"id"`
	Custom   bool           `json:"custom"`
	Provider string         `json:"provider"`
	Inputs   map[string]any `json:"inputs"`
	Outputs  map[string]any `json:"outputs"`
}

// network is the name of the provider the resource was created with:
// peerctl gives each network's provider the network's name.
func (r stateResource) network() string {
	// <urn:pulumi:stack>::<project>::pulumi:providers:aws::<name>::<id>
	parts := strings.Split(r.Provider, "::")
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

func (r stateResource) name() string {
	return r.URN[strings.LastIndex(r.URN, "::")+2:]
}

func (r stateResource) in(key string) string {
	s, _ := r.Inputs[key].(string)
	return s
}

// stackState reads the state of the stack named stack from the file
// backend beside the stack file: what the engine believes exists.
func (e *env) stackState(stack string) []stateResource {
	e.t.Helper()
	paths, _ := filepath.Glob(filepath.Join(e.dir, ".pulumi-state", ".pulumi", "stacks", "*", stack+".json"))
	if len(paths) != 1 {
		e.t.Fatalf("state files of stack %s: %v", stack, paths)
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		e.t.Fatal(err)
	}
	var doc struct {
		Checkpoint struct {
			Latest struct {
				Resources []stateResource `json:"resources"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		e.t.Fatalf("%s: %v", paths[0], err)
	}
	return doc.Checkpoint.Latest.Resources
}

// ofNetwork lists the custom resources created with network's provider.
func ofNetwork(resources []stateResource, network string) []stateResource {
	var out []stateResource
	for _, r := range resources {
		if r.Custom && r.network() == network {
			out = append(out, r)
		}
	}
	return out
}

// ofType lists the resources of typ.
func ofType(resources []stateResource, typ string) []stateResource {
	var out []stateResource
	for _, r := range resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// providerInputs returns the inputs of the provider named network.
func providerInputs(t testing.TB, resources []stateResource, network string) map[string]any {
	t.Helper()
	for _, r := range resources {
		if r.Type == "pulumi:providers:aws" && r.name() == network {
			return r.Inputs
		}
	}
	t.Fatalf("no provider %q in the state", network)
	return nil
}

// untouchedSeeds fails the test unless every seeded resource still exists
// exactly as seeded, and no stand-in operation acted on a seeded id (the
// only exception: accepting a seeded connection, which AWS does on the
// connection itself, and setting our side's options of it).
func untouchedSeeds(t testing.TB, e *env, seeds []*worldResource) {
	t.Helper()
	now := e.worldResources()
	for _, s := range seeds {
		r := now.find(s.Type, s.ID)
		if r == nil {
			t.Errorf("seeded %s %s is gone from AWS", s.Type, s.ID)
			continue
		}
		for k, v := range s.Outputs {
			if k == "acceptStatus" {
				continue // accepting changes it, as in AWS
			}
			if got, _ := json.Marshal(r.Outputs[k]); string(got) != mustJSON(t, v) {
				t.Errorf("seeded %s %s: %s changed from %s to %s", s.Type, s.ID, k, mustJSON(t, v), got)
			}
		}
	}
	seeded := map[string]string{}
	for _, s := range seeds {
		seeded[s.ID] = s.Type
	}
	for _, je := range e.journal() {
		typ, ok := seeded[je.ID]
		if !ok {
			continue
		}
		if typ == typeConnection && (je.Type == typeAccepter || je.Type == "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions") {
			continue
		}
		t.Errorf("the stack's %s %s acted on seeded %s %s: peerctl must not adopt, modify or delete what it did not create", je.Op, je.URN, typ, je.ID)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// createdLeft lists the resources a stack created that still exist.
func createdLeft(e *env) []string {
	var left []string
	for _, r := range e.worldResources().resources {
		if !r.Seeded {
			left = append(left, r.URN)
		}
	}
	return left
}
