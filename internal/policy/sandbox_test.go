package policy

import (
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestBuiltinsReviewed fails when OPA (after an upgrade) offers a built-in
// nobody has decided on. New built-ins are already refused (the sandbox is
// an allow-list); this makes someone decide whether to allow them.
func TestBuiltinsReviewed(t *testing.T) {
	allowed := map[string]bool{}
	for _, n := range allowedBuiltins {
		if allowed[n] {
			t.Errorf("%s is listed twice in allowedBuiltins", n)
		}
		allowed[n] = true
		if _, denied := deniedBuiltins[n]; denied {
			t.Errorf("%s is both allowed and denied", n)
		}
	}
	var undecided []string
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if _, denied := deniedBuiltins[b.Name]; !allowed[b.Name] && !denied {
			undecided = append(undecided, b.Name)
		}
	}
	sort.Strings(undecided)
	if len(undecided) > 0 {
		t.Errorf("built-ins neither allowed nor denied (add each to allowedBuiltins or deniedBuiltins):\n%v", undecided)
	}
}

// TestSandboxRefusesNetworkAndHost: the built-ins issue 9 names, asserted
// by name rather than through deniedBuiltins, and every built-in OPA marks
// as reaching the network (category "http" or a net.lookup_ name).
func TestSandboxRefusesNetworkAndHost(t *testing.T) {
	caps := sandboxCapabilities()
	have := map[string]bool{}
	for _, b := range caps.Builtins {
		have[b.Name] = true
		for _, c := range b.Categories {
			if c == "http" {
				t.Errorf("%s (category http) is allowed", b.Name)
			}
		}
	}
	for _, name := range []string{"http.send", "net.lookup_ip_addr", "opa.runtime", "json.match_schema", "json.verify_schema"} {
		if have[name] {
			t.Errorf("%s is allowed", name)
		}
	}
	for _, name := range []string{"sprintf", "net.cidr_contains", "json.unmarshal", "regex.match", "time.now_ns", "eq"} {
		if !have[name] {
			t.Errorf("%s is not allowed; policies need it", name)
		}
	}
	if len(caps.AllowNet) != 0 || caps.AllowNet == nil {
		t.Errorf("AllowNet = %#v, want an empty, non-nil list (nil means any host)", caps.AllowNet)
	}
}
