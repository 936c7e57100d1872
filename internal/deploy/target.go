package deploy

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

// DefaultStack is the stack the commands use without --stack or --config.
const DefaultStack = "dev"

// Flags are the flags every deploy command has.
type Flags struct {
	Stack string
	// StackSet says --stack was given on the command line, so that a
	// --config file of another stack is a mistake to report, not a default
	// to override.
	StackSet bool
	// ConfigFile is --config: the stack file, anywhere (no project needed).
	ConfigFile string
	Backend    string
}

// AddFlags registers --stack, --config and --backend, and records whether
// --stack was given (see Flags.StackSet) before the command runs.
func AddFlags(cmd *cobra.Command, fl *Flags) {
	cmd.Flags().StringVarP(&fl.Stack, "stack", "s", DefaultStack, "stack to operate on (its settings are in Pulumi.<stack>.yaml)")
	cmd.Flags().StringVar(&fl.ConfigFile, "config", "", "read the stack settings from this file instead of the project's Pulumi.<stack>.yaml (the stack name comes from its Pulumi.<stack>.yaml name)")
	cmd.Flags().StringVar(&fl.Backend, "backend", "", "state backend URL (file://, s3://, https://api.pulumi.com); default $"+EnvBackendURL+", else file://<dir of the stack file>/"+StateDir)
	previous := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		fl.StackSet = cmd.Flags().Changed("stack")
		if previous != nil {
			return previous(cmd, args)
		}
		return nil
	}
}

// Target is the stack a command works on and the file that configures it.
type Target struct {
	Stack string
	// File is the stack file: Pulumi.<stack>.yaml in the project, or --config.
	File string
	// Dir is the directory of File.
	Dir string
}

// ResolveTarget names the stack and its file. Without --config the file is
// Pulumi.<stack>.yaml in the project directory. With --config the stack
// name is the <stack> of a Pulumi.<stack>.yaml file name, or --stack for a
// file named otherwise; an explicit --stack that names another stack than
// the file is refused rather than guessed between, since the stack name
// picks the state that up and destroy change.
func ResolveTarget(env Env, fl Flags) (Target, error) {
	if fl.ConfigFile == "" {
		if fl.Stack == "" {
			return Target{}, usagef("--stack must not be empty")
		}
		dir, err := env.ProjectDir()
		if err != nil {
			return Target{}, err
		}
		return Target{Stack: fl.Stack, File: filepath.Join(dir, config.StackFileName(fl.Stack)), Dir: dir}, nil
	}
	file, err := filepath.Abs(fl.ConfigFile)
	if err != nil {
		return Target{}, fmt.Errorf("--config %s: %w", fl.ConfigFile, err)
	}
	named := cmdutil.StackFromFile(file, "")
	stack := named
	switch {
	case named != "" && fl.StackSet && fl.Stack != named:
		return Target{}, usagef("--stack %q does not match --config %s, the stack file of stack %q: drop --stack, or name the file %s",
			fl.Stack, fl.ConfigFile, named, config.StackFileName(fl.Stack))
	case named == "" && !fl.StackSet:
		return Target{}, usagef("--config %s: the stack name cannot be told from the file name; name the file Pulumi.<stack>.yaml or pass --stack",
			fl.ConfigFile)
	case named == "":
		stack = fl.Stack
	}
	if stack == "" {
		return Target{}, usagef("--stack must not be empty")
	}
	return Target{Stack: stack, File: file, Dir: filepath.Dir(file)}, nil
}

// LoadTarget resolves the target and loads and validates its configuration,
// exactly as `peerctl plan` does with the same flags.
func LoadTarget(env Env, fl Flags) (Target, *config.Config, error) {
	t, err := ResolveTarget(env, fl)
	if err != nil {
		return Target{}, nil, err
	}
	file := ""
	if fl.ConfigFile != "" {
		file = t.File
	}
	cfg, err := env.StackConfig(t.Stack, file)
	if err != nil {
		return Target{}, nil, err
	}
	return t, cfg, nil
}
