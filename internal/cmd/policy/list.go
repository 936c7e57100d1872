package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/peerctl/peerctl/internal/cmdutil"
	"github.com/peerctl/peerctl/internal/policy"
)

// ListOptions are the parsed flags of `peerctl policy list`.
type ListOptions struct {
	IO         *cmdutil.IOStreams
	PolicyDirs []string
	Namespaces []string
	JSON       bool
}

// NewCmdList returns `peerctl policy list`. runF replaces listRun in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every active rule: id, severity, title and source file",
		Long: `List every rule that peerctl plan would evaluate with the same flags: the
embedded baseline and the finding rules of each --policy-dir, sorted by id.
The id is what findings report and what policy-exceptions.yaml names.`,
		Example: `  peerctl policy list
  peerctl policy list --policy-dir ./my-policies --json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.PolicyDirs, "policy-dir", nil, "also load the Rego policies in this directory (repeatable)")
	cmd.Flags().StringArrayVar(&opts.Namespaces, "namespace", nil, "also evaluate the finding rules of this Rego package, e.g. main (repeatable)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the rules as a JSON array")
	return cmd
}

func listRun(opts *ListOptions) error {
	e, err := policy.New(context.Background(), policy.Options{Dirs: opts.PolicyDirs, Namespaces: opts.Namespaces})
	if err != nil {
		return err
	}
	rules := e.Rules()
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rules)
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSEVERITY\tTITLE\tSOURCE")
	for _, r := range rules {
		title := r.Title
		if title == "" {
			title = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s:%d\n", r.ID, r.Severity, title, r.File, r.Line)
	}
	return w.Flush()
}
