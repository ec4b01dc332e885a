package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	if !locking {
		t.Skip("no file locks on this system")
	}
	p := filepath.Join(t.TempDir(), "run.ckpt")
	rel, err := Lock(p)
	if err != nil {
		t.Fatal(err)
	}
	// A second holder (another open file description, as in another
	// process) is refused with a one-line error naming the file and pid.
	_, err = Lock(p)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "pid") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("second Lock: %v", err)
	}
	rel()
	rel()
	if _, err := os.Stat(LockPath(p)); !os.IsNotExist(err) {
		t.Errorf("lock file left after release: %v", err)
	}
	rel2, err := Lock(p)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	rel2()
}

func TestRemoveStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	old := time.Now().Add(-time.Hour)
	mk := func(name string, mtime time.Time) string {
		q := filepath.Join(dir, name)
		if err := os.WriteFile(q, make([]byte, 1000), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(q, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return q
	}
	stale := mk(".out.csv.tmp-123", old)        // left by a killed run: removed
	fresh := mk(".out.csv.tmp-456", time.Now()) // being written since we started: kept
	other := mk(".out.csv2.tmp-1", old)         // another target: kept
	plain := mk("out.csv.tmp-9", old)           // not a temporary name: kept
	held := mk(".out.csv.tmp-789", old)         // a live writer holds it: kept
	if locking {
		f, err := os.Open(held)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := flock(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteBytes(p, []byte("x")); err != nil {
		t.Fatal(err)
	}
	exists := func(q string) bool { _, err := os.Stat(q); return err == nil }
	if exists(stale) {
		t.Error("stale temporary of the target not removed")
	}
	want := []string{fresh, other, plain}
	if locking {
		want = append(want, held)
	}
	for _, q := range want {
		if !exists(q) {
			t.Errorf("%s removed", filepath.Base(q))
		}
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Contains(names, "out.csv") {
		t.Errorf("target not written: %v", names)
	}
}
