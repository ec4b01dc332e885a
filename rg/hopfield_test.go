package rg

import (
	"context"
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// TestHopfieldRetrieval: at T = 0.3 and P/N = 0.05 (N = 100) the network
// started in a pattern stays in it (m > 0.9 within errors); at T = 1.5 it is
// paramagnetic (max |m_mu| at the 1/sqrt N level of fluctuations).
func TestHopfieldRetrieval(t *testing.T) {
	res, err := HopfieldRetrieval(context.Background(), HopfieldConfig{N: 100, Patterns: []int{5}, Temps: []float64{0.3, 1.5},
		Sweeps: 2000, Thermalize: 200, DisorderSeed: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := res.Points[0], res.Points[1]
	t.Logf("T = 0.3: max|m| = %.4f ± %.4f, m1 = %.4f; T = 1.5: max|m| = %.4f ± %.4f; %.2f s",
		lo.MaxOverlap.Mean, lo.MaxOverlap.Error, lo.Overlap.Mean, hi.MaxOverlap.Mean, hi.MaxOverlap.Error, res.Seconds)
	if lo.MaxOverlap.Mean+3*lo.MaxOverlap.Error < 0.9 || lo.Overlap.Mean+3*lo.Overlap.Error < 0.9 {
		t.Errorf("T = 0.3, P/N = 0.05: max|m| = %v ± %v, m_1 = %v: want retrieval > 0.9", lo.MaxOverlap.Mean, lo.MaxOverlap.Error, lo.Overlap.Mean)
	}
	if hi.MaxOverlap.Mean > 0.35 {
		t.Errorf("T = 1.5: max|m| = %v: want < 0.35 (paramagnet)", hi.MaxOverlap.Mean)
	}
}

// TestHopfieldChainEnergy checks the pattern representation of the chain
// against the lattice.Hopfield model: the tracked energy equals
// Model.Energy after every sweep, and at T = 2 the mean energy agrees with
// the mc Metropolis kernel on the same network within errors.
func TestHopfieldChainEnergy(t *testing.T) {
	xi := lattice.HopfieldPatterns(60, 4, rng.New(9, lattice.StreamPatterns))
	m, err := lattice.Hopfield(xi)
	if err != nil {
		t.Fatal(err)
	}
	ch := newHopfieldChain(xi, 0.5, rng.New(1, rng.StreamHopfieldRetrieval))
	k := mc.NewMetropolis(m, 0.5, mc.Random, rng.New(1, 0))
	var a, b []float64
	for s := 0; s < 6000; s++ {
		ch.sweep()
		k.Sweep()
		if s < 10 {
			if e := m.Energy(ch.s); math.Abs(e-ch.energy()) > 1e-9 {
				t.Fatalf("sweep %d: tracked energy %v, Model.Energy %v", s, ch.energy(), e)
			}
		}
		if s >= 500 {
			a, b = append(a, ch.energy()/60), append(b, k.Energy()/60)
		}
	}
	ea, _ := mc.MeanError(a, 0)
	eb, _ := mc.MeanError(b, 0)
	d := (ea.Mean - eb.Mean) / math.Hypot(ea.Error, eb.Error)
	t.Logf("T = 2: u = %.5f ± %.5f (pattern chain), %.5f ± %.5f (mc.Local): %.2f sigma", ea.Mean, ea.Error, eb.Mean, eb.Error, d)
	if math.Abs(d) > 4 {
		t.Errorf("T = 2: u = %v ± %v (pattern chain) vs %v ± %v (mc Metropolis): %.1f sigma", ea.Mean, ea.Error, eb.Mean, eb.Error, d)
	}
}

func TestHopfieldConfigErrors(t *testing.T) {
	for _, c := range []HopfieldConfig{
		{N: 1, Patterns: []int{1}, Temps: []float64{1}},
		{N: 10, Temps: []float64{1}},
		{N: 10, Patterns: []int{0}, Temps: []float64{1}},
		{N: 10, Patterns: []int{1}, Temps: []float64{-1}},
		{N: 10, Patterns: []int{1}, Temps: []float64{1}, Sweeps: 5},
	} {
		if _, err := HopfieldRetrieval(context.Background(), c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestCurieWeissOverlap(t *testing.T) {
	for _, T := range []float64{0.2, 0.5, 0.9} {
		m := CurieWeissOverlap(T)
		if math.Abs(m-math.Tanh(m/T)) > 1e-12 || m <= 0 {
			t.Errorf("T = %v: m = %v", T, m)
		}
	}
	if CurieWeissOverlap(1.2) != 0 {
		t.Error("T = 1.2: want 0")
	}
}
