package config

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/peerctl/peerctl/internal/testing/configtest"

	"github.com/peerctl/peerctl/internal/netplan"
)

// FuzzParse feeds arbitrary stack files through the whole config path. It
// must never panic, must fail only with a *ValidationError (exit status 3)
// whose every problem says what is wrong in a user's words, and whatever it
// accepts must satisfy the invariants the stack program relies on.
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
	// An existing VPC outside RFC 1918, which only existing networks may use.
	f.Add([]byte("config:\n  peerctl:networks:\n    - {name: trading, cidr: 10.0.0.0/16, costCenter: t}\n    - {name: legacy, cidr: 100.64.0.0/16, costCenter: l, existing: {vpcId: vpc-0a1b2c3d4e5f60718}}\n  peerctl:peerings: [{requester: trading, accepter: legacy}]\n"))
	// Shapes the strict reader refuses, so the fuzzer starts next to them.
	f.Add([]byte("conifg:\n  peerctl:region: us-west-2\n---\nconfig: {}\n"))
	f.Add([]byte(twoNets(", account: {id: 0x19debd01c7}, CIDR: x, azCount: 1_0")))
	f.Add([]byte(twoNets(", account: {id: 1.11111111111e+11}, azs: [], costCenter: 2024-01-01")))
	f.Add([]byte("config:\n  peerctl:networks:\n    - &a {name: a, cidr: 10.0.0.0/16, costCenter: c}\n    - <<: *a\n      name: b\n  peerctl:flowLogs:\n"))
	f.Add([]byte("config:\n  peerctl:alarms: {emails: [\"Ops <ops@example.com>\", x], kmsKeyArn: \"arn:aws:kms:eu-west-1:111111111111:key/a\", peerTrafficBytes: 0}\n"))
	f.Add([]byte("config:\n  peerctl:region: [a]\n  region: b\n  peerctl:tags: {a: [1], b: {c: d}}\n"))
	f.Add([]byte("config:\n  peerctl:region: us-east-1\n\tx: 1\n"))
	f.Add([]byte("config:\n &0000000: #0000\n")) // found by fuzzing: a key with no name
	// Issue 12's modes: existing networks, network regions, one-sided peerings.
	for _, name := range []string{"../../examples/existing-vpc/Pulumi.dev.yaml", "../../examples/partner/Pulumi.dev.yaml"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(modesYAML([]string{tradingNet, legacyNet(`, region: eu-west-1, existing: {vpcId: vpc-0a1b2c3d, routeTableIds: [rtb-0a1b2c3d], securityGroup: false, flowLogs: false}`)},
		[]string{tradingPair, acceptPartner + `, peerAccountId: "333333333333", naclSlot: 3}`})))
	f.Add([]byte(modesYAML([]string{tradingNet}, []string{requestPartner + `, peerRegion: us-west-2, peerName: clearing, connectionId: pcx-1}`,
		`{accepter: trading, connectionId: pcx-0123456789abcdef0, peerCidr: 10.0.0.0/8, naclSlot: -1}`})))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := ParseStackYAML(data)
		if err != nil {
			checkUserWords(t, data, err)
			return
		}
		c, err := Parse(raw, env(nil))
		if err != nil {
			checkUserWords(t, data, err)
			// The same file read with lines fails the same way.
			if _, lerr := ParseStack(data, env(nil)); lerr == nil {
				t.Fatalf("ParseStack accepted what Parse refused: %v", err)
			}
			return
		}
		checkInvariants(t, c)
	})
}

// goSpeak matches words a user should never read in a configuration
// error: Go type names, encoding package names and their grammar slips.
var goSpeak = regexp.MustCompile(`(?i)map\[|\[\]|interface ?\{|yaml\.|json|struct|u?int(8|16|32|64)\b|float(32|64)|reflect|unmarshal|go value|\bgot an? |\ban? (object|array|int|float|bool)\b|!!(map|seq|str|int|float|bool|null)\b|%!|\bnil\b`)

