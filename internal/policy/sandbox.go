package policy

import (
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// deniedBuiltins are the built-ins of OPA v1.22.3 left out of
// allowedBuiltins, each with the reason. Policies arrive in pull requests
// from people the CI runner should not trust, and run where cloud
// credentials and the instance metadata address may be reachable.
var deniedBuiltins = map[string]string{
	"http.send":          "it makes network requests",
	"net.lookup_ip_addr": "it makes DNS requests",
	"opa.runtime":        "it reads the host's environment variables and OPA configuration",
	"json.match_schema":  "a schema's $ref can make it fetch a URL",
	"json.verify_schema": "a schema's $ref can make it fetch a URL",
	"rand.intn":          "random results make the plan's findings differ between runs",
	"uuid.rfc4122":       "random results make the plan's findings differ between runs",
}

// sandboxCapabilities are OPA's capabilities reduced to allowedBuiltins:
// the compiler rejects a call to anything else at load time. Built from an
// allow-list, so a built-in a newer OPA adds is refused by default.
func sandboxCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	allowed := make(map[string]bool, len(allowedBuiltins))
	for _, name := range allowedBuiltins {
		allowed[name] = true
	}
	kept := caps.Builtins[:0:0]
	for _, b := range caps.Builtins {
		if allowed[b.Name] {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	// No remote bundles or modules: nothing a policy names is fetched.
	caps.AllowNet = []string{}
	return caps
}

// explainSandbox rewrites OPA's "undefined function http.send" for a
// built-in that exists but is not allowed, so the author learns why.
func explainSandbox(e *PolicyError) {
	const prefix = "undefined function "
	if e.Code != ast.TypeErr || !strings.HasPrefix(e.Message, prefix) {
		return
	}
	name := strings.TrimPrefix(e.Message, prefix)
	if reason, ok := deniedBuiltins[name]; ok {
		e.Message = fmt.Sprintf("built-in %s is not allowed in peerctl policies: %s", name, reason)
		return
	}
	if _, ok := ast.BuiltinMap[name]; ok {
		e.Message = fmt.Sprintf("built-in %s is not on peerctl's allow-list of built-ins (internal/policy/builtins.go)", name)
	}
}
