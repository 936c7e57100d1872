package deploy

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

// testEnv is an Env over a temporary project directory and a fake CLI; it
// records the order in which Prepare consulted its parts.
type testEnv struct {
	Env
	dir   string
	cli   *deploytest.CLI
	out   *bytes.Buffer
	errb  *bytes.Buffer
	steps []string
}

func newTestEnv(t *testing.T, env map[string]string) *testEnv {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Pulumi.yaml"), "name: peerctl\nruntime: go\n")
	writeFile(t, filepath.Join(dir, "Pulumi.dev.yaml"), "config: {}\n")
	te := &testEnv{dir: dir, cli: &deploytest.CLI{}, out: &bytes.Buffer{}, errb: &bytes.Buffer{}}
	cfg, err := config.Parse(config.Raw{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	te.Env = Env{
		IO:     &cmdutil.IOStreams{In: strings.NewReader(""), Out: te.out, ErrOut: te.errb, IsInteractive: func() bool { return false }},
		Getenv: envMap(env),
		ProjectDir: func() (string, error) {
			te.steps = append(te.steps, "project")
			return dir, nil
		},
		StackConfig: func(stack, file string) (*config.Config, error) {
			te.steps = append(te.steps, "config")
			return cfg, nil
		},
		Pulumi: func() (auto.PulumiCommand, error) {
			te.steps = append(te.steps, "pulumi")
			return te.cli, nil
		},
		Credentials: func(ctx context.Context, c *config.Config) ([]awsauth.Identity, error) {
			te.steps = append(te.steps, "credentials")
			return []awsauth.Identity{{Network: "trading", Account: "111111111111"}}, nil
		},
		Preflight: func(ctx context.Context, c *config.Config, ids []awsauth.Identity) error {
			te.steps = append(te.steps, fmt.Sprintf("preflight(%d ids)", len(ids)))
			return nil
		},
	}
	return te
}

var withPassphrase = map[string]string{EnvPassphrase: "test"}
