package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
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

// writeJSON encodes one value for Raw, recording the line of each nested
// setting under its field path.
func (r *stackReader) writeJSON(b *strings.Builder, n *yaml.Node, path string) {
	n = resolveAlias(n)
	if !r.count(n, path) {
		b.WriteString("null")
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "secure" {
			r.p.addAt(n.Line, path, "", "is an encrypted secret; peerctl settings are not secret, set it in plain text")
		}
		b.WriteByte('{')
		for i, e := range r.entries(n, path) {
			if i > 0 {
				b.WriteByte(',')
			}
			field := path + "." + e.key
			r.lines[field] = e.line
			writeJSONString(b, e.key)
			b.WriteByte(':')
			r.writeJSON(b, e.value, field)
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			field := fmt.Sprintf("%s[%d]", path, i)
			r.lines[field] = item.Line
			r.writeJSON(b, item, field)
		}
		b.WriteByte(']')
	default:
		r.writeScalar(b, n, path)
	}
}

func (r *stackReader) writeScalar(b *strings.Builder, n *yaml.Node, path string) {
	switch tag := n.ShortTag(); tag {
	case "!!str":
		writeJSONString(b, n.Value)
		return
	case "!!null":
		b.WriteString("null")
		return
	case "!!bool":
		b.WriteString(strconv.FormatBool(strings.EqualFold(n.Value, "true")))
		return
	case "!!int", "!!float":
		if jsonNumberPattern.MatchString(n.Value) {
			b.WriteString(n.Value)
			return
		}
		r.numberNotation(n, path)
	case "!!timestamp":
		r.p.addAt(n.Line, path, n.Value, "is read by YAML as a date; quote it if it is text: %q", n.Value)
	default:
		r.p.addAt(n.Line, path, n.Value, "has the YAML tag %s, which peerctl does not read; write the value without it", tag)
	}
	b.WriteString("null")
}

// numberNotation reports a number written in a form YAML reads as a value
// other than its digits: the plan would otherwise check one value while the
// file shows another.
func (r *stackReader) numberNotation(n *yaml.Node, path string) {
	var v any
	_ = n.Decode(&v)
	var reading string
	switch x := v.(type) {
	case int:
		reading = strconv.Itoa(x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			r.p.addAt(n.Line, path, n.Value, "is read by YAML as infinity or not-a-number; write a number in decimal digits")
			return
		}
		reading = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		reading = fmt.Sprint(v)
	}
	digits := strings.TrimLeft(n.Value, "0123456789") == ""
	if digits {
		r.p.addAt(n.Line, path, n.Value, "is read by YAML as the number %s, not as the digits written; quote it if it is text such as an account id: %q", reading, n.Value)
		return
	}
	r.p.addAt(n.Line, path, n.Value, "is read by YAML as the number %s; write numbers in plain decimal digits (%s), and quote text such as account ids", reading, reading)
}

// count charges one value against maxYAMLNodes; false once the file has
// expanded past it (reported once, at the value that crossed it). Mapping
// entries count as well as values: merge keys expand like aliases.
func (r *stackReader) count(n *yaml.Node, path string) bool {
	r.nodes++
	if r.nodes == maxYAMLNodes+1 {
		r.p.addAt(n.Line, path, "", "expands to more than %d values (through aliases); write the settings out", maxYAMLNodes)
	}
	return r.nodes <= maxYAMLNodes
}

func writeJSONString(b *strings.Builder, s string) {
	out, _ := json.Marshal(s)
	b.Write(out)
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// nodeKind names a YAML value's kind for messages.
func nodeKind(n *yaml.Node) string {
	switch resolveAlias(n).Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if n.ShortTag() == "!!null" {
		return "empty"
	}
	return "a single value"
}
