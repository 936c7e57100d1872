package plan

import (
	"strings"
	"unicode/utf8"
)

// TextWidth is the widest line the text plan writes: it reads in a
// 120-column terminal or review tool without horizontal scrolling.
const TextWidth = 120

// wrap splits line into lines of at most width columns. Text moves to a
// continuation line indented by cont columns; nothing is ever cut off. It
// breaks at the last space that fits, else after the last '/', ':' or ','
// (an ARN or a path splits where it has structure), else at the width: an
// id longer than a whole line is spread over lines, never shortened.
// start is the first column where a break may fall (after "key = "), so a
// line never breaks inside its own indentation or label.
func wrap(line string, start, cont, width int) []string {
	var out []string
	cont = min(cont, width/2) // so that every continuation line makes progress
	r := []rune(line)
	for len(r) > width {
		cut, skip := breakAt(r, start, width)
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		rest := strings.TrimLeft(string(r[cut+skip:]), " ")
		if rest == "" {
			return out
		}
		r = []rune(strings.Repeat(" ", cont) + rest)
		start = cont
	}
	return append(out, string(r))
}

// breakAt returns where to end the line (exclusive) and how many runes to
// drop there (1 for a space, 0 otherwise).
func breakAt(r []rune, start, width int) (cut, skip int) {
	lo := min(max(start+1, 1), width)
	for i := width; i >= lo; i-- {
		if r[i] == ' ' {
			return i, 1
		}
	}
	for i := width - 1; i >= lo; i-- {
		if strings.ContainsRune("/:,", r[i]) {
			return i + 1, 0
		}
	}
	return width, 0
}

// columns pads every column but the last of rows to its widest cell, so
// list items such as NACL entries line up.
func columns(rows [][]string) []string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	out := make([]string, len(rows))
	for i, row := range rows {
		var b strings.Builder
		for j, cell := range row {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(cell)
			if j < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell)))
			}
		}
		out[i] = strings.TrimRight(b.String(), " ")
	}
	return out
}
