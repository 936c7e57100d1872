// Package deploytest has a fake Pulumi CLI for tests: it implements
// auto.PulumiCommand and answers the commands the Automation API runs
// (stack select/init/output/history, preview, up, destroy, refresh), writing
// canned engine events to the event log the Automation API tails. Tests
// drive the real Automation API code with it, without the CLI.
package deploytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Call is one command the fake CLI ran.
type Call struct {
	Dir  string
	Env  []string
	Args []string
}

// Op names the operations that emit engine events.
const (
	OpPreview        = "preview"
	OpUp             = "up"
	OpDestroy        = "destroy"
	OpPreviewDestroy = "preview-destroy"
	OpRefresh        = "refresh"
	OpPreviewRefresh = "preview-refresh"
)

// CLI is a fake Pulumi CLI. Set the fields before use; it is safe for the
// concurrent calls the Automation API makes.
type CLI struct {
	// Existing stacks; select of any other fails like the real CLI.
	Stacks map[string]bool
	// Events are written to the event log of each operation.
	Events map[string][]apitype.EngineEvent
	// Outputs are what `stack output --json --show-secrets` prints.
	Outputs map[string]any
	// SecretOutputs print as "[secret]" without --show-secrets.
	SecretOutputs []string
	// Fail makes an operation exit 255 with this text on stderr (after its events).
	Fail map[string]string
	// WaitForCancel makes an operation block until its context is cancelled.
	WaitForCancel map[string]bool
	// Selected is the stack selected in the user's workspace settings, as
	// `stack select` and `stack init` (without --no-select) leave it.
	Selected string

	mu    sync.Mutex
	calls []Call
}

// Version is recent enough for the Automation API to stream engine events
// over gRPC (--event-log tcp://localhost:PORT), as the real CLI does.
func (c *CLI) Version() semver.Version { return semver.MustParse("3.210.0") }

// Calls returns the commands run so far.
func (c *CLI) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// Ran reports whether a command starting with prefix ran ("up", "stack init").
func (c *CLI) Ran(prefix string) bool {
	for _, call := range c.Calls() {
		if strings.HasPrefix(strings.Join(call.Args, " "), prefix) {
			return true
		}
	}
	return false
}

// EnvOf returns the value of key in the environment of the first command run.
func (c *CLI) EnvOf(key string) (string, bool) {
	calls := c.Calls()
	if len(calls) == 0 {
		return "", false
	}
	for _, kv := range calls[0].Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// Run implements auto.PulumiCommand.
func (c *CLI) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string) (string, string, int, error) {
	c.mu.Lock()
	c.calls = append(c.calls, Call{Dir: workdir, Env: slices.Clone(env), Args: slices.Clone(args)})
	c.mu.Unlock()

	stack := flagValue(args, "--stack")
	switch {
	case len(args) >= 1 && args[0] == "stack" && (len(args) == 1 || strings.HasPrefix(args[1], "-")):
		// `pulumi stack [--show-name] --stack NAME` shows a stack without selecting it.
		c.mu.Lock()
		exists := c.Stacks[stack]
		c.mu.Unlock()
		if !exists {
			return fail(fmt.Sprintf("error: no stack named '%s' found", stack))
		}
		return stack + "\n", "", 0, nil
	case len(args) >= 2 && args[0] == "stack" && args[1] == "select":
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.Stacks[stack] {
			return fail(fmt.Sprintf("error: no stack named '%s' found", stack))
		}
		c.Selected = stack
		return "", "", 0, nil
	case len(args) >= 3 && args[0] == "stack" && args[1] == "init":
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.Stacks[args[2]] {
			return fail(fmt.Sprintf("error: stack '%s' already exists", args[2]))
		}
		if c.Stacks == nil {
			c.Stacks = map[string]bool{}
		}
		c.Stacks[args[2]] = true
		if !slices.Contains(args, "--no-select") {
			c.Selected = args[2]
		}
		return "", "", 0, nil
	case len(args) >= 2 && args[0] == "stack" && args[1] == "output":
		outputs := map[string]any{}
		for k, v := range c.Outputs {
			outputs[k] = v
			if slices.Contains(c.SecretOutputs, k) && !slices.Contains(args, "--show-secrets") {
				outputs[k] = "[secret]"
			}
		}
		b, err := json.Marshal(outputs)
		if err != nil {
			return "", err.Error(), 1, err
		}
		return string(b), "", 0, nil
	case len(args) >= 2 && args[0] == "stack" && args[1] == "history":
		return `[{"version":1,"kind":"update","startTime":"2024-01-01T00:00:00Z","message":"","environment":{},"config":{},"result":"succeeded"}]`, "", 0, nil
	}
	op := operation(args)
	if op == "" {
		return fail("fake pulumi: unsupported command: " + strings.Join(args, " "))
	}
	if target := flagValue(args, "--event-log"); target != "" {
		if err := sendEvents(context.WithoutCancel(ctx), target, c.Events[op]); err != nil {
			return "", err.Error(), 1, err
		}
	}
	if c.WaitForCancel[op] {
		<-ctx.Done()
		return "", "error: update canceled", 255, ctx.Err()
	}
	if msg, ok := c.Fail[op]; ok {
		return fail(msg)
	}
	return "", "", 0, nil
}

func fail(stderr string) (string, string, int, error) {
	return "", stderr, 255, fmt.Errorf("exit status 255")
}

