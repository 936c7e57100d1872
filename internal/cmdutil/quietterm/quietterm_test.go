package quietterm

import (
	"os"
	"testing"
)

// Restore must give commands and the processes they start the TERM the
// user had, including none at all.
func TestRestoreTerm(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		set    bool
		wantOK bool
	}{
		{"a terminal type", "xterm-256color", true, true},
		{"set but empty", "", true, true},
		{"unset", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(termVariable, "dumb") // as init leaves it; t.Setenv restores the test's own
			restoreTerm(tt.value, tt.set)
			got, ok := os.LookupEnv(termVariable)
			if got != tt.value || ok != tt.wantOK {
				t.Errorf("TERM = %q (set %v), want %q (set %v)", got, ok, tt.value, tt.wantOK)
			}
		})
	}
}

// While packages initialise, TERM is "dumb": termenv then sends no status
// report queries.
func TestInitSetsDumbTerm(t *testing.T) {
	if got := os.Getenv(termVariable); got != "dumb" {
		t.Errorf("TERM after init = %q, want dumb", got)
	}
}
