package e2etools

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

func TestPruneStandins(t *testing.T) {
	cache := t.TempDir()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(name string, age int) string {
		dir := filepath.Join(cache, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, standinBinary), nil, 0o755); err != nil {
			t.Fatal(err)
		}
		when := base.Add(-time.Duration(age) * time.Hour)
		if err := os.Chtimes(dir, when, when); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	current := mk("standin-go-current", 100) // the oldest, but in use
	for i, name := range []string{"standin-go-a", "standin-go-b", "standin-go-c", "standin-go-d", "standin-go-e"} {
		mk(name, i+1) // a is the most recently used
	}
	building := mk("standin-go-building", 200)
	lock, err := os.Create(filepath.Join(building, standinBinary+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	old := base.Add(-200 * time.Hour) // creating the lock touched the directory
	if err := os.Chtimes(building, old, old); err != nil {
		t.Fatal(err)
	}
	mk("pulumi-v3-go-x", 300) // not a stand-in: never pruned

	pruneStandins(cache, current)

	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"pulumi-v3-go-x", "standin-go-a", "standin-go-b", "standin-go-building", "standin-go-c", "standin-go-current"}
	if !slices.Equal(left, want) {
		t.Errorf("left after pruning: %v, want %v", left, want)
	}
}
