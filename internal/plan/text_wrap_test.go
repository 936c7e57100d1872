package plan

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name              string
		line              string
		start, cont, want int // want: width
		expect            []string
	}{
		{"fits exactly", "key = " + strings.Repeat("a", 14), 6, 8, 20, []string{"key = aaaaaaaaaaaaaa"}},
		{"breaks at the last space that fits", "key = one two three four", 6, 8, 16,
			[]string{"key = one two", "        three", "        four"}},
		{"never inside the label", "key = " + strings.Repeat("x", 30), 6, 8, 20,
			[]string{"key = xxxxxxxxxxxxxx", "        xxxxxxxxxxxx", "        xxxx"}},
		{"an ARN breaks after its last separator that fits", "k = arn:aws:s3:::bucket/key/more", 4, 4, 20,
			[]string{"k = arn:aws:s3:::", "    bucket/key/more"}},
		{"a token without separators is spread, not cut", "k = " + strings.Repeat("x", 20), 4, 2, 10,
			[]string{"k = xxxxxx", "  xxxxxxxx", "  xxxxxx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(tt.line, tt.start, tt.cont, tt.want)
			if strings.Join(got, "\n") != strings.Join(tt.expect, "\n") {
				t.Errorf("wrap(%q) =\n%s\nwant\n%s", tt.line, strings.Join(got, "\n"), strings.Join(tt.expect, "\n"))
			}
		})
	}
}

// Whatever the text, wrapping keeps every line within the width and loses
// no character but the spaces it breaks at.
func TestWrapKeepsEverything(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		width := rapid.IntRange(20, 130).Draw(t, "width")
		cont := rapid.IntRange(0, width/2).Draw(t, "cont")
		indent := rapid.IntRange(0, width/2).Draw(t, "indent")
		words := rapid.SliceOf(rapid.StringMatching(`[a-z0-9:/,=*-]{1,150}`)).Draw(t, "words")
		line := strings.Repeat(" ", indent) + strings.Join(words, " ")
		got := wrap(line, indent, cont, width)
		for _, l := range got {
			if n := utf8.RuneCountInString(l); n > width {
				t.Fatalf("line of %d columns > %d: %q", n, width, l)
			}
		}
		squash := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if squash(strings.Join(got, "")) != squash(line) {
			t.Fatalf("wrapping lost text:\n%q\n%q", line, got)
		}
	})
}

func TestShortType(t *testing.T) {
	for token, want := range map[string]string{
		"aws:ec2/vpc:Vpc":                    "ec2.Vpc",
		"aws:s3/bucketV2:BucketV2":           "s3.BucketV2",
		"peerctl:network:Network":            "network.Network",
		"peerctl:observability:LogBucket":    "observability.LogBucket",
		"pulumi:providers:aws":               "providers.aws",
		"aws:index/provider:Provider":        "index.Provider",
		"not-a-token":                        "not-a-token",
		"aws:cloudwatch/dashboard:Dashboard": "cloudwatch.Dashboard",
	} {
		if got := ShortType(token); got != want {
			t.Errorf("ShortType(%q) = %q, want %q", token, got, want)
		}
	}
}
