package outputs

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

func TestOutputsRun(t *testing.T) {
	tests := []struct {
		name    string
		json    bool
		show    bool
		outputs map[string]any
		want    []string
	}{
		{
			name:    "text",
			outputs: deploytest.SampleOutputs(),
			want: []string{
				"peeringConnectionIds.trading-analytics  pcx-0123\n",
				"routeTableIds.trading                   rtb-t1, rtb-t2\n",
				"vpcIds.analytics                        vpc-0a\n",
			},
		},
		{name: "empty", outputs: map[string]any{}, want: []string{"stack dev has no outputs"}},
		{name: "secrets are masked", json: true, outputs: map[string]any{"token": "s3cret"}, want: []string{`"token": "[secret]"`}},
		{name: "secrets shown on request", json: true, show: true, outputs: map[string]any{"token": "s3cret"}, want: []string{`"token": "s3cret"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack})
			h.CLI.Stacks = map[string]bool{"dev": true}
			h.CLI.Outputs = tt.outputs
			h.CLI.SecretOutputs = []string{"token"}
			err := outputsRun(&OutputsOptions{IO: h.IO, Env: h.Env, Context: context.Background(), Flags: deploy.Flags{Stack: "dev"},
				JSON: tt.json, ShowSecrets: tt.show})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(h.Out.String(), w) {
					t.Errorf("stdout:\n%s\nwant %q", h.Out.String(), w)
				}
			}
			if h.CredentialChecks != 0 {
				t.Error("outputs checked AWS credentials; it only reads state")
			}
		})
	}
}

func TestOutputsJSONRoundTripsToVerify(t *testing.T) {
	h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack})
	h.CLI.Stacks = map[string]bool{"dev": true}
	h.CLI.Outputs = deploytest.SampleOutputs()
	if err := outputsRun(&OutputsOptions{IO: h.IO, Env: h.Env, Context: context.Background(), Flags: deploy.Flags{Stack: "dev"}, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(h.Out.Bytes(), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, h.Out.String())
	}
	o, err := deploy.ParseOutputs(h.Out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if o.PeeringConnectionIDs["trading-analytics"] != "pcx-0123" || len(o.SubnetIDs["trading"]) != 2 {
		t.Errorf("parsed outputs = %+v", o)
	}
	if o.FlowLogIDs != nil || o.DashboardName != nil {
		t.Error("absent observability outputs must stay nil (so verify skips them)")
	}
}

func TestWriteTextFlattens(t *testing.T) {
	var b strings.Builder
	err := WriteText(&b, map[string]any{
		"dashboardName": "peerctl-dev",
		"endpointIds":   map[string]any{"trading": map[string]any{"s3": "vpce-1", "dynamodb": "vpce-2"}},
		"empty":         map[string]any{},
		"count":         3.0,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "count                         3\n" +
		"dashboardName                 peerctl-dev\n" +
		"empty                         {}\n" +
		"endpointIds.trading.dynamodb  vpce-2\n" +
		"endpointIds.trading.s3        vpce-1\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
