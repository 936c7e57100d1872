// Package version is `peerctl version` (and `peerctl --version`): which
// peerctl this is and what it was built with, for bug reports and for
// checking that a CI runner uses the binary a team reviewed.
package version

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// Modules whose versions decide what peerctl plans and deploys.
const (
	pulumiSDK = "github.com/pulumi/pulumi/sdk/v3"
	pulumiAWS = "github.com/pulumi/pulumi-aws/sdk/v6"
)

// Info is what the binary knows about its own build.
type Info struct {
	Version   string // the module version, "(devel)" for a source build
	Revision  string // VCS revision, "" when built without VCS stamping
	Modified  bool   // the working tree had uncommitted changes
	GoVersion string
	PulumiSDK string
	PulumiAWS string
}

// FromBuildInfo reads Info from the binary's embedded build information.
func FromBuildInfo(bi *debug.BuildInfo) Info {
	info := Info{Version: "unknown", GoVersion: "unknown", PulumiSDK: "unknown", PulumiAWS: "unknown"}
	if bi == nil {
		return info
	}
	info.GoVersion = bi.GoVersion
	if bi.Main.Version != "" {
		info.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		switch d.Path {
		case pulumiSDK:
			info.PulumiSDK = d.Version
		case pulumiAWS:
			info.PulumiAWS = d.Version
		}
	}
	return info
}

// String is the one line `peerctl --version` prints.
func (i Info) String() string {
	rev := "revision unknown (built without VCS information)"
	if i.Revision != "" {
		rev = "revision " + i.Revision
		if i.Modified {
			rev += " (modified)"
		}
	}
	return fmt.Sprintf("peerctl %s, %s, %s", i.Version, rev, i.GoVersion)
}

// Write prints the version and the versions peerctl was built with.
func (i Info) Write(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%s\nPulumi Go SDK %s\npulumi-aws %s\n", i, i.PulumiSDK, i.PulumiAWS)
	return err
}

// Current is the running binary's Info.
func Current() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(bi)
}

// NewCmdVersion returns the version command.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print peerctl's version, VCS revision, and the Go, Pulumi SDK and pulumi-aws versions it was built with",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Current().Write(cmd.OutOrStdout())
		},
	}
}
