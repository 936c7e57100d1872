package plan

import (
	"bytes"
	"strings"
	"testing"
)

func TestTextPlanShowsTheArchivePolicy(t *testing.T) {
	d := smallPlan()
	d.Outputs = map[string]any{archivePolicyOutput: `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite111111111111","Effect":"Allow"}]}`}
	var buf bytes.Buffer
	if err := d.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	// Written by hand: the heading, then the policy indented by four, as
	// json.Indent lays it out, so it can be copied as it is.
	// The first line is exactly 120 columns.
	want := "\nLog archive: its bucket needs this policy before the first `peerctl up` (merge the statements into its policy; it is the\n" +
		"  stack output logArchiveBucketPolicy too: `peerctl outputs --json`; see docs/observability.md):\n" +
		"    {\n" +
		"      \"Version\": \"2012-10-17\",\n" +
		"      \"Statement\": [\n" +
		"        {\n" +
		"          \"Sid\": \"AWSLogDeliveryWrite111111111111\",\n" +
		"          \"Effect\": \"Allow\"\n" +
		"        }\n" +
		"      ]\n" +
		"    }\n"
	if !strings.HasSuffix(buf.String(), want) {
		t.Errorf("the text plan ends:\n%s\nwant it to end:\n%s", tail(buf.String(), 12), want)
	}

	d.Outputs = map[string]any{}
	buf.Reset()
	if err := d.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Log archive") {
		t.Error("a stack without a log archive shows a log archive section")
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
