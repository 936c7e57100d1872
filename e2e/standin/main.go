// Command standin is a test double of the Pulumi AWS provider for the
// end-to-end tests: built as pulumi-resource-aws and put first on PATH, the
// real Pulumi engine uses it instead of the real provider. It answers like
// the offline plan's mocks (internal/plan), records every operation in a
// journal, and enforces, as errors, the AWS rules peerctl's ordering
// depends on (see rules.go). It is never shipped.
//
// Environment:
//
//	PEERCTL_STANDIN_DIR   directory of the shared world (world.json) and the
//	                      journal (journal.jsonl); every provider process of
//	                      a test shares it, as every account shares AWS
//	PEERCTL_STANDIN_SLOW  a duration every Create and Update waits first, so
//	                      a test can interrupt an update in the middle
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Version is the pulumi-aws version peerctl pins (go.mod); the engine asks
// for exactly this one.
const Version = "6.83.4"

func main() {
	err := provider.Main("aws", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return newServer(os.Getenv("PEERCTL_STANDIN_DIR"), os.Getenv("PEERCTL_STANDIN_SLOW"))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-aws (peerctl stand-in):", err)
		os.Exit(1)
	}
}
