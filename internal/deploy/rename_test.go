package deploy

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

func TestConfirmRename(t *testing.T) {
	overridden := &config.Config{Environment: "qa", StackEnvironment: "prod", EnvironmentSource: config.EnvEnvironmentSuffix}
	fromFile := &config.Config{Environment: "staging", StackEnvironment: "staging", EnvironmentSource: "peerctl:environment"}
	const refusal = `refusing to deploy: ENVIRONMENT_SUFFIX=qa renames every resource of stack "prod" from environment prod to qa, and AWS replaces them ` +
		`(new VPCs, subnets, buckets, roles and log groups; the old ones are deleted); pass --rename-environment to do that, or unset ENVIRONMENT_SUFFIX to update the stack as deployed`
	tests := []struct {
		name        string
		req         RenameRequest
		answer      string
		wantErr     string
		wantIs      error
		wantPrompts bool
	}{
		{name: "a first deploy renames nothing", req: RenameRequest{Stack: "prod", Config: overridden}},
		{name: "the override equals what is deployed", req: RenameRequest{Stack: "prod", Deployed: "qa", Config: overridden}},
		{name: "back to the stack file's name without the variable", req: RenameRequest{Stack: "staging", Deployed: "qa", Config: fromFile},
			wantErr: `refusing to deploy: the stack file's environment staging renames every resource of stack "staging" from environment qa to staging, and AWS replaces them ` +
				`(new VPCs, subnets, buckets, roles and log groups; the old ones are deleted); pass --rename-environment to do that, or set ENVIRONMENT_SUFFIX=qa to update the stack as deployed`,
			wantIs: cmdutil.ErrUsage},
		{name: "the stack file's own environment is deployed", req: RenameRequest{Stack: "staging", Deployed: "staging", Config: fromFile}},
		{name: "confirmed with the flag", req: RenameRequest{Stack: "prod", Deployed: "prod", Config: overridden, Confirmed: true}},
		{name: "no terminal", req: RenameRequest{Stack: "prod", Deployed: "prod", Config: overridden},
			wantErr: refusal, wantIs: cmdutil.ErrUsage},
		{name: "the new name typed", req: RenameRequest{Stack: "prod", Deployed: "prod", Config: overridden, Interactive: true},
			answer: "qa\n", wantPrompts: true},
		{name: "another answer", req: RenameRequest{Stack: "prod", Deployed: "prod", Config: overridden, Interactive: true},
			answer: "y\n", wantPrompts: true, wantErr: `typed "y", not "qa"; nothing changed: cancelled`, wantIs: cmdutil.ErrCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := ConfirmRename(tt.req, strings.NewReader(tt.answer), &out)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("err = %q\nwant  %q", got, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(err, %v) = false", tt.wantIs)
			}
			if prompted := strings.Contains(out.String(), "Type the new environment name (qa) to go ahead: "); prompted != tt.wantPrompts {
				t.Errorf("prompted = %v, want %v (%q)", prompted, tt.wantPrompts, out.String())
			}
		})
	}
}
