// Package cmdtest sets up the deploy commands for tests: a project
// directory with stack files, IO buffers, a fake Pulumi CLI and fake
// credential checks, wired into a deploy.Env.
package cmdtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

// DevStack is a two-account stack file using profiles.
const DevStack = `config:
  peerctl:environment: dev
  peerctl:networks:
    - name: trading
      cidr: 10.0.0.0/16
      costCenter: trading
      account: {id: "111111111111", profile: trading-dev}
    - name: analytics
      cidr: 10.1.0.0/16
      costCenter: analytics
      account: {id: "222222222222", profile: analytics-dev}
`

// ProdStack is DevStack in the prod environment.
var ProdStack = strings.Replace(DevStack, "environment: dev", "environment: prod", 1)

// Harness is a deploy.Env over a temporary project.
type Harness struct {
	Env    deploy.Env
	IO     *cmdutil.IOStreams
	Out    *bytes.Buffer
	ErrOut *bytes.Buffer
	CLI    *deploytest.CLI
	Dir    string
	// Vars is the environment the commands see.
	Vars map[string]string
	// PulumiErr, when set, is what looking for the CLI returns.
	PulumiErr error
	// CredentialsErr, when set, is what the credentials check returns.
	CredentialsErr error
	// PreflightErr, when set, is what the pre-flight check returns.
	PreflightErr error
	// PulumiLookups, CredentialChecks and PreflightChecks count the calls.
	PulumiLookups    int
	CredentialChecks int
	PreflightChecks  int
	// PreflightIdentities are the identities the last pre-flight check got.
	PreflightIdentities []awsauth.Identity
}

// New writes Pulumi.yaml and the given stack files (name -> content) and
// returns a harness with PULUMI_CONFIG_PASSPHRASE set.
func New(t *testing.T, stacks map[string]string) *Harness {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", "name: peerctl\nruntime: go\n")
	for name, content := range stacks {
		write(config.StackFileName(name), content)
	}
	h := &Harness{
		Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, CLI: &deploytest.CLI{}, Dir: dir,
		Vars: map[string]string{deploy.EnvPassphrase: "test-passphrase"},
	}
	h.IO = &cmdutil.IOStreams{In: strings.NewReader(""), Out: h.Out, ErrOut: h.ErrOut, IsInteractive: func() bool { return false }}
	f := &cmdutil.Factory{
		IO:      h.IO,
		Getenv:  func(k string) (string, bool) { v, ok := h.Vars[k]; return v, ok },
		WorkDir: func() (string, error) { return dir, nil },
	}
	h.Env = deploy.Env{
		IO:          h.IO,
		Getenv:      f.Getenv,
		ProjectDir:  f.ProjectDir,
		StackConfig: f.StackConfig,
		Pulumi: func() (auto.PulumiCommand, error) {
			h.PulumiLookups++
			if h.PulumiErr != nil {
				return nil, h.PulumiErr
			}
			return h.CLI, nil
		},
		Credentials: func(ctx context.Context, cfg *config.Config) ([]awsauth.Identity, error) {
			h.CredentialChecks++
			if h.CredentialsErr != nil {
				return nil, h.CredentialsErr
			}
			var ids []awsauth.Identity
			for _, n := range cfg.Networks {
				ids = append(ids, awsauth.Identity{Network: n.Name, Account: n.Account.ExpectedID()})
			}
			return ids, nil
		},
		Preflight: func(ctx context.Context, cfg *config.Config, ids []awsauth.Identity) error {
			h.PreflightChecks++
			h.PreflightIdentities = ids
			return h.PreflightErr
		},
	}
	return h
}

// Factory returns a factory over the harness's IO and project, for the
// NewCmd functions.
func (h *Harness) Factory() *cmdutil.Factory {
	return &cmdutil.Factory{
		IO:      h.IO,
		Getenv:  h.Env.Getenv,
		WorkDir: func() (string, error) { return h.Dir, nil },
	}
}

// Interactive makes the harness a terminal on which input is typed.
func (h *Harness) Interactive(input string) {
	h.IO.In = strings.NewReader(input)
	h.IO.IsInteractive = func() bool { return true }
}
