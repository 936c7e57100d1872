package version

import (
	"bytes"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/peerctl/peerctl", Version: "v0.4.0"},
		Deps: []*debug.Module{
			{Path: "github.com/pulumi/pulumi/sdk/v3", Version: "v3.274.1"},
			{Path: "github.com/pulumi/pulumi-aws/sdk/v6", Version: "v6.80.0", Replace: &debug.Module{Path: "github.com/pulumi/pulumi-aws/sdk/v6", Version: "v6.83.4"}},
			{Path: "github.com/spf13/cobra", Version: "v1.10.2"},
		},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.modified", Value: "true"}},
	}
	var out bytes.Buffer
	if err := FromBuildInfo(bi).Write(&out); err != nil {
		t.Fatal(err)
	}
	want := "peerctl v0.4.0, revision 0123abc (modified), go1.26.8\nPulumi Go SDK v3.274.1\npulumi-aws v6.83.4\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestWithoutBuildInfo(t *testing.T) {
	want := "peerctl unknown, revision unknown (built without VCS information), unknown"
	if got := FromBuildInfo(nil).String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := FromBuildInfo(&debug.BuildInfo{GoVersion: "go1.26.8"}).String(); got != "peerctl unknown, revision unknown (built without VCS information), go1.26.8" {
		t.Errorf("got %q", got)
	}
}
