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
	standin, err := e2etools.Standin(ctx, repo)
	if err != nil {
		return err
	}
	fmt.Println("stand-in provider:", standin)
	pulumi, err := e2etools.Pulumi(ctx, repo)
	if err != nil {
		return err
	}
	fmt.Println("pulumi CLI:", pulumi)
	return nil
}
