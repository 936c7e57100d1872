package config

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file turns YAML values into the JSON text Raw holds, refusing the
// number notations and tags whose YAML value differs from what is written.

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
