// Package budget is the memory budget that every up-front resource check
// uses: a request larger than the budget is refused before anything is
// allocated, with the estimate and the flag that changes it.
//
// The budget is the machine's memory (MemTotal of /proc/meminfo; 4 GiB
// where that cannot be read), or the environment variable ISINGRBM_MEMORY:
// bytes, or a number with a suffix K, M, G, T (powers of 1024; "8G",
// "512M", "1.5T").
package budget

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
)

// EnvVar overrides the budget.
const EnvVar = "ISINGRBM_MEMORY"

// fallback is the budget when the machine's memory is unknown.
const fallback = 4 << 30

var (
	machineOnce sync.Once
	machine     float64
)

// Bytes returns the memory budget in bytes, or an error when EnvVar is set
// to something that is not a size.
func Bytes() (float64, error) {
	if v, ok := os.LookupEnv(EnvVar); ok {
		b, err := Parse(v)
		if err != nil {
			return 0, fmt.Errorf("%s=%s: %w", EnvVar, cut(v), err)
		}
		return b, nil
	}
	machineOnce.Do(func() { machine = memTotal() })
	return machine, nil
}

func cut(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}

// Parse parses a size: bytes, or a number with a suffix K, M, G or T
// (optionally followed by B or iB; powers of 1024). It must be > 0 and finite.
func Parse(s string) (float64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || !(v > 0) || math.IsInf(v*mult, 0) {
		return 0, fmt.Errorf("want a size > 0 in bytes, or with a suffix K, M, G, T (e.g. 8G)")
	}
	return v * mult, nil
}

// memTotal reads MemTotal from /proc/meminfo.
func memTotal() float64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return fallback
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				if kb, err := strconv.ParseFloat(f[0], 64); err == nil && kb > 0 {
					return kb * 1024
				}
			}
		}
	}
	return fallback
}

// Human formats a byte count: "512 B", "3.2 KiB", "65 GiB", "8 TiB", "1e+20 B".
func Human(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	if math.IsInf(b, 0) || math.IsNaN(b) {
		return "an unbounded amount"
	}
	k := 0
	for b >= 1024 && k < len(units)-1 {
		b /= 1024
		k++
	}
	if k == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.3g %s", b, units[k])
}

// Error is a request refused by Check.
type Error struct {
	What   string  // what would be allocated
	Need   float64 // estimated bytes
	Budget float64 // the budget
	Change string  // what to change, e.g. "--size"
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s needs about %s, more than the memory budget of %s (machine memory, or %s)",
		e.What, Human(e.Need), Human(e.Budget), EnvVar)
	if e.Change != "" {
		s += ": reduce " + e.Change
	}
	return s
}

// Check returns nil when need bytes (an estimate; +Inf or NaN for a count
// that overflowed) fit in the budget, and otherwise an *Error naming what
// and what to change.
func Check(what string, need float64, change string) error {
	b, err := Bytes()
	if err != nil {
		return err
	}
	if need <= b {
		return nil
	}
	return &Error{What: what, Need: need, Budget: b, Change: change}
}
