package config

import (
	"errors"
	"strings"
	"testing"
)

// problemLines runs a stack file through ParseStack and returns every
// problem as the user reads it, line number included.
func problemLines(t *testing.T, yaml string) []string {
	t.Helper()
	_, err := ParseStack([]byte(yaml), env(nil))
	if err == nil {
		return nil
	}
	var verr *ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("want a *ValidationError (exit status 3), got %T: %v", err, err)
	}
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.Error())
	}
	return out
}

// twoNets is a valid pair of networks; first is spliced into the first one.
func twoNets(first string) string {
	return "config:\n  peerctl:networks:\n" +
		"    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading" + first + "}\n" +
		"    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics}\n"
}

const missingConfig = "line 1: config: is missing: peerctl reads its settings from the config: section (write config: {} for the default stack)"

// A stack file is read exactly: what it does not say plainly is an error
// (exit status 3) naming its line, never the default stack.
func TestStrictStackFile(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"typo in config", "conifg:\n  peerctl:region: us-west-2\n", []string{
			"line 1: conifg: is not a key of a Pulumi stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment)",
			missingConfig}},
		{"settings without config:", "peerctl:region: us-west-2\n", []string{
			"line 1: peerctl:region: is outside the config: section; indent it under config:",
			missingConfig}},
		{"near misses of Pulumi's keys", "secretsProvider: passphrase\nsecrets: x\nenvironments: [a]\nconfig: {}\n", []string{
			"line 1: secretsProvider: is not a key of a Pulumi stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment)",
			"line 2: secrets: is not a key of a Pulumi stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment)",
			"line 3: environments: is not a key of a Pulumi stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment)"}},
		{"only Pulumi's keys", "encryptionsalt: v1:abc\n", []string{missingConfig}},
		{"empty file", "", []string{
			"line 1: stack file: is empty; peerctl reads its settings from a config: section (write config: {} for the default stack)"}},
		{"only comments", "# dev stack\n", []string{
			"line 1: stack file: is empty; peerctl reads its settings from a config: section (write config: {} for the default stack)"}},
		{"second document", "config: {}\n---\nconfig:\n  peerctl:region: eu-west-1\n", []string{
			"line 2: stack file: holds 2 YAML documents (separated by ---); a stack file is one document"}},
		{"config without value", "config:\n", []string{
			"line 1: config: is empty; list the settings under it, or write config: {} for the default stack"}},
		{"config as a list", "config:\n  - peerctl:region\n", []string{
			"line 1: config: must be a mapping of settings (peerctl:key: value), not a list"}},
		{"top level a list", "- config\n", []string{
			"line 1: stack file: must be a mapping with a config: section, not a list"}},
		{"config twice", "config: {}\nconfig:\n  peerctl:region: us-west-2\n", []string{
			"line 2: config: is set twice (first on line 1)"}},
		{"setting twice", "config:\n  peerctl:region: us-east-1\n  peerctl:region: us-west-2\n", []string{
			"line 3: peerctl:region: is set twice (first on line 2)"}},
		{"two spellings of one setting", "config:\n  region: us-east-1\n  peerctl:region: us-west-2\n", []string{
			"line 2: region: is the same setting as peerctl:region (a key without namespace is peerctl's); keep one"}},
		{"setting name case", "config:\n  peerctl:flowlogs: {}\n", []string{
			"line 2: peerctl:flowlogs: is not a peerctl setting: keys are case-sensitive; did you mean peerctl:flowLogs?"}},
		{"top-level key without a name", "\"\": x\nconfig: {}\n", []string{
			"line 1: stack file: has a key with no name or one that is not plain text; the top level holds config:"}},
		{"key without a name", "config:\n  &a : x\n  peerctl:tags: {\"\": x}\n", []string{
			"line 2: config: has a key with no name; name it or remove it",
			"line 3: peerctl:tags: has a key with no name; name it or remove it"}},
		{"not UTF-8", "config:\n  peerctl:region: \xff\n", []string{
			"line 2: stack file: is not UTF-8 text; save it as UTF-8"}},
		{"encrypted secret nested", "config:\n  peerctl:alarms:\n    emails:\n      secure: AAABAMl\n", []string{
			"line 4: peerctl:alarms.emails: is an encrypted secret; peerctl settings are not secret, set it in plain text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemLines(t, tt.yaml); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// Pulumi's own stack file keys are allowed beside config:, and nothing else.
func TestStackFileWithPulumiKeys(t *testing.T) {
	c, err := ParseStack([]byte("secretsprovider: passphrase\nencryptedkey: abc\nencryptionsalt: v1:abc\n"+
		"environment:\n  - shared\nconfig:\n  peerctl:region: us-west-2\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "us-west-2" {
		t.Errorf("region = %q", c.Region)
	}
}

// YAML syntax errors name the line the mistake is on (the YAML parser
// alone names the line of the enclosing block).
func TestYAMLSyntaxErrorLines(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"unclosed list", "config:\n  peerctl:region: us-east-1\n  peerctl:azs: [a\n  peerctl:environment: dev\n",
			"line 3: stack file: is not valid YAML: did not find expected ',' or ']'"},
		{"tab indentation", "config:\n  peerctl:region: us-east-1\n\tpeerctl:environment: dev\n",
			"line 3: stack file: is not valid YAML: found a tab character that violates indentation"},
		{"indentation", "config:\n  peerctl:region: us-east-1\n peerctl:environment: dev\n",
			"line 3: stack file: is not valid YAML: did not find expected key"},
		{"colon in a value", "config:\n  peerctl:region: us-east-1\n  peerctl:environment: dev: x\n",
			"line 3: stack file: is not valid YAML: mapping values are not allowed in this context"},
		{"unknown alias", "config:\n  peerctl:region: us-east-1\n  peerctl:environment: *env\n",
			"line 3: stack file: is not valid YAML: unknown anchor 'env' referenced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemLines(t, tt.yaml); len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
}

// Numbers are what they look like: a form YAML reads as another value is
// refused, with the value YAML would use and how to write it.
func TestNumberNotation(t *testing.T) {
	tests := []struct {
		name  string
		field string
		want  string
	}{
		{"hexadecimal account id", ", account: {id: 0x19debd01c7}",
			`line 3: peerctl:networks[0].account.id: "0x19debd01c7" is read by YAML as the number 111111111111; write numbers in plain decimal digits (111111111111), and quote text such as account ids`},
		{"account id with leading zero", ", account: {id: 012345678901}",
			`line 3: peerctl:networks[0].account.id: "012345678901" is read by YAML as the number 12345678901, not as the digits written; quote it if it is text such as an account id: "012345678901"`},
		{"octal-looking account id", ", account: {id: 011111111111}",
			`line 3: peerctl:networks[0].account.id: "011111111111" is read by YAML as the number 1227133513, not as the digits written; quote it if it is text such as an account id: "011111111111"`},
		{"exponent account id", ", account: {id: 1.11111111111e+11}",
			`line 3: peerctl:networks[0].account.id: "1.11111111111e+11" is a number in exponent notation, not an account id; write its 12 digits in quotes: id: "111111111111"`},
		{"decimal point account id", ", account: {id: 111111111111.0}",
			`line 3: peerctl:networks[0].account.id: "111111111111.0" is a number with a decimal point, not an account id; write its 12 digits in quotes: id: "111111111111"`},
		{"account id true", ", account: {id: true}",
			`line 3: peerctl:networks[0].account.id: "true" must be a 12-digit account id in quotes, not true or false: id: "111111111111"`},
		{"digit separators", ", azCount: 1_0",
			`line 3: peerctl:networks[0].azCount: "1_0" is read by YAML as the number 10; write numbers in plain decimal digits (10), and quote text such as account ids`},
		{"infinity", ", azCount: .inf",
			`line 3: peerctl:networks[0].azCount: ".inf" is read by YAML as infinity or not-a-number; write a number in decimal digits`},
		{"date", "} ]\n  peerctl:tags: {Since: 2024-01-01",
			`line 5: peerctl:tags.Since: "2024-01-01" is read by YAML as a date; quote it if it is text: "2024-01-01"`},
		{"binary tag", "} ]\n  peerctl:tags: {Team: !!binary aGk=",
			`line 5: peerctl:tags.Team: "aGk=" has the YAML tag !!binary, which peerctl does not read; write the value without it`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := twoNets(tt.field)
			if strings.HasPrefix(tt.field, "}") { // a setting after the networks
				yaml = twoNets("") + "  " + strings.TrimPrefix(tt.field, "} ]\n  ") + "}\n"
			}
			if got := problemLines(t, yaml); len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
	// Unquoted plain digits are still an account id: YAML's number and the
	// digits agree.
	c, err := ParseStack([]byte(twoNets(", account: {id: 111111111111}")), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Networks[0].Account.ID != "111111111111" {
		t.Errorf("account id = %q", c.Networks[0].Account.ID)
	}
}

// Aliases and merge keys read as YAML defines them; a file that expands
// past the node budget through nested aliases is refused, not expanded.
func TestAliasesAndMergeKeys(t *testing.T) {
	c, err := ParseStack([]byte(`config:
  peerctl:networks:
    - &trading {name: trading, cidr: 10.0.0.0/16, costCenter: shared}
    - <<: *trading
      name: analytics
      cidr: 10.1.0.0/16
`), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := c.Network("analytics"); a.CostCenter != "shared" || a.CIDR.String() != "10.1.0.0/16" {
		t.Errorf("analytics = %+v", a)
	}

	var b strings.Builder
	b.WriteString("config:\n  peerctl:tags:\n    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 6; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString("    l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	got := problemLines(t, b.String())
	if len(got) != 1 || !strings.Contains(got[0], "expands to more than 100000 values (through aliases); write the settings out") {
		t.Errorf("problems = %q", got)
	}

	// Merge keys expand like aliases: ten copies of the level below, six
	// levels deep, would be a million mapping entries.
	b.Reset()
	b.WriteString("config:\n  peerctl:tags:\n    m0: &m0 {a: x, b: x, c: x, d: x, e: x, f: x, g: x, h: x, i: x, j: x}\n")
	for i := 1; i <= 6; i++ {
		prev := "*m" + string(rune('0'+i-1))
		b.WriteString("    m" + string(rune('0'+i)) + ": &m" + string(rune('0'+i)) + " {<<: [" + strings.Repeat(prev+", ", 9) + prev + "]}\n")
	}
	got = problemLines(t, b.String())
	if len(got) != 1 || !strings.Contains(got[0], "expands to more than 100000 values (through aliases); write the settings out") {
		t.Errorf("merge keys: problems = %q", got)
	}
}

// Field names match exactly (encoding/json alone matches them ignoring
// case), in every object; a null value is an error, not the default.
func TestExactFieldNames(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"network field case", twoNets(", CIDR: 10.9.0.0/16"), []string{
			"line 3: peerctl:networks[0].CIDR: is not a known field: field names are case-sensitive; did you mean cidr?"}},
		{"network field twice", twoNets(", cidr: 10.9.0.0/16"), []string{
			"line 3: peerctl:networks[0].cidr: is set twice (first on line 3)"}},
		{"account field case", twoNets(", account: {Profile: p}"), []string{
			"line 3: peerctl:networks[0].account.Profile: is not a known field: field names are case-sensitive; did you mean profile?"}},
		{"peering field case", "config:\n  peerctl:peerings: [{Requester: trading, accepter: analytics}]\n", []string{
			"line 2: peerctl:peerings[0].Requester: is not a known field: field names are case-sensitive; did you mean requester?"}},
		{"flow logs field case", "config:\n  peerctl:flowLogs:\n    S3RetentionDays: 30\n", []string{
			"line 3: peerctl:flowLogs.S3RetentionDays: is not a known field: field names are case-sensitive; did you mean s3RetentionDays?"}},
		{"alarms field case", "config:\n  peerctl:alarms: {EMAILS: [ops@example.com]}\n", []string{
			"line 2: peerctl:alarms.EMAILS: is not a known field: field names are case-sensitive; did you mean emails?"}},
		{"dashboard field case", "config:\n  peerctl:dashboard: {crossaccount: true}\n", []string{
			"line 2: peerctl:dashboard.crossaccount: is not a known field: field names are case-sensitive; did you mean crossAccount?"}},
		{"compliance field case", "config:\n  peerctl:compliance: {CreateRecorder: false}\n", []string{
			"line 2: peerctl:compliance.CreateRecorder: is not a known field: field names are case-sensitive; did you mean createRecorder?"}},
		{"endpoints field case", "config:\n  peerctl:endpoints: {restricttostackaccounts: false}\n", []string{
			"line 2: peerctl:endpoints.restricttostackaccounts: is not a known field: field names are case-sensitive; did you mean restrictToStackAccounts?"}},
		{"quotas field case", "config:\n  peerctl:quotas: {NaclRulesPerDirection: 40}\n", []string{
			"line 2: peerctl:quotas.NaclRulesPerDirection: is not a known field: field names are case-sensitive; did you mean naclRulesPerDirection?"}},
		{"Kelvin sign", "config:\n  peerctl:flowLogs: {\u212amsKeyArn: x}\n", []string{
			"line 2: peerctl:flowLogs.\u212amsKeyArn: is not a known field: field names are case-sensitive; did you mean kmsKeyArn?"}},
		{"tag without value", "config:\n  peerctl:tags:\n    Team:\n", []string{
			"line 3: peerctl:tags.Team: has no value; give it one or remove it"}},
		{"flow logs field without value", "config:\n  peerctl:flowLogs:\n    s3RetentionDays:\n", []string{
			"line 3: peerctl:flowLogs.s3RetentionDays: has no value; give it one or remove it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemLines(t, tt.yaml); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// noPeerings keeps the default peering (trading-analytics), which needs
// both networks, out of tests about networks that cannot be read.
const noPeerings = "  peerctl:peerings: []\n"

// Wrong kinds of values and empty settings are named in a user's words,
// with the line.
func TestWrongTypesAndEmptySettings(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"networks as text", "config:\n  peerctl:networks: trading\n" + noPeerings, []string{
			`line 2: peerctl:networks: "trading" must be a list, not text`}},
		{"network as text", "config:\n  peerctl:networks: [trading, analytics]\n" + noPeerings, []string{
			`line 2: peerctl:networks[0]: "trading" must be a mapping of fields (key: value), not text`,
			`line 2: peerctl:networks[1]: "analytics" must be a mapping of fields (key: value), not text`}},
		{"flow logs as a list", "config:\n  peerctl:flowLogs: [60]\n", []string{
			`line 2: peerctl:flowLogs: must be a mapping of fields (key: value), not a list`}},
		{"region as a list", "config:\n  peerctl:region: [us-east-1]\n", []string{
			`line 2: peerctl:region: must be text, not a list`}},
		{"emails as text", "config:\n  peerctl:alarms: {emails: ops@example.com}\n", []string{
			`line 2: peerctl:alarms.emails: "ops@example.com" must be a list, not text`}},
		{"azs as text", twoNets(", azs: use1-az1"), []string{
			`line 3: peerctl:networks[0].azs: "use1-az1" must be a list, not text`}},
		{"azs empty", twoNets(", azs: []"), []string{
			`line 3: peerctl:networks[0].azs: is an empty list; name AZ IDs (use1-az1) or remove it to use azCount`}},
		{"cost center as a number", "config:\n  peerctl:networks:\n    - {name: trading, cidr: 10.0.0.0/16, costCenter: 1234}\n    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a}\n", []string{
			`line 3: peerctl:networks[0].costCenter: "1234" must be text, not a number; quote it`}},
		{"az count with a fraction", twoNets(", azCount: 2.5"), []string{
			`line 3: peerctl:networks[0].azCount: "2.5" must be a whole number`}},
		{"az count too large", twoNets(", azCount: 99999999999999999999"), []string{
			`line 3: peerctl:networks[0].azCount: "99999999999999999999" is out of range for a whole number`}},
		{"tag value a list", "config:\n  peerctl:tags: {Team: [a]}\n", []string{
			`line 2: peerctl:tags.Team: must be text, not a list`}},
		{"tag value a number", "config:\n  peerctl:tags: {Team: core, Floor: 3}\n", []string{
			`line 2: peerctl:tags.Floor: "3" must be text, not a number; quote it`}},
		{"region without value", "config:\n  peerctl:region:\n", []string{
			`line 2: peerctl:region: has no value; give it one or remove it`}},
		{"flow logs without value", "config:\n  peerctl:flowLogs:\n  peerctl:region: us-east-1\n", []string{
			`line 2: peerctl:flowLogs: has no value; give it one or remove it`}},
		{"network without value", "config:\n  peerctl:networks:\n    -\n    - {name: analytics, cidr: 10.1.0.0/16, costCenter: a}\n" + noPeerings, []string{
			`line 3: peerctl:networks[0]: has no value; give it one or remove it`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemLines(t, tt.yaml); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// Problems found by validation, not by reading, also carry their line when
// the configuration came from a file, and none when it came from the engine.
func TestValidationProblemsCarryLines(t *testing.T) {
	yaml := "config:\n  peerctl:environment: dev\n  peerctl:flowLogs:\n    s3RetentionDays: 0\n"
	want := `line 4: peerctl:flowLogs.s3RetentionDays: "0" must be between 1 and 3650 days`
	if got := problemLines(t, yaml); len(got) != 1 || got[0] != want {
		t.Errorf("problems = %q, want %q", got, want)
	}
	raw, err := ParseStackYAML([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(raw, env(nil))
	if err == nil || err.Error() != "invalid configuration: "+strings.TrimPrefix(want, "line 4: ") {
		t.Errorf("without a file: %v", err)
	}
}
