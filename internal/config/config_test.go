package config

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/testing/configtest"
)

// env returns a LookupEnv backed by a map.
func env(vars map[string]string) LookupEnv {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func parseYAML(t *testing.T, yaml string, vars map[string]string) (*Config, error) {
	t.Helper()
	raw, err := ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatalf("ParseStackYAML: %v", err)
	}
	return Parse(raw, env(vars))
}

func TestDefaults(t *testing.T) {
	c, err := Parse(Raw{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Environment != "dev" || c.EnvironmentSource != "default" || c.Region != "us-east-1" {
		t.Errorf("environment/region = %q (%s), %q", c.Environment, c.EnvironmentSource, c.Region)
	}
	want := []struct {
		name, cidr, cc string
	}{{"trading", "10.0.0.0/16", "trading"}, {"analytics", "10.1.0.0/16", "analytics"}}
	if len(c.Networks) != len(want) {
		t.Fatalf("got %d networks, want 2", len(c.Networks))
	}
	for i, w := range want {
		n := c.Networks[i]
		if n.Name != w.name || n.CIDR.String() != w.cidr || n.CostCenter != w.cc || n.AZCount != 3 || n.SubnetPrefixLength != 20 {
			t.Errorf("network %d = %+v, want %s %s %s 3 AZs /20", i, n, w.name, w.cidr, w.cc)
		}
	}
	if len(c.Peerings) != 1 || c.Peerings[0].Name() != "trading-analytics" {
		t.Errorf("peerings = %+v", c.Peerings)
	}
	if c.Quotas != (Quotas{NACLRulesPerDirection: 20, SecurityGroupRulesPerDirection: 60, RoutesPerRouteTable: 50, ActivePeeringsPerVPC: 50, VPCsPerRegion: 5, GatewayEndpointsPerRegion: 20}) {
		t.Errorf("quotas = %+v", c.Quotas)
	}
	if !c.SameAccount(c.Peerings[0]) {
		t.Error("two networks on default credentials are one account")
	}
}

func TestEnvironmentPrecedence(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		vars     map[string]string
		want     string
		wantFrom string
	}{
		{"default", "config: {}", nil, "dev", "default"},
		{"stack config", "config:\n  peerctl:environment: staging\n", nil, "staging", "peerctl:environment"},
		{"env var wins", "config:\n  peerctl:environment: staging\n", map[string]string{"ENVIRONMENT_SUFFIX": "prod"}, "prod", "ENVIRONMENT_SUFFIX"},
		{"empty env var ignored", "config:\n  peerctl:environment: qa\n", map[string]string{"ENVIRONMENT_SUFFIX": ""}, "qa", "peerctl:environment"},
		{"unnamespaced key", "config:\n  environment: qa\n", nil, "qa", "peerctl:environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseYAML(t, tt.yaml, tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			if c.Environment != tt.want || c.EnvironmentSource != tt.wantFrom {
				t.Errorf("environment = %q from %s, want %q from %s", c.Environment, c.EnvironmentSource, tt.want, tt.wantFrom)
			}
		})
	}
}

const twoAccounts = `
config:
  peerctl:networks:
    - name: trading
      cidr: 10.0.0.0/16
      costCenter: trading
      account: {id: "111111111111", profile: trading}
    - name: analytics
      cidr: 10.1.0.0/16
      costCenter: analytics
      azs: [use1-az1, use1-az4]
      subnetPrefixLength: 24
      account:
        roleArn: arn:aws:iam::222222222222:role/peerctl-deployer
        externalId: peerctl-2024
`

