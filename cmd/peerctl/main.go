// Command peerctl plans, deploys and verifies secure cross-account VPC
// peering. See README.md.
package main

import (
	"fmt"
	"os"

	"github.com/peerctl/peerctl/internal/cmd/root"
	"github.com/peerctl/peerctl/internal/cmdutil"
)

func main() { os.Exit(run()) }

func run() int {
	f := cmdutil.New()
	cmd := root.NewCmdRoot(f)
	err := cmd.Execute()
	if err != nil {
		fmt.Fprintln(f.IO.ErrOut, "error:", err)
	}
	return cmdutil.ExitCode(err)
}
