package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

func TestMCKernelsSelection(t *testing.T) {
	build := func(s lattice.Spec) *lattice.Model {
		m, err := s.Build()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	j2 := 2.0
	sq := build(lattice.Spec{Kind: "square", Size: "8x8"})
	cases := []struct {
		name  string
		m     *lattice.Model
		alg   mc.Algorithm
		order mc.Order
		want  string // "" = not applicable
	}{
		{"square seq metropolis", sq, mc.Metropolis, mc.Sequential, "*fast.Checkerboard"},
		{"square seq heatbath", sq, mc.HeatBath, mc.Sequential, "*fast.Checkerboard"},
		{"square random metropolis", sq, mc.Metropolis, mc.Random, ""},
		{"square wolff", sq, mc.Wolff, mc.Random, "*fast.Cluster"},
		{"square sw", sq, mc.SwendsenWang, mc.Sequential, "*fast.Cluster"},
		{"cubic seq metropolis", build(lattice.Spec{Kind: "cubic", Size: "4x4x4"}), mc.Metropolis, mc.Sequential, "*fast.Checkerboard"},
		{"field J=2 seq metropolis", build(lattice.Spec{Kind: "square", Size: "4x6", J: &j2, H: 0.3}), mc.Metropolis, mc.Sequential, "*fast.Checkerboard"},
		{"field wolff", build(lattice.Spec{Kind: "square", Size: "4x4", H: 0.3}), mc.Wolff, mc.Random, ""},
		{"odd metropolis", build(lattice.Spec{Kind: "square", Size: "5x4"}), mc.Metropolis, mc.Sequential, ""},
		{"odd wolff", build(lattice.Spec{Kind: "square", Size: "5x3"}), mc.Wolff, mc.Random, "*fast.Cluster"},
		{"open", build(lattice.Spec{Kind: "square", Size: "4x4", Boundary: "open"}), mc.Metropolis, mc.Sequential, ""},
		{"triangular", build(lattice.Spec{Kind: "triangular", Size: "4x4"}), mc.Metropolis, mc.Sequential, ""},
		{"disorder", build(lattice.Spec{Kind: "square", Size: "4x4", Disorder: "pm"}), mc.Wolff, mc.Random, ""},
		{"chain", build(lattice.Spec{Kind: "chain", Size: "8"}), mc.Metropolis, mc.Sequential, ""},
	}
	for _, c := range cases {
		k, ok, err := fastKernel(c.m, 0.4, c.alg, c.order, false, 1, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := ""
		if ok {
			got = fmt.Sprintf("%T", k)
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if ok {
			if _, isT := k.(mc.TemperedKernel); !isT {
				t.Errorf("%s: not a TemperedKernel", c.name)
			}
		}
	}
	// A model with the right kind but a non-standard bond list keeps the
	// generic kernel.
	odd := sq.Clone()
	if err := odd.SetBonds(odd.BondList()[:odd.NumBonds()-1]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := fastKernel(odd, 0.4, mc.Wolff, mc.Random, false, 1, 0); ok {
		t.Error("fast kernel chosen for a square model with a missing bond")
	}
	moved := sq.Clone()
	bs := moved.BondList()
	bs[5].J = (bs[5].J + 2) % moved.N
	if err := moved.SetBonds(bs); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := fastKernel(moved, 0.4, mc.Wolff, mc.Random, false, 1, 0); ok {
		t.Error("fast kernel chosen for a square model with a moved bond")
	}
}

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
