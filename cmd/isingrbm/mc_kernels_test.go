package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestMCKernelsForcedFastError(t *testing.T) {
	_, _, err := execApp("mc", "--size", "4x4", "--T", "2", "--sweeps", "10", "--progress=false",
		"--kernel", "fast", "--order", "random")
	if err == nil || !strings.Contains(err.Error(), "--kernel fast") {
		t.Fatalf("--kernel fast with random order: error %v", err)
	}
}

// TestMCKernelsAgree runs 'isingrbm mc' with the fast and the generic kernels
// and checks that energy and <m^2> agree within their combined error bars.
func TestMCKernelsAgree(t *testing.T) {
	type stat struct {
		Mean  float64 `json:"mean"`
		Error float64 `json:"error"`
	}
	type result struct {
		Energy stat `json:"energy_per_site"`
		M2     stat `json:"m2"`
	}
	run := func(kernel string, extra ...string) []result {
		args := append([]string{"mc", "--size", "8x8", "--T", "2.3,3", "--sweeps", "40000", "--thermalize", "500",
			"--progress=false", "--json", "--seconds=false", "--kernel", kernel}, extra...)
		out, _, err := execApp(args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var r struct {
			Results []result `json:"results"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r.Results
	}
	for _, alg := range [][]string{
		{"--algorithm", "metropolis", "--order", "sequential"},
		{"--algorithm", "heatbath", "--order", "sequential"},
		{"--algorithm", "wolff"},
		{"--algorithm", "sw"},
	} {
		f, g := run("fast", alg...), run("generic", alg...)
		for i := range f {
			for _, q := range [][2]stat{{f[i].Energy, g[i].Energy}, {f[i].M2, g[i].M2}} {
				sig := math.Hypot(q[0].Error, q[1].Error)
				if d := math.Abs(q[0].Mean - q[1].Mean); d > 4.5*sig || sig == 0 {
					t.Errorf("%v T index %d: fast %v ± %v, generic %v ± %v", alg, i, q[0].Mean, q[0].Error, q[1].Mean, q[1].Error)
				}
			}
		}
	}
}
