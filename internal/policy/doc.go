// Package policy evaluates Rego policies against a peerctl plan document.
//
// An Engine compiles, once, the baseline policies embedded from the
// repository's policy/ directory and any user policy directories, inside a
// sandbox of allowed built-ins (sandbox.go, builtins.go), then evaluates
// plan documents (the JSON of `peerctl plan --json`, decoded into
// map[string]any) into sorted Findings, with strict built-in errors and a
// time limit.
//
// Contract for policies, baseline and user alike (docs/policy.md has the
// details; contract.go enforces it): packages under data.peerctl, and any
// extra namespace asked for (conftest's --namespace main), define finding
// rules named deny, violation or warn, alone or with a lowercase _suffix,
// as partial sets whose elements are strings or objects {"msg": string,
// "urn": string, "account": string}. deny_peer_001 reports rule id
// PEER-001; a plain deny in package peerctl.acme reports peerctl.acme.deny.
// User files may not declare data.peerctl.baseline or data.peerctl.lib, nor
// define exceptions: those live in policy-exceptions.yaml (exceptions.go),
// each with rule id, resource pattern, reason and expiry, and what they
// suppress is reported.
package policy
