package cmdutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
)

// Stack names follow Pulumi's rule (tokens.ParseStackName: letters, digits,
// hyphens, underscores, periods; 1-100 characters), so a name never reaches
// outside the project directory.
func TestValidateStackName(t *testing.T) {
	const rule = "may only contain letters, digits, hyphens, underscores and periods (Pulumi's rule for stack names); it names the file Pulumi.<stack>.yaml in the project directory"
	tests := []struct {
		name string
		want string // "" for a valid name
	}{
		{"dev", ""},
		{"prod-eu_1.blue", ""},
		{"..", ""}, // Pulumi...yaml: a file name, in the project directory
		{strings.Repeat("a", 100), ""},
		{"", `stack name: is empty; name a stack such as dev`},
		{strings.Repeat("a", 101), `stack name: "` + strings.Repeat("a", 101) + `" is longer than 100 characters, the most Pulumi allows`},
		{"../../etc/x", `stack name: "../../etc/x" ` + rule},
		{"/etc/passwd", `stack name: "/etc/passwd" ` + rule},
		{`..\..\x`, `stack name: "..\\..\\x" ` + rule},
		{"dev stack", `stack name: "dev stack" ` + rule},
		{"dev\x00", `stack name: "dev\x00" ` + rule},
		{"acme/peerctl/dev", `stack name: "acme/peerctl/dev" is a fully qualified name (organization/project/stack); give the stack name only (dev), whose file is Pulumi.dev.yaml`},
		{"acme/../dev", `stack name: "acme/../dev" ` + rule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateStackName(tt.name)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("valid name refused: %v", err)
				}
				return
			}
			if err == nil || err.Error() != "invalid configuration: "+tt.want {
				t.Fatalf("error = %v\nwant invalid configuration: %s", err, tt.want)
			}
			if ExitCode(err) != 3 {
				t.Errorf("exit status %d, want 3", ExitCode(err))
			}
		})
	}
}

// --stack never reads a file outside the project, even one that exists.
func TestStackConfigStaysInProject(t *testing.T) {
	root := t.TempDir()
	project := filepath.Join(root, "project")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(project, "Pulumi.yaml"), "name: peerctl\nruntime: go\n")
	write(filepath.Join(project, "Pulumi.dev.yaml"), "config:\n  peerctl:region: us-west-2\n")
	write(filepath.Join(root, "Pulumi.outside.yaml"), "config: {}\n")
	f := &Factory{IO: &IOStreams{}, WorkDir: func() (string, error) { return project, nil }}

	c, err := f.StackConfig("dev", "")
	if err != nil || c.Region != "us-west-2" {
		t.Fatalf("dev: %v", err)
	}
	_, err = f.StackConfig("../Pulumi.outside", "")
	if !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), `stack name: "../Pulumi.outside" may only contain`) {
		t.Fatalf("outside the project: %v", err)
	}
}

// A stack file's problems name the file and the line.
func TestStackConfigNamesFileAndLine(t *testing.T) {
	project := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "Pulumi.yaml"), []byte("name: peerctl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "Pulumi.dev.yaml"), []byte("conifg:\n  peerctl:region: us-west-2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &Factory{IO: &IOStreams{}, WorkDir: func() (string, error) { return project, nil }}
	_, err := f.StackConfig("dev", "")
	want := "Pulumi.dev.yaml: invalid configuration (2 problems):\n" +
		"  line 1: conifg: is not a key of a Pulumi stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment)\n" +
		"  line 1: config: is missing: peerctl reads its settings from the config: section (write config: {} for the default stack)"
	if err == nil || err.Error() != want || ExitCode(err) != 3 {
		t.Fatalf("error = %v\nwant %s", err, want)
	}
}
