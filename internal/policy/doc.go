// Package policy evaluates Rego policies against a peerctl plan document.
//
// An Engine compiles, once, the baseline policies embedded from the
// repository's policy/ directory and any user policy directories, then
// evaluates plan documents (the JSON of `peerctl plan --json`, decoded into
// map[string]any) into sorted Findings.
//
// Contract for policies, baseline and user alike (docs/policy.md has the
// details): a package under data.peerctl defines rules named deny_<id> or
// warn_<id> as partial sets ("deny_<id> contains x if { ... }"), whose
// elements are strings or objects {"msg": string, "urn": string, "account":
// string}. The rule id reported is <id> upper-cased with "_" turned into
// "-": deny_peer_001 reports PEER-001. A package may also define
// "exception contains x" with x a rule id or {"rule": id, "urn": urn} to drop
// findings.
package policy
