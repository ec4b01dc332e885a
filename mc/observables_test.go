package mc

import (
	"bytes"
	"context"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

// naiveCorrelations computes G(0..L/2), F(0) and F(k_min) of one
// configuration from site coordinates (independent of correlations()).
func naiveCorrelations(s []int8, l, dim int) (g []float64, f0, fk float64) {
	n := len(s)
	coord := func(i int) []int {
		c := make([]int, dim)
		for a := range dim {
			c[a] = i % l
			i /= l
		}
		return c
	}
	index := func(c []int) int {
		i, st := 0, 1
		for a := range dim {
			i += ((c[a]%l + l) % l) * st
			st *= l
		}
		return i
	}
	g = make([]float64, l/2+1)
	var m float64
	for i := range n {
		m += float64(s[i])
		for a := range dim {
			for r := range g {
				c := coord(i)
				c[a] += r
				g[r] += float64(s[i]) * float64(s[index(c)])
			}
		}
	}
	for r := range g {
		g[r] /= float64(n * dim)
	}
	for a := range dim {
		var z complex128
		for i := range n {
			z += complex(float64(s[i]), 0) * cmplx.Exp(complex(0, 2*math.Pi*float64(coord(i)[a])/float64(l)))
		}
		fk += real(z*cmplx.Conj(z)) / float64(n) / float64(dim)
	}
	return g, m * m / float64(n), fk
}

func TestCorrelationsMatchNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ l, dim int }{{6, 1}, {5, 2}, {4, 2}, {3, 3}, {4, 3}} {
		n := 1
		for range c.dim {
			n *= c.l
		}
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(2*r.IntN(2) - 1)
		}
		var x extraBuf
		v := correlations(&x, s, c.l, c.dim, nil)
		g, f0, fk := naiveCorrelations(s, c.l, c.dim)
		want := append(g, f0, fk)
		if len(v) != len(want) {
			t.Fatalf("L=%d d=%d: %d values, want %d", c.l, c.dim, len(v), len(want))
		}
		for i := range v {
			if math.Abs(v[i]-want[i]) > 1e-12 {
				t.Errorf("L=%d d=%d: value %d = %g, want %g", c.l, c.dim, i, v[i], want[i])
			}
		}
	}
}

// exactCorrelations returns the exact <G(r)>, <F(0)>, <F(k_min)> of m (an
// L^dim periodic lattice) at beta by enumeration.
func exactCorrelations(t *testing.T, m *lattice.Model, l, dim int, beta float64) (g []float64, xi float64) {
	t.Helper()
	lp, err := transfer.LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	s := make([]int8, m.N)
	g = make([]float64, l/2+1)
	var f0, fk float64
	for k, lnp := range lp {
		p := math.Exp(lnp)
		for i := range s {
			s[i] = int8(2*((k>>i)&1) - 1)
		}
		gs, a, b := naiveCorrelations(s, l, dim)
		for r := range g {
			g[r] += p * gs[r]
		}
		f0 += p * a
		fk += p * b
	}
	return g, SecondMomentLength(f0, fk, l)
}

