package plan

import (
	"encoding/json"
	"testing"
)

// dependsOn is sorted and without repeats whatever order and repeats the
// SDK sends, so the same program always gives the same plan bytes; none is
// an empty list, not null.
func TestDependsOnIsSortedAndUnique(t *testing.T) {
	m := NewMocks(Project, "dev")
	m.records = []*record{
		{urn: "urn:b", typ: "aws:ec2/vpc:Vpc", name: "b", custom: true, dependsOn: []string{"urn:z", "urn:a", "urn:z", "urn:m", "urn:a"}},
		{urn: "urn:a", typ: "aws:ec2/vpc:Vpc", name: "a", custom: true},
	}
	got := m.resources()
	b, err := json.Marshal([][]string{got[0].DependsOn, got[1].DependsOn})
	if err != nil {
		t.Fatal(err)
	}
	if want := `[[],["urn:a","urn:m","urn:z"]]`; string(b) != want {
		t.Errorf("dependsOn = %s, want %s", b, want)
	}
}
