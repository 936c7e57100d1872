//go:build tools

// Package tools pins the Pulumi CLI that the end-to-end tests run. It is a
// module of its own so the CLI's large dependency graph never enters
// peerctl's go.mod: the released peerctl binary does not contain it.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
