package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/peerctl/peerctl/internal/cmd/destroy"
	"github.com/peerctl/peerctl/internal/cmd/outputs"
	"github.com/peerctl/peerctl/internal/cmd/preview"
	"github.com/peerctl/peerctl/internal/cmd/refresh"
	"github.com/peerctl/peerctl/internal/cmd/up"
	"github.com/peerctl/peerctl/internal/testing/cmdtest"
	"github.com/peerctl/peerctl/internal/verify"
)

// TestDocsCoverEveryCheckAndFlag keeps docs/deploy.md and the help from
// drifting: every verify check and every deploy-command flag is documented.
func TestDocsCoverEveryCheckAndFlag(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	f := cmdtest.New(t, nil).Factory()
	verifyCmd := NewCmdVerify(f, nil)
	for _, check := range verify.Checks {
		if !strings.Contains(doc, "| `"+check+"` |") {
			t.Errorf("docs/deploy.md has no row for check %q", check)
		}
		if !strings.Contains(verifyCmd.Long, "  "+check+" ") {
			t.Errorf("verify --help does not list check %q", check)
		}
	}
	cmds := []*cobra.Command{
		preview.NewCmdPreview(f, nil, nil), up.NewCmdUp(f, nil, nil), destroy.NewCmdDestroy(f, nil),
		refresh.NewCmdRefresh(f, nil), outputs.NewCmdOutputs(f, nil), verifyCmd,
	}
	for _, c := range cmds {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if !strings.Contains(doc, "`--"+fl.Name) {
				t.Errorf("docs/deploy.md does not document %s --%s", c.Name(), fl.Name)
			}
		})
	}
	if !strings.Contains(doc, "$0.10 per analysis") {
		t.Error("docs/deploy.md does not state the Reachability Analyzer cost")
	}
}
