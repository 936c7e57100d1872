package deploy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestOpenStack(t *testing.T) {
	const kms = "awskms://alias/peerctl?region=us-east-1"
	tests := []struct {
		name      string
		create    bool
		existing  bool
		stackFile string // Pulumi.dev.yaml; default "config: {}"
		wantCalls []string
		wantErr   string
	}{
		{name: "up creates a missing stack without selecting it", create: true,
			wantCalls: []string{"stack --show-name --stack dev", "stack init dev --no-select"}},
		{name: "up opens an existing stack without selecting it", create: true, existing: true,
			wantCalls: []string{"stack --show-name --stack dev"}},
		{name: "destroy never creates one", create: false, wantErr: "stack \"dev\" does not exist in backend file://",
			wantCalls: []string{"stack --show-name --stack dev"}},
		{name: "destroy opens an existing stack without selecting it", existing: true,
			wantCalls: []string{"stack --show-name --stack dev"}},
		{name: "a new stack gets the secrets provider of its stack file", create: true,
			stackFile: "secretsprovider: " + kms + "\nconfig: {}\n",
			wantCalls: []string{"stack --show-name --stack dev", "stack init dev --no-select --secrets-provider " + kms}},
		{name: "the passphrase provider is the default", create: true,
			stackFile: "secretsprovider: passphrase\nconfig: {}\n",
			wantCalls: []string{"stack --show-name --stack dev", "stack init dev --no-select"}},
		{name: "an existing stack keeps its provider", create: true, existing: true,
			stackFile: "secretsprovider: " + kms + "\nconfig: {}\n",
			wantCalls: []string{"stack --show-name --stack dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, map[string]string{EnvPassphrase: "pw", "ENVIRONMENT_SUFFIX": "qa", "UNRELATED": "x"})
			if tt.stackFile != "" {
				writeFile(t, filepath.Join(te.dir, "Pulumi.dev.yaml"), tt.stackFile)
			}
			te.cli.Stacks = map[string]bool{"dev": tt.existing, "prod": true}
			// The user had selected prod; a later plain `pulumi destroy`
			// must still target prod.
			te.cli.Selected = "prod"
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.OpenStack(context.Background(), tt.create)
			var got []string
			for _, c := range te.cli.Calls() {
				got = append(got, strings.Join(c.Args, " "))
			}
			if !slices.Equal(got, tt.wantCalls) {
				t.Errorf("CLI commands:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.wantCalls, "\n  "))
			}
			if te.cli.Selected != "prod" {
				t.Errorf("the selected stack changed to %q", te.cli.Selected)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The CLI runs in a workspace of its own holding copies of the
			// project and stack files, never in the user's directory.
			calls := te.cli.Calls()
			if calls[0].Dir == te.dir {
				t.Errorf("CLI ran in the project dir %q", te.dir)
			}
			for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml"} {
				want, _ := os.ReadFile(filepath.Join(te.dir, name))
				if got, err := os.ReadFile(filepath.Join(calls[0].Dir, name)); err != nil || !bytes.Equal(got, want) {
					t.Errorf("workspace %s = %q (%v), want a copy of the project's %q", name, got, err, want)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(calls[0].Dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("workspace %s not removed by Close: %v", calls[0].Dir, err)
			}
			wantBackend := "file://" + filepath.ToSlash(filepath.Join(te.dir, StateDir))
			for key, want := range map[string]string{EnvBackendURL: wantBackend, EnvPassphrase: "pw", "ENVIRONMENT_SUFFIX": "qa"} {
				if got, _ := te.cli.EnvOf(key); got != want {
					t.Errorf("CLI env %s = %q, want %q", key, got, want)
				}
			}
			if _, ok := te.cli.EnvOf("UNRELATED"); ok {
				t.Error("unrelated variables were passed explicitly")
			}
			if _, err := os.Stat(filepath.Join(te.dir, StateDir)); err != nil {
				t.Errorf("state dir not created: %v", err)
			}
		})
	}
}
