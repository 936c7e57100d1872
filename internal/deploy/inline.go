package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/stack"
)

// DefaultProjectFile is the project file of a workspace whose stack file
// has no Pulumi.yaml beside it (a released binary run with --config). Its
// name is the project's, so the stacks are the ones `pulumi up` from the
// project directory uses; the runtime is not used by an inline program.
const DefaultProjectFile = "name: peerctl\nruntime: go\ndescription: Secure cross-account VPC peering\n"

// Program is the Pulumi program the deploy commands run inline: the same
// stack.Define that main.go runs under `pulumi up`, on the configuration
// peerctl validated (the engine's copy of the stack config is not read
// again).
func Program(cfg *config.Config) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := stack.Define(ctx, cfg)
		return err
	}
}

// secretsKeys are the stack-file settings `pulumi stack init` writes for
// the stack's secrets provider; without them the stack's secrets cannot be
// read again.
var secretsKeys = []string{"secretsprovider", "encryptionsalt", "encryptedkey"}

// newWorkspace makes the Automation API workspace of the session: a
// temporary directory with the project file (the one beside the stack
// file, else DefaultProjectFile) and a copy of the stack file, and the
// program inline. The CLI runs there and never in the user's directory, so
// no Go toolchain, source checkout or language plugin is needed, and the
// user's files are only ever changed by syncSecrets.
func (s *Session) newWorkspace(ctx context.Context, secretsProvider string) (auto.Workspace, error) {
	if s.workDir == "" {
		dir, err := os.MkdirTemp("", "peerctl-workspace-")
		if err != nil {
			return nil, fmt.Errorf("creating the workspace: %w", err)
		}
		s.workDir = dir
	}
	project, err := os.ReadFile(filepath.Join(s.ProjectDir, cmdutil.ProjectFile))
	if errors.Is(err, fs.ErrNotExist) {
		project, err = []byte(DefaultProjectFile), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the project file: %w", err)
	}
	stackData, err := os.ReadFile(s.StackFile)
	if err != nil {
		return nil, fmt.Errorf("reading the stack file: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.workDir, cmdutil.ProjectFile), project, 0o600); err != nil {
		return nil, fmt.Errorf("creating the workspace: %w", err)
	}
	if err := os.WriteFile(s.workStackFile(), stackData, 0o600); err != nil {
		return nil, fmt.Errorf("creating the workspace: %w", err)
	}
	opts := []auto.LocalWorkspaceOption{
		auto.WorkDir(s.workDir), auto.Program(Program(s.Config)), auto.Pulumi(s.Pulumi), auto.EnvVars(s.envVars()),
	}
	if secretsProvider != "" {
		opts = append(opts, auto.SecretsProvider(secretsProvider))
	}
	lw, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		return nil, EngineError(ctx, "open workspace", s, err)
	}
	return projectWorkspace{Workspace: lw, secretsProvider: secretsProvider, created: s.syncSecrets}, nil
}

func (s *Session) workStackFile() string {
	return filepath.Join(s.workDir, config.StackFileName(s.StackName))
}

// Close removes the workspace OpenStack made.
func (s *Session) Close() error {
	if s.workDir == "" {
		return nil
	}
	err := os.RemoveAll(s.workDir)
	s.workDir = ""
	return err
}

// syncSecrets copies the secrets settings `pulumi stack init` wrote into
// the workspace's stack file (the passphrase salt, the provider) to the
// user's stack file, as `pulumi stack init` in the project directory would
// have: appended, so the user's comments and layout stay as they were.
func (s *Session) syncSecrets() error {
	written, err := topLevel(s.workStackFile())
	if err != nil {
		return err
	}
	mine, err := topLevel(s.StackFile)
	if err != nil {
		return err
	}
	var add bytes.Buffer
	for _, key := range secretsKeys {
		v, ok := written[key].(string)
		if _, have := mine[key]; !ok || have || v == "" {
			continue
		}
		line, err := yaml.Marshal(map[string]string{key: v})
		if err != nil {
			return err
		}
		add.Write(line)
	}
	if add.Len() == 0 {
		return nil
	}
	data, err := os.ReadFile(s.StackFile)
	if err != nil {
		return err
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	if err := replaceFile(s.StackFile, append(data, add.Bytes()...)); err != nil {
		return fmt.Errorf("saving the stack's secrets settings to %s: %w", s.StackFile, err)
	}
	return nil
}

// replaceFile writes data to path through a temporary file in the same
// directory and a rename, so that a crash or a full disk never leaves the
// user's stack file half written. A symlinked stack file stays a symlink:
// its target is what gets replaced. The file keeps its permissions.
func replaceFile(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// topLevel reads the top-level keys of a stack file.
func topLevel(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return m, nil
}
