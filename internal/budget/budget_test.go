package budget

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for s, want := range map[string]float64{"1024": 1024, "8G": 8 << 30, "512M": 512 << 20, "1.5T": 1.5 * (1 << 40), "2GiB": 2 << 30, "4k": 4096} {
		if got, err := Parse(s); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "0", "x", "NaN", "1e400", "inf"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded", s)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Setenv(EnvVar, "1G")
	if err := Check("x", 1<<29, "--size"); err != nil {
		t.Fatal(err)
	}
	err := Check("the coupling matrix", 65e9, "--size")
	var be *Error
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "60.5 GiB") || !strings.Contains(err.Error(), "1 GiB") ||
		!strings.Contains(err.Error(), "--size") {
		t.Fatalf("Check(65e9) = %v", err)
	}
	if Check("overflowed", math.Inf(1), "--sweeps") == nil || Check("nan", math.NaN(), "") == nil {
		t.Error("an overflowed estimate passed")
	}
	t.Setenv(EnvVar, "lots")
	if err := Check("x", 1, ""); err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Errorf("bad %s accepted: %v", EnvVar, err)
	}
}

func TestMachine(t *testing.T) {
	if b := memTotal(); !(b >= 1<<20) {
		t.Errorf("memTotal = %v", b)
	}
}
