// Package atomicfile writes output files so that no reader, and no interrupted
// run, ever sees a half-written file: data go to a temporary file in the same
// directory, are synced, and the file is renamed into place only on success.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write calls fn with a writer on a temporary file beside path and renames the
// temporary file to path when fn and the sync succeed. On any error the
// temporary file is removed and path is left as it was.
//
// The temporary is named ".NAME.tmp-*" and, on Unix, locked while it is
// written; the first Write of a target in a process removes the stale
// temporaries of that target (see RemoveStale).
func Write(path string, fn func(w io.Writer) error) (err error) {
	removeStaleOnce(path)
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	flock(f) // a fresh file: only marks it as being written
	if err = fn(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !locking {
		// Renaming an open file fails on some systems.
		closed = true
		if err = f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	if !closed {
		// Closed after the rename, so that the temporary stays locked
		// until it is gone.
		if err = f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// WriteBytes writes b to path atomically.
func WriteBytes(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
