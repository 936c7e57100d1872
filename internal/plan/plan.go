// Package plan runs the real Pulumi program offline, under the SDK's mock
// monitor, and turns what it registers into a plan document: every resource
// with its type, account, parent, provider, dependencies and inputs, plus the
// stack outputs. No AWS credentials, no Pulumi CLI, no network.
package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/stack"
)

// Project is the Pulumi project name (Pulumi.yaml) used in URNs.
const Project = config.Namespace

// Document is the plan: a stable, documented interface (see the README).
type Document struct {
	Stack       string `json:"stack"`
	Environment string `json:"environment"`
	// EnvironmentOverride is set when ENVIRONMENT_SUFFIX renames the stack
	// file's environment, so a reviewer or a CI gate cannot miss it.
	EnvironmentOverride *EnvironmentOverride `json:"environmentOverride,omitempty"`
	Region              string               `json:"region"`
	// Quotas are the service quotas the configuration planned against, so
	// policies check rule counts against the same numbers.
	Quotas config.Quotas `json:"quotas"`
	// Networks and Peerings summarise the topology: which networks exist
	// already, in which region each is, and which peerings are one-sided.
	Networks  []NetworkSummary `json:"networks"`
	Peerings  []PeeringSummary `json:"peerings"`
	Resources []Resource       `json:"resources"`
	Outputs   map[string]any   `json:"outputs"`

	// networkOrder is the configuration's network order, and
	// environmentSource where the environment name came from, for rendering.
	networkOrder      []string
	environmentSource string
}

// EnvironmentOverride says that ENVIRONMENT_SUFFIX changed the environment:
// every physical name differs from what the stack file alone gives, while
// production safeguards still follow the stack file (Production).
type EnvironmentOverride struct {
	Variable         string `json:"variable"`
	Environment      string `json:"environment"`
	StackEnvironment string `json:"stackEnvironment"`
	Production       bool   `json:"production"`
}

// Resource is one registered resource.
type Resource struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	Name string `json:"name"`
	// ID is the placeholder id the offline plan assigned; references between
	// resources in Inputs use these ids. Empty for components.
	ID string `json:"id,omitempty"`
	// Account is the network whose provider manages the resource, "" for
	// providers and for components that span accounts.
	Account   string   `json:"account"`
	Parent    string   `json:"parent"`
	Provider  string   `json:"provider"`
	DependsOn []string `json:"dependsOn"`
	// IgnoreChanges lists inputs whose drift Pulumi ignores, if any.
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
	// RetainOnDelete means destroy leaves the resource in AWS.
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`
	// Protect means Pulumi refuses to delete the resource until the
	// protection is lifted (pulumi.Protect).
	Protect bool           `json:"protect,omitempty"`
	Inputs  map[string]any `json:"inputs"`
}

// Build runs stack.Define for cfg under mocks and returns the plan.
func Build(cfg *config.Config, stackName string) (*Document, error) {
	mocks := NewMocks(Project, stackName)
	var (
		mu      sync.Mutex
		outputs map[string]any
	)
	program := func(ctx *pulumi.Context) error {
		r, err := stack.Define(ctx, cfg)
		if err != nil {
			return err
		}
		r.Outputs.ToMapOutput().ApplyT(func(v map[string]any) map[string]any {
			mu.Lock()
			defer mu.Unlock()
			outputs = v
			return v
		})
		return nil
	}
	if err := pulumi.RunErr(program, pulumi.WithMocks(Project, stackName, mocks)); err != nil {
		return nil, fmt.Errorf("planning stack %q: %w", stackName, err)
	}
	doc := &Document{
		Stack:       stackName,
		Environment: cfg.Environment,
		Region:      cfg.Region,
		Quotas:      cfg.Quotas,
		Resources:   mocks.resources(),
		Outputs:     normalize(outputs),
	}
	doc.Networks, doc.Peerings = topology(cfg)
	for _, n := range cfg.Networks {
		doc.networkOrder = append(doc.networkOrder, n.Name)
	}
	doc.environmentSource = cfg.EnvironmentSource
	if cfg.EnvironmentOverridden() {
		doc.EnvironmentOverride = &EnvironmentOverride{Variable: config.EnvEnvironmentSuffix,
			Environment: cfg.Environment, StackEnvironment: cfg.StackEnvironment, Production: cfg.IsProd()}
	}
	return doc, nil
}

// resources converts the records into plan resources, sorted by URN.
func (m *Mocks) resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	accountOf := func(providerURN string) string {
		if p, ok := m.providers[providerURN]; ok {
			return p.name
		}
		return ""
	}
	out := make([]Resource, 0, len(m.records))
	for _, rec := range m.records {
		r := Resource{
			URN: rec.urn, Type: rec.typ, Name: rec.name, ID: rec.id,
			Parent: rec.parent, Provider: rec.provider,
			DependsOn:      sortedUnique(rec.dependsOn),
			IgnoreChanges:  rec.ignoreChanges,
			RetainOnDelete: rec.retainOnDelete,
			Protect:        rec.protect,
			Inputs:         propertyMap(rec.inputs),
		}
		switch {
		case rec.custom && rec.provider != "":
			r.Account = accountOf(rec.provider)
		case !rec.custom:
			r.Account = accountOf(rec.componentProviders["aws"])
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Resource) int { return strings.Compare(a.URN, b.URN) })
	return out
}

func sortedUnique(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// propertyMap converts registered inputs to plain JSON values.
func propertyMap(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		if strings.HasPrefix(string(k), "__") {
			continue // SDK bookkeeping such as __defaults
		}
		out[string(k)] = propertyValue(v)
	}
	return out
}

func propertyValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return decodeJSONString(v.StringValue())
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = propertyValue(e)
		}
		return out
	case v.IsObject():
		return propertyMap(v.ObjectValue())
	case v.IsSecret():
		return "[secret]"
	case v.IsComputed():
		return "[unknown]"
	case v.IsOutput():
		if o := v.OutputValue(); o.Known {
			return propertyValue(o.Element)
		}
		return "[unknown]"
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return fmt.Sprintf("[%s]", v.TypeString())
}

// decodeJSONString turns JSON-encoded objects back into objects, so the plan
// shows them as nested JSON: the SDK sends nested provider settings
// (defaultTags, assumeRole) as JSON text, and policy documents are JSON text
// too. Reviewers read them, and policies query them, as objects.
func decodeJSONString(s string) any {
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return s
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	return v
}

// normalize round-trips v through JSON so outputs hold only plain JSON types.
func normalize(v map[string]any) map[string]any {
	out := map[string]any{}
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &out)
	}
	return out
}

// WriteJSON writes the document as indented JSON. The same document always
// produces the same bytes: maps are sorted by key, resources by URN.
func (d *Document) WriteJSON(w io.Writer) error {
	return EncodeJSON(w, d)
}

// EncodeJSON writes v as the plan's JSON is written: indented, HTML left
// unescaped, map keys sorted. Documents that embed the plan use it too.
func EncodeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
