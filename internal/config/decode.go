package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
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
	Peerings    []peeringSpec
	BadPeerings []bool
	HasPeerings bool
	Tags        map[string]string
	Quotas      Quotas
	FlowLogs    flowLogsSpec
	Alarms      alarmsSpec
	Dashboard   Dashboard
	Compliance  Compliance
	Endpoints   Endpoints
	NACL        NACL
	// LogArchive is peerctl:logArchive (logs.go); HasLogArchive says it
	// was given.
	LogArchive    LogArchive
	HasLogArchive bool
}

type networkSpec struct {
	Name               string          `json:"name"`
	CIDR               string          `json:"cidr"`
	CostCenter         string          `json:"costCenter"`
	AZCount            *int            `json:"azCount"`
	AZs                []string        `json:"azs"`
	SubnetPrefixLength *int            `json:"subnetPrefixLength"`
	Account            json.RawMessage `json:"account"`
	NACLSlot           *int            `json:"naclSlot"`
	Region             *string         `json:"region"`
	Existing           json.RawMessage `json:"existing"`
}

type existingSpec struct {
	VPCID         string   `json:"vpcId"`
	RouteTableIDs []string `json:"routeTableIds"`
	SecurityGroup *bool    `json:"securityGroup"`
	FlowLogs      *bool    `json:"flowLogs"`
}

// peeringSpec is one peerings entry as written (see Peering).
type peeringSpec struct {
	Requester     string    `json:"requester"`
	Accepter      string    `json:"accepter"`
	ConnectionID  string    `json:"connectionId"`
	PeerVPCID     string    `json:"peerVpcId"`
	PeerAccountID accountID `json:"peerAccountId"`
	PeerCIDR      string    `json:"peerCidr"`
	PeerRegion    string    `json:"peerRegion"`
	PeerName      string    `json:"peerName"`
	NACLSlot      *int      `json:"naclSlot"`
}

type accountSpec struct {
	ID          accountID `json:"id"`
	Profile     string    `json:"profile"`
	RoleARN     string    `json:"roleArn"`
	SessionName string    `json:"sessionName"`
	ExternalID  string    `json:"externalId"`
}

// accountID accepts a JSON string or a number written as plain digits: YAML
// reads an unquoted 111111111111 as a number, and its digits are the id.
// Any other number (1.11111111111e+11, 111111111111.0) is refused: the
// engine would see a float, and the id's own digits are no longer certain.
type accountID string

func (a *accountID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	text := string(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = accountID(s)
		return nil
	case text != "" && strings.Trim(text, "0123456789") == "":
		*a = accountID(text)
		return nil
	}
	return &accountIDError{text: text}
}

// accountIDError is an account id given as something other than its digits.
type accountIDError struct{ text string }

func (e *accountIDError) Error() string { return e.message() }

func (e *accountIDError) message() string {
	example := "111111111111"
	f, err := strconv.ParseFloat(e.text, 64)
	if err != nil {
		return fmt.Sprintf("must be a 12-digit account id in quotes, not %s: id: %q", jsonKind(e.text), example)
	}
	if digits := strconv.FormatFloat(f, 'f', -1, 64); accountIDPattern.MatchString(digits) {
		example = digits
	}
	form := "a number with a decimal point"
	switch {
	case strings.ContainsAny(e.text, "eE"):
		form = "a number in exponent notation"
	case strings.HasPrefix(e.text, "-"):
		form = "a negative number"
	}
	return fmt.Sprintf("is %s, not an account id; write its 12 digits in quotes: id: %q", form, example)
}

// keyDecoders maps each known key (without namespace) to its decoder.
var keyDecoders = map[string]func(s *spec, field, value string, p *problems){
	"environment": textKey(func(s *spec) **string { return &s.Environment }),
	"region":      textKey(func(s *spec) **string { return &s.Region }),
	"networks": func(s *spec, field, v string, p *problems) {
		s.HasNetworks = true
		s.Networks, s.BadNetworks = decodeList[networkSpec](field, v, p)
		checkEmptyAZs(field, v, p)
	},
	"peerings": func(s *spec, field, v string, p *problems) {
		s.HasPeerings = true
		s.Peerings, s.BadPeerings = decodeList[peeringSpec](field, v, p)
	},
	"tags":       objectKey(func(s *spec) any { return &s.Tags }),
	"quotas":     objectKey(func(s *spec) any { return &s.Quotas }),
	"flowLogs":   objectKey(func(s *spec) any { return &s.FlowLogs }),
	"alarms":     objectKey(func(s *spec) any { return &s.Alarms }),
	"dashboard":  objectKey(func(s *spec) any { return &s.Dashboard }),
	"compliance": objectKey(func(s *spec) any { return &s.Compliance }),
	"endpoints":  objectKey(func(s *spec) any { return &s.Endpoints }),
	"nacl":       objectKey(func(s *spec) any { return &s.NACL }),
	"logArchive": func(s *spec, field, v string, p *problems) {
		s.HasLogArchive = decodeObject(field, v, &s.LogArchive, p)
	},
}

// textKey decodes a key whose value is text into the spec field that at
// returns. Pulumi hands every scalar over as text, so only an empty value or
// a list or mapping can be told apart from what was meant.
func textKey(at func(*spec) **string) func(*spec, string, string, *problems) {
	return func(s *spec, field, v string, p *problems) {
		switch kind := jsonKind(v); kind {
		case "empty":
			p.add(field, "", "has no value; give it one or remove it")
		case "a list", "a mapping":
			p.add(field, "", "must be text, not %s", kind)
		default:
			*at(s) = &v
		}
	}
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
	spelledAs := map[string]string{} // setting name -> the key that set it
	for _, key := range keys {
		if key == "" {
			p.add("config", "", "has a key with no name; name it or remove it")
			continue
		}
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
			if known := foldMatch(slices.Collect(maps.Keys(keyDecoders)), name); known != "" {
				p.add(key, "", "is not a peerctl setting: keys are case-sensitive; did you mean %s:%s?", Namespace, known)
				continue
			}
			p.add(key, "", "is not a peerctl setting (known keys: %s)", strings.Join(KnownKeys(), ", "))
			continue
		}
		if other, dup := spelledAs[name]; dup {
			p.add(key, "", "is the same setting as %s (a key without namespace is peerctl's); keep one", other)
			continue
		}
		spelledAs[name] = key
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
	switch kind := jsonKind(value); kind {
	case "a list":
	case "empty":
		p.add(field, "", "has no value; give it one or remove it")
		return nil, nil
	default:
		p.add(field, scalarText(value), "must be a list, not %s", kind)
		return nil, nil
	}
	var items []json.RawMessage
	_ = json.Unmarshal([]byte(value), &items) // jsonKind checked it is a list
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

// checkEmptyAZs refuses "azs: []": an empty list of AZ IDs would silently
// mean "pick azCount zones", the opposite of naming them.
func checkEmptyAZs(field, value string, p *problems) {
	var items []map[string]json.RawMessage
	if json.Unmarshal([]byte(value), &items) != nil {
		return
	}
	for i, item := range items {
		if azs, ok := item["azs"]; ok && strings.TrimSpace(string(azs)) == "[]" {
			p.add(fmt.Sprintf("%s[%d].azs", field, i), "", "is an empty list; name AZ IDs (use1-az1) or remove it to use azCount")
		}
	}
}
