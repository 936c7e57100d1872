package plan

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// UnknownAccountID stands for the account of the default credentials, which
// the offline plan cannot know (a network without account.id, profile or
// role). A profile without account.id gets a placeholder derived from the
// profile name instead (see accountOf).
const UnknownAccountID = "000000000000"

// Mocks is a pulumi.MockResourceMonitor that plays AWS for the offline plan:
// it records every registration and answers with the ids and computed
// attributes the real provider would return, so that later resources see
// realistic references. Ids are derived from the URN, so the same program
// always gets the same ids. Safe for concurrent use, as the SDK requires.
type Mocks struct {
	mu        sync.Mutex
	project   string
	stack     string
	records   []*record
	byURN     map[string]bool
	providers map[string]*record // by URN
}

// duplicateURNFormat is the Pulumi engine's refusal of a second registration
// of one URN, word for word (pulumi/pulumi pkg/diag/errors.go,
// GetDuplicateResourceURNError, diagnostic 2001, raised by the step
// generator), so the offline plan fails where `pulumi preview` would.
const duplicateURNFormat = "Duplicate resource URN '%s'; try giving it a unique name"

type record struct {
	urn, typ, name, id string
	custom             bool
	parent             string
	provider           string            // provider URN
	componentProviders map[string]string // package -> provider URN, for components
	dependsOn          []string
	ignoreChanges      []string
	retainOnDelete     bool
	protect            bool
	inputs             resource.PropertyMap
}

var _ pulumi.MockResourceMonitor = (*Mocks)(nil)

// NewMocks returns a recorder for one run of project's stack.
func NewMocks(project, stack string) *Mocks {
	return &Mocks{project: project, stack: stack, byURN: map[string]bool{}, providers: map[string]*record{}}
}

// NewResource records a registration and returns the id and state AWS would.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := &record{typ: args.TypeToken, name: args.Name, custom: args.Custom, inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.parent = rpc.GetParent()
		rec.dependsOn = slices.Clone(rpc.GetDependencies())
		rec.ignoreChanges = slices.Clone(rpc.GetIgnoreChanges())
		rec.retainOnDelete = rpc.GetRetainOnDelete()
		rec.protect = rpc.GetProtect()
		if len(rpc.GetProviders()) > 0 {
			rec.componentProviders = map[string]string{}
			for pkg, ref := range rpc.GetProviders() {
				rec.componentProviders[pkg] = providerURN(ref)
			}
		}
	}
	rec.provider = providerURN(args.Provider)
	rec.urn = m.urn(rec.parent, rec.typ, rec.name)
	if rec.parent != "" && resource.URN(rec.parent).QualifiedType() == resource.RootStackType {
		rec.parent = ""
	}
	state := args.Inputs.Copy()
	rec.id = m.computed(rec, state)

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byURN[rec.urn] {
		//lint:ignore ST1005 the engine's message, word for word, capital included
		return "", nil, fmt.Errorf(duplicateURNFormat, rec.urn)
	}
	m.byURN[rec.urn] = true
	m.records = append(m.records, rec)
	if strings.HasPrefix(rec.typ, "pulumi:providers:") {
		m.providers[rec.urn] = rec
	}
	return rec.id, state, nil
}

// urn computes the URN exactly as the SDK's mock monitor does.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// providerURN strips the id from a provider reference ("<urn>::<id>").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}
