package e2etools

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// keepStandins is how many stand-in builds besides the one in use survive a
// prune. The stand-in's key changes with every edit to the packages it is
// built from (about 90 MB a build), so without pruning a working day fills
// the cache; a few are kept because other checkouts (branches, worktrees)
// sharing the cache may be using theirs.
const keepStandins = 3

// pruneStandins removes the stand-in builds in cache other than current
// and the keepStandins most recently used ones. A build that another
// process holds the lock of (building it right now) is left alone.
// Pruning is housekeeping: its errors are ignored, never fatal to a run.
func pruneStandins(cache, current string) {
	now := time.Now()
	_ = os.Chtimes(current, now, now) // marks it as the most recently used
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	type build struct {
		dir  string
		used time.Time
	}
	var others []build
	for _, e := range entries {
		dir := filepath.Join(cache, e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "standin-") || dir == current {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		others = append(others, build{dir, info.ModTime()})
	}
	sort.Slice(others, func(i, j int) bool { return others[i].used.After(others[j].used) })
	for _, b := range others[min(keepStandins, len(others)):] {
		removeUnlessBuilding(b.dir)
	}
}

// removeUnlessBuilding removes dir unless the build lock of the binary in it
// is held.
func removeUnlessBuilding(dir string) {
	lockPath := filepath.Join(dir, standinBinary+".lock")
	lock, err := os.OpenFile(lockPath, os.O_RDWR, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return
	default:
		defer lock.Close()
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
			return // another process is building it
		}
	}
	_ = os.RemoveAll(dir)
}
