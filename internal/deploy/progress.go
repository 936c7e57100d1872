package deploy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Progress is the state of the engine-event renderer. Render is a pure
// function of the state and one event, so a recorded event stream always
// renders the same lines.
type Progress struct {
	// Preview words operations as plans ("create") instead of results ("created").
	Preview bool
	// Total is the number of operations expected (from a preview), 0 if unknown.
	Total int
	// Done counts finished operations, Failed those that failed.
	Done   int
	Failed int
	// Summary is set once the engine's summary event arrived.
	Summary *Summary
}

// Summary is the engine's account of a finished operation.
type Summary struct {
	Preview  bool
	Changes  map[apitype.OpType]int
	Duration time.Duration
	Result   apitype.OperationResult
}

// counted are the operations that get a progress line; "same" (unchanged)
// and the inner steps of a replacement do not.
var counted = map[apitype.OpType]bool{
	apitype.OpCreate: true, apitype.OpUpdate: true, apitype.OpDelete: true,
	apitype.OpReplace: true, apitype.OpRead: true, apitype.OpReadReplacement: true,
	apitype.OpRefresh: true, apitype.OpReadDiscard: true, apitype.OpImport: true,
	apitype.OpImportReplacement: true,
}

var pastTense = map[apitype.OpType]string{
	apitype.OpCreate: "created", apitype.OpUpdate: "updated", apitype.OpDelete: "deleted",
	apitype.OpReplace: "replaced", apitype.OpRead: "read", apitype.OpReadReplacement: "read",
	apitype.OpRefresh: "refreshed", apitype.OpReadDiscard: "discarded", apitype.OpImport: "imported",
	apitype.OpImportReplacement: "imported",
}

// ExpectedOperations counts the operations a preview's change summary
// announces, the N in "n of N".
func ExpectedOperations(changes map[apitype.OpType]int) int {
	n := 0
	for op, c := range changes {
		if counted[op] {
			n += c
		}
	}
	return n
}

// Render returns the state after ev and the lines to print for it.
func (p Progress) Render(ev events.EngineEvent) (Progress, []string) {
	switch {
	case ev.Error != nil:
		return p, []string{"warning: unreadable engine event: " + ev.Error.Error()}
	case ev.ResourcePreEvent != nil:
		// In a preview the plan for a step is its result; when applying,
		// the line waits for the outcome.
		if !p.Preview || !counted[ev.ResourcePreEvent.Metadata.Op] {
			return p, nil
		}
		return p.step(ev.ResourcePreEvent.Metadata, string(ev.ResourcePreEvent.Metadata.Op), false)
	case ev.ResOutputsEvent != nil:
		md := ev.ResOutputsEvent.Metadata
		if p.Preview || !counted[md.Op] {
			return p, nil
		}
		return p.step(md, pastTense[md.Op], false)
	case ev.ResOpFailedEvent != nil:
		md := ev.ResOpFailedEvent.Metadata
		return p.step(md, "failed to "+string(md.Op), true)
	case ev.DiagnosticEvent != nil:
		return p, diagnosticLines(ev.DiagnosticEvent)
	case ev.PolicyEvent != nil:
		pe := ev.PolicyEvent
		return p, []string{fmt.Sprintf("policy %s/%s (%s): %s %s", pe.PolicyPackName, pe.PolicyName,
			pe.EnforcementLevel, resourceName(pe.ResourceURN), oneLine(pe.Message))}
	case ev.CancelEvent != nil:
		// The engine ends every event stream with a CancelEvent, whatever
		// the outcome: it says "no more events", not "the user cancelled"
		// (the summary's result says that, and interrupted explains it).
		return p, nil
	case ev.SummaryEvent != nil:
		se := ev.SummaryEvent
		changes := make(map[apitype.OpType]int, len(se.ResourceChanges))
		for k, v := range se.ResourceChanges {
			changes[k] = v
		}
		p.Summary = &Summary{
			Preview:  se.IsPreview || p.Preview,
			Changes:  changes,
			Duration: time.Duration(se.DurationSeconds) * time.Second,
			Result:   se.Result,
		}
		return p, []string{p.Summary.String()}
	}
	return p, nil
}

