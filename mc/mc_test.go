package mc

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

// algo is one generic kernel under test.
type algo struct {
	name    string
	alg     Algorithm
	order   Order
	cluster bool
}

var algos = []algo{
	{"metropolis-random", Metropolis, Random, false},
	{"metropolis-sequential", Metropolis, Sequential, false},
	{"heatbath-random", HeatBath, Random, false},
	{"heatbath-sequential", HeatBath, Sequential, false},
	{"wolff", Wolff, "", true},
	{"sw", SwendsenWang, "", true},
}

func runChain(t testing.TB, m *lattice.Model, beta float64, a algo, seed uint64, cfg RunConfig) TempResult {
	t.Helper()
	k, err := NewKernel(m, beta, a.alg, a.order, rng.New(seed, 0))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewChain(k, beta, m.N, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c.Result(a.cluster, AnalysisOptions{})
}

// bounds are the largest acceptable reported errors (inflated error bars fail).
type bounds struct{ u, absm, c, u4 float64 }

// check compares the MC estimates with exact values: each must lie within
// nsig reported standard errors, and each reported error must be positive
// and below the bound.
func check(t *testing.T, label string, r TempResult, ex exact, b bounds, nsig float64) {
	t.Helper()
	for _, q := range []struct {
		name  string
		est   Estimate
		exact float64
		max   float64
	}{
		{"u", r.Energy, ex.u, b.u},
		{"|m|", r.AbsMagnetization, ex.absm, b.absm},
		{"c", r.HeatCapacity, ex.c, b.c},
		{"U4", r.Binder, ex.u4, b.u4},
	} {
		if q.est.Error <= 0 || math.IsNaN(q.est.Error) {
			t.Errorf("%s: %s error %v: want > 0", label, q.name, q.est.Error)
			continue
		}
		if q.est.Error > q.max {
			t.Errorf("%s: %s error %.3g exceeds bound %.3g (inflated error bar?)", label, q.name, q.est.Error, q.max)
		}
		if d := math.Abs(q.est.Mean - q.exact); d > nsig*q.est.Error {
			t.Errorf("%s: %s = %.6f ± %.6f, exact %.6f: off by %.1f sigma", label, q.name, q.est.Mean, q.est.Error, q.exact, d/q.est.Error)
		}
	}
	if testing.Verbose() {
		t.Logf("%s: u %.5f±%.5f (%.5f, tau %.2f) |m| %.5f±%.5f (%.5f, tau %.2f) c %.4f±%.4f (%.4f) U4 %.4f±%.4f (%.4f)",
			label, r.Energy.Mean, r.Energy.Error, ex.u, r.Energy.TauInt, r.AbsMagnetization.Mean, r.AbsMagnetization.Error,
			ex.absm, r.AbsMagnetization.TauInt, r.HeatCapacity.Mean, r.HeatCapacity.Error, ex.c, r.Binder.Mean, r.Binder.Error, ex.u4)
	}
}

var testTemps = []float64{2.0, 2.27, 3.0}

// TestTorusAgainstExact runs every algorithm on the 4x4 and 6x6 torus at
// T = 2.0, 2.27, 3.0 and compares u, |m|, c and U4 with the exact values.
func TestTorusAgainstExact(t *testing.T) {
	sweeps := map[int]int{4: 40000, 6: 40000}
	bnd := map[int]bounds{4: {u: 0.0075, absm: 0.005, c: 0.022, u4: 0.005}, 6: {u: 0.0075, absm: 0.006, c: 0.03, u4: 0.008}}
	if os.Getenv("ISINGRBM_LONG") != "" {
		sweeps = map[int]int{4: 400000, 6: 400000}
		bnd = map[int]bounds{4: {u: 0.0025, absm: 0.0016, c: 0.007, u4: 0.002}, 6: {u: 0.0025, absm: 0.002, c: 0.01, u4: 0.003}}
	}
	for _, l := range []int{4, 6} {
		m, _ := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
		m.Neighbors()
		for ti, temp := range testTemps {
			ex := torusTM(l, 1/temp)
			for ai, a := range algos {
				seed := uint64(1000*l + 10*ti + ai)
				r := runChain(t, m, 1/temp, a, seed, RunConfig{Thermalize: 1000, Sweeps: sweeps[l]})
				check(t, fmt.Sprintf("%dx%d T=%g %s", l, l, temp, a.name), r, ex, bnd[l], 4)
				if len(r.Warnings) > 0 {
					t.Errorf("%dx%d T=%g %s: unexpected warnings %v", l, l, temp, a.name, r.Warnings)
				}
			}
		}
	}
}

// TestTemperingAgainstExact runs parallel tempering over T = 2.0, 2.27, 3.0
// with each local move.
func TestTemperingAgainstExact(t *testing.T) {
	for _, l := range []int{4, 6} {
		m, _ := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
		m.Neighbors()
		betas := []float64{1 / testTemps[0], 1 / testTemps[1], 1 / testTemps[2]}
		for ai, a := range []algo{algos[0], algos[2], algos[4]} {
			reps := make([]TemperedKernel, len(betas))
			for k, b := range betas {
				reps[k], _ = NewKernel(m, b, a.alg, a.order, rng.New(uint64(77+ai), uint64(k)))
			}
			pt, err := NewTempering(betas, m.N, reps, rng.New(uint64(77+ai), 1000), RunConfig{Thermalize: 1000, Sweeps: 30000})
			if err != nil {
				t.Fatal(err)
			}
			if err := pt.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			rs := pt.Results(a.cluster, AnalysisOptions{})
			for k, r := range rs {
				ex := torusTM(l, betas[k])
				check(t, fmt.Sprintf("PT %dx%d T=%g %s", l, l, testTemps[k], a.name), r, ex, bounds{0.008, 0.006, 0.03, 0.012}, 4)
			}
			for k, acc := range pt.SwapAcceptance() {
				if !(acc > 0.05 && acc <= 1) {
					t.Errorf("PT %s: swap acceptance of pair %d = %v: want in (0.05, 1]", a.name, k, acc)
				}
			}
		}
	}
}

// TestRandomModelWithField runs every algorithm on a 12-site ±J model with a
// random field (frustrated, couplings of both signs) and compares with
// enumeration; the cluster kernels use the ghost spin here.
func TestRandomModelWithField(t *testing.T) {
	spec := lattice.Spec{Kind: "square", Size: "3x4", Disorder: "pm", HDisord: "gaussian", H: 0.2, HSigma: 0.5, Seed: 3}
	m, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	m.Neighbors()
	for _, beta := range []float64{0.4, 1.0} {
		ex := enumerate(t, m, beta)
		for ai, a := range algos {
			r := runChain(t, m, beta, a, uint64(500+ai), RunConfig{Thermalize: 500, Sweeps: 40000})
			b := bounds{0.006, 0.008, 0.012, 0.025}
			if a.cluster && beta == 1 {
				// Clusters percolate in this frustrated model: long tau_int, so larger errors.
				b = bounds{0.016, 0.022, 0.03, 0.08}
			}
			check(t, fmt.Sprintf("±J+h beta=%g %s", beta, a.name), r, ex, b, 4)
			if d := math.Abs(r.Magnetization.Mean - ex.m); d > 4*r.Magnetization.Error {
				t.Errorf("±J+h beta=%g %s: m = %.5f ± %.5f, exact %.5f", beta, a.name, r.Magnetization.Mean, r.Magnetization.Error, ex.m)
			}
		}
	}
}

// TestWolffGhostField checks Wolff and Swendsen–Wang with a ghost spin in a
// uniform field against enumeration (where <m> is far from 0).
func TestWolffGhostField(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	for i := range m.Fields {
		m.Fields[i] = -0.3
	}
	m.Neighbors()
	for _, temp := range []float64{2.0, 3.0} {
		ex := enumerate(t, m, 1/temp)
		for ai, a := range algos[4:] {
			r := runChain(t, m, 1/temp, a, uint64(900+ai), RunConfig{Thermalize: 500, Sweeps: 40000})
			check(t, fmt.Sprintf("ghost h=-0.3 T=%g %s", temp, a.name), r, ex, bounds{0.008, 0.005, 0.03, 0.01}, 4)
			if d := math.Abs(r.Magnetization.Mean - ex.m); d > 4*r.Magnetization.Error || r.Magnetization.Error > 0.005 {
				t.Errorf("ghost T=%g %s: m = %.5f ± %.5f, exact %.5f", temp, a.name, r.Magnetization.Mean, r.Magnetization.Error, ex.m)
			}
		}
	}
}

// TestChainInField compares every algorithm on a 64-site periodic chain in a
// field (beyond enumeration) with the exact transfer-matrix result: u, <m>,
// <m^2>, c and chi.
func TestChainInField(t *testing.T) {
	m, _ := lattice.Chain(64, lattice.Periodic)
	for i := range m.Fields {
		m.Fields[i] = 0.15
	}
	m.Neighbors()
	const beta = 0.9
	ex, err := transfer.Chain(64, 1, 0.15, beta, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	for ai, a := range algos {
		r := runChain(t, m, beta, a, uint64(300+ai), RunConfig{Thermalize: 500, Sweeps: 20000})
		for _, q := range []struct {
			name       string
			est        Estimate
			exact, max float64
		}{
			{"u", r.Energy, ex.Energy, 0.004},
			{"m", r.Magnetization, ex.Magnetization, 0.01},
			{"m^2", r.M2, ex.M2, 0.01},
			{"c", r.HeatCapacity, ex.HeatCapacity, 0.022},
			{"chi", r.Susceptibility, ex.Susceptibility, 0.2},
		} {
			if d := math.Abs(q.est.Mean - q.exact); d > 4*q.est.Error || q.est.Error > q.max || !(q.est.Error > 0) {
				t.Errorf("chain %s: %s = %.5f ± %.5f, exact %.5f (error bound %g)", a.name, q.name, q.est.Mean, q.est.Error, q.exact, q.max)
			} else if testing.Verbose() {
				t.Logf("chain %s: %s = %.5f ± %.5f, exact %.5f", a.name, q.name, q.est.Mean, q.est.Error, q.exact)
			}
		}
	}
}
