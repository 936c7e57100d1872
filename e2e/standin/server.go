package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/peerctl/peerctl/internal/plan"
)

// server is one provider process: the engine starts one per provider
// resource, so one process is one account and region.
type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	world *world
	slow  time.Duration

	mu sync.Mutex
	// mocks answer ids, ARNs and computed attributes as the offline plan
	// does, one per project and stack, so ids differ between stacks as in
	// AWS.
	mocks   map[string]*stackMocks
	account string
	region  string
	// defaultTags are the provider's default tags, which AWS holds on
	// every resource it tags (tagsAll), as the real provider does.
	defaultTags map[string]any
}

// stackMocks are the plan mocks of one stack, with this process's provider
// registered in them under the reference (urn::id) resources name.
type stackMocks struct {
	*plan.Mocks
	provider string
}

func newServer(dir, slow string) (*server, error) {
	if dir == "" {
		return nil, errors.New("PEERCTL_STANDIN_DIR is not set: the stand-in keeps its world and journal there")
	}
	s := &server{world: &world{dir: dir}}
	if slow != "" {
		d, err := time.ParseDuration(slow)
		if err != nil {
			return nil, fmt.Errorf("PEERCTL_STANDIN_SLOW: %w", err)
		}
		s.slow = d
	}
	return s, nil
}

var (
	unmarshal = plugin.MarshalOptions{KeepUnknowns: true, SkipNulls: true, KeepSecrets: false}
	marshal   = plugin.MarshalOptions{KeepUnknowns: true, SkipNulls: true}
)

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff("pulumi:providers:aws", req)
}

// Configure records the account and region this process plays.
func (s *server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	cfg := resource.PropertyMap{}
	if req.GetArgs() != nil {
		var err error
		if cfg, err = plugin.UnmarshalProperties(req.GetArgs(), unmarshal); err != nil {
			return nil, err
		}
	} else {
		// Engines before args were sent give the configuration as
		// variables only.
		//lint:ignore SA1019 the fallback for those engines
		for k, v := range req.GetVariables() {
			cfg[resource.PropertyKey(strings.TrimPrefix(k, "aws:config:"))] = jsonValue(v)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account, s.region = accountOf(cfg), str(cfg, "region")
	s.defaultTags = nil
	if dt, ok := cfg["defaultTags"]; ok && dt.IsObject() {
		if tags, ok := dt.ObjectValue()["tags"]; ok && tags.IsObject() {
			s.defaultTags = tags.Mappable().(map[string]any)
		}
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: false, SupportsPreview: false}, nil
}

// jsonValue decodes a provider variable, which the engine sends as JSON
// text for lists and objects.
func jsonValue(v string) resource.PropertyValue {
	var decoded any
	if strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{") {
		if json.Unmarshal([]byte(v), &decoded) == nil {
			return resource.NewPropertyValue(decoded)
		}
	}
	return resource.NewProperty(v)
}

// accountOf is the account a provider configuration reaches: its one
// allowed account id, else the account of the role it assumes, else a
// placeholder named after its profile.
func accountOf(cfg resource.PropertyMap) string {
	if v, ok := cfg["allowedAccountIds"]; ok && v.IsArray() && len(v.ArrayValue()) == 1 && v.ArrayValue()[0].IsString() {
		return v.ArrayValue()[0].StringValue()
	}
	for _, key := range []resource.PropertyKey{"assumeRoles", "assumeRole"} {
		v, ok := cfg[key]
		if !ok {
			continue
		}
		if v.IsArray() && len(v.ArrayValue()) > 0 {
			v = v.ArrayValue()[0]
		}
		if v.IsObject() {
			if parts := strings.Split(str(v.ObjectValue(), "roleArn"), ":"); len(parts) > 4 {
				return parts[4]
			}
		}
	}
	return "profile:" + str(cfg, "profile")
}

func str(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// mocksFor returns the plan mocks for urn's stack, with this process's
// provider (its region and account) registered in them.
func (s *server) mocksFor(urn resource.URN) (*plan.Mocks, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(urn.Project()) + "/" + string(urn.Stack())
	if m, ok := s.mocks[key]; ok {
		return m.Mocks, m.provider, nil
	}
	m := &stackMocks{Mocks: plan.NewMocks(string(urn.Project()), string(urn.Stack()))}
	cfg := resource.PropertyMap{"region": resource.NewProperty(s.region)}
	if s.account != "" && !strings.HasPrefix(s.account, "profile:") {
		cfg["allowedAccountIds"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(s.account)})
	}
	const name = "standin"
	id, _, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: "pulumi:providers:aws", Name: name, Custom: true, Inputs: cfg})
	if err != nil {
		return nil, "", err
	}
	m.provider = string(resource.NewURN(urn.Stack(), urn.Project(), "", "pulumi:providers:aws", name)) + "::" + id
	if s.mocks == nil {
		s.mocks = map[string]*stackMocks{}
	}
	s.mocks[key] = m
	return m.Mocks, m.provider, nil
}

