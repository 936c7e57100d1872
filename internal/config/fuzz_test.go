package config

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/peerctl/peerctl/internal/config/configtest"

	"github.com/peerctl/peerctl/internal/netplan"
)

// FuzzParse feeds arbitrary stack files through the whole config path. It
// must never panic, must fail only with a *ValidationError (or a YAML error
// from ParseStackYAML), and whatever it accepts must satisfy the invariants
// the stack program relies on.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"../../Pulumi.dev.yaml", "../../Pulumi.prod.yaml"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(twoAccounts))
	f.Add([]byte(configtest.MeshYAML(4)))
	f.Add([]byte("config:\n  peerctl:networks: [{name: a, cidr: 10.0.0.0/24, costCenter: x, azCount: 6}]\n"))
	f.Add([]byte("config:\n  peerctl:quotas: {naclRulesPerDirection: 40}\n  peerctl:tags: {Team: core}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := ParseStackYAML(data)
		if err != nil {
			return
		}
		c, err := Parse(raw, env(nil))
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Parse failed without a ValidationError: %v", err)
			}
			return
		}
		checkInvariants(t, c)
	})
}

// checkInvariants asserts what every accepted configuration guarantees.
func checkInvariants(t interface {
	Helper()
	Fatalf(format string, args ...any)
}, c *Config) {
	t.Helper()
	if !environmentPattern.MatchString(c.Environment) {
		t.Fatalf("accepted environment %q", c.Environment)
	}
	names := map[string]bool{}
	for i, n := range c.Networks {
		if names[n.Name] {
			t.Fatalf("accepted duplicate network %q", n.Name)
		}
		names[n.Name] = true
		if !netplan.IsPrivate(n.CIDR) || n.AZCount < MinAZCount || n.AZCount > MaxAZCount {
			t.Fatalf("accepted network %+v", n)
		}
		if _, err := netplan.Subnets(n.CIDR, n.AZCount, n.SubnetPrefixLength); err != nil {
			t.Fatalf("accepted network %q whose subnets do not fit: %v", n.Name, err)
		}
		for _, o := range c.Networks[:i] {
			if n.CIDR.Overlaps(o.CIDR) {
				t.Fatalf("accepted overlapping %s and %s", n.CIDR, o.CIDR)
			}
		}
		peers := len(c.Peers(n.Name))
		if netplan.NACLRulesPerDirection(peers) > c.Quotas.NACLRulesPerDirection {
			t.Fatalf("accepted %d peers for %q over the NACL quota", peers, n.Name)
		}
	}
	for _, p := range c.Peerings {
		if !names[p.Requester] || !names[p.Accepter] || p.Requester == p.Accepter {
			t.Fatalf("accepted peering %+v", p)
		}
	}
	fl := c.Observability.FlowLogs
	if fl.MaxAggregationInterval != 60 && fl.MaxAggregationInterval != 600 {
		t.Fatalf("accepted flow-log interval %d", fl.MaxAggregationInterval)
	}
}

// Any set of networks is accepted exactly when no two CIDRs overlap (all
// other settings being valid), and an overlap is reported by name.
func TestOverlapProperty(t *testing.T) {
	// Octet-aligned blocks: flow-log metric filters match peers by octet prefix.
	pool := []string{"10.0.0.0/16", "10.0.1.0/24", "10.1.0.0/16", "10.1.4.0/24", "172.16.0.0/16",
		"172.17.0.0/16", "192.168.0.0/16", "192.168.1.0/24", "10.2.0.0/16", "10.2.200.0/24"}
	rapid.Check(t, func(t *rapid.T) {
		cidrs := rapid.SliceOfN(rapid.SampledFrom(pool), 2, 5).Draw(t, "cidrs")
		var b strings.Builder
		b.WriteString("config:\n  peerctl:networks:\n")
		overlap := false
		for i, c := range cidrs {
			fmt.Fprintf(&b, "    - {name: n%d, cidr: %s, costCenter: c, azCount: 2}\n", i, c)
			for _, o := range cidrs[:i] {
				if netip.MustParsePrefix(c).Overlaps(netip.MustParsePrefix(o)) {
					overlap = true
				}
			}
		}
		b.WriteString("  peerctl:peerings: [{requester: n0, accepter: n1}]\n")
		raw, err := ParseStackYAML([]byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(raw, env(nil))
		if overlap != (err != nil) {
			t.Fatalf("cidrs %v: overlap=%v but Parse error = %v", cidrs, overlap, err)
		}
		if err != nil && !strings.Contains(err.Error(), "overlaps") {
			t.Fatalf("error does not name the overlap: %v", err)
		}
		if err == nil {
			checkInvariants(t, c)
		}
	})
}

// A valid environment suffix is accepted from the environment variable and
// every invalid one is rejected naming ENVIRONMENT_SUFFIX.
func TestEnvironmentSuffixProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		suffix := rapid.StringMatching(`[a-z0-9-]{1,20}`).Draw(t, "suffix")
		valid := len(suffix) <= 16 && !strings.HasPrefix(suffix, "-") && !strings.HasSuffix(suffix, "-")
		c, err := Parse(Raw{}, env(map[string]string{EnvEnvironmentSuffix: suffix}))
		if valid {
			if err != nil || c.Environment != suffix {
				t.Fatalf("suffix %q: %v", suffix, err)
			}
			return
		}
		if err == nil || !strings.Contains(err.Error(), "ENVIRONMENT_SUFFIX: ") {
			t.Fatalf("suffix %q accepted or error unclear: %v", suffix, err)
		}
	})
}
