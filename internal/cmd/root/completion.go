package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/config"
)

// completeStackFlags makes --stack complete the stacks that have a
// Pulumi.<stack>.yaml in the project directory, and --config complete YAML
// files, on every command that has them.
func completeStackFlags(cmd *cobra.Command, f *cmdutil.Factory) {
	for _, sub := range cmd.Commands() {
		completeStackFlags(sub, f)
	}
	if cmd.Flags().Lookup("stack") != nil {
		_ = cmd.RegisterFlagCompletionFunc("stack", stackNames(f))
	}
	if cmd.Flags().Lookup("config") != nil {
		_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	}
}

// stackNames completes a stack name, each shown with its file.
func stackNames(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		dir, err := f.ProjectDir()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []cobra.Completion
		for _, stack := range cmdutil.StackNames(dir) {
			if strings.HasPrefix(stack, toComplete) {
				names = append(names, cobra.CompletionWithDesc(stack, config.StackFileName(stack)))
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
