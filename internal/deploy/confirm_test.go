package deploy

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
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
				// The CLI found runs under peerctl's own runner, at the
				// version the SDK's check vouched for.
				c, ok := cmd.(*Command)
				if err != nil || !ok || c.Path != "/usr/local/bin/pulumi" || !c.Version().EQ(fake.Version()) {
					t.Fatalf("FindPulumi = %#v, %v", cmd, err)
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

func TestCanPrompt(t *testing.T) {
	pipe := func() (*os.File, *os.File) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		return r, w
	}
	stdin, _ := pipe()
	stdout, stderr := pipe()
	tests := []struct {
		name      string
		terminals []*os.File
		streams   *cmdutil.IOStreams
		want      bool
	}{
		{name: "stdin and stderr on a terminal, stdout to a file (destroy > log)", terminals: []*os.File{stdin, stderr}, want: true},
		{name: "everything on a terminal", terminals: []*os.File{stdin, stdout, stderr}, want: true},
		{name: "stdin not a terminal (CI)", terminals: []*os.File{stdout, stderr}},
		{name: "stderr not a terminal (2> log): nobody sees the question", terminals: []*os.File{stdin, stdout}},
		{name: "streams that are not files", streams: &cmdutil.IOStreams{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: &strings.Builder{},
			IsInteractive: func() bool { return true }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams := tt.streams
			if streams == nil {
				streams = &cmdutil.IOStreams{In: stdin, Out: stdout, ErrOut: stderr}
			}
			isTerminal := func(fd uintptr) bool {
				return slices.ContainsFunc(tt.terminals, func(f *os.File) bool { return f.Fd() == fd })
			}
			if got := canPrompt(streams, isTerminal); got != tt.want {
				t.Errorf("canPrompt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEnvInteractive(t *testing.T) {
	no := func() bool { return false }
	yes := func() bool { return true }
	tests := []struct {
		name string
		env  Env
		want bool
	}{
		{name: "the prompt check decides, not stdout", env: Env{IO: &cmdutil.IOStreams{IsInteractive: no}, CanPrompt: yes}, want: true},
		{name: "no prompt check: the streams say", env: Env{IO: &cmdutil.IOStreams{IsInteractive: yes}}, want: true},
		{name: "nothing says yes", env: Env{IO: &cmdutil.IOStreams{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.env.Interactive(); got != tt.want {
				t.Errorf("Interactive = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProductionReasons(t *testing.T) {
	tests := []struct {
		name   string
		stack  string
		file   string // peerctl:environment in the stack file, "" for none
		suffix string // ENVIRONMENT_SUFFIX
		want   []string
	}{
		{name: "dev", stack: "dev", file: "dev"},
		{name: "no environment set", stack: "dev"},
		{name: "the stack file says prod", stack: "live", file: "prod", want: []string{"Pulumi.live.yaml sets peerctl:environment: prod"}},
		{name: "ENVIRONMENT_SUFFIX cannot make a prod stack file dev", stack: "live", file: "prod", suffix: "dev",
			want: []string{"Pulumi.live.yaml sets peerctl:environment: prod"}},
		{name: "ENVIRONMENT_SUFFIX=prod", stack: "dev", file: "dev", suffix: "prod",
			want: []string{"the environment is prod (from ENVIRONMENT_SUFFIX)"}},
		{name: "the stack named prod", stack: "prod", file: "dev", want: []string{`the stack is named "prod"`}},
		{name: "all of them", stack: "prod", file: "prod", suffix: "prod", want: []string{`the stack is named "prod"`,
			"Pulumi.prod.yaml sets peerctl:environment: prod", "the environment is prod (from ENVIRONMENT_SUFFIX)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := "config: {}\n"
			if tt.file != "" {
				content = "config:\n  peerctl:environment: " + tt.file + "\n"
			}
			path := filepath.Join(t.TempDir(), config.StackFileName(tt.stack))
			writeFile(t, path, content)
			raw, err := config.LoadStackFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(raw, envMap(map[string]string{config.EnvEnvironmentSuffix: tt.suffix}))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ProductionReasons(tt.stack, path, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("reasons = %q, want %q", got, tt.want)
			}
		})
	}
}
