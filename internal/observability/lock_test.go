package observability_test

import (
	"slices"
	"testing"

	"github.com/peerctl/peerctl/internal/observability"
	"github.com/peerctl/peerctl/internal/testing/obstest"
)

// The break-glass role is named, optionally after a path, and stands for
// the role of that name in each account (IAM ARN format: role/<path><name>).
func TestBreakGlassRoleARN(t *testing.T) {
	for _, tt := range []struct{ partition, account, role, want string }{
		{"aws", "111111111111", "log-break-glass", "arn:aws:iam::111111111111:role/log-break-glass"},
		{"aws-us-gov", "222222222222", "/security/log-break-glass", "arn:aws-us-gov:iam::222222222222:role/security/log-break-glass"},
		{"aws", "111111111111", "", ""},
	} {
		if got := observability.BreakGlassRoleARN(tt.partition, tt.account, tt.role); got != tt.want {
			t.Errorf("BreakGlassRoleARN(%q, %q, %q) = %q, want %q", tt.partition, tt.account, tt.role, got, tt.want)
		}
	}
}

// Without a break-glass role the deny has no exception at all.
func TestDenyLogTamperingWithoutBreakGlass(t *testing.T) {
	st := observability.DenyLogTampering("arn:aws:s3:::b", "")
	if st.Condition != nil || st.Effect != "Deny" || !slices.Contains(st.Action, "s3:DeleteObjectVersion") {
		t.Errorf("deny = %+v", st)
	}
}

// Object Lock in dev (asked for) brings versioning, which it needs, and
// no forceDestroy.
func TestObjectLockInDevIsVersioned(t *testing.T) {
	p := obstest.Build(t, obstest.TwoAccounts("peerctl:flowLogs: {objectLockMode: GOVERNANCE, objectLockDays: 7}"), "")
	for _, n := range []string{"trading", "analytics"} {
		bucket := p.Must(t, obstest.BucketType, n+"-flow-logs-bucket")
		p.Must(t, obstest.VersioningType, n+"-flow-logs-bucket-versioning")
		lock := p.Must(t, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", n+"-flow-logs-bucket-object-lock")
		retention := obstest.Obj(obstest.Obj(lock.Inputs["rule"])["defaultRetention"])
		if lock.Inputs["objectLockEnabled"] != "Enabled" || bucket.Inputs["forceDestroy"] != false ||
			retention["mode"] != "GOVERNANCE" || obstest.Num(retention["days"]) != 7 {
			t.Errorf("%s: bucket %v, lock %v", n, bucket.Inputs, lock.Inputs)
		}
	}
}
