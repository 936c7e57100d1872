package cmdutil

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Boolean flags are listed as switches; every other line is as pflag
// prints it. The expected text is written by hand.
func TestFlagUsages(t *testing.T) {
	fs := pflag.NewFlagSet("plan", pflag.ContinueOnError)
	fs.Bool("json", false, "print JSON")
	fs.BoolP("yes", "y", false, "do not ask")
	fs.Bool("probe", true, "run the probe")
	fs.StringP("stack", "s", "dev", "stack name")
	fs.Duration("timeout", 0, "time limit")
	// pflag pads the longest flag column with three spaces.
	want := `      --json               print JSON
      --probe              run the probe (default true)
  -s, --stack string       stack name (default "dev")
      --timeout duration   time limit
  -y, --yes                do not ask
`
	if got := FlagUsages(fs); got != want {
		t.Errorf("FlagUsages =\n%s\nwant\n%s", got, want)
	}
	// Rendering leaves the flags themselves alone: they still parse as
	// booleans, with or without a value after "=".
	if err := fs.Parse([]string{"--json", "--probe=false"}); err != nil {
		t.Fatal(err)
	}
	if on, _ := fs.GetBool("json"); !on {
		t.Error("--json did not turn json on")
	}
	if on, _ := fs.GetBool("probe"); on {
		t.Error("--probe=false did not turn probe off")
	}
}

func TestSeparateBoolValue(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the error message, "" for none
	}{
		{"json false", []string{"--json", "false"},
			`"false" is read as an argument, not as the value of --json; write --json=false (a boolean flag takes a value only after "=")` + "\nRun 'peerctl plan --help' for usage."},
		{"json TRUE", []string{"--json", "TRUE"},
			`"TRUE" is read as an argument, not as the value of --json; write --json=true (a boolean flag takes a value only after "=")` + "\nRun 'peerctl plan --help' for usage."},
		{"two switches set", []string{"--strict", "--json", "false"},
			`"false" is read as an argument, not as the value of --json or --strict; write --json=false or --strict=false (a boolean flag takes a value only after "=")` + "\nRun 'peerctl plan --help' for usage."},
		{"json=false", []string{"--json=false"}, ""},
		{"no switch set", []string{"false"}, ""},
		{"only a string flag set", []string{"--stack", "prod", "false"}, ""},
		{"not a boolean word", []string{"--json", "dev"}, ""},
		{"1 is left to the command", []string{"--json", "1"}, ""},
		{"after --, arguments are as written", []string{"--json", "--", "false"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotErr error
			cmd := &cobra.Command{Use: "plan", SilenceErrors: true, SilenceUsage: true,
				Args: func(c *cobra.Command, args []string) error { gotErr = SeparateBoolValue(c, args); return nil },
				RunE: func(*cobra.Command, []string) error { return nil }}
			cmd.Flags().Bool("json", false, "")
			cmd.Flags().Bool("strict", false, "")
			cmd.Flags().String("stack", "dev", "")
			root := &cobra.Command{Use: "peerctl"}
			root.AddCommand(cmd)
			root.SetArgs(append([]string{"plan"}, tt.args...))
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			got := ""
			if gotErr != nil {
				got = gotErr.Error()
				if !errors.Is(gotErr, ErrUsage) {
					t.Errorf("error %v is not a usage error (exit status 2)", gotErr)
				}
			}
			if got != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
