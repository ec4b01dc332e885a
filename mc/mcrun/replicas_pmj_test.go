package mcrun

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

// TestRunReplicasPMJ runs 64 replicas of ±J instances (lattice.Spec
// --disorder pm: the kernel fast.NewReplicasPMJ) on a 4x4 torus
// (checkerboard path) and a 3x3x2 torus (typewriter path) and requires u,
// m^2, |m| and c within 4 reported errors of exact enumeration, with the
// errors bounded.
func TestRunReplicasPMJ(t *testing.T) {
	for ci, c := range []struct {
		spec  lattice.Spec
		betas []float64
		alg   mc.Algorithm
	}{
		{lattice.Spec{Kind: "square", Size: "4x4", Disorder: "pm", Seed: 3}, []float64{0.5, 1}, mc.Metropolis},
		{lattice.Spec{Kind: "cubic", Size: "3x3x2", Disorder: "pm", Seed: 4}, []float64{0.8}, mc.HeatBath},
	} {
		m, err := c.spec.Build()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.UniformCoupling(); ok {
			t.Fatalf("%v: uniform couplings", c.spec)
		}
		if _, _, ok := replicaParams(m, 1); !ok {
			t.Fatalf("%v: not recognised as a ±J instance", c.spec)
		}
		cfg := Config{Algorithm: c.alg, Order: mc.Sequential, Betas: c.betas, Sweeps: 3000, Thermalize: 300, Seed: uint64(ci + 1)}
		rep, err := RunReplicas(context.Background(), m, cfg, 64)
		if err != nil {
			t.Fatal(err)
		}
		for k, beta := range c.betas {
			ex, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := rep.Output.Results[k]
			name := fmt.Sprintf("%s %s beta=%v %s", c.spec.Kind, c.spec.Size, beta, c.alg)
			for _, q := range []struct {
				what       string
				e          mc.Estimate
				exact, max float64
			}{
				{"u", r.Energy, ex.Energy, 0.01},
				{"m2", r.M2, ex.M2, 0.01},
				{"|m|", r.AbsMagnetization, ex.AbsMagnetization, 0.01},
				{"c", r.HeatCapacity, ex.HeatCapacity, 0.05},
			} {
				if !(q.e.Error > 0 && q.e.Error < q.max) {
					t.Errorf("%s %s: error %v, want in (0, %v)", name, q.what, q.e.Error, q.max)
				}
				if d := math.Abs(q.e.Mean - q.exact); !(d < 4*q.e.Error) {
					t.Errorf("%s %s: %v ± %v, exact %v (%.1f sigma)", name, q.what, q.e.Mean, q.e.Error, q.exact, d/q.e.Error)
				} else {
					t.Logf("%s %s: %v ± %v, exact %v (%.1f sigma)", name, q.what, q.e.Mean, q.e.Error, q.exact, d/q.e.Error)
				}
			}
		}
	}
	// Couplings of two magnitudes are not ±J: refused with the message.
	m, err := lattice.Spec{Kind: "square", Size: "4x4", Disorder: "gaussian", Sigma: 1, Seed: 1}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := replicaParams(m, 1); ok {
		t.Fatal("Gaussian couplings accepted as ±J")
	}
}
