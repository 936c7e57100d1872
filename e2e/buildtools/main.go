// Command buildtools builds, or finds in the cache, the Pulumi CLI and the
// stand-in AWS provider the end-to-end tests use, and prints their paths.
// .ci/run starts it in the background so the long first build of the CLI
// overlaps the other checks.
//
//	go run ./e2e/buildtools
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/peerctl/peerctl/e2e/e2etools"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "buildtools:", err)
		os.Exit(1)
	}
}

func run() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	repo, err := e2etools.RepoRoot(wd)
	if err != nil {
		return err
	}
	ctx := context.Background()
	// The CLI first: it is the long pole of a cold build and shares nothing
	// with peerctl's module, so it overlaps CI's vet and tests, which warm
	// the build cache the stand-in (built from peerctl's packages) then reuses.
	pulumi, err := e2etools.Pulumi(ctx, repo)
	if err != nil {
		return err
	}
	fmt.Println("pulumi CLI:", pulumi)
	standin, err := e2etools.Standin(ctx, repo)
	if err != nil {
		return err
	}
	fmt.Println("stand-in provider:", standin)
	return nil
}
