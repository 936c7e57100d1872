package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
)

// showBoolFlagsAsSwitches makes every command's help list boolean flags as
// "--json" instead of pflag's "--json[=true|false]", through cobra's own
// usage template with the flag sections rendered by cmdutil.FlagUsages.
func showBoolFlagsAsSwitches(cmd *cobra.Command) {
	cobra.AddTemplateFunc("flagUsages", cmdutil.FlagUsages)
	usage := cmd.UsageTemplate()
	usage = strings.ReplaceAll(usage, "{{.LocalFlags.FlagUsages", "{{flagUsages .LocalFlags")
	usage = strings.ReplaceAll(usage, "{{.InheritedFlags.FlagUsages", "{{flagUsages .InheritedFlags")
	cmd.SetUsageTemplate(usage)
}

// refuseSeparateBoolValues makes every command that runs refuse
// `--json false` with an error that says to write --json=false, before its
// own argument checks could report a confusing stray argument or take
// "false" for a name (see cmdutil.SeparateBoolValue).
func refuseSeparateBoolValues(cmd *cobra.Command) {
	for _, sub := range cmd.Commands() {
		refuseSeparateBoolValues(sub)
	}
	if !cmd.Runnable() {
		return
	}
	validate := cmd.Args
	cmd.Args = func(c *cobra.Command, args []string) error {
		if err := cmdutil.SeparateBoolValue(c, args); err != nil {
			return err
		}
		if validate == nil {
			return cobra.ArbitraryArgs(c, args)
		}
		return validate(c, args)
	}
}