func (p Progress) step(md apitype.StepEventMetadata, verb string, failed bool) (Progress, []string) {
	p.Done++
	if failed {
		p.Failed++
	}
	return p, []string{fmt.Sprintf("%s %-10s %s %s", p.counter(), verb, shortType(md), resourceName(md.URN))}
}

// counter renders "[ 3/42]", or "[3]" when the total is unknown.
func (p Progress) counter() string {
	if p.Total <= 0 {
		return fmt.Sprintf("[%d]", p.Done)
	}
	total := max(p.Total, p.Done)
	width := len(strconv.Itoa(total))
	return fmt.Sprintf("[%*d/%d]", width, p.Done, total)
}

// String is the one-line summary: counts by kind and the duration.
func (s Summary) String() string {
	type kind struct {
		ops          []apitype.OpType
		past, future string
		always       bool
	}
	kinds := []kind{
		{[]apitype.OpType{apitype.OpCreate, apitype.OpImport}, "created", "to create", true},
		{[]apitype.OpType{apitype.OpUpdate}, "updated", "to update", true},
		{[]apitype.OpType{apitype.OpReplace}, "replaced", "to replace", false},
		{[]apitype.OpType{apitype.OpDelete}, "deleted", "to delete", true},
		{[]apitype.OpType{apitype.OpRefresh}, "refreshed", "to refresh", false},
		{[]apitype.OpType{apitype.OpSame}, "unchanged", "unchanged", true},
	}
	var parts []string
	for _, k := range kinds {
		n := 0
		for _, op := range k.ops {
			n += s.Changes[op]
		}
		if n == 0 && !k.always {
			continue
		}
		word := k.past
		if s.Preview {
			word = k.future
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, word))
	}
	head := "done"
	switch {
	case s.Preview:
		head = "preview"
	case s.Result == apitype.OperationResultFailed:
		head = "failed"
	case s.Result == apitype.OperationResultCanceled:
		head = "cancelled"
	}
	return fmt.Sprintf("%s in %s: %s", head, s.Duration, strings.Join(parts, ", "))
}

func diagnosticLines(d *apitype.DiagnosticEvent) []string {
	if d.Ephemeral {
		return nil
	}
	var prefix string
	switch d.Severity {
	case "error":
		prefix = "error"
	case "warning":
		prefix = "warning"
	default:
		return nil
	}
	msg := strings.TrimSpace(stripColor(d.Message))
	if msg == "" {
		return nil
	}
	if name := resourceName(d.URN); name != "" {
		prefix += ": " + name
	}
	lines := strings.Split(msg, "\n")
	out := []string{prefix + ": " + strings.TrimRight(lines[0], " ")}
	for _, l := range lines[1:] {
		if l = strings.TrimRight(l, " "); l != "" {
			out = append(out, "    "+l)
		}
	}
	return out
}

// colorTags are Pulumi's color directives, such as <{%fg 1%}> and <{%reset%}>.
var colorTags = regexp.MustCompile(`<\{%[^%]*%\}>`)

func stripColor(s string) string { return colorTags.ReplaceAllString(s, "") }

func oneLine(s string) string {
	return strings.Join(strings.Fields(stripColor(s)), " ")
}

// resourceName is the logical name at the end of a URN
// (urn:pulumi:dev::peerctl::aws:ec2/vpc:Vpc::trading-vpc).
func resourceName(urn string) string {
	if urn == "" {
		return ""
	}
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// shortType is the resource type without its parents' types.
func shortType(md apitype.StepEventMetadata) string {
	t := md.Type
	if t == "" {
		parts := strings.Split(md.URN, "::")
		if len(parts) >= 4 {
			t = parts[2]
		}
	}
	if i := strings.LastIndex(t, "$"); i >= 0 {
		t = t[i+1:]
	}
	return t
}
