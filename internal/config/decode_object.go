package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// This file decodes one JSON object of the configuration strictly, and says
// what went wrong in a user's words (never Go or JSON type names).

// jsonEntry is one field of a JSON object, as written.
type jsonEntry struct {
	key   string
	value json.RawMessage
}

// decodeObject decodes one JSON object strictly. encoding/json alone would
// match field names ignoring case (CIDR for cidr), keep the last of two
// spellings, ignore unknown fields and treat null as unset; here each of
// those is a problem, reported for every field at once.
func decodeObject(field, value string, v any, p *problems) bool {
	entries, kind := objectEntries(value)
	switch kind {
	case "a mapping":
	case "empty":
		p.add(field, "", "has no value; give it one or remove it")
		return false
	default:
		p.add(field, scalarText(value), "must be a mapping of fields (key: value), not %s", kind)
		return false
	}
	known := jsonFields(v) // nil for a free map such as tags
	ok := true
	seen := map[string]bool{}
	for _, e := range entries {
		f := field + "." + e.key
		switch {
		case seen[e.key]:
			p.add(f, "", "is set twice")
			ok = false
		case known != nil && !slices.Contains(known, e.key):
			if match := foldMatch(known, e.key); match != "" {
				p.add(f, "", "is not a known field: field names are case-sensitive; did you mean %s?", match)
			} else {
				p.add(f, "", "is not a known field (known: %s)", strings.Join(known, ", "))
			}
			ok = false
		case jsonKind(string(e.value)) == "empty":
			p.add(f, "", "has no value; give it one or remove it")
			ok = false
		}
		seen[e.key] = true
	}
	if !ok {
		return false
	}
	err := json.Unmarshal([]byte(value), v)
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	var idErr *accountIDError
	switch {
	case errors.As(err, &idErr):
		p.add(field+".id", idErr.text, "%s", idErr.message())
	case errors.As(err, &typeErr):
		// encoding/json names the struct field, but not the key of a map
		// value (tags): that is the first entry of the kind it complains of.
		at := func(e jsonEntry) bool { return e.key == typeErr.Field }
		if typeErr.Field == "" {
			got := jsonValueKind(typeErr.Value)
			if strings.HasPrefix(typeErr.Value, "number") {
				got = "a number"
			}
			at = func(e jsonEntry) bool { return jsonKind(string(e.value)) == got }
		}
		f, shown := field, ""
		if i := slices.IndexFunc(entries, at); i >= 0 {
			f, shown = field+"."+entries[i].key, scalarText(string(entries[i].value))
		}
		p.add(f, shown, "%s", typeMismatch(typeErr))
	default:
		p.add(field, "", "cannot be read: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return false
}

// objectEntries lists the fields of a JSON object in order, duplicates
// included; kind says what value is when it is not an object.
func objectEntries(value string) ([]jsonEntry, string) {
	kind := jsonKind(value)
	if kind != "a mapping" {
		return nil, kind
	}
	dec := json.NewDecoder(strings.NewReader(value))
	_, _ = dec.Token() // {
	var out []jsonEntry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			break
		}
		out = append(out, jsonEntry{key: key, value: raw})
	}
	return out, kind
}

// jsonKind names what a Raw value holds, in a user's words. Pulumi passes
// scalars as their text and lists and mappings as JSON, so a value that is
// not JSON is text.
func jsonKind(value string) string {
	v := strings.TrimSpace(value)
	if v == "" || v == "null" {
		return "empty"
	}
	if !json.Valid([]byte(v)) {
		return "text"
	}
	switch v[0] {
	case '[':
		return "a list"
	case '{':
		return "a mapping"
	case '"':
		return "text"
	case 't', 'f':
		return "true or false"
	}
	return "a number"
}

// scalarText is a scalar JSON value as the user wrote it, for messages; ""
// for lists and mappings.
func scalarText(value string) string {
	switch jsonKind(value) {
	case "text":
		var s string
		if json.Unmarshal([]byte(value), &s) == nil {
			return s
		}
		return value
	case "a number", "true or false":
		return strings.TrimSpace(value)
	}
	return ""
}

// typeMismatch says what a field wants and what it got, in a user's words.
func typeMismatch(e *json.UnmarshalTypeError) string {
	want := kindName(e.Type)
	got, isNumber := strings.CutPrefix(e.Value, "number")
	if !isNumber {
		return fmt.Sprintf("must be %s, not %s", want, jsonValueKind(e.Value))
	}
	if want == "a whole number" {
		if strings.ContainsAny(got, ".eE") {
			return "must be a whole number"
		}
		return "is out of range for a whole number"
	}
	if want == "text" {
		return "must be text, not a number; quote it"
	}
	return fmt.Sprintf("must be %s, not a number", want)
}

// jsonValueKind names a kind as encoding/json reports it (string, bool,
// array, object).
func jsonValueKind(kind string) string {
	switch kind {
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "a mapping"
	}
	return "another kind of value"
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return "another kind of value"
}

// foldMatch returns the name in known that s spells with other letter case.
func foldMatch(known []string, s string) string {
	for _, k := range known {
		if strings.EqualFold(k, s) {
			return k
		}
	}
	return ""
}

// jsonFields lists the JSON field names of the struct v points to.
func jsonFields(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
