package observability_test

import (
	"testing"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// policyOf parses the policy document of r at key ("policy" by default).
func policyOf(t *testing.T, _ *obstest.Plan, r plan.Resource, key ...string) iamdoc.ParsedDocument {
	t.Helper()
	k := "policy"
	if len(key) > 0 {
		k = key[0]
	}
	return obstest.Policy(t, r, k)
}
