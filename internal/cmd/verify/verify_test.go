package verify

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
	"github.com/peerctl/peerctl/internal/verify"
)

func TestNewCmdVerifyFlags(t *testing.T) {
	h := cmdtest.New(t, nil)
	var got *VerifyOptions
	cmd := NewCmdVerify(h.Factory(), func(o *VerifyOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--outputs", "o.json", "--json", "--no-probe", "--strict", "--alarm-grace", "1h", "-s", "prod"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.OutputsFile != "o.json" || !got.JSON || !got.NoProbe || !got.Strict || got.AlarmGrace != time.Hour || got.Flags.Stack != "prod" {
		t.Errorf("options = %+v", got)
	}
	if got.Run == nil || got.Clients == nil {
		t.Error("production Run and Clients not set")
	}
}

// fakeRun records the options verify.Run was given and returns results.
type fakeRun struct {
	results []verify.Result
	got     *verify.Options
}

func (f *fakeRun) run(ctx context.Context, o verify.Options) []verify.Result {
	f.got = &o
	return f.results
}

func writeOutputs(t *testing.T, dir string, outputs map[string]any) string {
	t.Helper()
	b, err := json.Marshal(outputs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "outputs.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerifyRun(t *testing.T) {
	pass := []verify.Result{{Check: verify.CheckPeeringStatus, Subject: "trading-analytics (pcx-0123)", Status: verify.Pass, Detail: "active"}}
	wait := append(pass, verify.Result{Check: verify.CheckConfigRules, Subject: "trading dns", Status: verify.Wait, Detail: "no data yet"})
	fail := append(pass, verify.Result{Check: verify.CheckRoutes, Subject: "analytics rtb-a1", Status: verify.Fail, Detail: "no route"})
	tests := []struct {
		name      string
		results   []verify.Result
		fromFile  bool
		json      bool
		noProbe   bool
		strict    bool
		credErr   error
		wantErr   error
		wantMsg   string
		wantOut   []string
		wantProbe bool
		wantNoRun bool
		wantNoCLI bool
	}{
		{name: "all pass, outputs from the stack", results: pass, wantProbe: true,
			wantOut: []string{"peering-status  trading-analytics (pcx-0123)  PASS    active", "1 passed, 0 failed"}},
		{name: "outputs file needs no Pulumi CLI", results: pass, fromFile: true, wantNoCLI: true, wantProbe: true},
		{name: "a failure exits with ErrVerifyFailed", results: fail, wantErr: cmdutil.ErrVerifyFailed, wantMsg: "1 of 2 checks did not pass"},
		{name: "waiting passes", results: wait},
		{name: "waiting fails with --strict", results: wait, strict: true, wantErr: cmdutil.ErrVerifyFailed},
		{name: "json for CI", results: fail, json: true, wantErr: cmdutil.ErrVerifyFailed, wantOut: []string{`"passed": false`, `"check": "routes"`}},
		{name: "--no-probe", results: pass, noProbe: true},
		{name: "credentials are checked before any check runs", results: pass, wantNoRun: true,
			credErr: &awsauth.CredentialsError{Problems: []awsauth.Problem{{Network: "trading", Credentials: "profile trading-dev", Reason: "expired"}}},
			wantErr: awsauth.ErrCredentials, wantMsg: `network "trading" (profile trading-dev): expired`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, fr, opts := newVerifyHarness(t, tt.credErr, tt.results)
			opts.Flags = deploy.Flags{Stack: "dev"}
			opts.JSON, opts.NoProbe, opts.Strict = tt.json, tt.noProbe, tt.strict
			if tt.fromFile {
				opts.OutputsFile = writeOutputs(t, h.Dir, deploytest.SampleOutputs())
			}
			err := verifyRun(opts)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			case tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)):
				t.Fatalf("err = %v, want %q", err, tt.wantMsg)
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != nil && errors.Is(tt.wantErr, cmdutil.ErrVerifyFailed) && cmdutil.ExitCode(err) != cmdutil.ExitVerify {
				t.Errorf("exit code %d, want %d", cmdutil.ExitCode(err), cmdutil.ExitVerify)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(h.Out.String(), w) {
					t.Errorf("stdout:\n%s\nwant %q", h.Out.String(), w)
				}
			}
			if tt.wantNoRun {
				if fr.got != nil {
					t.Error("checks ran despite the credentials failure")
				}
				return
			}
			if fr.got == nil {
				t.Fatal("checks did not run")
			}
			if fr.got.Probe == tt.noProbe {
				t.Errorf("Probe = %v with --no-probe=%v", fr.got.Probe, tt.noProbe)
			}
			if fr.got.Outputs.PeeringConnectionIDs["trading-analytics"] != "pcx-0123" || fr.got.Config.Networks[0].Account.ID != "111111111111" {
				t.Errorf("checks got outputs %+v and config %+v", fr.got.Outputs, fr.got.Config)
			}
			if fr.got.AlarmGrace != time.Minute {
				t.Errorf("AlarmGrace = %v", fr.got.AlarmGrace)
			}
			if tt.wantNoCLI && h.PulumiLookups > 0 {
				t.Error("the Pulumi CLI was looked for although the outputs came from a file")
			}
		})
	}
}

// newVerifyHarness is the dev project with a deployed stack and its
// outputs, credentials failing with credErr (nil: they work), and a fake
// run returning results; the caller sets the flags.
func newVerifyHarness(t *testing.T, credErr error, results []verify.Result) (*cmdtest.Harness, *fakeRun, *VerifyOptions) {
	t.Helper()
	h := cmdtest.New(t, map[string]string{"dev": cmdtest.DevStack})
	h.CLI.Stacks = map[string]bool{"dev": true}
	h.CLI.Outputs = deploytest.SampleOutputs()
	h.CredentialsErr = credErr
	fr := &fakeRun{results: results}
	opts := &VerifyOptions{IO: h.IO, Env: h.Env, Context: context.Background(), Run: fr.run,
		Clients: func(context.Context, *config.Config) (map[string]verify.Clients, error) {
			return map[string]verify.Clients{"trading": {}, "analytics": {}}, nil
		},
		AlarmGrace: time.Minute}
	return h, fr, opts
}
