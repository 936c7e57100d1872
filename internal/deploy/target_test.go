package deploy

import (
	"errors"
	"os"
	"path/filepath"
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