func TestTwoAccounts(t *testing.T) {
	c, err := parseYAML(t, twoAccounts, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c.Network("analytics")
	if a.AZCount != 2 || a.SubnetPrefixLength != 24 || a.Account.ExpectedID() != "222222222222" {
		t.Errorf("analytics = %+v", a)
	}
	if a.Account.Credentials() != "role arn:aws:iam::222222222222:role/peerctl-deployer" {
		t.Errorf("credentials = %q", a.Account.Credentials())
	}
	if c.SameAccount(c.Peerings[0]) {
		t.Error("different account ids must take the cross-account path")
	}
	if peers := c.Peers("trading"); len(peers) != 1 || peers[0].Name != "analytics" {
		t.Errorf("peers of trading = %+v", peers)
	}
}

func TestSameAccountDecision(t *testing.T) {
	mk := func(a, b Account) *Config {
		return &Config{
			Networks: []Network{{Name: "a", Account: a}, {Name: "b", Account: b}},
			Peerings: []Peering{{Requester: "a", Accepter: "b"}},
		}
	}
	tests := []struct {
		name string
		a, b Account
		want bool
	}{
		{"both default credentials", Account{}, Account{}, true},
		{"same profile", Account{Profile: "x"}, Account{Profile: "x"}, true},
		{"different profiles, unknown ids", Account{Profile: "x"}, Account{Profile: "y"}, false},
		{"different profiles, same id", Account{Profile: "x", ID: "111111111111"}, Account{Profile: "y", ID: "111111111111"}, true},
		{"same profile, different ids", Account{Profile: "x", ID: "111111111111"}, Account{Profile: "x", ID: "222222222222"}, false},
		{"role vs profile in one account", Account{RoleARN: "arn:aws:iam::111111111111:role/r"}, Account{ID: "111111111111"}, true},
		{"default vs profile", Account{}, Account{Profile: "x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mk(tt.a, tt.b)
			if got := c.SameAccount(c.Peerings[0]); got != tt.want {
				t.Errorf("SameAccount = %v, want %v", got, tt.want)
			}
		})
	}
}

// Each invalid setting is reported with its key path and value, in words a
// user can act on. The messages are the product, so they are compared whole.
func TestValidationErrors(t *testing.T) {
	net := func(fields string) string {
		return "config:\n  peerctl:networks:\n    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading}\n    - {" + fields + "}\n"
	}
	tests := []struct {
		name string
		yaml string
		vars map[string]string
		want string
	}{
		{"unparsable cidr", net("name: analytics, cidr: 10.1.0.0/33, costCenter: a"),
			nil, `peerctl:networks[1].cidr: "10.1.0.0/33" is not a CIDR block like 10.0.0.0/16`},
		{"public cidr", net("name: analytics, cidr: 52.0.0.0/16, costCenter: a"),
			nil, `peerctl:networks[1].cidr: "52.0.0.0/16" is not private: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)`},
		{"host bits", net("name: analytics, cidr: 10.1.2.0/16, costCenter: a"),
			nil, `peerctl:networks[1].cidr: "10.1.2.0/16" has host bits set; did you mean 10.1.0.0/16?`},
		{"too large", net("name: analytics, cidr: 10.0.0.0/8, costCenter: a"),
			nil, `peerctl:networks[1].cidr: "10.0.0.0/8" must be between /16 and /28, the VPC sizes AWS allows`},
		{"overlap", net("name: analytics, cidr: 10.0.7.0/24, costCenter: a"),
			nil, `peerctl:networks[1].cidr: "10.0.7.0/24" (analytics) overlaps peerctl:networks[0].cidr 10.0.0.0/16 (trading); peered VPCs need disjoint address space`},
		{"subnets do not fit", net("name: analytics, cidr: 10.1.0.0/27, costCenter: a"),
			nil, `peerctl:networks[1].subnetPrefixLength: is not workable: 3 subnets do not fit in 10.1.0.0/27: they would be /29, smaller than the /28 AWS allows`},
		{"requested subnets too big", net("name: analytics, cidr: 10.1.0.0/20, costCenter: a, subnetPrefixLength: 20"),
			nil, `peerctl:networks[1].subnetPrefixLength: "20" is not workable: 3 subnets of /20 do not fit in 10.1.0.0/20 (room for 1)`},
		{"az count", net("name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: 7"),
			nil, `peerctl:networks[1].azCount: "7" must be between 1 and 6`},
		{"az count zero", net("name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: 0"),
			nil, `peerctl:networks[1].azCount: "0" must be between 1 and 6`},
		{"az name instead of id", net("name: analytics, cidr: 10.1.0.0/16, costCenter: a, azs: [us-east-1a]"),
			nil, `peerctl:networks[1].azs[0]: "us-east-1a" is an AZ name; use AZ IDs like use1-az1 (names map to different zones in each account)`},
		{"az in other region", net("name: analytics, cidr: 10.1.0.0/16, costCenter: a, azs: [euw1-az1]"),
			nil, `peerctl:networks[1].azs[0]: "euw1-az1" is not in region us-east-1 (its AZ IDs start with use1-)`},
		{"duplicate az", net("name: analytics, cidr: 10.1.0.0/16, costCenter: a, azs: [use1-az1, use1-az1]"),
			nil, `peerctl:networks[1].azs[1]: "use1-az1" is listed twice`},
		{"duplicate name", net("name: trading, cidr: 10.1.0.0/16, costCenter: a"),
			nil, `peerctl:networks[1].name: "trading" is already used by peerctl:networks[0]`},
		{"bad name", net("name: Analytics_1, cidr: 10.1.0.0/16, costCenter: a"),
			nil, `peerctl:networks[1].name: "Analytics_1" must be 1-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen`},
		{"missing cost center", net("name: analytics, cidr: 10.1.0.0/16"),
			nil, `peerctl:networks[1].costCenter: is required (it becomes the CostCenter tag)`},
		{"account id digits", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {id: "12345"}`),
			nil, `peerctl:networks[1].account.id: "12345" is not a 12-digit AWS account id (quote it in YAML: an unquoted number loses its leading zeros)`},
		{"unquoted short account id", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {id: 12345678901}`),
			nil, `peerctl:networks[1].account.id: "12345678901" is not a 12-digit AWS account id (quote it in YAML: an unquoted number loses its leading zeros)`},
		{"role arn", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {roleArn: "arn:aws:iam::2222:role/x"}`),
			nil, `peerctl:networks[1].account.roleArn: "arn:aws:iam::2222:role/x" is not an IAM role ARN like arn:aws:iam::111111111111:role/peerctl-deployer`},
		{"role arn in another account", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {id: "111111111111", roleArn: "arn:aws:iam::222222222222:role/x"}`),
			nil, `peerctl:networks[1].account.roleArn: "arn:aws:iam::222222222222:role/x" is in account 222222222222, but peerctl:networks[1].account.id says 111111111111`},
		{"profile and role", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {profile: p, roleArn: "arn:aws:iam::222222222222:role/x"}`),
			nil, `peerctl:networks[1].account: sets both profile "p" and roleArn "arn:aws:iam::222222222222:role/x"; choose one`},
		{"session without role", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {sessionName: s1}`),
			nil, `peerctl:networks[1].account: sets sessionName or externalId without roleArn`},
		{"unknown network field", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, cidrs: x`),
			nil, `peerctl:networks[1].cidrs: is not a known field (known: name, cidr, costCenter, azCount, azs, subnetPrefixLength, account, naclSlot, region, existing)`},
		{"unknown account field", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, account: {role: x}`),
			nil, `peerctl:networks[1].account.role: is not a known field (known: id, profile, roleArn, sessionName, externalId)`},
		{"wrong type", net(`name: analytics, cidr: 10.1.0.0/16, costCenter: a, azCount: three`),
			nil, `peerctl:networks[1].azCount: "three" must be a whole number, not text`},
		{"unknown key", "config:\n  peerctl:networkz: []\n",
			nil, `peerctl:networkz: is not a peerctl setting (known keys: peerctl:alarms, peerctl:compliance, peerctl:dashboard, peerctl:endpoints, peerctl:environment, peerctl:flowLogs, peerctl:logArchive, peerctl:nacl, peerctl:networks, peerctl:peerings, peerctl:quotas, peerctl:region, peerctl:tags)`},
		{"aws namespace", "config:\n  aws:region: us-west-2\n",
			nil, `aws:region: is not used: peerctl configures one AWS provider per network; set peerctl:region and each network's account instead`},
		{"bad environment", "config:\n  peerctl:environment: Prod_1\n",
			nil, `peerctl:environment: "Prod_1" must be 1-16 lowercase letters, digits or hyphens, not starting or ending with a hyphen (it goes into S3 bucket names)`},
		{"bad environment from env var", "config: {}\n", map[string]string{"ENVIRONMENT_SUFFIX": "-dev"},
			`ENVIRONMENT_SUFFIX: "-dev" must be 1-16 lowercase letters, digits or hyphens, not starting or ending with a hyphen (it goes into S3 bucket names)`},
		{"long environment", "config:\n  peerctl:environment: abcdefghijklmnopq\n",
			nil, `peerctl:environment: "abcdefghijklmnopq" must be 1-16 lowercase letters, digits or hyphens, not starting or ending with a hyphen (it goes into S3 bucket names)`},
		{"bad region", "config:\n  peerctl:region: US-East\n",
			nil, `peerctl:region: "US-East" is not an AWS region name like us-east-1`},
		{"self peering", "config:\n  peerctl:peerings: [{requester: trading, accepter: trading}]\n",
			nil, `peerctl:peerings[0]: "trading-trading" peers network "trading" with itself`},
		{"unknown peer", "config:\n  peerctl:peerings: [{requester: trading, accepter: risk}]\n",
			nil, `peerctl:peerings[0].accepter: "risk" is not a configured network (networks: trading, analytics)`},
		{"missing requester", "config:\n  peerctl:peerings: [{accepter: trading}]\n",
			nil, `peerctl:peerings[0].requester: is required (a network name: trading, analytics)`},
		{"duplicate peering reversed", "config:\n  peerctl:peerings: [{requester: trading, accepter: analytics}, {requester: analytics, accepter: trading}]\n",
			nil, `peerctl:peerings[1]: "analytics-trading" duplicates peerctl:peerings[0]: analytics and trading are already peered`},
		{"reserved tag", "config:\n  peerctl:tags: {CostCenter: x}\n",
			nil, `peerctl:tags.CostCenter: "x" cannot be set: peerctl sets the CostCenter tag itself`},
		{"aws tag prefix", "config:\n  peerctl:tags: {\"aws:owner\": x}\n",
			nil, `peerctl:tags: "aws:owner" is not a valid tag key (1-128 characters, not starting with aws:)`},
		{"quota above AWS max", "config:\n  peerctl:quotas: {naclRulesPerDirection: 50}\n",
			nil, `peerctl:quotas.naclRulesPerDirection: "50" must be between 20 (the AWS default) and 40 (the most AWS grants)`},
		{"flow log interval", "config:\n  peerctl:flowLogs: {maxAggregationInterval: 300}\n",
			nil, `peerctl:flowLogs.maxAggregationInterval: "300" must be 60 or 600 seconds, the only values AWS accepts (the 5-minute figure in AWS docs is the S3 delivery batch, which is not configurable)`},
		{"secret value", "config:\n  peerctl:region:\n    secure: AAABAMl\n",
			nil, ""},
	}
	// Renaming the second network also leaves the default peering without
	// its accepter, which is reported as a second problem.
	alsoPeering := map[string]bool{"duplicate name": true, "bad name": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := ParseStackYAML([]byte(tt.yaml))
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), "is an encrypted secret") {
					t.Fatalf("want an error about the encrypted value, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseStackYAML: %v", err)
			}
			_, err = Parse(raw, env(tt.vars))
			var verr *ValidationError
			if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("want a *ValidationError, got %v", err)
			}
			var msgs []string
			for _, p := range verr.Problems {
				msgs = append(msgs, p.Error())
			}
			if len(msgs) < 1 || msgs[0] != tt.want || len(msgs) > 2 || (len(msgs) == 2) != alsoPeering[tt.name] {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(msgs, "\n  "), tt.want)
			}
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := parseYAML(t, "config:\n  peerctl:environment: BAD\n  peerctl:region: nowhere\n", nil)
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "invalid configuration (2 problems):\n  peerctl:environment: ") {
		t.Errorf("message = %q", err.Error())
	}
}

