package deploy

import (
	"errors"
	"fmt"
	"os/exec"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// ErrPulumiNotInstalled means the Pulumi CLI, which runs the deployment
// engine, is not on PATH. peerctl never downloads it.
var ErrPulumiNotInstalled = errors.New("the Pulumi CLI is not installed")

// InstallHint says how to install the Pulumi CLI.
const InstallHint = `peerctl drives the Pulumi CLI to deploy; "peerctl plan" works without it.
Install it, make sure "pulumi" is on PATH, and run the command again:
  curl -fsSL https://get.pulumi.com | sh        # Linux, macOS
  brew install pulumi/tap/pulumi                 # Homebrew
  choco install pulumi                           # Windows
or see https://www.pulumi.com/docs/install/`

// FindPulumi returns the Pulumi CLI on PATH. lookPath is exec.LookPath in
// production; newCommand is auto.NewPulumiCommand, which runs
// `pulumi version` and checks the minimum version the Automation API needs.
//
// The command returned is a *Command running that CLI, which stops it
// gently on Ctrl-C; newCommand only vouches for its version.
func FindPulumi(lookPath func(string) (string, error), newCommand func(*auto.PulumiCommandOptions) (auto.PulumiCommand, error)) (auto.PulumiCommand, error) {
	path, err := lookPath("pulumi")
	if err != nil {
		return nil, fmt.Errorf("%w (%v)\n%s", ErrPulumiNotInstalled, err, InstallHint)
	}
	checked, err := newCommand(&auto.PulumiCommandOptions{})
	if errors.Is(err, exec.ErrNotFound) {
		return nil, fmt.Errorf("%w (%v)\n%s", ErrPulumiNotInstalled, err, InstallHint)
	}
	if err != nil {
		return nil, fmt.Errorf("the Pulumi CLI on PATH cannot be used: %w\n%s", err, InstallHint)
	}
	return &Command{Path: path, CLIVersion: checked.Version()}, nil
}

// DefaultPulumi finds the Pulumi CLI on PATH.
func DefaultPulumi() (auto.PulumiCommand, error) {
	return FindPulumi(exec.LookPath, auto.NewPulumiCommand)
}
