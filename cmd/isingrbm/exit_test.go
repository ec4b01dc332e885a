package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/isingrbm/isingrbm/mc/mcrun"
)

func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("--sweeps 0: must be >= 1"), 1},
		{context.Canceled, 1}, // interrupted, nothing saved
		{fmt.Errorf("%w (no Checkpoint given, nothing saved)", mcrun.ErrInterrupted), 1},
		{&ResumableError{Err: fmt.Errorf("interrupted (%w); model saved", context.Canceled)}, ExitResumable},
		{&ResumableError{Err: fmt.Errorf("%w: state saved", mcrun.ErrInterrupted), Msg: "interrupted: state saved"}, ExitResumable},
		{fmt.Errorf("train: %w", &ResumableError{Err: context.DeadlineExceeded}), ExitResumable},
		// Not an interruption: a real error, whatever the wrapper says.
		{&ResumableError{Err: errors.New("disk full")}, 1},
		{&ResumableError{}, 1},
	} {
		if got := exitStatus(c.err); got != c.want {
			t.Errorf("exitStatus(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if ExitResumable != 75 {
		t.Errorf("ExitResumable = %d: 75 (EX_TEMPFAIL) is what the shipped batch scripts test", ExitResumable)
	}
}

// startAndSignal starts the binary with args, sends SIGTERM once ready()
// holds (polled every 20 ms) and returns the exit code and stderr; ok is
// false when the process finished before the signal could be sent.
func startAndSignal(t *testing.T, ready func() bool, args ...string) (code int, stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command(isingrbmBinary, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case <-exited:
			return cmd.ProcessState.ExitCode(), errb.String(), false
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			t.Fatalf("%v: not ready after 60 s; stderr %s", args, errb.String())
		case <-time.After(20 * time.Millisecond):
			if ready() {
				cmd.Process.Signal(syscall.SIGTERM)
				<-exited
				return cmd.ProcessState.ExitCode(), errb.String(), true
			}
		}
	}
}

func exists(p string) func() bool {
	return func() bool { _, err := os.Stat(p); return err == nil }
}

// TestMCExitStatusEndToEnd: a sharded 'isingrbm mc' with a checkpoint exits
// 75 on SIGTERM, a --resume run finishes with 0 and writes exactly the file
// of an uninterrupted run; without --checkpoint SIGTERM gives 1, and so does
// bad input.
func TestMCExitStatusEndToEnd(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	dir := t.TempDir()
	// The generic kernel and 300000 sweeps (about 1.5 s on one core): a
	// shorter run can finish its sampling before the first 100 ms checkpoint,
	// and the signal then lands in the analysis.
	base := []string{"mc", "--size", "24x24", "--T", "2.1,2.2,2.3,2.4", "--sweeps", "300000", "--algorithm", "metropolis",
		"--kernel", "generic", "--seconds=false", "--progress=false", "--shard", "2/2"}
	ck := filepath.Join(dir, "s.ckpt")
	interrupted := append(append([]string{}, base...), "--out", filepath.Join(dir, "resumed.json"),
		"--checkpoint", ck, "--resume", "--checkpoint-every", "100ms")
	code, stderr, ok := startAndSignal(t, exists(ck), interrupted...)
	if !ok {
		t.Skipf("run finished (exit %d) before its first checkpoint: nothing to interrupt", code)
	}
	if code != ExitResumable || !strings.Contains(stderr, "interrupted: state saved") || !strings.Contains(stderr, "--resume") {
		t.Fatalf("SIGTERM with --checkpoint: exit %d, stderr %q; want %d", code, stderr, ExitResumable)
	}
	if _, err := os.Stat(filepath.Join(dir, "resumed.json")); err == nil {
		t.Errorf("interrupted run wrote --out")
	}
	if _, _, code := execBinary(t, interrupted...); code != 0 {
		t.Fatalf("resume: exit %d", code)
	}
	if _, _, code := execBinary(t, append(append([]string{}, base...), "--out", filepath.Join(dir, "full.json"))...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d", code)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "full.json"))
	b, _ := os.ReadFile(filepath.Join(dir, "resumed.json"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("resumed output differs from the uninterrupted run")
	}

	// No checkpoint: nothing saved, a real failure.
	var t0 time.Time
	code, stderr, ok = startAndSignal(t, func() bool {
		if t0.IsZero() {
			t0 = time.Now()
		}
		return time.Since(t0) > 700*time.Millisecond // the handler is installed long before
	}, append(append([]string{}, base...), "--sweeps", "3000000")...)
	if ok && (code != 1 || !strings.Contains(stderr, "nothing saved")) {
		t.Errorf("SIGTERM without --checkpoint: exit %d, stderr %q; want 1", code, stderr)
	}
	// Bad input.
	if _, stderr, code := execBinary(t, "mc", "--size", "4x4", "--T", "2", "--sweeps", "0"); code != 1 {
		t.Errorf("--sweeps 0: exit %d, stderr %q; want 1", code, stderr)
	}
}

// TestRunInterruptedExitsOne: 'isingrbm run' keeps no checkpoint, so SIGTERM
// gives exit 1 (not 75, which would make a batch script requeue a run that
// starts over), and leaves no staging directory.
func TestRunInterruptedExitsOne(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	spec := writeSpec(t, strings.Replace(runTestSpec, "sweeps = 500", "sweeps = 50000000", 1))
	out := filepath.Join(t.TempDir(), "out")
	var t0 time.Time
	code, stderr, ok := startAndSignal(t, func() bool {
		if t0.IsZero() {
			t0 = time.Now()
		}
		return time.Since(t0) > time.Second
	}, "run", spec, "--out", out)
	if !ok {
		t.Fatalf("a 5e7-sweep run finished: exit %d, stderr %s", code, stderr)
	}
	if code != 1 || !strings.Contains(stderr, "cannot be resumed") {
		t.Errorf("SIGTERM: exit %d, stderr %q; want 1 and 'cannot be resumed'", code, stderr)
	}
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		t.Errorf("interrupted run left %s in --out", e.Name())
	}
}
