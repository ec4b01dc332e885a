package rg

import (
	"context"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/hs"
	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

func TestGyration(t *testing.T) {
	const l = 8
	w := make([]float64, l*l)
	w[3+l*5] = -2
	if g := Gyration(w, l, l); g != 0 {
		t.Errorf("one site: R_g = %v, want 0", g)
	}
	// Two neighbours across the periodic boundary: R_g = 1/2 (open distances would give 3.5).
	clear(w)
	w[0+l*2], w[l-1+l*2] = 1, -1
	if g := Gyration(w, l, l); math.Abs(g-math.Sqrt(0.5)) > 1e-12 {
		t.Errorf("pair across the boundary: R_g = %v, want sqrt(0.5)", g)
	}
	for i := range w {
		w[i] = 1
	}
	// Uniform: per axis sum_d d^2 / l over d = -3..4 = (0+1+1+4+4+9+9+16)/8 = 5.5.
	if g := Gyration(w, l, l); math.Abs(g-math.Sqrt(11)) > 1e-12 {
		t.Errorf("uniform: R_g = %v, want sqrt(11)", g)
	}
	if g := Gyration(make([]float64, l*l), l, l); !math.IsNaN(g) {
		t.Errorf("zero map: R_g = %v, want NaN", g)
	}
}

func TestStackDeterministic(t *testing.T) {
	ctx := context.Background()
	ds, err := IsingSamples(ctx, 8, 8, []float64{KcExact}, 600, 1, 100, 5)
	if err != nil {
		t.Fatal(err)
	}
	run := func(seed uint64) *StackResult {
		res, err := Stack(ctx, ds[0], StackConfig{Layers: []int{16, 4, 2}, Epochs: 3, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := run(1), run(1), run(2)
	if len(a.Layers) != 3 {
		t.Fatalf("%d layers, want 3", len(a.Layers))
	}
	for k := range a.Layers {
		if n, m := a.Layers[k].RBM.Dims(); n != []int{64, 16, 4}[k] || m != []int{16, 4, 2}[k] {
			t.Errorf("layer %d: %d x %d", k+1, n, m)
		}
		if !mat.Equal(a.Layers[k].RBM.W, b.Layers[k].RBM.W) {
			t.Errorf("layer %d: two runs with seed 1 differ", k+1)
		}
		if mat.Equal(a.Layers[k].RBM.W, c.Layers[k].RBM.W) {
			t.Errorf("layer %d: seeds 1 and 2 give the same weights", k+1)
		}
	}
	// Training did something: the first layer explains part of the pseudo-likelihood.
	if l := a.Layers[0]; !(l.PseudoLogLik > l.Independent+0.05) {
		t.Errorf("layer 1 pseudo-log-likelihood %v, independent spins %v: not trained", l.PseudoLogLik, l.Independent)
	}
	if _, err := Stack(ctx, ds[0], StackConfig{Method: "exact"}); err == nil {
		t.Error("method exact accepted")
	}
	if _, err := Stack(ctx, ds[0], StackConfig{Lx: 4, Ly: 4}); err == nil {
		t.Error("4x4 lattice for 64 units accepted")
	}
}

// TestStackLocality: on Ising samples at T_c the first layer's receptive
// fields are much more local than random weights; on the same samples with
// the sites permuted (the same correlations, no longer local on the lattice)
// they are not.
func TestStackLocality(t *testing.T) {
	ctx := context.Background()
	const l = 16
	ds, err := IsingSamples(ctx, l, l, []float64{KcExact}, 2000, 1, 200, 11)
	if err != nil {
		t.Fatal(err)
	}
	cfg := StackConfig{Layers: []int{32}, Epochs: 20, LearningRate: 0.05, Seed: 3}
	loc := func(data *mat.Dense) Locality {
		res, err := Stack(ctx, data, cfg)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ReceptiveFields(res.RBMs())
		if err != nil {
			t.Fatal(err)
		}
		return LayerLocality(1, f[0], l, l, 200, 1)
	}
	ising := loc(ds[0])
	perm := rng.NewRand(1, 2).Perm(l * l)
	shuf := mat.NewDense(2000, l*l, nil)
	for k := 0; k < 2000; k++ {
		for i, j := range perm {
			shuf.Set(k, i, ds[0].At(k, j))
		}
	}
	permuted := loc(shuf)
	t.Logf("R_g: Ising %.3f ± %.3f, permuted sites %.3f, random weights %.3f, uniform %.3f", ising.Mean, ising.SD, permuted.Mean, ising.Random, ising.Uniform)
	if !(ising.Ratio < 0.7) {
		t.Errorf("Ising data: R_g/random = %.3f, want < 0.7 (local receptive fields)", ising.Ratio)
	}
	if !(permuted.Ratio > 0.85) {
		t.Errorf("permuted sites: R_g/random = %.3f, want > 0.85", permuted.Ratio)
	}
	if !(ising.Random > 5.5 && ising.Random < ising.Uniform) {
		t.Errorf("random-weight reference %.3f, uniform %.3f", ising.Random, ising.Uniform)
	}
}

// TestFlowHSInvariant: the Hubbard–Stratonovich RBM of a 4x4 torus has the
// Ising distribution as its visible marginal, so one reconstruction of exact
// Ising samples leaves every <s_i s_j> at its exact value within error bars.
func TestFlowHSInvariant(t *testing.T) {
	const l, beta, samples = 4, 0.35, 20000
	m, err := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	h, err := hs.Build(m, beta, hs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	logp, err := transfer.LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	n := l * l
	cdf := make([]float64, len(logp))
	exact := make([]float64, n*n)
	var acc float64
	for k, lp := range logp {
		p := math.Exp(lp)
		acc += p
		cdf[k] = acc
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				exact[i*n+j] += p * spinOf(k, i) * spinOf(k, j)
			}
		}
	}
	rnd := rng.NewRand(7, 0)
	v := mat.NewDense(samples, n, nil)
	for r := 0; r < samples; r++ {
		k := sort.SearchFloat64s(cdf, rnd.Float64()*acc)
		for i := 0; i < n; i++ {
			v.Set(r, i, spinOf(k, i))
		}
	}
	start := mat.DenseCopyOf(v)
	Reconstruct(h.RBM, v, &mat.Dense{}, 1, rnd)
	worst := 0.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			x := make([]float64, samples)
			for r := range x {
				x[r] = v.At(r, i) * v.At(r, j)
			}
			mean, se := meanErr(x)
			worst = math.Max(worst, math.Abs(mean-exact[i*n+j])/se)
		}
	}
	t.Logf("largest |<s_i s_j> - exact| / error over %d pairs: %.2f", n*(n-1)/2, worst)
	if worst > 4.5 {
		t.Errorf("one reconstruction moved a pair correlation by %.2f error bars", worst)
	}
	// Flow measures the same: the nearest-neighbour correlation stays exact.
	pts, err := Flow(context.Background(), h.RBM, start, l, l, 2, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := exact[0*n+1]
	for _, p := range pts {
		if math.Abs(p.C1-want) > 4*p.C1Err {
			t.Errorf("step %d: c_nn = %.4f ± %.4f, exact %.4f", p.Step, p.C1, p.C1Err, want)
		}
	}
}

func spinOf(k, i int) float64 {
	if k>>i&1 == 1 {
		return 1
	}
	return -1
}
