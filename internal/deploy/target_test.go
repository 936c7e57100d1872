package deploy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

func TestResolveTarget(t *testing.T) {
	project := t.TempDir()
	elsewhere := t.TempDir()
	env := Env{ProjectDir: func() (string, error) { return project, nil }}
	tests := []struct {
		name    string
		flags   Flags
		want    Target
		wantErr string
	}{
		{name: "the project's stack file", flags: Flags{Stack: "dev"},
			want: Target{Stack: "dev", File: filepath.Join(project, "Pulumi.dev.yaml"), Dir: project}},
		{name: "the stack is named by the --config file", flags: Flags{Stack: "dev", ConfigFile: filepath.Join(elsewhere, "Pulumi.staging.yaml")},
			want: Target{Stack: "staging", File: filepath.Join(elsewhere, "Pulumi.staging.yaml"), Dir: elsewhere}},
		{name: "an explicit --stack that agrees with the file", flags: Flags{Stack: "staging", StackSet: true, ConfigFile: filepath.Join(elsewhere, "Pulumi.staging.yaml")},
			want: Target{Stack: "staging", File: filepath.Join(elsewhere, "Pulumi.staging.yaml"), Dir: elsewhere}},
		{name: "a file named otherwise takes --stack", flags: Flags{Stack: "qa", StackSet: true, ConfigFile: filepath.Join(elsewhere, "qa.yaml")},
			want: Target{Stack: "qa", File: filepath.Join(elsewhere, "qa.yaml"), Dir: elsewhere}},
		{name: "an explicit --stack that contradicts the file is refused", flags: Flags{Stack: "prod", StackSet: true, ConfigFile: "Pulumi.dev.yaml"},
			wantErr: `--stack "prod" does not match --config Pulumi.dev.yaml, the stack file of stack "dev": drop --stack, or name the file Pulumi.prod.yaml`},
		{name: "a file named otherwise without --stack is refused", flags: Flags{Stack: "dev", ConfigFile: "settings.yaml"},
			wantErr: "--config settings.yaml: the stack name cannot be told from the file name; name the file Pulumi.<stack>.yaml or pass --stack"},
		{name: "an empty --stack", flags: Flags{Stack: "", StackSet: true},
			wantErr: "--stack must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveTarget(env, tt.flags)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if !errors.Is(err, cmdutil.ErrUsage) {
					t.Errorf("err %v is not a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("target = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A stack created through the workspace keeps its passphrase salt in the
// user's stack file, as `pulumi stack init` in the project would leave it,
// with the user's own lines untouched.
func TestSyncSecretsAppendsWhatStackInitWrote(t *testing.T) {
	user := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	writeFile(t, user, "# my comment\nconfig:\n  peerctl:region: us-east-1")
	s := &Session{StackName: "dev", StackFile: user, workDir: t.TempDir()}
	writeFile(t, s.workStackFile(), "encryptionsalt: v1:abc:def\nconfig:\n  peerctl:region: us-east-1\n")
	if err := s.syncSecrets(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(user)
	want := "# my comment\nconfig:\n  peerctl:region: us-east-1\nencryptionsalt: v1:abc:def\n"
	if string(got) != want {
		t.Errorf("stack file =\n%s\nwant\n%s", got, want)
	}
	// A second sync adds nothing: the file already has its salt.
	if err := s.syncSecrets(); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(user); string(again) != want {
		t.Errorf("second sync changed the file:\n%s", again)
	}
}

// A file backend's stack that another update holds is refused before the
// CLI reads its state.
func TestCheckFileLock(t *testing.T) {
	dir := t.TempDir()
	s := &Session{StackName: "dev", Backend: Backend{URL: "file://" + filepath.ToSlash(dir)}}
	if err := s.checkFileLock(); err != nil {
		t.Fatalf("no lock: %v", err)
	}
	other := filepath.Join(dir, ".pulumi", "locks", "organization", "peerctl", "prod")
	writeFile(t, filepath.Join(mkdir(t, other), "a.json"), "{}")
	if err := s.checkFileLock(); err != nil {
		t.Fatalf("another stack's lock: %v", err)
	}
	otherProject := filepath.Join(dir, ".pulumi", "locks", "organization", "billing", "dev")
	writeFile(t, filepath.Join(mkdir(t, otherProject), "c.json"), "{}")
	if err := s.checkFileLock(); err != nil {
		t.Fatalf("another project's stack of the same name: %v", err)
	}
	mine := filepath.Join(dir, ".pulumi", "locks", "organization", "peerctl", "dev")
	writeFile(t, filepath.Join(mkdir(t, mine), "b.json"), "{}")
	want := "open stack dev: stack \"dev\" is locked by another update; if none is running, unlock it with `PULUMI_BACKEND_URL=file://" +
		filepath.ToSlash(dir) + " pulumi cancel --stack dev`"
	if err := s.checkFileLock(); err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEngineErrorNamesUnreadableState(t *testing.T) {
	s := &Session{StackName: "dev", Backend: Backend{URL: "file:///srv/state"}}
	err := EngineError(context.Background(), "pulumi preview", s,
		errors.New("failed to run preview: exit status 255\ncode: 255\nstdout: \nstderr: error: failed to load checkpoint: place 1: invalid character 'g'"))
	want := `pulumi preview: the state of stack "dev" in file:///srv/state cannot be read`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want it to start %q", err, want)
	}
}

// The stack file is replaced whole (temporary file, rename), keeping its
// permissions, and a symlinked stack file stays a symlink to the new text.
func TestReplaceFileKeepsModeAndSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "stacks", "Pulumi.dev.yaml")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("config: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "Pulumi.dev.yaml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := replaceFile(link, []byte("config: {}\nencryptionsalt: v1:abc\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced by a file (%v)", err)
	}
	got, err := os.ReadFile(real)
	if err != nil || string(got) != "config: {}\nencryptionsalt: v1:abc\n" {
		t.Errorf("target = %q, %v", got, err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(real))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
