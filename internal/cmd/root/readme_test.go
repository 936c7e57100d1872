package root

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every peerctl command line in the README's shell examples names a
// command that exists, with flags it takes and arguments it accepts, so the
// README cannot drift from the binary. The commands are parsed, not run.
func TestREADMECommandLinesParse(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checked := 0
	inCode := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			inCode = strings.HasPrefix(line, "```sh")
			continue
		}
		if !inCode || !strings.HasPrefix(line, "peerctl ") {
			continue
		}
		// The command line ends where a comment, a redirection or a pipe
		// starts.
		if i := strings.IndexAny(line, "#>|"); i >= 0 {
			line = line[:i]
		}
		args := strings.Fields(line)[1:]
		checked++
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ff, _, _ := factory(t, t.TempDir())
			root := NewCmdRoot(ff)
			root.InitDefaultCompletionCmd() // cobra adds it when it executes
			cmd, rest, err := root.Find(args)
			if err != nil {
				t.Fatalf("no such command: %v", err)
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Fatalf("%s: %v", cmd.CommandPath(), err)
			}
			if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
				t.Fatalf("%s: %v", cmd.CommandPath(), err)
			}
		})
	}
	if checked < 10 {
		t.Errorf("found only %d peerctl command lines in the README's sh blocks", checked)
	}
}
