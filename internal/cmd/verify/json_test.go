package verify

import (
	"encoding/json"
	"testing"

	"github.com/peerctl/peerctl/internal/deploy"
	"github.com/peerctl/peerctl/internal/deploy/awsauth"
	"github.com/peerctl/peerctl/internal/verify"
)

// verify --json prints exactly one JSON document on stdout however it
// ends, with the shape documented in its help: passed, counts, results,
// and on failure error.message and error.exitCode (the exit status).
func TestVerifyJSONDocument(t *testing.T) {
	pass := []verify.Result{{Check: verify.CheckPeeringStatus, Subject: "trading-analytics (pcx-0123)", Status: verify.Pass, Detail: "active"}}
	fail := append(pass, verify.Result{Check: verify.CheckRoutes, Subject: "analytics rtb-a1", Status: verify.Fail, Detail: "no route"})
	expired := &awsauth.CredentialsError{Problems: []awsauth.Problem{{Network: "trading", Credentials: "profile trading-dev", Reason: "expired"}}}
	type errorDoc struct {
		Message  string `json:"message"`
		ExitCode int    `json:"exitCode"`
	}
	type document struct {
		Stack   string          `json:"stack"`
		Passed  bool            `json:"passed"`
		Strict  bool            `json:"strict"`
		Counts  map[string]int  `json:"counts"`
		Results []verify.Result `json:"results"`
		Error   *errorDoc       `json:"error"`
	}
	tests := []struct {
		name        string
		stack       string
		results     []verify.Result
		credErr     error
		wantPassed  bool
		wantResults int
		wantCounts  map[string]int
		wantError   *errorDoc
	}{
		{name: "all pass: no error member", stack: "dev", results: pass, wantPassed: true, wantResults: 1,
			wantCounts: map[string]int{"pass": 1, "fail": 0, "skip": 0, "wait": 0}},
		{name: "a check fails: exit status 5", stack: "dev", results: fail, wantResults: 2,
			wantCounts: map[string]int{"pass": 1, "fail": 1, "skip": 0, "wait": 0},
			wantError:  &errorDoc{Message: "1 of 2 checks did not pass: verification failed", ExitCode: 5}},
		{name: "credentials fail before any check: exit status 1", stack: "dev", credErr: expired,
			wantCounts: map[string]int{"pass": 0, "fail": 0, "skip": 0, "wait": 0},
			wantError:  &errorDoc{Message: expired.Error(), ExitCode: 1}},
		{name: "no stack file: exit status 3", stack: "qa",
			wantCounts: map[string]int{"pass": 0, "fail": 0, "skip": 0, "wait": 0},
			wantError:  &errorDoc{ExitCode: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, opts := newVerifyHarness(t, tt.credErr, tt.results)
			opts.Flags = deploy.Flags{Stack: tt.stack}
			opts.JSON = true
			err := verifyRun(opts)

			var doc document
			dec := json.NewDecoder(h.Out)
			dec.DisallowUnknownFields()
			if derr := dec.Decode(&doc); derr != nil {
				t.Fatalf("stdout is not the documented JSON document: %v\n%s", derr, h.Out)
			}
			if dec.More() {
				t.Error("stdout holds more than one document")
			}
			if doc.Stack != tt.stack || doc.Passed != tt.wantPassed || len(doc.Results) != tt.wantResults || doc.Results == nil {
				t.Errorf("document = %+v, want stack %s, passed %v, %d results (an array, never null)", doc, tt.stack, tt.wantPassed, tt.wantResults)
			}
			for status, n := range tt.wantCounts {
				if doc.Counts[status] != n {
					t.Errorf("counts[%s] = %d, want %d", status, doc.Counts[status], n)
				}
			}
			switch {
			case tt.wantError == nil && (doc.Error != nil || err != nil):
				t.Errorf("error member %+v, err %v; want neither", doc.Error, err)
			case tt.wantError != nil && doc.Error == nil:
				t.Fatalf("no error member; err = %v", err)
			case tt.wantError != nil:
				if doc.Error.ExitCode != tt.wantError.ExitCode {
					t.Errorf("error.exitCode = %d, want %d", doc.Error.ExitCode, tt.wantError.ExitCode)
				}
				if doc.Error.Message != err.Error() || (tt.wantError.Message != "" && doc.Error.Message != tt.wantError.Message) {
					t.Errorf("error.message = %q, want %q (the error peerctl prints)", doc.Error.Message, err)
				}
			}
		})
	}
}
