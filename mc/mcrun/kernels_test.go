package mcrun

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// TestFastKernelSelection checks which models and algorithms get a kernel
// of mc/fast.
func TestFastKernelSelection(t *testing.T) {
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
		k, ok, err := FastKernel(c.m, 0.4, c.alg, c.order, 1, 0)
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
	}
	// A model with the right kind but a non-standard bond list keeps the
	// generic kernel.
	odd := sq.Clone()
	if err := odd.SetBonds(odd.BondList()[:odd.NumBonds()-1]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := FastKernel(odd, 0.4, mc.Wolff, mc.Random, 1, 0); ok {
		t.Error("fast kernel chosen for a square model with a missing bond")
	}
	moved := sq.Clone()
	bs := moved.BondList()
	bs[5].J = (bs[5].J + 2) % moved.N
	if err := moved.SetBonds(bs); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := FastKernel(moved, 0.4, mc.Wolff, mc.Random, 1, 0); ok {
		t.Error("fast kernel chosen for a square model with a moved bond")
	}
}

// TestKernelChoice checks the Kernel field: Auto and Fast use the fast
// kernel where one applies (other numbers than Generic), Fast fails with a
// ConfigError on Kernel where none applies, Auto then falls back to the
// generic kernel (the same numbers as Generic).
func TestKernelChoice(t *testing.T) {
	sq, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	tri, _ := (lattice.Spec{Kind: "triangular", Size: "4x4"}).Build()
	run := func(m *lattice.Model, k KernelChoice, alg mc.Algorithm) (string, error) {
		r, err := Run(context.Background(), m, Config{Algorithm: alg, Order: mc.Sequential, Kernel: k,
			Betas: []float64{0.4}, Sweeps: 200, Seed: 3, KeepSeries: true})
		if err != nil {
			return "", err
		}
		return fmt.Sprint(r.Series[0].Energies), nil
	}
	for _, alg := range []mc.Algorithm{mc.Metropolis, mc.Wolff} {
		auto, err1 := run(sq, Auto, alg)
		fast, err2 := run(sq, Fast, alg)
		gen, err3 := run(sq, Generic, alg)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		if auto != fast || auto == gen {
			t.Errorf("%s on the 4x4 torus: auto = fast %v, auto = generic %v (want true, false)", alg, auto == fast, auto == gen)
		}
		auto, err1 = run(tri, Auto, alg)
		gen, err3 = run(tri, Generic, alg)
		if err := errors.Join(err1, err3); err != nil || auto != gen {
			t.Errorf("%s on the triangular lattice: auto differs from generic (%v)", alg, err)
		}
		_, err := run(tri, Fast, alg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "Kernel" || !strings.Contains(err.Error(), "no specialised kernel") {
			t.Errorf("%s, Kernel fast on the triangular lattice: error %v", alg, err)
		}
	}
}
