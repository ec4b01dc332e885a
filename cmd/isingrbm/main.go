// Command isingrbm computes exact and Monte Carlo thermodynamics of Ising
// models and their exact equivalence with restricted Boltzmann machines.
//
// Exit status: 0 on success; ExitResumable (75) when a command was
// interrupted (SIGINT/SIGTERM) after saving everything that running the same
// command line again needs to continue (see ResumableError); 1 for every
// other error, bad input included.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/isingrbm/isingrbm/mc/mcrun"
)

// ExitResumable is the exit status of a run that was interrupted and saved
// its state: "temporary failure, run me again" (EX_TEMPFAIL of sysexits.h).
// A batch script requeues the task on it (examples/slurm/scan.sbatch); every
// other non-zero status is a real error that a rerun would repeat.
const ExitResumable = 75

// ResumableError is returned by a command that was interrupted (its context
// cancelled by SIGINT/SIGTERM) after it had saved everything needed to
// continue, so that running the same command line again resumes the work
// (for 'isingrbm mc': --checkpoint FILE --resume). main prints it and exits
// with ExitResumable, but only when Err wraps context.Canceled,
// context.DeadlineExceeded or mcrun.ErrInterrupted: a ResumableError around
// any other error is an ordinary error (exit 1).
type ResumableError struct {
	// Err is the interruption, e.g. fmt.Errorf("interrupted (%w)", ctx.Err()).
	Err error
	// Msg, if not empty, is printed instead of Err.Error() (a message in
	// terms of the flags, say).
	Msg string
}

func (e *ResumableError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return e.Err.Error()
}

func (e *ResumableError) Unwrap() error { return e.Err }

// exitStatus is the process exit status for the error a command returned.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var r *ResumableError
	if errors.As(err, &r) && r.Err != nil && (errors.Is(r.Err, context.Canceled) ||
		errors.Is(r.Err, context.DeadlineExceeded) || errors.Is(r.Err, mcrun.ErrInterrupted)) {
		return ExitResumable
	}
	return 1
}

func main() {
	args, err := rewriteArgs(os.Args[1:])
	if err == nil {
		err = newApp().Run(append([]string{os.Args[0]}, args...))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "isingrbm:", err)
	}
	os.Exit(exitStatus(err))
}
