package plan

import (
	"bytes"
	"encoding/json"
	"strings"
)

// archivePolicyOutput is the stack output holding the bucket policy a
// central log-archive bucket needs (peerctl:logArchive).
const archivePolicyOutput = "logArchiveBucketPolicy"

// archivePolicy adds, when the stack delivers to a log archive, the policy
// that bucket's owner must attach before the first `up`: the archive is in
// an account the stack does not deploy to, so the offline plan is where a
// reviewer, and that owner, first see it.
func (t *textPlan) archivePolicy() {
	text, ok := t.d.Outputs[archivePolicyOutput].(string)
	if !ok || text == "" {
		return
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(text), "    ", "  "); err != nil {
		pretty.Reset()
		pretty.WriteString(text) // shown as it is rather than not at all
	}
	t.blank()
	t.wrapped(0, "Log archive: its bucket needs this policy before the first `peerctl up` (merge the statements into its "+
		"policy; it is the stack output "+archivePolicyOutput+" too: `peerctl outputs --json`; see docs/observability.md):", 2)
	for _, line := range strings.Split("    "+pretty.String(), "\n") {
		t.wrapped(0, line, 6)
	}
}
