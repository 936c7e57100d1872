package root

import (
	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// deployCommands are the commands that talk to AWS: preview, up, destroy,
// refresh, outputs and verify.
func deployCommands(f *cmdutil.Factory) []*cobra.Command {
	return nil
}
