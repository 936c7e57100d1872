package observability_test

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/observability"
)

// The log key's policy in another partition: every ARN and the CloudWatch
// Logs principal follow the stack's region (AWS ARN format
// arn:<partition>:<service>:<region>:<account>:<resource>).
func TestLogKeyPolicyFollowsPartitionAndRegion(t *testing.T) {
	raw, err := observability.LogKeyPolicy("aws-us-gov", "us-gov-west-1", "111111111111").JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iamdoc.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		principal, operator, key, value string
	}{
		"CloudWatchLogsEncryptLogGroups": {"logs.us-gov-west-1.amazonaws.com", "ArnLike",
			"kms:EncryptionContext:aws:logs:arn", "arn:aws-us-gov:logs:us-gov-west-1:111111111111:log-group:*"},
		"LogDeliveryEncryptFlowLogFiles": {"delivery.logs.amazonaws.com", "ArnLike",
			"aws:SourceArn", "arn:aws-us-gov:logs:us-gov-west-1:111111111111:*"},
	}
	for _, st := range doc.Statement {
		if st.Sid == "AccountAdministersAndUsesTheKey" {
			if st.Principal == nil || !slices.Equal(st.Principal.AWS, []string{"arn:aws-us-gov:iam::111111111111:root"}) {
				t.Errorf("account principal %+v", st.Principal)
			}
			// IAM-001: no full-service wildcard in any statement we write.
			if slices.Contains(st.Action, "kms:*") {
				t.Error("account statement grants kms:*")
			}
			continue
		}
		w, ok := want[st.Sid]
		if !ok {
			t.Errorf("unexpected statement %s", st.Sid)
			continue
		}
		delete(want, st.Sid)
		if st.Principal == nil || !slices.Equal(st.Principal.Service, []string{w.principal}) {
			t.Errorf("%s principal %+v, want %s", st.Sid, st.Principal, w.principal)
		}
		if got := st.ConditionValues(w.operator, w.key); !slices.Equal(got, []string{w.value}) {
			t.Errorf("%s %s %s = %v, want %s", st.Sid, w.operator, w.key, got, w.value)
		}
	}
	for sid := range want {
		t.Errorf("no statement %s", sid)
	}
}

// A key created in the stack wins over a configured ARN; neither is nil.
func TestKeyInput(t *testing.T) {
	created := pulumi.String("created")
	tests := []struct {
		name       string
		created    pulumi.StringInput
		configured string
		want       pulumi.StringInput
	}{
		{"none", nil, "", nil},
		{"configured", nil, "arn", pulumi.String("arn")},
		{"created", created, "", created},
		{"created wins", created, "arn", created},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := observability.KeyInput(tt.created, tt.configured); got != tt.want {
				t.Errorf("KeyInput = %v, want %v", got, tt.want)
			}
		})
	}
}

// Aliases are unique per account and region: the account's first network
// and the environment keep the stacks sharing an account apart.
func TestLogKeyAlias(t *testing.T) {
	if got, want := observability.LogKeyAlias("trading", "prod"), "alias/peerctl-logs-trading-prod"; got != want {
		t.Errorf("alias %q, want %q", got, want)
	}
	if observability.LogKeyAlias("trading", "prod") == observability.LogKeyAlias("trading", "dev") {
		t.Error("dev and prod in one account share an alias")
	}
}
