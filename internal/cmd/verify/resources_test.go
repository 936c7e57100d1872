package verify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
	"github.com/peerctl/peerctl/internal/verify"
)

type fakeExporter struct {
	dep apitype.UntypedDeployment
	err error
}

func (f fakeExporter) Export(context.Context) (apitype.UntypedDeployment, error) { return f.dep, f.err }

func TestStackResources(t *testing.T) {
	state := json.RawMessage(`{"resources": [
	  {"urn": "urn:pulumi:dev::peerctl::aws:ec2/defaultSecurityGroup:DefaultSecurityGroup::trading-default-sg",
	   "custom": true, "id": "sg-0default", "type": "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"}]}`)
	got, err := stackResources(context.Background(), fakeExporter{dep: apitype.UntypedDeployment{Version: 3, Deployment: state}})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Has("AWS::EC2::SecurityGroup", "sg-0default") || got.Source != verify.SourceState {
		t.Errorf("resources %+v lack the adopted default security group", got)
	}
	boom := errors.New("boom")
	if _, err := stackResources(context.Background(), fakeExporter{err: boom}); !errors.Is(err, boom) {
		t.Errorf("err = %v, want it to wrap %v", err, boom)
	}
}

// TestVerifyWithoutStateExport: a state that cannot be exported is a
// warning, and the checks run on the outputs.
func TestVerifyWithoutStateExport(t *testing.T) {
	h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack})
	h.CLI.Stacks = map[string]bool{"dev": true}
	h.CLI.Outputs = deploytest.SampleOutputs() // the fake CLI has no `stack export`
	fr := &fakeRun{}
	opts := &VerifyOptions{IO: h.IO, Env: h.Env, Context: context.Background(), Run: fr.run,
		Clients: func(context.Context, *config.Config) (map[string]verify.Clients, error) {
			return map[string]verify.Clients{"trading": {}, "analytics": {}}, nil
		},
		Flags: deploy.Flags{Stack: "dev"}, AlarmGrace: time.Minute}
	if err := verifyRun(opts); err != nil {
		t.Fatal(err)
	}
	if fr.got == nil || fr.got.Resources != nil {
		t.Fatalf("checks ran with %+v, want no state resources", fr.got)
	}
	if !strings.Contains(h.ErrOut.String(), "warning: pulumi stack export") {
		t.Errorf("stderr:\n%s\nwant a warning about the state", h.ErrOut.String())
	}
}