// answer computes the id and outputs AWS would return for a resource, as
// the offline plan does: the URN's parent type is kept so the mocks derive
// the ids from the real URN.
func (s *server) answer(urn resource.URN, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	mocks, provider, err := s.mocksFor(urn)
	if err != nil {
		return "", nil, err
	}
	parent := ""
	if q := string(urn.QualifiedType()); strings.Contains(q, "$") {
		parentType := q[:strings.LastIndex(q, "$")]
		parent = string(resource.NewURN(urn.Stack(), urn.Project(), "", tokens.Type(parentType), "parent"))
	}
	return mocks.NewResource(pulumi.MockResourceArgs{
		TypeToken: string(urn.Type()), Name: urn.Name(), Custom: true, Inputs: inputs, Provider: provider,
		RegisterRPC: &pulumirpc.RegisterResourceRequest{Parent: parent},
	})
}

func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(string(resource.URN(req.GetUrn()).Type()), req)
}

func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	urn := resource.URN(req.GetUrn())
	inputs, err := plugin.UnmarshalProperties(req.GetProperties(), unmarshal)
	if err != nil {
		return nil, err
	}
	s.wait(ctx)
	id, outputs, err := s.answer(urn, inputs)
	if err != nil {
		return nil, err
	}
	s.addTagsAll(outputs)
	if err := s.world.apply(opCreate, s.entry(urn, id, outputs)); err != nil {
		return nil, err
	}
	props, err := plugin.MarshalProperties(outputs, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	urn := resource.URN(req.GetUrn())
	inputs, err := plugin.UnmarshalProperties(req.GetNews(), unmarshal)
	if err != nil {
		return nil, err
	}
	s.wait(ctx)
	_, outputs, err := s.answer(urn, inputs)
	if err != nil {
		return nil, err
	}
	s.addTagsAll(outputs)
	if err := s.world.apply(opUpdate, s.entry(urn, req.GetId(), outputs)); err != nil {
		return nil, err
	}
	props, err := plugin.MarshalProperties(outputs, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (s *server) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	urn := resource.URN(req.GetUrn())
	outputs, err := plugin.UnmarshalProperties(req.GetProperties(), unmarshal)
	if err != nil {
		return nil, err
	}
	if err := s.world.apply(opDelete, s.entry(urn, req.GetId(), outputs)); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read answers a refresh from the world: what exists, as it is.
func (s *server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	e, ok, err := s.world.lookup(req.GetUrn())
	if err != nil || !ok {
		return &pulumirpc.ReadResponse{}, err
	}
	props, err := structpb.NewStruct(e.Outputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: e.ID, Properties: props, Inputs: req.GetInputs()}, nil
}

// Invoke answers the data sources the program calls: those that read what
// exists in AWS from the world (invokes.go), the others as the offline
// plan does.
func (s *server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(req.GetArgs(), unmarshal)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	account, region := s.account, s.region
	s.mu.Unlock()
	var out resource.PropertyMap
	switch req.GetTok() {
	case invokeRouteTables, invokeConnections:
		// What exists in AWS, not a placeholder: read from the world.
		answer := routeTables
		if req.GetTok() == invokeConnections {
			answer = peeringConnections
		}
		err = s.world.locked(func(st *state) error {
			out, err = answer(st, account, region, args)
			return err
		})
	default:
		// Invokes carry no URN; any URN of the stack gives the same answers.
		mocks, provider, merr := s.mocksFor(resource.NewURN("stack", "peerctl", "", "aws:index:invoke", "invoke"))
		if merr != nil {
			return nil, merr
		}
		out, err = mocks.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args, Provider: provider})
	}
	if err != nil {
		return nil, err
	}
	s.world.journal(journalEntry{Op: "invoke", Type: req.GetTok(), Account: account, Region: region})
	ret, err := plugin.MarshalProperties(out, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// wait plays a slow AWS operation when PEERCTL_STANDIN_SLOW says so.
func (s *server) wait(ctx context.Context) {
	if s.slow <= 0 {
		return
	}
	select {
	case <-time.After(s.slow):
	case <-ctx.Done():
	}
}

func (s *server) entry(urn resource.URN, id string, outputs resource.PropertyMap) entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return entry{URN: string(urn), Type: string(urn.Type()), ID: id, Account: s.account, Region: s.region, Outputs: outputs.Mappable()}
}
