// Command peerctl plans, deploys and verifies secure cross-account VPC
// peering. See README.md.
package main

import (
	"fmt"
	"os"

	// Initialised before the Pulumi SDK's dependencies, whatever the
	// order here: it keeps them from querying the terminal (see its doc).
	"github.com/peerctl/peerctl/internal/cmdutil/quietterm"

	"github.com/peerctl/peerctl/internal/cmd/root"
	"github.com/peerctl/peerctl/internal/cmdutil"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	quietterm.Restore()
	f := cmdutil.New()
	cmd := root.NewCmdRoot(f)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil {
		fmt.Fprintln(f.IO.ErrOut, "error:", err)
	}
	return cmdutil.ExitCode(err)
}