func operation(args []string) string {
	if len(args) == 0 {
		return ""
	}
	previewOnly := slices.Contains(args, "--preview-only")
	switch args[0] {
	case "preview":
		return OpPreview
	case "up":
		return OpUp
	case "destroy":
		if previewOnly {
			return OpPreviewDestroy
		}
		return OpDestroy
	case "refresh":
		if previewOnly {
			return OpPreviewRefresh
		}
		return OpRefresh
	}
	return ""
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// sendEvents delivers engine events the way the CLI does: over the
// Automation API's events gRPC service (tcp://host:port), or appended to an
// event log file for older protocol versions.
func sendEvents(ctx context.Context, target string, evs []apitype.EngineEvent) error {
	lines := make([]string, len(evs))
	for i, ev := range evs {
		ev.Sequence = i + 1
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		lines[i] = string(b)
	}
	addr, ok := strings.CutPrefix(target, "tcp://")
	if !ok {
		return os.WriteFile(target, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	}
	// The Automation API listens on 127.0.0.1; dialing that address directly
	// (passthrough) avoids resolving "localhost", which may ask a DNS server.
	if port, ok := strings.CutPrefix(addr, "localhost:"); ok {
		addr = "127.0.0.1:" + port
	}
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	stream, err := pulumirpc.NewEventsClient(conn).StreamEvents(ctx)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := stream.Send(&pulumirpc.EventRequest{Event: l}); err != nil {
			return err
		}
	}
	_, err = stream.CloseAndRecv()
	return err
}

// Step builds a resource event pair for an operation on a resource: the
// pre-event and, unless failed, the outputs event (or the failure).
func Step(op apitype.OpType, typ, name string, failed bool) []apitype.EngineEvent {
	md := apitype.StepEventMetadata{
		Op:   op,
		URN:  "urn:pulumi:dev::peerctl::" + typ + "::" + name,
		Type: typ,
	}
	evs := []apitype.EngineEvent{{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: md}}}
	if failed {
		return append(evs, apitype.EngineEvent{ResOpFailedEvent: &apitype.ResOpFailedEvent{Metadata: md, Status: 1, Steps: 1}})
	}
	return append(evs, apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: md}})
}

// PlanStep is a preview's planned step (pre and outputs events, planning).
func PlanStep(op apitype.OpType, typ, name string) []apitype.EngineEvent {
	md := apitype.StepEventMetadata{Op: op, URN: "urn:pulumi:dev::peerctl::" + typ + "::" + name, Type: typ}
	return []apitype.EngineEvent{
		{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: md, Planning: true}},
		{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: md, Planning: true}},
	}
}

// SummaryEvent is the engine's closing event.
func SummaryEvent(preview bool, seconds int, changes map[apitype.OpType]int) apitype.EngineEvent {
	result := apitype.OperationResultSucceeded
	return apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
		IsPreview: preview, DurationSeconds: seconds, ResourceChanges: changes, Result: result,
	}}
}

// Scenario returns the events of every operation on a stack of two VPCs and
// their peering: what the command tests replay.
func Scenario() map[string][]apitype.EngineEvent {
	resources := []struct{ typ, name string }{
		{"aws:ec2/vpc:Vpc", "trading-vpc"},
		{"aws:ec2/vpc:Vpc", "analytics-vpc"},
		{"aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "trading-analytics"},
	}
	n := len(resources)
	var preview, up, previewDestroy, destroy, refresh []apitype.EngineEvent
	for _, r := range resources {
		preview = append(preview, PlanStep(apitype.OpCreate, r.typ, r.name)...)
		up = append(up, Step(apitype.OpCreate, r.typ, r.name, false)...)
		previewDestroy = append(previewDestroy, PlanStep(apitype.OpDelete, r.typ, r.name)...)
		destroy = append(destroy, Step(apitype.OpDelete, r.typ, r.name, false)...)
		refresh = append(refresh, Step(apitype.OpRefresh, r.typ, r.name, false)...)
	}
	return map[string][]apitype.EngineEvent{
		OpPreview:        append(preview, SummaryEvent(true, 3, map[apitype.OpType]int{apitype.OpCreate: n})),
		OpUp:             append(up, SummaryEvent(false, 95, map[apitype.OpType]int{apitype.OpCreate: n})),
		OpPreviewDestroy: append(previewDestroy, SummaryEvent(true, 2, map[apitype.OpType]int{apitype.OpDelete: n})),
		OpDestroy:        append(destroy, SummaryEvent(false, 40, map[apitype.OpType]int{apitype.OpDelete: n})),
		OpRefresh:        append(refresh, SummaryEvent(false, 8, map[apitype.OpType]int{apitype.OpSame: n})),
		OpPreviewRefresh: {SummaryEvent(true, 1, map[apitype.OpType]int{apitype.OpSame: n})},
	}
}

// SampleOutputs are stack outputs as `pulumi stack output --json` prints them.
func SampleOutputs() map[string]any {
	return map[string]any{
		"environment":          "dev",
		"vpcIds":               map[string]any{"trading": "vpc-0t", "analytics": "vpc-0a"},
		"subnetIds":            map[string]any{"trading": []any{"subnet-t1", "subnet-t2"}, "analytics": []any{"subnet-a1"}},
		"routeTableIds":        map[string]any{"trading": []any{"rtb-t1", "rtb-t2"}, "analytics": []any{"rtb-a1"}},
		"securityGroupIds":     map[string]any{"trading": "sg-t", "analytics": "sg-a"},
		"naclIds":              map[string]any{"trading": "acl-t", "analytics": "acl-a"},
		"peeringConnectionIds": map[string]any{"trading-analytics": "pcx-0123"},
		"peeringStatuses":      map[string]any{"trading-analytics": "active"},
	}
}
