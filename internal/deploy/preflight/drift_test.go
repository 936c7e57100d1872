package preflight_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/preflight"
	"github.com/peerctl/peerctl/internal/plan"
)

// TestPlanMatchesTheProgram keeps the names the pre-flight check looks for
// in step with what the program creates: it runs the real program offline
// (as `peerctl plan` does) and compares its recorders, delivery channels
// and sinks, by account and name, with preflight.Plan.
func TestPlanMatchesTheProgram(t *testing.T) {
	kinds := map[string]preflight.Kind{
		"aws:cfg/recorder:Recorder":               preflight.Recorder,
		"aws:cfg/deliveryChannel:DeliveryChannel": preflight.DeliveryChannel,
		"aws:oam/sink:Sink":                       preflight.Sink,
	}
	three := `[{"name":"trading","cidr":"10.0.0.0/16","costCenter":"trading","account":{"id":"111111111111","profile":"t"}},
	           {"name":"reporting","cidr":"10.2.0.0/16","costCenter":"trading","account":{"id":"111111111111","profile":"t"}},
	           {"name":"analytics","cidr":"10.1.0.0/16","costCenter":"analytics","account":{"id":"222222222222","profile":"a"}}]`
	tests := []struct {
		name string
		raw  config.Raw
	}{
		{name: "recorders and a sink, monitoring in the second account", raw: config.Raw{
			"peerctl:environment": "qa",
			"peerctl:networks":    three,
			"peerctl:peerings":    `[{"requester":"trading","accepter":"analytics"},{"requester":"reporting","accepter":"analytics"}]`,
			"peerctl:compliance":  `{"createRecorder": true}`,
			"peerctl:dashboard":   `{"crossAccount": true, "monitoringNetwork": "analytics"}`,
		}},
		{name: "one account reuses its recorder, named by a network that is not the group's first", raw: config.Raw{
			"peerctl:networks":   three,
			"peerctl:peerings":   `[{"requester":"trading","accepter":"analytics"},{"requester":"reporting","accepter":"analytics"}]`,
			"peerctl:compliance": `{"reuseRecorderOf": ["reporting"]}`,
		}},
		{name: "existing recorders reused, no sink", raw: config.Raw{
			"peerctl:compliance": `{"createRecorder": false}`,
			"peerctl:dashboard":  `{"crossAccount": false}`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse(tt.raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := plan.Build(cfg, "test")
			if err != nil {
				t.Fatal(err)
			}
			var inProgram []string
			for _, r := range doc.Resources {
				if kind, ok := kinds[r.Type]; ok {
					inProgram = append(inProgram, fmt.Sprintf("%s %s %v", r.Account, kind, r.Inputs["name"]))
				}
			}
			var checked []string
			// The accounts the offline plan resolved, as the credentials
			// check resolves them before a deploy.
			accounts := map[string]string{}
			for n, id := range doc.Outputs["accountIds"].(map[string]any) {
				accounts[n] = id.(string)
			}
			for _, o := range preflight.Plan(cfg, accounts) {
				checked = append(checked, fmt.Sprintf("%s %s %s", o.Group.Name(), o.Kind, o.Name))
			}
			slices.Sort(inProgram)
			slices.Sort(checked)
			if !slices.Equal(inProgram, checked) {
				t.Errorf("the program creates:\n  %s\nthe pre-flight check expects:\n  %s",
					strings.Join(inProgram, "\n  "), strings.Join(checked, "\n  "))
			}
		})
	}
}
