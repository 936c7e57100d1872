package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

// A partner's connection, accepted by id, belongs to nothing in the plan:
// the accepter, its options and the routes name the connection id, not
// one of the resources that act on it.
func TestTextPlanNamesAPartnersConnectionByID(t *testing.T) {
	raw, err := config.LoadStackFile("../../examples/partner/Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Build(cfg, "dev")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		"    + ec2.VpcPeeringConnectionAccepter market-data-trading-accepter\n        connection  = pcx-0123456789abcdef0\n",
		"    + ec2.Route market-data-trading-route-trading-use1-az1\n        destination = 172.31.0.0/16\n        target      = peering pcx-0123456789abcdef0\n",
		// The connection this stack requests is named by its resource.
		"        target      = peering trading-clearing-connection\n",
		"(82 AWS resources, 9 components, 1 provider)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text plan lacks %q", want)
		}
	}
	if strings.Contains(text, "= peering market-data-trading-accepter") {
		t.Error("a route's target is named after the accepter or its options")
	}
}
