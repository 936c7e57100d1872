package deploy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/testing/deploytest"
)

// TestOperationsDoNotSelectTheStack runs every operation the commands use
// and checks that none changes the user's selected stack.
func TestOperationsDoNotSelectTheStack(t *testing.T) {
	te := newTestEnv(t, withPassphrase)
	te.cli.Stacks = map[string]bool{"dev": true, "prod": true}
	te.cli.Selected = "prod"
	te.cli.Events = deploytest.Scenario()
	s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.OpenStack(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Outputs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PreviewDestroy(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Destroy(ctx, &st, &bytes.Buffer{}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Refresh(ctx, &st, &bytes.Buffer{}, 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range te.cli.Calls() {
		args := strings.Join(c.Args, " ")
		if strings.HasPrefix(args, "stack select") || !slices.Contains(c.Args, "--stack") && !strings.HasPrefix(args, "stack init") {
			t.Errorf("%q does not name its stack", args)
		}
	}
	if te.cli.Selected != "prod" {
		t.Errorf("the selected stack changed to %q", te.cli.Selected)
	}
}

func concatEvents(parts ...[]apitype.EngineEvent) []apitype.EngineEvent {
	var out []apitype.EngineEvent
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestOperationsStreamEvents(t *testing.T) {
	te := newTestEnv(t, withPassphrase)
	te.cli.Stacks = map[string]bool{"dev": true}
	te.cli.Events = map[string][]apitype.EngineEvent{
		deploytest.OpPreview: concatEvents(
			deploytest.PlanStep(apitype.OpCreate, "aws:ec2/vpc:Vpc", "trading-vpc"),
			deploytest.PlanStep(apitype.OpCreate, "aws:ec2/vpc:Vpc", "analytics-vpc"),
			[]apitype.EngineEvent{deploytest.SummaryEvent(true, 4, map[apitype.OpType]int{"create": 2})}),
		deploytest.OpUp: concatEvents(
			deploytest.Step(apitype.OpCreate, "aws:ec2/vpc:Vpc", "trading-vpc", false),
			deploytest.Step(apitype.OpCreate, "aws:ec2/vpc:Vpc", "analytics-vpc", false),
			[]apitype.EngineEvent{deploytest.SummaryEvent(false, 75, map[apitype.OpType]int{"create": 2})}),
	}
	te.cli.Outputs = map[string]any{"vpcIds": map[string]any{"trading": "vpc-1"}}
	s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.OpenStack(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p, res, err := Preview(context.Background(), &st, &out)
	if err != nil {
		t.Fatal(err)
	}
	total := ExpectedOperations(res.ChangeSummary)
	if total != 2 || p.Done != 2 {
		t.Errorf("preview total %d, done %d; want 2, 2", total, p.Done)
	}
	wantPreview := "[1] create     aws:ec2/vpc:Vpc trading-vpc\n[2] create     aws:ec2/vpc:Vpc analytics-vpc\npreview in 4s: 2 to create, 0 to update, 0 to delete, 0 unchanged\n"
	if out.String() != wantPreview {
		t.Errorf("preview output:\n%s\nwant:\n%s", out.String(), wantPreview)
	}
	out.Reset()
	p, up, err := Up(context.Background(), &st, &out, total)
	if err != nil {
		t.Fatal(err)
	}
	wantUp := "[1/2] created    aws:ec2/vpc:Vpc trading-vpc\n[2/2] created    aws:ec2/vpc:Vpc analytics-vpc\ndone in 1m15s: 2 created, 0 updated, 0 deleted, 0 unchanged\n"
	if out.String() != wantUp {
		t.Errorf("up output:\n%s\nwant:\n%s", out.String(), wantUp)
	}
	if p.Summary == nil || up.Outputs["vpcIds"].Value == nil {
		t.Errorf("summary %v, outputs %v", p.Summary, up.Outputs)
	}
}

func TestEngineErrors(t *testing.T) {
	tests := []struct {
		name    string
		stderr  string
		wantMsg []string
	}{
		{name: "locked stack", stderr: "error: the stack is currently locked by 1 lock(s).",
			wantMsg: []string{`stack "dev" is locked by another update`, "pulumi cancel --stack dev"}},
		{name: "other failure shows the end of stderr", stderr: "error: update failed\nerror: 1 resource failed",
			wantMsg: []string{"pulumi up failed", "error: 1 resource failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, withPassphrase)
			te.cli.Stacks = map[string]bool{"dev": true}
			te.cli.Fail = map[string]string{deploytest.OpUp: tt.stderr}
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.OpenStack(context.Background(), false)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = Up(context.Background(), &st, &bytes.Buffer{}, 0)
			if err == nil {
				t.Fatal("Up succeeded")
			}
			err = EngineError(context.Background(), "pulumi up", s, err)
			for _, w := range tt.wantMsg {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestCancelledOperationIsErrCancelled(t *testing.T) {
	tests := []struct {
		name    string
		presses int
		wantMsg string
	}{
		{name: "cancelled context", wantMsg: "pulumi up: interrupted; the Pulumi CLI stopped after the operations in flight and saved the state, run the command again to continue: cancelled"},
		{name: "one Ctrl-C", presses: 1, wantMsg: "pulumi up: interrupted; the Pulumi CLI stopped after the operations in flight"},
		{name: "two", presses: 2, wantMsg: "pulumi up: stopped at once (second Ctrl-C) without waiting for the operations in flight"},
		{name: "three", presses: 3, wantMsg: "pulumi up: the Pulumi CLI was killed (third Ctrl-C)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t, withPassphrase)
			te.cli.Stacks = map[string]bool{"dev": true}
			te.cli.WaitForCancel = map[string]bool{deploytest.OpUp: true}
			s, err := Prepare(context.Background(), te.Env, Flags{Stack: "dev"}, Needs{})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.OpenStack(context.Background(), false)
			if err != nil {
				t.Fatal(err)
			}
			sigs := make(chan os.Signal)
			ctx, stop := interruptible(context.Background(), sigs, func() {})
			defer stop()
			for range tt.presses {
				sigs <- os.Interrupt
			}
			if tt.presses == 0 {
				stop()
			}
			for n, _ := interruptsFrom(ctx).snapshot(); n < tt.presses; n, _ = interruptsFrom(ctx).snapshot() {
				runtime.Gosched()
			}
			<-ctx.Done()
			_, _, err = Up(ctx, &st, &bytes.Buffer{}, 0)
			err = EngineError(ctx, "pulumi up", s, err)
			if !errors.Is(err, cmdutil.ErrCancelled) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want ErrCancelled and %q", err, tt.wantMsg)
			}
		})
	}
}
