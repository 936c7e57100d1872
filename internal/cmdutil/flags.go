package cmdutil

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagUsages renders a flag set's help as pflag does, except that boolean
// flags read as the switches they are: "--json", not "--json[=true|false]"
// (pflag 1.1 marks every boolean flag so, which reads as if a value were
// expected after it).
func FlagUsages(fs *pflag.FlagSet) string {
	shown := pflag.NewFlagSet(fs.Name(), pflag.ContinueOnError)
	shown.SortFlags = fs.SortFlags
	fs.VisitAll(func(fl *pflag.Flag) {
		copied := *fl
		if fl.Value.Type() == "bool" {
			copied.Value = switchValue{fl.Value}
		}
		shown.AddFlag(&copied)
	})
	return shown.FlagUsages()
}

// switchValue hides a boolean value's IsBoolFlag method, which is all pflag
// looks at to print "[=true|false]"; parsing never sees it.
type switchValue struct{ pflag.Value }

// SeparateBoolValue refuses "false" or "true" given as an argument when a
// boolean flag of cmd was set: pflag reads `--json false` as --json followed
// by the argument "false", so the flag is on and the command would fail on
// a stray argument, or take it for a name. The error says how to write it.
func SeparateBoolValue(cmd *cobra.Command, args []string) error {
	if dash := cmd.ArgsLenAtDash(); dash >= 0 {
		args = args[:dash] // after "--", arguments are meant as written
	}
	var set []string
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if fl.Value.Type() == "bool" {
			set = append(set, "--"+fl.Name)
		}
	})
	if len(set) == 0 {
		return nil
	}
	for _, arg := range args {
		value := strings.ToLower(arg)
		if value != "true" && value != "false" {
			continue
		}
		slices.Sort(set)
		written := make([]string, len(set))
		for i, name := range set {
			written[i] = name + "=" + value
		}
		return UsageError(cmd, fmt.Errorf("%q is read as an argument, not as the value of %s; write %s (a boolean flag takes a value only after \"=\")",
			arg, strings.Join(set, " or "), strings.Join(written, " or ")))
	}
	return nil
}
