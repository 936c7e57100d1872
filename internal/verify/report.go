package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report is the outcome of a verify run.
type Report struct {
	Stack   string         `json:"stack"`
	Passed  bool           `json:"passed"`
	Strict  bool           `json:"strict"`
	Counts  map[Status]int `json:"counts"`
	Results []Result       `json:"results"`
}

// NewReport summarizes results. Failures fail the report; with strict,
// so does anything still waiting for data.
func NewReport(stack string, results []Result, strict bool) *Report {
	r := &Report{Stack: stack, Strict: strict, Results: results, Passed: true,
		Counts: map[Status]int{Pass: 0, Fail: 0, Skip: 0, Wait: 0, WaitingForPartner: 0}}
	for _, res := range results {
		r.Counts[res.Status]++
		if res.Status == Fail || (strict && res.Status == Wait) {
			r.Passed = false
		}
	}
	return r
}

// WriteJSON writes the report for CI.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes one row per result and a closing count.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSUBJECT\tRESULT\tDETAIL")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", res.Check, res.Subject, strings.ToUpper(string(res.Status)), res.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "all checks passed"
	switch {
	case !r.Passed && r.Strict && r.Counts[Fail] == 0:
		verdict = "verification failed (--strict: checks without data yet count as failures)"
	case !r.Passed:
		verdict = "verification failed"
	}
	// Info rows are counted apart: they are about resources the stack does
	// not own and never change the verdict.
	info := ""
	if n := r.Counts[Info]; n > 0 {
		info = fmt.Sprintf(" (and %d for information, not counted)", n)
	}
	// Connections the partner has yet to accept are counted apart too: the
	// stack cannot accept them, so they never fail verify.
	partner := ""
	if n := r.Counts[WaitingForPartner]; n > 0 {
		partner = fmt.Sprintf(", %d waiting for the partner", n)
	}
	_, err := fmt.Fprintf(w, "\n%d passed, %d failed, %d skipped, %d waiting for data%s%s: %s\n",
		r.Counts[Pass], r.Counts[Fail], r.Counts[Skip], r.Counts[Wait], partner, info, verdict)
	return err
}
