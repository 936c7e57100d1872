package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"gopkg.in/yaml.v3"
)

// ErrStackFileNotFound is returned when a Pulumi.<stack>.yaml does not exist.
var ErrStackFileNotFound = errors.New("stack file not found")

// StackFileName is the Pulumi file that holds a stack's configuration.
func StackFileName(stack string) string { return "Pulumi." + stack + ".yaml" }

// stackFile is the part of a Pulumi stack file peerctl reads.
type stackFile struct {
	Config map[string]yaml.Node `yaml:"config"`
}

// LoadStackFile reads the config section of a Pulumi stack file into Raw, the
// same shape the Pulumi engine hands a program.
func LoadStackFile(path string) (Raw, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrStackFileNotFound)
	}
	if err != nil {
		return nil, err
	}
	raw, err := ParseStackYAML(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return raw, nil
}

// ParseStackYAML converts a stack file's config section to Raw: scalars as
// their text, lists and objects JSON-encoded.
func ParseStackYAML(data []byte) (Raw, error) {
	var f stackFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a valid stack file: %w", err)
	}
	raw := Raw{}
	for key, node := range f.Config {
		value, err := nodeValue(key, &node)
		if err != nil {
			return nil, err
		}
		raw[key] = value
	}
	return raw, nil
}

func nodeValue(key string, node *yaml.Node) (string, error) {
	var v any
	if err := node.Decode(&v); err != nil {
		return "", fmt.Errorf("config key %s (line %d): %w", key, node.Line, err)
	}
	switch t := v.(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case bool:
		return strconv.FormatBool(t), nil
	case int:
		return strconv.Itoa(t), nil
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), nil
	case map[string]any:
		if _, secure := t["secure"]; secure && len(t) == 1 {
			return "", fmt.Errorf("config key %s (line %d) is an encrypted secret; peerctl settings are not secret, set it in plain text", key, node.Line)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("config key %s (line %d): %w", key, node.Line, err)
	}
	return string(b), nil
}
