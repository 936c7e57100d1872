package config

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file reads a stack file's YAML: its documents, its top level and
// its config section, with the line of every setting.

// stackFileKeys are the top-level keys of a Pulumi stack file (ProjectStack
// in the Pulumi SDK, sdk/go/common/workspace/project.go): peerctl reads
// config and leaves the others to Pulumi.
var stackFileKeys = []string{"config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"}

// maxYAMLNodes bounds how many values a stack file may expand to, so a file
// of nested aliases (a "billion laughs") is refused instead of exhausting
// memory. Real stack files have a few hundred.
const maxYAMLNodes = 100_000

// stackFileField names problems with the file as a whole.
const stackFileField = "stack file"

var (
	// A literal the engine's JSON would carry as written; anything else that
	// YAML reads as a number (0x1F, 0o17, 012, 1_000, +5, .5, .inf) is not
	// what the file says.
	jsonNumberPattern = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	yamlLinePattern   = regexp.MustCompile(`^yaml: line ([0-9]+): `)
)

// stackReader turns a stack file's YAML nodes into Raw, collecting problems
// and the line of every setting.
type stackReader struct {
	p     *problems
	lines lineIndex
	nodes int
}

func parseStack(data []byte) (Raw, lineIndex, error) {
	r := &stackReader{p: &problems{}, lines: lineIndex{}}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		r.p.addAt(line, stackFileField, "", "is not UTF-8 text; save it as UTF-8")
		return nil, nil, r.p.err()
	}
	docs, err := yamlDocuments(data)
	if err != nil {
		r.p.addAt(syntaxErrorLine(data, err), stackFileField, "", "is not valid YAML: %s", yamlReason(err))
		return nil, nil, r.p.err()
	}
	switch {
	case len(docs) == 0:
		r.p.addAt(1, stackFileField, "", "is empty; peerctl reads its settings from a config: section (write config: {} for the default stack)")
		return nil, nil, r.p.err()
	case len(docs) > 1:
		r.p.addAt(docs[1].Line, stackFileField, "", "holds %d YAML documents (separated by ---); a stack file is one document", len(docs))
		return nil, nil, r.p.err()
	}
	raw := r.stackFile(docs[0])
	if err := r.p.err(); err != nil {
		return nil, nil, err
	}
	return raw, r.lines, nil
}

func yamlDocuments(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

// yamlReason is a YAML error without the package's "yaml: line N:" prefix.
func yamlReason(err error) string {
	msg := err.Error()
	if m := yamlLinePattern.FindStringIndex(msg); m != nil {
		return msg[m[1]:]
	}
	return strings.TrimPrefix(msg, "yaml: ")
}

// syntaxErrorLine finds the line of a YAML syntax error: the first line at
// which the file, cut after it, fails with the same error. The YAML parser's
// own line is where the enclosing block started (and 0-based for some
// errors), which sends users to the wrong line.
func syntaxErrorLine(data []byte, err error) int {
	want := yamlReason(err)
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) <= 2000 {
		end := 0
		for i, line := range lines {
			end += len(line)
			if _, perr := yamlDocuments(data[:end]); perr != nil && yamlReason(perr) == want {
				return i + 1
			}
		}
	}
	if m := yamlLinePattern.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// stackFile checks the top level of the file and reads its config section.
func (r *stackReader) stackFile(doc *yaml.Node) Raw {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	root = resolveAlias(root)
	if root.Kind != yaml.MappingNode {
		r.p.addAt(root.Line, stackFileField, "", "must be a mapping with a config: section, not %s", nodeKind(root))
		return nil
	}
	var config *yaml.Node
	var configLine int
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		name := key.Value
		if key.Kind != yaml.ScalarNode || name == "" {
			r.p.addAt(key.Line, stackFileField, "", "has a key with no name or one that is not plain text; the top level holds config:")
			continue
		}
		if first, dup := seen[name]; dup {
			r.p.addAt(key.Line, name, "", "is set twice (first on line %d)", first)
			continue
		}
		seen[name] = key.Line
		switch {
		case name == "config":
			config, configLine = resolveAlias(value), key.Line
		case slices.Contains(stackFileKeys, name):
			// Pulumi's own settings (secrets provider, ESC environments).
		case strings.Contains(name, ":"):
			r.p.addAt(key.Line, name, "", "is outside the config: section; indent it under config:")
		default:
			r.p.addAt(key.Line, name, "", "is not a key of a Pulumi stack file (%s)", strings.Join(stackFileKeys, ", "))
		}
	}
	switch {
	case config == nil:
		r.p.addAt(root.Line, "config", "", "is missing: peerctl reads its settings from the config: section (write config: {} for the default stack)")
		return nil
	case config.ShortTag() == "!!null":
		r.p.addAt(configLine, "config", "", "is empty; list the settings under it, or write config: {} for the default stack")
		return nil
	case config.Kind != yaml.MappingNode:
		r.p.addAt(configLine, "config", "", "must be a mapping of settings (peerctl:key: value), not %s", nodeKind(config))
		return nil
	}
	return r.configSection(config)
}

