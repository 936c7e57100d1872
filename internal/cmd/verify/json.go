package verify

import (
	"encoding/json"
	"io"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/verify"
)

// jsonDocument is what verify --json prints: the report, and when verify
// fails, why and with which exit status. A stable interface, documented in
// the command's help.
type jsonDocument struct {
	*verify.Report
	Error *jsonError `json:"error,omitempty"`
}

type jsonError struct {
	Message string `json:"message"`
	// ExitCode is the exit status peerctl ends with.
	ExitCode int `json:"exitCode"`
}

// writeJSON writes the document for a run that ended with report (nil when
// nothing was checked) and err.
func writeJSON(w io.Writer, stack string, strict bool, report *verify.Report, err error) error {
	if report == nil {
		report = verify.NewReport(stack, []verify.Result{}, strict)
	}
	doc := jsonDocument{Report: report}
	if err != nil {
		report.Passed = false
		doc.Error = &jsonError{Message: err.Error(), ExitCode: cmdutil.ExitCode(err)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