func TestCorrelationsAgainstEnumeration(t *testing.T) {
	m, err := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	for i, T := range []float64{2.5, 3.5} {
		beta := 1 / T
		g, xi := exactCorrelations(t, m, 4, 2, beta)
		cfg := RunConfig{Thermalize: 500, Sweeps: 40000, CorrelationL: 4, CorrelationDim: 2}
		ch, err := NewChain(NewWolff(m, beta, rng.New(11, uint64(i))), beta, m.N, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := ch.Result(true, AnalysisOptions{})
		if len(r.CorrelationFunction) != 3 || r.CorrelationLength == nil {
			t.Fatalf("T=%g: no correlations in %+v", T, r)
		}
		for d, p := range r.CorrelationFunction {
			if p.Distance != d {
				t.Errorf("distance %d labelled %d", d, p.Distance)
			}
			if d == 0 {
				if p.Mean != 1 || p.Error != 0 {
					t.Errorf("T=%g: G(0) = %g ± %g, want exactly 1 ± 0", T, p.Mean, p.Error)
				}
				continue
			}
			if math.Abs(p.Mean-g[d]) > 4*p.Error || p.Error > 0.01 || p.Error < 1e-4 {
				t.Errorf("T=%g: G(%d) = %g ± %g, exact %g", T, d, p.Mean, p.Error, g[d])
			}
		}
		x := r.CorrelationLength
		if math.Abs(x.Mean-xi) > 4*x.Error || x.Error > 0.03*xi || x.Error < 1e-4 {
			t.Errorf("T=%g: xi = %g ± %g, exact %g", T, x.Mean, x.Error, xi)
		}
		t.Logf("T=%g: G(1) %g ± %g (exact %g), G(2) %g ± %g (exact %g), xi %g ± %g (exact %g)", T,
			r.CorrelationFunction[1].Mean, r.CorrelationFunction[1].Error, g[1],
			r.CorrelationFunction[2].Mean, r.CorrelationFunction[2].Error, g[2], x.Mean, x.Error, xi)
	}
}

// TestCorrelationLengthHighT compares the second-moment length on a 16x16
// torus at T = 2.8 (ISINGRBM_LONG: 32x32 at T = 2.6 and 2.8) with the exact
// infinite-lattice exponential (row-to-row) correlation length of the 2D
// Ising model above T_c, 1/xi_exp = ln coth K - 2K (the gap of the
// row-to-row transfer matrix, 2(K* - K) with the dual K*). The two lengths
// are different definitions that agree in the scaling limit (xi_exp/xi_2nd
// -> 1.0004 as T -> T_c+) and differ by corrections of a few percent at
// xi of 3-4 lattice spacings, so the tolerance is 10 % plus 4 sigma. The
// torus is at least 5 xi_exp long, so its finite-size effect is small.
func TestCorrelationLengthHighT(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" && testing.Short() {
		t.Skip("short")
	}
	l, sweeps, temps := 16, 10000, []float64{2.8}
	if os.Getenv("ISINGRBM_LONG") != "" {
		l, sweeps, temps = 32, 30000, []float64{2.6, 2.8}
	}
	m, err := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	for i, T := range temps {
		K := 1 / T
		xiExp := 1 / (math.Log(1/math.Tanh(K)) - 2*K)
		cfg := RunConfig{Thermalize: 200, Sweeps: sweeps, CorrelationL: l, CorrelationDim: 2, ExtraEvery: 2}
		ch, err := NewChain(NewWolff(m, K, rng.New(5, uint64(i))), K, m.N, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := ch.Result(true, AnalysisOptions{})
		x := r.CorrelationLength
		t.Logf("T=%g: xi_2nd = %.4g ± %.2g, xi_exp = %.4g, ratio %.4f", T, x.Mean, x.Error, xiExp, x.Mean/xiExp)
		if math.Abs(x.Mean-xiExp) > 0.1*xiExp+4*x.Error || x.Error > 0.05*xiExp {
			t.Errorf("T=%g: xi_2nd = %g ± %g, want within 10%% + 4 sigma of xi_exp = %g", T, x.Mean, x.Error, xiExp)
		}
	}
}

// exactOverlap returns the exact <q^2>, <q^4> of two independent replicas
// of m at beta (double sum over the states), and <q^2> from the formula
// sum_ij <s_i s_j>^2/N^2.
func exactOverlap(t *testing.T, m *lattice.Model, beta float64) (q2, q4, q2c float64) {
	t.Helper()
	lp, err := transfer.LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	n := m.N
	p := make([]float64, len(lp))
	for k, v := range lp {
		p[k] = math.Exp(v)
	}
	for a := range p {
		for b := range p {
			// q = (1/N) sum_i s_i^a s_i^b = (N - 2 popcount(a^b))/N.
			x := a ^ b
			d := 0
			for ; x != 0; x &= x - 1 {
				d++
			}
			q := float64(n-2*d) / float64(n)
			w := p[a] * p[b]
			q2 += w * q * q
			q4 += w * q * q * q * q
		}
	}
	c := make([]float64, n*n)
	for k, w := range p {
		for i := range n {
			for j := range n {
				c[i*n+j] += w * float64((2*((k>>i)&1)-1)*(2*((k>>j)&1)-1))
			}
		}
	}
	for _, v := range c {
		q2c += v * v
	}
	return q2, q4, q2c / float64(n*n)
}

func pmModel(t *testing.T, size string, seed uint64) *lattice.Model {
	t.Helper()
	m, err := lattice.Spec{Kind: "square", Size: size, Disorder: "pm", Seed: seed}.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOverlapAgainstEnumeration(t *testing.T) {
	m := pmModel(t, "3x3", 3)
	beta := 1.0
	q2, q4, q2c := exactOverlap(t, m, beta)
	if math.Abs(q2-q2c) > 1e-12 {
		t.Fatalf("exact <q^2>: %g from the double sum, %g from sum <s_i s_j>^2", q2, q2c)
	}
	g := OverlapBinder(q2, q4)
	cfg := RunConfig{Thermalize: 1000, Sweeps: 100000, Overlap: true}
	ch, err := NewChainTwin(NewMetropolis(m, beta, Random, rng.New(7, 0)), NewMetropolis(m, beta, Random, rng.New(7, 1)), beta, m.N, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := ch.Result(false, AnalysisOptions{})
	for _, c := range []struct {
		name       string
		e          *Estimate
		want, emax float64
	}{{"q2", r.OverlapQ2, q2, 0.01}, {"q4", r.OverlapQ4, q4, 0.01}, {"g", r.OverlapBinder, g, 0.02}} {
		if c.e == nil {
			t.Fatalf("%s missing", c.name)
		}
		t.Logf("%s = %.5g ± %.2g (exact %.5g, tau %.3g)", c.name, c.e.Mean, c.e.Error, c.want, c.e.TauInt)
		if math.Abs(c.e.Mean-c.want) > 4*c.e.Error || c.e.Error > c.emax || c.e.Error < 1e-4 {
			t.Errorf("%s = %g ± %g, exact %g", c.name, c.e.Mean, c.e.Error, c.want)
		}
		// The error must include the autocorrelations: not far below the
		// binning error over blocks of >= 10 tau_int.
		if c.e.BinningError > 0 && c.e.Error < 0.7*c.e.BinningError {
			t.Errorf("%s: error %g, binning error %g: autocorrelations ignored?", c.name, c.e.Error, c.e.BinningError)
		}
	}
}

func TestOverlapTempering(t *testing.T) {
	m := pmModel(t, "3x3", 4)
	betas := []float64{0.4, 0.7, 1.0, 1.4}
	cfg := RunConfig{Thermalize: 500, Sweeps: 40000, Overlap: true}
	ladder := func(first uint64) *Tempering {
		reps := make([]TemperedKernel, len(betas))
		for k, b := range betas {
			reps[k] = NewMetropolis(m, b, Random, rng.New(9, first+uint64(k)))
		}
		pt, err := NewTempering(betas, m.N, reps, rng.New(9, first+100), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return pt
	}
	pt := ladder(0)
	if err := pt.SetTwin(ladder(1000)); err != nil {
		t.Fatal(err)
	}
	if err := pt.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for k, r := range pt.Results(false, AnalysisOptions{}) {
		q2, _, _ := exactOverlap(t, m, betas[k])
		e := r.OverlapQ2
		t.Logf("beta=%g: q2 = %.5g ± %.2g (exact %.5g)", betas[k], e.Mean, e.Error, q2)
		if math.Abs(e.Mean-q2) > 4*e.Error || e.Error > 0.01 || e.Error < 1e-4 {
			t.Errorf("beta=%g: q2 = %g ± %g, exact %g", betas[k], e.Mean, e.Error, q2)
		}
	}
}

// TestExtraResume checks that a chain and a tempering ladder with
// correlations, overlap and a twin continue bit for bit after a save, and
// that the saved state stays bounded (the VecStream merges its bins).
func TestExtraResume(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	cfg := RunConfig{Thermalize: 10, Sweeps: 20000, CorrelationL: 4, CorrelationDim: 2, Overlap: true, ExtraEvery: 2, ExtraBins: 16}
	newChain := func() *Chain {
		ch, err := NewChainTwin(NewWolff(m, 0.4, rng.New(3, 0)), NewWolff(m, 0.4, rng.New(3, 1)), 0.4, m.N, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	full := newChain()
	if err := full.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	full.Series.Seconds = 0 // wall time: the only field that differs
	want, _ := full.MarshalBinary()
	part := newChain()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = part.Run(ctx) // one block of sweeps, then stops
	if part.Finished() {
		t.Fatal("chain finished despite cancellation")
	}
	b, _ := part.MarshalBinary()
	again := newChain()
	if err := again.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if err := again.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	again.Series.Seconds = 0
	got, _ := again.MarshalBinary()
	if !bytes.Equal(got, want) {
		t.Fatal("resumed chain differs from the uninterrupted one")
	}
	if x := full.Series.Extra; x.NumBins() > 16 || x.Count != 10000 {
		t.Errorf("extra stream: %d bins, %d measurements; want <= 16 bins, 10000", x.NumBins(), x.Count)
	}
	// Without a twin the saved state is refused.
	plain, _ := NewChain(NewWolff(m, 0.4, rng.New(3, 0)), 0.4, m.N, RunConfig{Sweeps: 20000})
	if err := plain.UnmarshalBinary(b); err == nil {
		t.Error("a state with a twin was accepted by a chain without one")
	}
	if _, err := NewChain(NewWolff(m, 0.4, rng.New(3, 0)), 0.4, m.N, cfg); err == nil {
		t.Error("NewChain accepted Overlap without a twin")
	}
	if _, err := NewChain(NewWolff(m, 0.4, rng.New(3, 0)), 0.4, m.N, RunConfig{Sweeps: 10, CorrelationL: 5, CorrelationDim: 2}); err == nil {
		t.Error("a 5x5 correlation lattice was accepted for 16 sites")
	}
}
