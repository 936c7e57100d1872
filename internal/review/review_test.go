package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/review"
)

func TestRunAddsFindingsToThePlan(t *testing.T) {
	cfg, err := config.Parse(config.Raw{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := review.Run(context.Background(), cfg, "dev", review.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if deny, warn := r.Counts(); deny+warn != 0 || len(r.Findings) != 0 {
		t.Fatalf("the default stack has findings: %+v", r.Findings)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if string(doc["findings"]) != "[]" || doc["resources"] == nil || doc["quotas"] == nil {
		t.Errorf("plan JSON with findings: findings=%s, has resources %v", doc["findings"], doc["resources"] != nil)
	}
	buf.Reset()
	if err := r.WriteFindings(&buf); err != nil || !strings.Contains(buf.String(), "Policy: 0 deny, 0 warn.") {
		t.Errorf("findings text = %q, %v", buf.String(), err)
	}
}