// checkUserWords asserts that err is a configuration error (exit status 3)
// and that no problem speaks Go. A match that is in the input itself is the
// user's own text, quoted back, and allowed.
func checkUserWords(t *testing.T, data []byte, err error) {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) || len(verr.Problems) == 0 {
		t.Fatalf("failed without a ValidationError: %T %v", err, err)
	}
	lower := strings.ToLower(string(data))
	for _, p := range verr.Problems {
		if p.Field == "" || p.Message == "" {
			t.Fatalf("problem without field or message: %#v", p)
		}
		for _, m := range goSpeak.FindAllString(p.Error(), -1) {
			if !strings.Contains(lower, strings.ToLower(m)) {
				t.Fatalf("message speaks Go (%q): %s", m, p.Error())
			}
		}
	}
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
		// A network peerctl creates is private; an existing VPC may use any
		// block AWS allows for a VPC (validateExistingCIDR).
		if !n.IsExisting() && (!netplan.IsPrivate(n.CIDR) || n.AZCount < MinAZCount || n.AZCount > MaxAZCount) {
			t.Fatalf("accepted network %+v", n)
		}
		if n.IsExisting() {
			if bits := n.CIDR.Bits(); !n.CIDR.Addr().Is4() || bits < netplan.MinVPCPrefixLength || bits > netplan.MaxVPCPrefixLength {
				t.Fatalf("accepted existing network %q with cidr %s", n.Name, n.CIDR)
			}
			if !vpcIDPattern.MatchString(n.Existing.VPCID) || n.AZCount != 0 || len(n.AZs) != 0 {
				t.Fatalf("accepted existing network %+v %+v", n, *n.Existing)
			}
		} else if _, err := netplan.Subnets(n.CIDR, n.AZCount, n.SubnetPrefixLength); err != nil {
			t.Fatalf("accepted network %q whose subnets do not fit: %v", n.Name, err)
		}
		for _, o := range c.Networks[:i] {
			if n.CIDR.Overlaps(o.CIDR) {
				t.Fatalf("accepted overlapping %s and %s", n.CIDR, o.CIDR)
			}
		}
		peers := len(c.Peers(n.Name))
		if netplan.NACLRulesPerDirection(peers, c.NACLEphemeral) > c.Quotas.NACLRulesPerDirection {
			t.Fatalf("accepted %d peers for %q over the NACL quota", peers, n.Name)
		}
	}
	oneSided := false
	for _, p := range c.Peerings {
		if p.OneSided() {
			oneSided = true
			checkPartner(t, c, p)
			continue
		}
		if !names[p.Requester] || !names[p.Accepter] || p.Requester == p.Accepter {
			t.Fatalf("accepted peering %+v", p)
		}
	}
	if len(c.Networks) < 2 && !oneSided {
		t.Fatalf("accepted %d networks without a one-sided peering", len(c.Networks))
	}
	fl := c.Observability.FlowLogs
	if fl.MaxAggregationInterval != 60 && fl.MaxAggregationInterval != 600 {
		t.Fatalf("accepted flow-log interval %d", fl.MaxAggregationInterval)
	}
}

// checkPartner asserts what an accepted one-sided peering guarantees: its
// network is configured, its partner identified by a well-formed id, and
// its CIDR routable beside its network's and the network's other peers.
func checkPartner(t interface {
	Helper()
	Fatalf(format string, args ...any)
}, c *Config, p Peering) {
	t.Helper()
	n, ok := c.Network(p.Ours())
	switch {
	case !ok || (p.Requester != "") == (p.Accepter != ""):
		t.Fatalf("accepted one-sided peering without exactly one configured network: %+v", p)
	case p.Mode() == AccepterOnly && (!peeringIDPattern.MatchString(p.ConnectionID) || p.PeerVPCID != ""):
		t.Fatalf("accepted accepter-only peering %+v", p)
	case p.Mode() == RequesterOnly && (!vpcIDPattern.MatchString(p.PeerVPCID) || !accountIDPattern.MatchString(p.PeerAccountID) || p.ConnectionID != ""):
		t.Fatalf("accepted requester-only peering %+v", p)
	case !p.PeerCIDR.IsValid() || p.PeerCIDR.Overlaps(n.CIDR) || p.PeerCIDR.Bits() < minPeerPrefixLength:
		t.Fatalf("accepted partner CIDR %s beside %s", p.PeerCIDR, n.CIDR)
	case p.PeerAccountID != "" && p.PeerAccountID == n.Account.ExpectedID():
		t.Fatalf("accepted partner account equal to ours: %+v", p)
	}
	for _, peer := range c.Peers(n.Name) {
		if peer.Name != p.PartnerName() && peer.CIDR.Overlaps(p.PeerCIDR) {
			t.Fatalf("accepted partner %s %s overlapping peer %s %s of %s", p.PartnerName(), p.PeerCIDR, peer.Name, peer.CIDR, n.Name)
		}
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