// configSection reads the settings: scalars as their text (as Pulumi does),
// lists and mappings JSON-encoded.
func (r *stackReader) configSection(config *yaml.Node) Raw {
	raw := Raw{}
	for _, e := range r.entries(config, "config") {
		// The field path problems are reported under: decodeSpec puts
		// unnamespaced keys in the peerctl namespace.
		path := e.key
		if !strings.Contains(e.key, ":") {
			path = Namespace + ":" + e.key
		}
		if _, ok := r.lines[path]; !ok {
			r.lines[path] = e.line
		}
		r.lines[e.key] = e.line
		value := resolveAlias(e.value)
		switch {
		case value.Kind == yaml.ScalarNode && value.ShortTag() == "!!null":
			raw[e.key] = ""
		case value.Kind == yaml.ScalarNode:
			raw[e.key] = value.Value
		default:
			var b strings.Builder
			r.writeJSON(&b, value, path)
			raw[e.key] = b.String()
		}
	}
	return raw
}

type yamlEntry struct {
	key   string
	line  int
	value *yaml.Node
}

// entries lists a mapping's keys and values in file order, with YAML merge
// keys (<<: *base) applied: keys written in the mapping win over merged
// ones, as the YAML merge-key type says. A key written twice is a problem.
func (r *stackReader) entries(m *yaml.Node, path string) []yamlEntry {
	var out, merged []yamlEntry
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, value := m.Content[i], m.Content[i+1]
		if !r.count(key, path) {
			return out
		}
		if key.ShortTag() == "!!merge" {
			merged = append(merged, r.mergeSources(value, path)...)
			continue
		}
		if key.Kind != yaml.ScalarNode {
			r.p.addAt(key.Line, path, "", "has a key that is %s; keys must be plain text", nodeKind(key))
			continue
		}
		if key.Value == "" {
			r.p.addAt(key.Line, path, "", "has a key with no name; name it or remove it")
			continue
		}
		if first, dup := seen[key.Value]; dup {
			r.p.addAt(key.Line, joinPath(path, key.Value), "", "is set twice (first on line %d)", first)
			continue
		}
		seen[key.Value] = key.Line
		out = append(out, yamlEntry{key: key.Value, line: key.Line, value: value})
	}
	for _, e := range merged {
		if _, set := seen[e.key]; !set {
			seen[e.key] = e.line
			out = append(out, e)
		}
	}
	return out
}

// mergeSources are the entries a merge key brings in: one mapping or a list
// of them, the first listed winning.
func (r *stackReader) mergeSources(value *yaml.Node, path string) []yamlEntry {
	value = resolveAlias(value)
	sources := []*yaml.Node{value}
	if value.Kind == yaml.SequenceNode {
		sources = value.Content
	}
	var out []yamlEntry
	for _, s := range sources {
		s = resolveAlias(s)
		if s.Kind != yaml.MappingNode {
			r.p.addAt(s.Line, path, "", "merges (<<) %s; a merge takes mappings", nodeKind(s))
			continue
		}
		out = append(out, r.entries(s, path)...)
	}
	return out
}

func joinPath(path, key string) string {
	if path == "config" {
		return key
	}
	return path + "." + key
}
