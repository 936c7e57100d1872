package verify

// How verify turns failed AWS calls into reasons a reader can act on.

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// apiReason explains a failed AWS call: the error code and message of an
// API error, with a hint for the usual ones; otherwise the error.
func apiReason(call string, err error) string {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		switch {
		case errors.Is(err, context.Canceled):
			return call + ": cancelled"
		case errors.Is(err, context.DeadlineExceeded):
			return call + ": timed out"
		}
		return fmt.Sprintf("%s: %v", call, err)
	}
	code := apiErr.ErrorCode()
	switch {
	case code == "UnauthorizedOperation" || code == "AccessDenied" || code == "AccessDeniedException":
		return fmt.Sprintf("%s: access denied (%s); the credentials need read access for peerctl verify (see docs/deploy.md)", call, code)
	case isThrottle(code):
		return fmt.Sprintf("%s: still throttled after retries (%s)", call, code)
	}
	return fmt.Sprintf("%s: %s: %s", call, code, apiErr.ErrorMessage())
}

// callError is a failed AWS call explained by apiReason; it still wraps the
// error, so that errors.Is sees a cancellation through it.
type callError struct {
	msg string
	err error
}

func (e *callError) Error() string { return e.msg }
func (e *callError) Unwrap() error { return e.err }

func callErr(call string, err error) error { return &callError{msg: apiReason(call, err), err: err} }

func isThrottle(code string) bool {
	switch code {
	case "RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException":
		return true
	}
	return false
}

// hasCode reports whether err is an API error with one of codes.
func hasCode(err error, codes ...string) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, c := range codes {
		if apiErr.ErrorCode() == c {
			return true
		}
	}
	return false
}
