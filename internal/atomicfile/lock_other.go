//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import "os"

// locking reports whether Lock and the temporary-file locks work here: not
// on this system, where Lock is a no-op.
const locking = false

func lockFile(string) (func(), error) { return func() {}, nil }

func flock(*os.File) error { return nil }

// removeIfUnlocked removes a temporary older than the process (locks are
// not available here).
func removeIfUnlocked(p string) bool { return os.Remove(p) == nil }