// A network that cannot be read is reported once: the default peering does
// not also complain that the network it names is missing.
func TestUnreadableNetworkReportedOnce(t *testing.T) {
	_, err := parseYAML(t, `config:
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, azCount: three}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics}
`, nil)
	want := `invalid configuration: peerctl:networks[0].azCount: "three" must be a whole number, not text`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestQuotaLimitsMeshSize(t *testing.T) {
	if _, err := parseYAML(t, configtest.MeshYAML(8), nil); err != nil {
		t.Fatalf("an 8-network mesh (7 peers, 17 NACL rules per direction) must fit: %v", err)
	}
	if _, err := parseYAML(t, configtest.MeshYAML(9), nil); err != nil {
		t.Fatalf("a 9-network mesh (8 peers, 19 NACL rules) must fit: %v", err)
	}
	_, err := parseYAML(t, configtest.MeshYAML(10), nil)
	want := `peerctl:networks[0]: "net0" has 9 peers and would need 21 network ACL rules per direction, over the quota of 20 (peerctl:quotas.naclRulesPerDirection, at most 40 once AWS raises it)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v\nwant it to contain %s", err, want)
	}
	raised := configtest.MeshYAML(10, "peerctl:quotas: {naclRulesPerDirection: 40}")
	if _, err := parseYAML(t, raised, nil); err != nil {
		t.Fatalf("with the NACL quota raised to 40 a 10-network mesh fits: %v", err)
	}
}

func TestPeersSortedByName(t *testing.T) {
	c, err := parseYAML(t, configtest.MeshYAML(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Peers("net2") {
		got = append(got, p.Name)
	}
	if strings.Join(got, ",") != "net0,net1,net3" {
		t.Errorf("peers of net2 = %v", got)
	}
	if p := c.Peers("net2")[0].CIDR; p != netip.MustParsePrefix("10.0.0.0/16") {
		t.Errorf("net0 cidr = %s", p)
	}
}

func TestLoadStackFileNotFound(t *testing.T) {
	_, err := LoadStackFile(t.TempDir() + "/Pulumi.nope.yaml")
	if !errors.Is(err, ErrStackFileNotFound) {
		t.Fatalf("error = %v, want ErrStackFileNotFound", err)
	}
}

func TestEndpointSettings(t *testing.T) {
	c, err := parseYAML(t, "config: {}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !*c.Endpoints.RestrictToStackAccounts || len(c.Endpoints.AllowS3Resources) != 0 {
		t.Errorf("default endpoints = %+v", c.Endpoints)
	}
	tests := []struct {
		yaml string
		want string
	}{
		{`peerctl:endpoints: {allowS3Resources: ["s3://bucket"]}`,
			`peerctl:endpoints.allowS3Resources[0]: "s3://bucket" is not an S3 bucket or object ARN like arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*`},
		{`peerctl:endpoints: {restrictToStackAccounts: false, allowS3Resources: ["arn:aws:s3:::b1/*"]}`,
			`peerctl:endpoints.allowS3Resources: has no effect with restrictToStackAccounts false (the endpoints then allow every bucket)`},
	}
	for _, tt := range tests {
		_, err := parseYAML(t, "config:\n  "+tt.yaml+"\n", nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}
