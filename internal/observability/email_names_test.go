package observability_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/plan"
	"github.com/peerctl/peerctl/internal/stack"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// subscriptionRecorder is the offline plan's mock monitor that also records
// the aliases each e-mail subscription is registered with.
type subscriptionRecorder struct {
	*plan.Mocks
	mu      sync.Mutex
	aliases map[string][]string // subscription name -> alias names
}

func (r *subscriptionRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == "aws:sns/topicSubscription:TopicSubscription" && args.RegisterRPC != nil {
		var names []string
		for _, a := range args.RegisterRPC.GetAliases() {
			names = append(names, a.GetSpec().GetName())
		}
		r.mu.Lock()
		r.aliases[args.Name] = names
		r.mu.Unlock()
	}
	return r.Mocks.NewResource(args)
}

// The subscription's key is the first 12 hex digits of the SHA-256 of the
// lower-cased address, written here from `printf %s ops@example.com | sha256sum`.
func TestEmailKey(t *testing.T) {
	const want = "af3c82544f64"
	for _, address := range []string{"ops@example.com", "Ops@Example.COM"} {
		if got := observability.EmailKey(address); got != want {
			t.Errorf("EmailKey(%q) = %q, want %q", address, got, want)
		}
	}
	if observability.EmailKey("ops2@example.com") == want {
		t.Error("two addresses share a key")
	}
}

// Subscriptions are named by key, never by the address, and carry an alias
// to the name earlier versions gave (<component>-email-<address>), so that
// an upgrade keeps the confirmed subscriptions instead of replacing them.
func TestEmailSubscriptionsKeepTheirOldNamesAsAliases(t *testing.T) {
	cfg, err := obstest.Parse(t, obstest.TwoAccounts(`peerctl:alarms: {emails: [Ops@Example.com]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	rec := &subscriptionRecorder{Mocks: plan.NewMocks("peerctl", "dev"), aliases: map[string][]string{}}
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := stack.Define(ctx, cfg)
		return err
	}, pulumi.WithMocks("peerctl", "dev", rec))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"trading-peer-alarms-email-af3c82544f64":   {"trading-peer-alarms-email-Ops@Example.com"},
		"analytics-peer-alarms-email-af3c82544f64": {"analytics-peer-alarms-email-Ops@Example.com"},
	}
	if len(rec.aliases) != len(want) {
		t.Errorf("subscriptions %v, want %v", rec.aliases, want)
	}
	for name, aliases := range want {
		if !slices.Equal(rec.aliases[name], aliases) {
			t.Errorf("%s: aliases %v, want %v", name, rec.aliases[name], aliases)
		}
		if strings.Contains(name, "@") {
			t.Errorf("%s holds the address", name)
		}
	}
}
