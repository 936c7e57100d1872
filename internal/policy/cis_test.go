package policy

import (
	"regexp"
	"testing"
)

// cisControls are the CIS AWS Foundations Benchmark recommendations the
// baseline cites, checked by hand against the "Related requirements" of
// the matching AWS Security Hub CSPM controls (docs.aws.amazon.com/
// securityhub/latest/userguide/ec2-controls.html, s3-controls.html,
// iam-controls.html; read 2026-11-29):
//
//	EC2.6  VPC flow logging            v3.0.0/3.7 (MON-001; EXIST-002 when the
//	       existing VPC keeps its owner's flow logs instead)
//	EC2.53 SG 0.0.0.0/0 admin ports    v3.0.0/5.2
//	EC2.54 SG ::/0 admin ports         v3.0.0/5.3
//	EC2.2  default security group      v3.0.0/5.4
//	EC2.8  IMDSv2                      v3.0.0/5.6 (so peering routes are 5.5)
//	S3.5   deny non-TLS requests       v3.0.0/2.1.1, v1.4.0/2.1.2
//	S3.8   Block Public Access         v3.0.0/2.1.4
//	IAM.1  full "*" admin privileges   v1.4.0/1.16 (no v3.0.0 mapping)
//	IAM.2  (v3.0.0/1.15, so v1.4.0's 1.15/1.16 order is kept)
//
// S3-002 cites v1.4.0 2.1.1 (encryption at rest), the recommendation
// before S3.5's v1.4.0/2.1.2; v2.0.0 dropped it.
var cisControls = map[string]string{
	"EXIST-002": "v3.0.0 3.7",
	"IAM-001":   "v1.4.0 1.16",
	"IAM-002":   "v1.4.0 1.16",
	"MON-001":   "v3.0.0 3.7",
	"NET-001":   "v3.0.0 5.2, 5.3",
	"NET-002":   "v3.0.0 5.4",
	"NET-003":   "v3.0.0 5.4",
	"PEER-005":  "v3.0.0 5.5",
	"S3-001":    "v3.0.0 2.1.4",
	"S3-002":    "v1.4.0 2.1.1",
	"S3-003":    "v3.0.0 2.1.1",
}

var cisRef = regexp.MustCompile(`CIS AWS Foundations (v[0-9.]+ [0-9.]+(?:, [0-9.]+)*)`)

func TestCISReferences(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range newEngine(t).Rules() {
		m := cisRef.FindStringSubmatch(r.Reference)
		want, cited := cisControls[r.ID]
		switch {
		case m == nil && cited:
			t.Errorf("%s: reference %q lacks CIS AWS Foundations %s", r.ID, r.Reference, want)
		case m != nil && !cited:
			t.Errorf("%s: cites CIS AWS Foundations %s, which nobody checked; add it to cisControls", r.ID, m[1])
		case m != nil && m[1] != want:
			t.Errorf("%s: cites CIS AWS Foundations %s, want %s", r.ID, m[1], want)
		}
		seen[r.ID] = true
	}
	for id := range cisControls {
		if !seen[id] {
			t.Errorf("%s is in cisControls but not in the baseline", id)
		}
	}
}
