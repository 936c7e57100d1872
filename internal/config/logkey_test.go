package config

import (
	"strings"
	"testing"
)

// flowLogs.createKmsKey: on by default in prod only (issue 10 item 9), and
// a key is created for an account only where some network has no
// configured key.
func TestCreateKMSKey(t *testing.T) {
	tests := []struct {
		name     string
		settings string
		create   bool
		// needs by account (first network) of the two-account stack
		needs map[string]bool
	}{
		{"dev default", "  peerctl:environment: dev", false, map[string]bool{"trading": false, "analytics": false}},
		{"prod default", "  peerctl:environment: prod", true, map[string]bool{"trading": true, "analytics": true}},
		{"prod opt-out", "  peerctl:environment: prod\n  peerctl:flowLogs: {createKmsKey: false}", false,
			map[string]bool{"trading": false, "analytics": false}},
		{"dev opt-in", "  peerctl:environment: dev\n  peerctl:flowLogs: {createKmsKey: true}", true,
			map[string]bool{"trading": true, "analytics": true}},
		{"prod, trading's key configured", "  peerctl:environment: prod\n  peerctl:flowLogs: {kmsKeyArns: {trading: \"" + tradingKey + "\"}}", true,
			map[string]bool{"trading": false, "analytics": true}},
		{"prod, every key configured", "  peerctl:environment: prod\n  peerctl:flowLogs: {kmsKeyArns: {trading: \"" + tradingKey + "\", analytics: \"" + analyticsKey + "\"}}", true,
			map[string]bool{"trading": false, "analytics": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseStack([]byte("config:\n"+tt.settings+"\n"+twoAccountsBody()), env(nil))
			if err != nil {
				t.Fatal(err)
			}
			fl := c.Observability.FlowLogs
			if fl.CreateKMSKey != tt.create {
				t.Errorf("createKmsKey %v, want %v", fl.CreateKMSKey, tt.create)
			}
			for _, g := range GroupByAccount(c.Networks, func(n string) string { n2, _ := c.Network(n); return n2.Account.ExpectedID() }) {
				if got := c.Observability.NeedsCreatedKey(g); got != tt.needs[g.Name()] {
					t.Errorf("account of %s: needs a created key %v, want %v", g.Name(), got, tt.needs[g.Name()])
				}
			}
		})
	}
}

// Two networks in one account, one with a key: the account still gets a
// created key, for the other network.
func TestNeedsCreatedKeyOneAccount(t *testing.T) {
	const yaml = `config:
  peerctl:environment: prod
  peerctl:flowLogs: {kmsKeyArns: {trading: "arn:aws:kms:us-east-1:111111111111:key/aaaa"}}
  peerctl:networks:
    - {name: trading, cidr: 10.0.0.0/16, costCenter: trading, account: {id: "111111111111"}}
    - {name: analytics, cidr: 10.1.0.0/16, costCenter: analytics, account: {id: "111111111111"}}
  peerctl:peerings: [{requester: trading, accepter: analytics}]
`
	c, err := ParseStack([]byte(yaml), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	groups := GroupByAccount(c.Networks, func(string) string { return "111111111111" })
	if len(groups) != 1 || !c.Observability.NeedsCreatedKey(groups[0]) {
		t.Errorf("one account with an unkeyed network: groups %d, needs a key %v", len(groups), len(groups) == 1 && c.Observability.NeedsCreatedKey(groups[0]))
	}
}

// In prod an empty key says what leaving it unset now means.
func TestEmptyKMSKeyMessageInProd(t *testing.T) {
	got := problemLines(t, "config:\n  peerctl:environment: prod\n  peerctl:flowLogs: {kmsKeyArns: {trading: \"\"}}\n"+twoAccountsBody())
	want := `line 3: peerctl:flowLogs.kmsKeyArns.trading: is empty; give a key ARN or leave it unset and peerctl creates a key per account`
	if strings.Join(got, "\n") != want {
		t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), want)
	}
}
