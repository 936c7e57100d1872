package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrStackFileNotFound is returned when a Pulumi.<stack>.yaml does not exist.
var ErrStackFileNotFound = errors.New("stack file not found")

// StackFileName is the Pulumi file that holds a stack's configuration.
func StackFileName(stack string) string { return "Pulumi." + stack + ".yaml" }

// LoadStackFile reads the config section of a Pulumi stack file into Raw, the
// same shape the Pulumi engine hands a program. A file that is not a stack
// file peerctl can read exactly (see ParseStackYAML) is a *ValidationError.
func LoadStackFile(path string) (Raw, error) {
	data, err := readStackFile(path)
	if err != nil {
		return nil, err
	}
	raw, _, err := parseStack(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return raw, nil
}

// LoadStack reads, decodes and validates a stack file, like LoadStackFile
// followed by Parse, and gives every problem the line of the stack file it
// is on.
func LoadStack(path string, lookup LookupEnv) (*Config, error) {
	data, err := readStackFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseStack(data, lookup)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return c, nil
}

// ParseStack is LoadStack for a stack file's content.
func ParseStack(data []byte, lookup LookupEnv) (*Config, error) {
	raw, lines, err := parseStack(data)
	if err != nil {
		return nil, err
	}
	c, err := Parse(raw, lookup)
	if err != nil {
		lines.annotate(err)
		return nil, err
	}
	return c, nil
}

func readStackFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrStackFileNotFound)
	}
	return data, err
}

// ParseStackYAML converts a stack file's config section to Raw: scalars as
// their text, lists and objects JSON-encoded, as the Pulumi engine passes
// them in PULUMI_CONFIG.
//
// It is stricter than the engine where the engine would silently run a
// different configuration than the file says: the file must be one YAML
// document whose top level holds config: and nothing but the other keys of
// a Pulumi stack file; keys appear once; numbers are plain decimals (YAML
// reads 0x1F, 012, 1_000 and unquoted dates as something else than their
// text). Every such problem is a *ValidationError naming its line.
func ParseStackYAML(data []byte) (Raw, error) {
	raw, _, err := parseStack(data)
	return raw, err
}

// lineIndex maps field paths (peerctl:networks[1].cidr) to stack file lines.
type lineIndex map[string]int

// annotate sets the line of each problem of err from the closest setting
// the stack file has on its path: a missing field takes its object's line.
func (l lineIndex) annotate(err error) {
	var verr *ValidationError
	if !errors.As(err, &verr) {
		return
	}
	for _, fe := range verr.Problems {
		if fe.Line != 0 {
			continue
		}
		for path := fe.Field; path != ""; path = parentPath(path) {
			if line, ok := l[path]; ok {
				fe.Line = line
				break
			}
		}
	}
}

// parentPath drops the last .field or [index] of a path; "" at the top.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}
