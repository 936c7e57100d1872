package deploy

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

// Environment variables the Pulumi CLI reads and peerctl honours.
const (
	EnvBackendURL     = "PULUMI_BACKEND_URL"
	EnvPassphrase     = "PULUMI_CONFIG_PASSPHRASE"
	EnvPassphraseFile = "PULUMI_CONFIG_PASSPHRASE_FILE"
	EnvAccessToken    = "PULUMI_ACCESS_TOKEN"
)

// StateDir is the default state directory, inside the project directory.
const StateDir = ".pulumi-state"

// BackendSource says where the backend URL came from, for messages.
type BackendSource string

const (
	BackendFromFlag    BackendSource = "--backend"
	BackendFromEnv     BackendSource = EnvBackendURL
	BackendFromProject BackendSource = "Pulumi.yaml backend.url"
	BackendDefault     BackendSource = "default"
)

// Backend is where stack state lives.
type Backend struct {
	URL    string
	Source BackendSource
}

// backendSchemes are the state backends the Pulumi CLI supports.
var backendSchemes = []string{"file", "s3", "gs", "azblob", "postgres", "https", "http"}

// ResolveBackend picks the state backend: the --backend flag, then
// PULUMI_BACKEND_URL, then the project's backend.url in Pulumi.yaml, then a
// local file backend in <projectDir>/.pulumi-state.
func ResolveBackend(flag string, getenv config.LookupEnv, projectDir string) (Backend, error) {
	var b Backend
	switch {
	case flag != "":
		b = Backend{URL: flag, Source: BackendFromFlag}
	case lookup(getenv, EnvBackendURL) != "":
		b = Backend{URL: lookup(getenv, EnvBackendURL), Source: BackendFromEnv}
	case projectBackendURL(projectDir) != "":
		b = Backend{URL: projectBackendURL(projectDir), Source: BackendFromProject}
	default:
		return Backend{URL: FileURL(filepath.Join(projectDir, StateDir)), Source: BackendDefault}, nil
	}
	u, err := url.Parse(b.URL)
	if err != nil || u.Scheme == "" || !slices.Contains(backendSchemes, u.Scheme) {
		err := fmt.Errorf("backend %q (from %s) is not a Pulumi state backend URL: use file://<dir>, s3://<bucket>, gs://, azblob://, postgres:// or https://api.pulumi.com", b.URL, b.Source)
		if b.Source == BackendFromFlag {
			return Backend{}, usagef("%v", err)
		}
		return Backend{}, err
	}
	return b, nil
}

// FileURL is the file backend URL for an absolute directory.
func FileURL(dir string) string { return "file://" + filepath.ToSlash(dir) }

// IsCloud reports whether the backend is Pulumi Cloud (or a self-hosted
// Pulumi service), which encrypts secrets itself.
func (b Backend) IsCloud() bool {
	return strings.HasPrefix(b.URL, "https://") || strings.HasPrefix(b.URL, "http://")
}

// LocalDir is the directory of a file:// backend, "" for other backends.
func (b Backend) LocalDir() string {
	rest, ok := strings.CutPrefix(b.URL, "file://")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if rest == "~" || strings.HasPrefix(rest, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			rest = filepath.Join(home, strings.TrimPrefix(rest, "~"))
		}
	}
	return filepath.FromSlash(rest)
}

// Prepare creates the directory of a file backend, which the Pulumi CLI
// expects to exist.
func (b Backend) Prepare() error {
	dir := b.LocalDir()
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state directory for backend %s: %w", b.URL, err)
	}
	return nil
}

// String describes the backend for people.
func (b Backend) String() string {
	if b.Source == BackendDefault {
		return b.URL + " (local state)"
	}
	return fmt.Sprintf("%s (from %s)", b.URL, b.Source)
}

// ErrNoPassphrase means a stack that encrypts secrets with a passphrase has
// no passphrase to do it with.
var ErrNoPassphrase = errors.New("no secrets passphrase")

// CheckPassphrase makes sure the Pulumi CLI will not stop to prompt for a
// passphrase it cannot read: stacks on a self-managed backend (file, s3, ...)
// encrypt their secrets with a passphrase unless their stack file names
// another secrets provider (awskms://, ...).
func CheckPassphrase(b Backend, getenv config.LookupEnv, stackFile string) error {
	if b.IsCloud() {
		return nil
	}
	if StackSecretsProvider(stackFile) != "" {
		return nil
	}
	if _, ok := getenv(EnvPassphrase); ok {
		// An empty passphrase is allowed by the CLI, so set-but-empty counts.
		return nil
	}
	if file := lookup(getenv, EnvPassphraseFile); file != "" {
		if _, err := os.Stat(file); err != nil {
			return fmt.Errorf("%w: %s=%s cannot be read: %v", ErrNoPassphrase, EnvPassphraseFile, file, err)
		}
		return nil
	}
	return fmt.Errorf("%w: the %s backend encrypts this stack's secrets with a passphrase; "+
		"set %s (or %s to a file holding it) and keep it safe: without it the state cannot be decrypted. "+
		"For a new local stack any passphrase works, even an empty one (export %s=)",
		ErrNoPassphrase, b.URL, EnvPassphrase, EnvPassphraseFile, EnvPassphrase)
}

// projectBackendURL reads backend.url from the project's Pulumi.yaml.
func projectBackendURL(projectDir string) string {
	data, err := os.ReadFile(filepath.Join(projectDir, cmdutil.ProjectFile))
	if err != nil {
		return ""
	}
	var p struct {
		Backend struct {
			URL string `yaml:"url"`
		} `yaml:"backend"`
	}
	if yaml.Unmarshal(data, &p) != nil {
		return ""
	}
	return p.Backend.URL
}

// StackSecretsProvider is the secrets provider a Pulumi.<stack>.yaml names
// (secretsprovider: awskms://..., gcpkms://, azurekeyvault://,
// hashivault://), or "" when it names none or the passphrase provider.
func StackSecretsProvider(stackFile string) string {
	switch p := readSecretsProvider(stackFile); p {
	case "", "passphrase", "default":
		return ""
	default:
		return p
	}
}

// readSecretsProvider reads secretsprovider from a Pulumi.<stack>.yaml.
func readSecretsProvider(stackFile string) string {
	data, err := os.ReadFile(stackFile)
	if err != nil {
		return ""
	}
	var s struct {
		SecretsProvider string `yaml:"secretsprovider"`
	}
	if yaml.Unmarshal(data, &s) != nil {
		return ""
	}
	return s.SecretsProvider
}

func lookup(getenv config.LookupEnv, key string) string {
	if getenv == nil {
		return ""
	}
	v, _ := getenv(key)
	return v
}
