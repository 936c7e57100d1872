package deploy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestResolveBackend(t *testing.T) {
	tests := []struct {
		name        string
		flag        string
		env         map[string]string
		projectYAML string
		wantURL     string // "<dir>" is replaced by the project directory
		wantSource  BackendSource
		wantErr     string
		wantUsage   bool
	}{
		{name: "default is local state in the project", wantURL: "file://<dir>/.pulumi-state", wantSource: BackendDefault},
		{name: "environment", env: map[string]string{EnvBackendURL: "s3://state-bucket/peerctl"},
			wantURL: "s3://state-bucket/peerctl", wantSource: BackendFromEnv},
		{name: "flag wins over environment", flag: "https://api.pulumi.com", env: map[string]string{EnvBackendURL: "s3://x"},
			wantURL: "https://api.pulumi.com", wantSource: BackendFromFlag},
		{name: "project backend.url", projectYAML: "name: peerctl\nruntime: go\nbackend:\n  url: gs://team-state\n",
			wantURL: "gs://team-state", wantSource: BackendFromProject},
		{name: "environment wins over project", env: map[string]string{EnvBackendURL: "file:///srv/state"},
			projectYAML: "name: peerctl\nbackend:\n  url: gs://team-state\n", wantURL: "file:///srv/state", wantSource: BackendFromEnv},
		{name: "empty environment value is ignored", env: map[string]string{EnvBackendURL: ""},
			wantURL: "file://<dir>/.pulumi-state", wantSource: BackendDefault},
		{name: "bad flag is a usage error", flag: "/tmp/state", wantErr: `backend "/tmp/state" (from --backend) is not a Pulumi state backend URL`, wantUsage: true},
		{name: "unknown scheme from environment", env: map[string]string{EnvBackendURL: "ftp://x"}, wantErr: `(from PULUMI_BACKEND_URL)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.projectYAML != "" {
				writeFile(t, filepath.Join(dir, "Pulumi.yaml"), tt.projectYAML)
			}
			b, err := ResolveBackend(tt.flag, envMap(tt.env), dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if errors.Is(err, cmdutil.ErrUsage) != tt.wantUsage {
					t.Errorf("errors.Is(err, ErrUsage) = %v, want %v", !tt.wantUsage, tt.wantUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(tt.wantURL, "<dir>", filepath.ToSlash(dir))
			if b.URL != want || b.Source != tt.wantSource {
				t.Errorf("backend = %q from %q, want %q from %q", b.URL, b.Source, want, tt.wantSource)
			}
		})
	}
}

func TestBackendPrepareCreatesLocalDir(t *testing.T) {
	dir := t.TempDir()
	b, err := ResolveBackend("", envMap(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, StateDir)
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state dir exists before Prepare: %v", err)
	}
	if err := b.Prepare(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(state); err != nil || !fi.IsDir() {
		t.Fatalf("Prepare did not create %s: %v", state, err)
	}
	if err := (Backend{URL: "s3://bucket"}).Prepare(); err != nil {
		t.Errorf("Prepare on s3 backend: %v", err)
	}
}

func TestCheckPassphrase(t *testing.T) {
	local := Backend{URL: "file:///tmp/x/.pulumi-state", Source: BackendDefault}
	tests := []struct {
		name      string
		backend   Backend
		env       map[string]string
		stackYAML string
		wantErr   []string
	}{
		{name: "missing for local backend", backend: local,
			wantErr: []string{"no secrets passphrase", "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE", "file:///tmp/x/.pulumi-state"}},
		{name: "set", backend: local, env: map[string]string{EnvPassphrase: "s3cret"}},
		{name: "set but empty is allowed", backend: local, env: map[string]string{EnvPassphrase: ""}},
		{name: "missing for s3 backend", backend: Backend{URL: "s3://b"}, wantErr: []string{"no secrets passphrase"}},
		{name: "pulumi cloud needs none", backend: Backend{URL: "https://api.pulumi.com"}},
		{name: "kms secrets provider needs none", backend: local,
			stackYAML: "secretsprovider: awskms://alias/peerctl\nconfig: {}\n"},
		{name: "explicit passphrase provider still needs one", backend: local,
			stackYAML: "secretsprovider: passphrase\nencryptionsalt: v1:abc\n", wantErr: []string{"no secrets passphrase"}},
		{name: "passphrase file that does not exist", backend: local,
			env: map[string]string{EnvPassphraseFile: "/nonexistent/pass"}, wantErr: []string{"PULUMI_CONFIG_PASSPHRASE_FILE=/nonexistent/pass cannot be read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stackFile := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
			if tt.stackYAML != "" {
				writeFile(t, stackFile, tt.stackYAML)
			}
			err := CheckPassphrase(tt.backend, envMap(tt.env), stackFile)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNoPassphrase) {
				t.Fatalf("err = %v, want ErrNoPassphrase", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	t.Run("passphrase file that exists", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "pass")
		writeFile(t, file, "x")
		if err := CheckPassphrase(local, envMap(map[string]string{EnvPassphraseFile: file}), ""); err != nil {
			t.Fatal(err)
		}
	})
}
