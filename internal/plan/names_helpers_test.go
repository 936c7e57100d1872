package plan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

// opsHash is the first 12 hex digits of sha256("ops@example.com"), from
// `printf %s ops@example.com | sha256sum`.
const opsHash = "af3c82544f64"

// namesStack is a stack file with networks called names on default
// credentials (10.<i>.0.0/16) and peerings written "requester>accepter".
func namesStack(names []string, peerings ...string) string {
	return accountsStack(names, make([]string, len(names)), peerings...)
}

// accountsStack is namesStack with an account (flow-style YAML, "" for
// default credentials) for each network.
func accountsStack(names, accounts []string, peerings ...string) string {
	var b strings.Builder
	b.WriteString("config:\n  peerctl:networks:\n")
	for i, n := range names {
		account := ""
		if accounts[i] != "" {
			account = ", account: " + accounts[i]
		}
		fmt.Fprintf(&b, "    - {name: %q, cidr: 10.%d.0.0/16, costCenter: c, azCount: 1%s}\n", n, i, account)
	}
	b.WriteString("  peerctl:peerings:\n")
	for _, p := range peerings {
		r, a, _ := strings.Cut(p, ">")
		fmt.Fprintf(&b, "    - {requester: %q, accepter: %q}\n", r, a)
	}
	return b.String()
}

// parseNames parses a stack file's text; vars are environment variables.
func parseNames(t *testing.T, yaml string, vars map[string]string) *config.Config {
	t.Helper()
	raw, err := config.ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
