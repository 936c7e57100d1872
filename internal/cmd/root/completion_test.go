package root

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// complete runs cobra's hidden completion command, as the shell scripts
// do, and returns the candidates and the directive line.
func complete(t *testing.T, dir string, args ...string) (candidates []string, directive string) {
	t.Helper()
	f, out, _ := factory(t, dir)
	cmd := NewCmdRoot(f)
	cmd.SetArgs(append([]string{cobra.ShellCompRequestCmd}, args...))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

// --stack completes the project's stack files, on every command that takes
// it; --config completes YAML files.
func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "Pulumi.bad name.yaml", "notes.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("config: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	all := []string{"dev\tPulumi.dev.yaml", "prod\tPulumi.prod.yaml", "staging\tPulumi.staging.yaml"}
	for _, command := range []string{"plan", "preview", "up", "destroy", "refresh", "outputs", "verify"} {
		t.Run(command, func(t *testing.T) {
			// ":4" is cobra's ShellCompDirectiveNoFileComp: names only.
			if got, directive := complete(t, dir, command, "--stack", ""); !slices.Equal(got, all) || directive != ":4" {
				t.Errorf("--stack: %q %s, want %q :4", got, directive, all)
			}
			if got, directive := complete(t, sub, command, "-s", "p"); !slices.Equal(got, all[1:2]) || directive != ":4" {
				t.Errorf("-s p from a subdirectory: %q %s, want %q :4", got, directive, all[1:2])
			}
			// ":8" is ShellCompDirectiveFilterFileExt: files with these extensions.
			if got, directive := complete(t, dir, command, "--config", ""); !slices.Equal(got, []string{"yaml", "yml"}) || directive != ":8" {
				t.Errorf("--config: %q %s, want yaml, yml :8", got, directive)
			}
		})
	}
	// Outside a project there is nothing to offer, and no files either.
	if got, directive := complete(t, t.TempDir(), "plan", "--stack", ""); len(got) != 0 || directive != ":4" {
		t.Errorf("outside a project: %q %s", got, directive)
	}
}
