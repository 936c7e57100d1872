// Package policy holds peerctl's baseline policies, written in Rego, and
// embeds them in the binary. The engine that loads them lives in
// internal/policy; docs/policy.md describes every rule.
package policy

import "embed"

// FS holds the baseline policies (*.rego) and their unit tests
// (*_test.rego). The engine loads only the policies; the tests run from
// go test ./internal/policy/....
//
//go:embed *.rego
var FS embed.FS
