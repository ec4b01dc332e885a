//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// locking reports whether Lock and the temporary-file locks work here.
const locking = true

func lockFile(name string) (func(), error) {
	for range 100 {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := flock(f); err != nil {
			f.Close()
			return nil, err
		}
		// A releaser may have removed the file between our open and our
		// lock: then we hold the lock of an unlinked file, so start over.
		var a, b unix.Stat_t
		if unix.Fstat(int(f.Fd()), &a) == nil && unix.Stat(name, &b) == nil && a.Ino == b.Ino && a.Dev == b.Dev {
			f.Truncate(0)
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			return func() {
				os.Remove(name)
				f.Close()
			}, nil
		}
		f.Close()
	}
	return nil, errors.New("lock file keeps changing")
}

// flock takes an exclusive lock without waiting.
func flock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return ErrLocked
		}
		return err
	}
}

// removeIfUnlocked removes a temporary no live writer holds.
func removeIfUnlocked(p string) bool {
	f, err := os.OpenFile(p, os.O_RDONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if flock(f) != nil {
		return false // a live writer
	}
	return os.Remove(p) == nil
}
