package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrLocked is returned (wrapped) by Lock when another process holds the
// lock of the path.
var ErrLocked = errors.New("in use by another process")

// start approximates the process start: temporaries older than it were left
// by an earlier process.
var start = time.Now()

// LockPath is the lock file of path: ".NAME.lock" beside it.
func LockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// Lock takes an exclusive advisory lock on path (through its lock file
// LockPath(path), flock on Unix; a no-op elsewhere) for as long as the
// caller runs, so that two runs given the same output or checkpoint file
// refuse to overwrite each other: the second gets an error wrapping
// ErrLocked that names the file and the process holding it. The lock dies
// with the process (kill -9 included). release removes the lock file and
// drops the lock; it may be called more than once.
func Lock(path string) (release func(), err error) {
	rel, err := lockFile(LockPath(path))
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return func() {}, fmt.Errorf("%s: %w%s: wait for it to finish or use another file", path, ErrLocked, holder(LockPath(path)))
		}
		return func() {}, fmt.Errorf("lock %s: %w", path, err)
	}
	var once sync.Once
	return func() { once.Do(rel) }, nil
}

// holder returns " (pid N)" from a lock file, or "".
func holder(lock string) string {
	b, err := os.ReadFile(lock)
	if err != nil {
		return ""
	}
	pid := strings.TrimSpace(string(b))
	if pid == "" || len(pid) > 12 {
		return ""
	}
	return " (pid " + pid + ")"
}

var cleaned sync.Map // target path -> struct{}: stale temporaries already removed

// tempPrefix is the name prefix of the temporaries of path (see Write).
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// RemoveStale removes the temporaries of path (".NAME.tmp-*" beside it) that
// an interrupted writer (kill -9, a crash, a full disk) left behind: those
// no live writer holds (on Unix every writer locks its temporary) and that
// were last modified before this process started. Files of other targets
// are never touched. It returns the removed names. Write calls it once per
// target and process.
func RemoveStale(path string) ([]string, error) {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(start) {
			continue
		}
		p := filepath.Join(dir, name)
		if removeIfUnlocked(p) {
			removed = append(removed, p)
		}
	}
	return removed, nil
}

func removeStaleOnce(path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if _, done := cleaned.LoadOrStore(abs, struct{}{}); !done {
		RemoveStale(path)
	}
}
