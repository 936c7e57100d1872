// Package outputs is `peerctl outputs`: print the stack outputs.
package outputs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/deploy"
)

// OutputsOptions are the parsed flags and injected dependencies of
// `peerctl outputs`.
type OutputsOptions struct {
	IO      *cmdutil.IOStreams
	Env     deploy.Env
	Context context.Context

	Flags       deploy.Flags
	JSON        bool
	ShowSecrets bool
}

// NewCmdOutputs returns the outputs command. runF replaces outputsRun in tests.
func NewCmdOutputs(f *cmdutil.Factory, runF func(*OutputsOptions) error) *cobra.Command {
	opts := &OutputsOptions{IO: f.IO, Env: deploy.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "outputs",
		Short: "Print the stack outputs (VPC, subnet, route table, peering ids...)",
		Long: `Print the outputs of the stack's last deployment, read from its state; no
AWS credentials are needed.

--json prints them as "pulumi stack output --json" does; save that to a file
to run "peerctl verify --outputs FILE" where the state is not reachable.`,
		Example: `  peerctl outputs
  peerctl outputs --stack prod --json > outputs.json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return outputsRun(opts)
		},
	}
	deploy.AddFlags(cmd, &opts.Flags)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the outputs as a JSON object")
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print secret outputs in plain text")
	return cmd
}

func outputsRun(opts *OutputsOptions) error {
	ctx, stop := deploy.Interruptible(opts.Context)
	defer stop()
	s, err := deploy.Prepare(ctx, opts.Env, opts.Flags, deploy.Needs{})
	if err != nil {
		return err
	}
	defer s.Close() // removes the workspace OpenStack makes
	st, err := s.OpenStack(ctx, false)
	if err != nil {
		return err
	}
	raw, err := st.Outputs(ctx)
	if err != nil {
		return deploy.EngineError(ctx, "pulumi stack output", s, err)
	}
	plain := deploy.PlainOutputs(raw, opts.ShowSecrets)
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(plain)
	}
	if len(plain) == 0 {
		fmt.Fprintf(opts.IO.Out, "stack %s has no outputs; deploy it with `peerctl up --stack %s`\n", s.StackName, s.StackName)
		return nil
	}
	return WriteText(opts.IO.Out, plain)
}

// WriteText prints outputs one value a line, nested keys joined by dots
// and lists by commas, sorted by key.
func WriteText(w io.Writer, outputs map[string]any) error {
	rows := map[string]string{}
	flatten("", outputs, rows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range slices.Sorted(maps.Keys(rows)) {
		fmt.Fprintf(tw, "%s\t%s\n", k, rows[k])
	}
	return tw.Flush()
}

func flatten(prefix string, v any, rows map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			rows[prefix] = "{}"
		}
		for k, sub := range t {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, sub, rows)
		}
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = scalar(e)
		}
		rows[prefix] = strings.Join(parts, ", ")
	default:
		rows[prefix] = scalar(t)
	}
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
