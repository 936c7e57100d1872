//go:build unix

package policy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestPolicyFilesRead(t *testing.T) {
	const rule = "package peerctl.user\n\ndeny contains msg if {\n\tfalse\n\tmsg := \"never\"\n}\n"
	secret := filepath.Join(t.TempDir(), "credentials")
	writePolicyFile(t, secret, "[default]\naws_secret_access_key = not-a-policy\n")

	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		wantErr string // empty: loads
	}{
		{"a regular file", func(t *testing.T, dir string) {
			writePolicyFile(t, filepath.Join(dir, "user.rego"), rule)
		}, ""},
		{"a symlink inside the directory", func(t *testing.T, dir string) {
			writePolicyFile(t, filepath.Join(dir, "shared", "user.txt"), rule)
			symlinkOrSkip(t, filepath.Join(dir, "shared", "user.txt"), filepath.Join(dir, "user.rego"))
		}, ""},
		{"a symlink leading outside", func(t *testing.T, dir string) {
			symlinkOrSkip(t, secret, filepath.Join(dir, "user.rego"))
		}, "is a symbolic link to " + secret + ", outside the policy directory"},
		{"a relative symlink climbing out", func(t *testing.T, dir string) {
			symlinkOrSkip(t, filepath.Join("..", filepath.Base(dir)+"-sibling.rego"), filepath.Join(dir, "user.rego"))
			writePolicyFile(t, dir+"-sibling.rego", rule)
		}, "outside the policy directory"},
		{"a named pipe", func(t *testing.T, dir string) {
			writePolicyFile(t, filepath.Join(dir, "user.rego"), rule)
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.rego"), 0o644); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
		}, "pipe.rego is not a regular file"},
		{"an oversized file", func(t *testing.T, dir string) {
			writePolicyFile(t, filepath.Join(dir, "user.rego"), rule+"# "+strings.Repeat("x", maxPolicyFile)+"\n")
		}, "policy files are limited to 4194304"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "policy")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, dir)
			_, err := New(context.Background(), Options{Dirs: []string{dir}})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidPolicy) {
				t.Fatalf("New: error %v, want ErrInvalidPolicy saying %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "not-a-policy") {
				t.Errorf("the error quotes the file outside the policy directory: %v", err)
			}
		})
	}
}

func writePolicyFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlinkOrSkip(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}
