package deploy

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy/deploytest"
)

func TestConfirmDestroy(t *testing.T) {
	tests := []struct {
		name       string
		req        DestroyRequest
		input      string
		wantErr    error // nil: go ahead
		wantPrompt string
		wantMsg    string
	}{
		{name: "yes skips the question", req: DestroyRequest{Stack: "dev", Yes: true}},
		{name: "non-interactive without --yes refuses", req: DestroyRequest{Stack: "dev"},
			wantErr: cmdutil.ErrUsage, wantMsg: "pass --yes"},
		{name: "interactive y", req: DestroyRequest{Stack: "dev", Interactive: true, What: "31 resources"}, input: "y\n",
			wantPrompt: `Destroy stack "dev": 31 resources? [y/N] `},
		{name: "interactive yes without newline", req: DestroyRequest{Stack: "dev", Interactive: true}, input: "YES"},
		{name: "interactive enter means no", req: DestroyRequest{Stack: "dev", Interactive: true}, input: "\n",
			wantErr: cmdutil.ErrCancelled},
		{name: "interactive end of input means no", req: DestroyRequest{Stack: "dev", Interactive: true}, input: "",
			wantErr: cmdutil.ErrCancelled},
		{name: "prod without --yes refuses even on a terminal", req: DestroyRequest{Stack: "prod", Prod: true, Interactive: true},
			wantErr: cmdutil.ErrUsage, wantMsg: "pass --yes and type the stack name"},
		{name: "prod --yes without a terminal refuses", req: DestroyRequest{Stack: "prod", Prod: true, Yes: true},
			wantErr: cmdutil.ErrUsage, wantMsg: "--force-prod"},
		{name: "prod --yes and the name typed back", req: DestroyRequest{Stack: "prod", Prod: true, Yes: true, Interactive: true, What: "9 resources"},
			input: "prod\n", wantPrompt: "This destroys PRODUCTION stack \"prod\": 9 resources.\nType the stack name to confirm: "},
		{name: "prod --yes and a wrong name", req: DestroyRequest{Stack: "prod", Prod: true, Yes: true, Interactive: true},
			input: "y\n", wantErr: cmdutil.ErrCancelled, wantMsg: `typed "y", not "prod"`},
		{name: "prod --force-prod --yes unattended", req: DestroyRequest{Stack: "prod", Prod: true, ForceProd: true, Yes: true}},
		{name: "prod --force-prod without --yes unattended refuses", req: DestroyRequest{Stack: "prod", Prod: true, ForceProd: true},
			wantErr: cmdutil.ErrUsage},
		{name: "prod --force-prod on a terminal asks y/N", req: DestroyRequest{Stack: "prod", Prod: true, ForceProd: true, Interactive: true},
			input: "n\n", wantErr: cmdutil.ErrCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := ConfirmDestroy(tt.req, strings.NewReader(tt.input), &out)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantMsg)
			}
			if tt.wantPrompt != "" && out.String() != tt.wantPrompt {
				t.Errorf("prompt = %q, want %q", out.String(), tt.wantPrompt)
			}
			if !tt.req.Interactive && out.Len() > 0 {
				t.Errorf("prompted without a terminal: %q", out.String())
			}
		})
	}
}

func TestFindPulumi(t *testing.T) {
	notFound := func(string) (string, error) { return "", exec.ErrNotFound }
	found := func(string) (string, error) { return "/usr/local/bin/pulumi", nil }
	fake := &deploytest.CLI{}
	tests := []struct {
		name     string
		lookPath func(string) (string, error)
		newCmd   func(*auto.PulumiCommandOptions) (auto.PulumiCommand, error)
		wantErr  []string
		notInst  bool
	}{
		{
			name:     "not on PATH: install hint, never a download",
			lookPath: notFound,
			newCmd: func(*auto.PulumiCommandOptions) (auto.PulumiCommand, error) {
				t.Error("NewPulumiCommand called although pulumi is not on PATH")
				return nil, errors.New("unreachable")
			},
			wantErr: []string{"the Pulumi CLI is not installed", "curl -fsSL https://get.pulumi.com | sh", "peerctl plan\" works without it"},
			notInst: true,
		},
		{
			name:     "too old",
			lookPath: found,
			newCmd: func(*auto.PulumiCommandOptions) (auto.PulumiCommand, error) {
				return nil, errors.New("minimum version requirement failed")
			},
			wantErr: []string{"cannot be used: minimum version requirement failed"},
		},
		{
			name:     "found",
			lookPath: found,
			newCmd:   func(*auto.PulumiCommandOptions) (auto.PulumiCommand, error) { return fake, nil },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := FindPulumi(tt.lookPath, tt.newCmd)
			if len(tt.wantErr) == 0 {
				if err != nil || cmd != fake {
					t.Fatalf("FindPulumi = %v, %v", cmd, err)
				}
				return
			}
			if err == nil {
				t.Fatal("FindPulumi succeeded")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if errors.Is(err, ErrPulumiNotInstalled) != tt.notInst {
				t.Errorf("errors.Is(err, ErrPulumiNotInstalled) = %v, want %v", !tt.notInst, tt.notInst)
			}
		})
	}
}
