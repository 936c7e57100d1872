package destroy

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

func TestNewCmdDestroyFlags(t *testing.T) {
	h := cmdtest.New(t, nil)
	var got *DestroyOptions
	cmd := NewCmdDestroy(h.Factory(), func(o *DestroyOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-s", "prod", "-y", "--force-prod"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Flags.Stack != "prod" || !got.Yes || !got.ForceProd {
		t.Errorf("options = %+v", got)
	}
}

func TestDestroyRun(t *testing.T) {
	tests := []struct {
		name        string
		stack       string
		yes, force  bool
		interactive bool
		input       string
		wantErr     error
		wantMsg     string
		wantDestroy bool
		// wantNoWork: refused before the CLI was even looked for.
		wantNoWork bool
		// wantNoPreview: refused before the deletion was even previewed.
		wantNoPreview bool
		wantPrompt    string
		// vars are added to the environment; files replace stack files.
		vars  map[string]string
		files map[string]string
		// outputs are the deployed stack's outputs.
		outputs map[string]any
		// promptTTY: stdin and stderr are a terminal but stdout is not
		// (destroy > log), so cmdutil's IsInteractive says no.
		promptTTY bool
	}{
		{name: "non-interactive without --yes refuses before any work", stack: "dev",
			wantErr: cmdutil.ErrUsage, wantMsg: "pass --yes", wantNoWork: true},
		{name: "--yes destroys", stack: "dev", yes: true, wantDestroy: true},
		{name: "terminal, answered y", stack: "dev", interactive: true, input: "y\n", wantDestroy: true,
			wantPrompt: `Destroy stack "dev": delete 3 resources in trading 111111111111, analytics 222222222222? [y/N]`},
		{name: "terminal, answered n", stack: "dev", interactive: true, input: "n\n", wantErr: cmdutil.ErrCancelled},
		{name: "prod with --yes but no terminal refuses", stack: "prod", yes: true,
			wantErr: cmdutil.ErrUsage, wantMsg: "--force-prod", wantNoWork: true},
		{name: "prod on a terminal without --yes refuses", stack: "prod", interactive: true, input: "prod\n",
			wantErr: cmdutil.ErrUsage, wantMsg: "pass --yes and type the stack name", wantNoWork: true},
		{name: "prod --yes and the name typed back", stack: "prod", yes: true, interactive: true, input: "prod\n", wantDestroy: true,
			wantPrompt: "This destroys PRODUCTION stack \"prod\""},
		{name: "prod --yes and the wrong name", stack: "prod", yes: true, interactive: true, input: "dev\n", wantErr: cmdutil.ErrCancelled},
		{name: "prod --yes --force-prod unattended", stack: "prod", yes: true, force: true, wantDestroy: true},
		{name: "a prod environment under another stack name is prod", stack: "live", yes: true,
			wantErr: cmdutil.ErrUsage, wantNoWork: true},
		{name: "missing stack is not created", stack: "qa", yes: true, wantMsg: `stack "qa" does not exist in backend`},
		{name: "ENVIRONMENT_SUFFIX=dev does not make a prod stack file dev", stack: "live", yes: true,
			vars:    map[string]string{"ENVIRONMENT_SUFFIX": "dev"},
			wantErr: cmdutil.ErrUsage, wantMsg: `refusing to destroy production stack "live" (Pulumi.live.yaml sets peerctl:environment: prod) without a terminal`,
			wantNoWork: true},
		{name: "ENVIRONMENT_SUFFIX=dev on the prod stack", stack: "prod", yes: true,
			vars:    map[string]string{"ENVIRONMENT_SUFFIX": "dev"},
			wantErr: cmdutil.ErrUsage, wantMsg: `(the stack is named "prod"; Pulumi.prod.yaml sets peerctl:environment: prod)`,
			wantNoWork: true},
		{name: "ENVIRONMENT_SUFFIX=prod makes a dev stack prod", stack: "dev", yes: true,
			vars:    map[string]string{"ENVIRONMENT_SUFFIX": "prod"},
			wantErr: cmdutil.ErrUsage, wantMsg: `(the environment is prod (from ENVIRONMENT_SUFFIX))`, wantNoWork: true},
		{name: "a stack named prod is prod whatever its file says", stack: "prod", yes: true,
			files:   map[string]string{"prod": cmdtest.DevStack},
			wantErr: cmdutil.ErrUsage, wantMsg: `(the stack is named "prod")`, wantNoWork: true},
		{name: "a deployed prod environment is prod", stack: "dev", yes: true,
			outputs: map[string]any{"environment": "prod"},
			wantErr: cmdutil.ErrUsage, wantMsg: `(its deployed resources are environment prod (stack output environment)) without a terminal`,
			wantNoPreview: true},
		{name: "a deployed prod environment needs the name typed back", stack: "dev", yes: true, interactive: true, input: "dev\n",
			outputs: map[string]any{"environment": "prod"}, wantDestroy: true, wantPrompt: `This destroys PRODUCTION stack "dev"`},
		{name: "a deployed prod environment with --force-prod", stack: "dev", yes: true, force: true,
			outputs: map[string]any{"environment": "prod"}, wantDestroy: true},
		{name: "stdout redirected on a terminal still asks on stderr", stack: "dev", promptTTY: true, input: "y\n",
			wantDestroy: true, wantPrompt: `Destroy stack "dev": delete 3 resources in trading 111111111111, analytics 222222222222? [y/N]`},
		{name: "prod --yes with stdout redirected on a terminal asks for the name", stack: "prod", yes: true, promptTTY: true, input: "prod\n",
			wantDestroy: true, wantPrompt: `This destroys PRODUCTION stack "prod"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"dev": cmdtest.DevStack, "prod": cmdtest.ProdStack,
				"live": cmdtest.ProdStack, "qa": cmdtest.DevStack}
			maps.Copy(files, tt.files)
			h := cmdtest.New(t, files)
			maps.Copy(h.Vars, tt.vars)
			h.CLI.Events = deploytest.Scenario()
			h.CLI.Stacks = map[string]bool{"dev": true, "prod": true, "live": true}
			h.CLI.Outputs = tt.outputs
			if tt.interactive {
				h.Interactive(tt.input)
			}
			if tt.promptTTY {
				h.IO.In = strings.NewReader(tt.input)
				h.Env.CanPrompt = func() bool { return true }
			}
			err := destroyRun(&DestroyOptions{IO: h.IO, Env: h.Env, Context: context.Background(),
				Flags: deploy.Flags{Stack: tt.stack}, Yes: tt.yes, ForceProd: tt.force})
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			case tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)):
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantMsg)
			case tt.wantErr == nil && tt.wantMsg == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			}
			destroyed := false
			for _, c := range h.CLI.Calls() {
				if c.Args[0] == "destroy" && !strings.Contains(strings.Join(c.Args, " "), "--preview-only") {
					destroyed = true
				}
			}
			if destroyed != tt.wantDestroy {
				t.Errorf("destroyed = %v, want %v", destroyed, tt.wantDestroy)
			}
			if tt.wantNoPreview && h.CLI.Ran("destroy") {
				t.Error("the deletion was previewed before the refusal")
			}
			if h.PreflightChecks > 0 {
				t.Error("destroy ran the pre-flight check of preview and up")
			}
			if tt.wantNoWork && (h.PulumiLookups > 0 || h.CredentialChecks > 0) {
				t.Errorf("refusal came after work: %d CLI lookups, %d credential checks", h.PulumiLookups, h.CredentialChecks)
			}
			if h.CLI.Ran("stack init") {
				t.Error("destroy created a stack")
			}
			if !strings.Contains(h.ErrOut.String(), tt.wantPrompt) {
				t.Errorf("stderr:\n%s\nwant prompt %q", h.ErrOut.String(), tt.wantPrompt)
			}
			if tt.wantDestroy && !strings.Contains(h.Out.String(), "[3/3] deleted") {
				t.Errorf("stdout:\n%s\nwant progress lines", h.Out.String())
			}
		})
	}
}
