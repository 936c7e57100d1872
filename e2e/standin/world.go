package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// world is what every account holds, shared by all provider processes of a
// test through a file in PEERCTL_STANDIN_DIR, each change made under an
// exclusive lock, as AWS serialises the calls that conflict.
type world struct {
	dir string
}

// entry is one resource that exists.
type entry struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Account string         `json:"account"`
	Region  string         `json:"region"`
	Outputs map[string]any `json:"outputs"`
	// Seeded marks what the test put into AWS before peerctl ran (see
	// seed.go): no stack created it, so no stack may delete it.
	Seeded bool `json:"seeded,omitempty"`
}

// state is the content of world.json.
type state struct {
	Seq       int               `json:"seq"`
	Resources map[string]*entry `json:"resources"` // by URN
	// Accepted are the peering connections accepted by their accepter.
	Accepted map[string]bool `json:"accepted"`
	// Seeds are the seed file's resources already merged, by id: a seed
	// is merged once, so one the engine deleted does not come back.
	Seeds map[string]bool `json:"seeds,omitempty"`
}

// journalEntry is one line of journal.jsonl: every operation, in order.
type journalEntry struct {
	Seq     int    `json:"seq"`
	Time    string `json:"time"`
	Op      string `json:"op"`
	Type    string `json:"type"`
	URN     string `json:"urn,omitempty"`
	ID      string `json:"id,omitempty"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Error is the AWS error the operation got, if any.
	Error string `json:"error,omitempty"`
	// Warning is what AWS did that has no effect yet (a blackhole route).
	Warning string `json:"warning,omitempty"`
}

const (
	opCreate = "create"
	opUpdate = "update"
	opDelete = "delete"
)

// apply checks op against the rules, then makes it, and journals it
// either way.
func (w *world) apply(op string, e entry) error {
	return w.locked(func(st *state) error {
		st.Seq++
		je := journalEntry{Seq: st.Seq, Op: op, Type: e.Type, URN: e.URN, ID: e.ID, Account: e.Account, Region: e.Region}
		err := check(st, op, e)
		if err == nil {
			je.Warning = blackhole(st, op, e)
			change(st, op, e)
		} else {
			je.Error = err.Error()
		}
		if jerr := w.appendJournal(je); jerr != nil {
			return jerr
		}
		return err
	})
}

// journal records an operation that changes nothing (an invoke).
func (w *world) journal(je journalEntry) {
	_ = w.locked(func(st *state) error {
		st.Seq++
		je.Seq = st.Seq
		return w.appendJournal(je)
	})
}

func (w *world) lookup(urn string) (entry, bool, error) {
	var found *entry
	err := w.locked(func(st *state) error {
		found = st.Resources[urn]
		return nil
	})
	if err != nil || found == nil {
		return entry{}, false, err
	}
	return *found, true, nil
}

func (w *world) appendJournal(je journalEntry) error {
	je.Time = time.Now().UTC().Format(time.RFC3339Nano)
	line, err := json.Marshal(je)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(w.dir, "journal.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// locked runs fn on the world's state under the world's lock and saves
// what fn left, even when fn returns an error (the journal's sequence).
func (w *world) locked(fn func(*state) error) error {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(w.dir, "world.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking the world: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing the file unlocks too

	path := filepath.Join(w.dir, "world.json")
	st := &state{Resources: map[string]*entry{}, Accepted: map[string]bool{}, Seeds: map[string]bool{}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(data, st); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := mergeSeed(w.dir, st); err != nil {
		return err
	}
	fnErr := fn(st)
	out, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return fnErr
}
