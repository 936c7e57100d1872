// Package quietterm keeps peerctl from querying the terminal when it starts.
//
// peerctl links the Pulumi Go SDK, whose cmdutil package (imported by the
// pulumi package itself) imports Bubble Tea v1. Bubble Tea's package init
// calls lipgloss.HasDarkBackground, and termenv answers it by writing an
// OSC 11 background-colour query and a cursor-position query to stdout
// whenever stdout is a terminal, then waiting up to termenv.OSCTimeout (5 s)
// for the reply. A terminal that never answers (a pre-commit hook's
// pseudo-terminal, `ssh -tt`, some web terminals) sees the escape sequences
// and a 5 s stall on every command, --help included. Bubble Tea offers no
// opt-out (charmbracelet/bubbletea#1771, closed: v2 drops the query), and a
// program's main runs only after the query has been sent.
//
// termenv skips both queries when TERM starts with "dumb". This package sets
// TERM=dumb while the packages initialise and Restore, the first thing main
// does, puts TERM back, so commands and the processes they start (the Pulumi
// CLI) see the user's TERM. It works because Go initialises packages in
// import-path order among those whose imports are ready, and this one imports
// only os: it is initialised long before termenv and Bubble Tea, whose
// imports are not ready that early. A test under a pseudo-terminal that never
// answers (cmd/peerctl/pty_linux_test.go) fails if that ever changes.
//
// Import it for its side effect from the main package only, first.
package quietterm

import "os"

// termVariable is the variable termenv reads to decide whether the terminal
// can answer status reports.
const termVariable = "TERM"

// The user's TERM, saved before it is replaced.
var savedTerm, hadTerm = os.LookupEnv(termVariable)

func init() {
	// termenv.termStatusReport returns before writing anything for
	// TERM=dumb* (and screen*, tmux*).
	_ = os.Setenv(termVariable, "dumb")
}

// Restore puts back the TERM the process started with, or unsets it if it
// was unset. Call it first in main, before anything reads TERM or starts a
// process.
func Restore() { restoreTerm(savedTerm, hadTerm) }

func restoreTerm(value string, set bool) {
	if set {
		_ = os.Setenv(termVariable, value)
		return
	}
	_ = os.Unsetenv(termVariable)
}
