package deploy

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

// readEventLog reads an event log as the Pulumi CLI writes it (one JSON
// engine event per line).
func readEventLog(t *testing.T, path string) []events.EngineEvent {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []events.EngineEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev apitype.EngineEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, events.EngineEvent{EngineEvent: ev})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func renderAll(p Progress, evs []events.EngineEvent) (Progress, string) {
	var b strings.Builder
	for _, ev := range evs {
		var lines []string
		p, lines = p.Render(ev)
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	return p, b.String()
}

func TestRenderRecordedFailedUp(t *testing.T) {
	evs := readEventLog(t, "testdata/up-failed.jsonl")
	p, got := renderAll(Progress{Total: 4}, evs)
	want := `[1/4] created    aws:ec2/vpc:Vpc trading-vpc
[2/4] updated    aws:ec2/networkAcl:NetworkAcl trading-nacl
error: trading-analytics-accepter-options: sdk-v2/provider2.go:572: sdk.helper_schema: modifying VPC Peering Connection (pcx-0abc) Options: OperationNotPermitted: Peering pcx-0abc is not active.
    status code: 400
[3/4] failed to create aws:ec2/peeringConnectionOptions:PeeringConnectionOptions trading-analytics-accepter-options
warning: peerctl-dev: deprecated: aws.getRegion name is deprecated
[4/4] created    pulumi:pulumi:Stack peerctl-dev
failed in 1m32s: 2 created, 1 updated, 0 deleted, 1 unchanged
`
	if got != want {
		t.Errorf("rendered:\n%s\nwant:\n%s", got, want)
	}
	if p.Done != 4 || p.Failed != 1 {
		t.Errorf("Done, Failed = %d, %d; want 4, 1", p.Done, p.Failed)
	}
	if p.Summary == nil || p.Summary.Result != apitype.OperationResultFailed {
		t.Errorf("Summary = %+v, want a failed result", p.Summary)
	}
}

func TestRenderIsPure(t *testing.T) {
	ev := events.EngineEvent{EngineEvent: deploytest.Step(apitype.OpCreate, "aws:ec2/vpc:Vpc", "a", false)[1]}
	start := Progress{Total: 2}
	p1, l1 := start.Render(ev)
	p2, l2 := start.Render(ev)
	if start.Done != 0 {
		t.Errorf("Render changed its receiver: Done = %d", start.Done)
	}
	if p1.Done != 1 || p2.Done != 1 || strings.Join(l1, "") != strings.Join(l2, "") {
		t.Errorf("same input gave different results: %v %v / %v %v", p1, l1, p2, l2)
	}
}

func TestRenderEvents(t *testing.T) {
	step := func(op apitype.OpType, name string, failed bool) []events.EngineEvent {
		var out []events.EngineEvent
		for _, e := range deploytest.Step(op, "peerctl:network:Network$aws:ec2/subnet:Subnet", name, failed) {
			out = append(out, events.EngineEvent{EngineEvent: e})
		}
		return out
	}
	plan := func(op apitype.OpType, name string) []events.EngineEvent {
		var out []events.EngineEvent
		for _, e := range deploytest.PlanStep(op, "aws:ec2/subnet:Subnet", name) {
			out = append(out, events.EngineEvent{EngineEvent: e})
		}
		return out
	}
	summary := func(preview bool, secs int, changes map[apitype.OpType]int) []events.EngineEvent {
		return []events.EngineEvent{{EngineEvent: deploytest.SummaryEvent(preview, secs, changes)}}
	}
	join := func(parts ...[]events.EngineEvent) []events.EngineEvent {
		var out []events.EngineEvent
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name  string
		start Progress
		evs   []events.EngineEvent
		want  string
	}{
		{
			name:  "unknown total",
			start: Progress{},
			evs:   join(step(apitype.OpCreate, "a", false), step(apitype.OpDelete, "b", false)),
			want:  "[1] created    aws:ec2/subnet:Subnet a\n[2] deleted    aws:ec2/subnet:Subnet b\n",
		},
		{
			name:  "counter is padded to the total's width",
			start: Progress{Total: 12},
			evs:   step(apitype.OpReplace, "a", false),
			want:  "[ 1/12] replaced   aws:ec2/subnet:Subnet a\n",
		},
		{
			name:  "more operations than announced grows the total",
			start: Progress{Total: 1},
			evs:   join(step(apitype.OpCreate, "a", false), step(apitype.OpCreate, "b", false)),
			want:  "[1/1] created    aws:ec2/subnet:Subnet a\n[2/2] created    aws:ec2/subnet:Subnet b\n",
		},
		{
			name:  "unchanged and replacement sub-steps are not lines",
			start: Progress{Total: 1},
			evs: join(step(apitype.OpSame, "a", false), step(apitype.OpCreateReplacement, "b", false),
				step(apitype.OpReplace, "b", false), step(apitype.OpDeleteReplaced, "b", false)),
			want: "[1/1] replaced   aws:ec2/subnet:Subnet b\n",
		},
		{
			name:  "preview lines come from the plan, once per step",
			start: Progress{Preview: true, Total: 2},
			evs: join(plan(apitype.OpCreate, "a"), plan(apitype.OpSame, "s"), plan(apitype.OpUpdate, "b"),
				summary(true, 7, map[apitype.OpType]int{"create": 1, "update": 1, "same": 1})),
			want: "[1/2] create     aws:ec2/subnet:Subnet a\n[2/2] update     aws:ec2/subnet:Subnet b\npreview in 7s: 1 to create, 1 to update, 0 to delete, 1 unchanged\n",
		},
		{
			name:  "destroy summary",
			start: Progress{Total: 1},
			evs:   join(step(apitype.OpDelete, "a", false), summary(false, 61, map[apitype.OpType]int{"delete": 1})),
			want:  "[1/1] deleted    aws:ec2/subnet:Subnet a\ndone in 1m1s: 0 created, 0 updated, 1 deleted, 0 unchanged\n",
		},
		{
			name:  "refresh and replace counts appear only when non-zero",
			start: Progress{Total: 1},
			evs:   join(step(apitype.OpRefresh, "a", false), summary(false, 3, map[apitype.OpType]int{"refresh": 1, "replace": 2})),
			want:  "[1/1] refreshed  aws:ec2/subnet:Subnet a\ndone in 3s: 0 created, 0 updated, 2 replaced, 0 deleted, 1 refreshed, 0 unchanged\n",
		},
		{
			name:  "policy event",
			start: Progress{},
			evs: []events.EngineEvent{{EngineEvent: apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{
				ResourceURN: "urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::trading-vpc", Message: "no\n flow  log",
				PolicyName: "flow-logs", PolicyPackName: "peerctl", EnforcementLevel: "mandatory"}}}},
			want: "policy peerctl/flow-logs (mandatory): trading-vpc no flow log\n",
		},
		{
			name:  "unreadable event",
			start: Progress{},
			evs:   []events.EngineEvent{{Error: errors.New("bad json")}},
			want:  "warning: unreadable engine event: bad json\n",
		},
		{
			name:  "ephemeral and info diagnostics are dropped",
			start: Progress{},
			evs: []events.EngineEvent{
				{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "x", Severity: "error", Ephemeral: true}}},
				{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "y", Severity: "info"}}},
				{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "z", Severity: "error"}}},
			},
			want: "error: z\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := renderAll(tt.start, tt.evs)
			if got != tt.want {
				t.Errorf("rendered:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestExpectedOperations(t *testing.T) {
	got := ExpectedOperations(map[apitype.OpType]int{
		"create": 40, "update": 2, "same": 10, "replace": 1, "create-replacement": 1, "delete-replaced": 1, "delete": 3,
	})
	if got != 46 {
		t.Errorf("ExpectedOperations = %d, want 46", got)
	}
}
