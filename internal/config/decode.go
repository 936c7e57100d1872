package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Raw is Pulumi-style configuration: namespaced keys, string values, with
// structured values JSON-encoded.
type Raw map[string]string

// spec is the configuration as written, before defaults and validation.
type spec struct {
	Environment *string
	Region      *string
	Networks    []networkSpec
	BadNetworks []bool // BadNetworks[i]: Networks[i] could not be read cleanly
	HasNetworks bool
	Peerings    []Peering
	HasPeerings bool
	Tags        map[string]string
	Quotas      Quotas
	FlowLogs    FlowLogs
	Alarms      Alarms
	Dashboard   Dashboard
	Compliance  Compliance
	Endpoints   Endpoints
}

type networkSpec struct {
	Name               string          `json:"name"`
	CIDR               string          `json:"cidr"`
	CostCenter         string          `json:"costCenter"`
	AZCount            *int            `json:"azCount"`
	AZs                []string        `json:"azs"`
	SubnetPrefixLength *int            `json:"subnetPrefixLength"`
	Account            json.RawMessage `json:"account"`
}

type accountSpec struct {
	ID          accountID `json:"id"`
	Profile     string    `json:"profile"`
	RoleARN     string    `json:"roleArn"`
	SessionName string    `json:"sessionName"`
	ExternalID  string    `json:"externalId"`
}

// accountID accepts a JSON string or number: YAML reads an unquoted
// 111111111111 as a number, and we would rather say "quote it" than fail on type.
type accountID string

func (a *accountID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = accountID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a 12-digit string")
	}
	*a = accountID(n.String())
	return nil
}

// keyDecoders maps each known key (without namespace) to its decoder.
var keyDecoders = map[string]func(s *spec, field, value string, p *problems){
	"environment": func(s *spec, _, v string, _ *problems) { s.Environment = &v },
	"region":      func(s *spec, _, v string, _ *problems) { s.Region = &v },
	"networks": func(s *spec, field, v string, p *problems) {
		s.HasNetworks = true
		s.Networks, s.BadNetworks = decodeList[networkSpec](field, v, p)
	},
	"peerings": func(s *spec, field, v string, p *problems) {
		s.HasPeerings = true
		s.Peerings, _ = decodeList[Peering](field, v, p)
	},
	"tags":       objectKey(func(s *spec) any { return &s.Tags }),
	"quotas":     objectKey(func(s *spec) any { return &s.Quotas }),
	"flowLogs":   objectKey(func(s *spec) any { return &s.FlowLogs }),
	"alarms":     objectKey(func(s *spec) any { return &s.Alarms }),
	"dashboard":  objectKey(func(s *spec) any { return &s.Dashboard }),
	"compliance": objectKey(func(s *spec) any { return &s.Compliance }),
	"endpoints":  objectKey(func(s *spec) any { return &s.Endpoints }),
}

// objectKey decodes a key whose value is one JSON object into the spec
// field that at returns.
func objectKey(at func(*spec) any) func(*spec, string, string, *problems) {
	return func(s *spec, field, v string, p *problems) { decodeObject(field, v, at(s), p) }
}

// KnownKeys lists the configuration keys peerctl reads, namespaced.
func KnownKeys() []string {
	out := make([]string, 0, len(keyDecoders))
	for k := range keyDecoders {
		out = append(out, Namespace+":"+k)
	}
	slices.Sort(out)
	return out
}

func decodeSpec(raw Raw, p *problems) *spec {
	s := &spec{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		ns, name, found := strings.Cut(key, ":")
		if !found {
			ns, name = Namespace, key
		}
		field := Namespace + ":" + name
		switch {
		case ns == "pulumi":
			continue // engine settings such as pulumi:disable-default-providers
		case ns == "aws":
			p.add(key, "", "is not used: peerctl configures one AWS provider per network; set %s:region and each network's account instead", Namespace)
			continue
		case ns != Namespace:
			p.add(key, "", "is not a peerctl setting (known keys: %s)", strings.Join(KnownKeys(), ", "))
			continue
		}
		decode, ok := keyDecoders[name]
		if !ok {
			p.add(key, "", "is not a peerctl setting (known keys: %s)", strings.Join(KnownKeys(), ", "))
			continue
		}
		decode(s, field, raw[key], p)
	}
	return s
}

// decodeList decodes a JSON list element by element, so an error names the
// index. An element that fails strict decoding is still returned, as far as
// encoding/json could read it, with bad[i] set: it keeps its name for
// references from elsewhere, but is not validated further (its problem is
// already reported).
func decodeList[T any](field, value string, p *problems) (out []T, bad []bool) {
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(value), &items); err != nil {
		p.add(field, "", "must be a list: %s", jsonReason(err))
		return nil, nil
	}
	for i, item := range items {
		var v T
		ok := decodeObject(fmt.Sprintf("%s[%d]", field, i), string(item), &v, p)
		if !ok {
			var lenient T
			_ = json.Unmarshal(item, &lenient)
			v = lenient
		}
		out = append(out, v)
		bad = append(bad, !ok)
	}
	return out, bad
}

// decodeObject decodes one JSON object strictly: unknown fields are errors.
func decodeObject(field, value string, v any, p *problems) bool {
	dec := json.NewDecoder(strings.NewReader(value))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		p.add(field+"."+typeErr.Field, "", "must be %s, not a %s", kindName(typeErr.Type), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		unknown, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		p.add(field+"."+unknown, "", "is not a known field (known: %s)", strings.Join(jsonFields(v), ", "))
	default:
		p.add(field, "", "cannot be read: %s", jsonReason(err))
	}
	return false
}

func jsonReason(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("want %s, got a %s", kindName(typeErr.Type), typeErr.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return t.String()
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
