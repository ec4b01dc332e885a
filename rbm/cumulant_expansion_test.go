package rbm

import (
	"context"
	"math"
	"math/bits"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// expRandomRBM returns an RBM with weights N(0, wscale^2) and biases N(0, bscale^2).
func expRandomRBM(t testing.TB, seed uint64, n, m int, vis, hid LayerType, wscale, bscale float64) *RBM {
	t.Helper()
	rnd := rng.NewRand(seed, 99)
	lv := Layer{Type: vis, Bias: make([]float64, n)}
	lh := Layer{Type: hid, Bias: make([]float64, m)}
	for i := range lv.Bias {
		lv.Bias[i] = bscale * rnd.NormFloat64()
	}
	for i := range lh.Bias {
		lh.Bias[i] = bscale * rnd.NormFloat64()
	}
	if hid == Gaussian {
		lh.Sigma = make([]float64, m)
		for i := range lh.Sigma {
			lh.Sigma[i] = 0.5 + rnd.Float64()
		}
	}
	w := mat.NewDense(n, m, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			w.Set(i, j, wscale*rnd.NormFloat64())
		}
	}
	r, err := New(lv, lh, w)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The exact table reconstructs FreeEnergy state by state.
func TestNegFreeEnergyTableMatchesFreeEnergy(t *testing.T) {
	for _, vis := range []LayerType{Spin, Bernoulli} {
		r := expRandomRBM(t, 3, 14, 5, vis, Bernoulli, 0.7, 0.5)
		tab, err := r.NegFreeEnergyTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		v := make([]float64, 14)
		for k := range tab {
			stateVector(v, uint64(k), vis)
			if f := -r.FreeEnergy(v); math.Abs(f-tab[k]) > 1e-12*math.Max(1, math.Abs(f)) {
				t.Fatalf("%s state %d: table %v FreeEnergy %v", vis, k, tab[k], f)
			}
		}
	}
}

// Gaussian hidden units: -F is exactly quadratic, so the cumulant series at
// order 2 is exact and every exact coupling with |S| > 2 vanishes.
func TestGaussianHiddenExpansionExactAtOrder2(t *testing.T) {
	ctx := context.Background()
	for _, vis := range []LayerType{Spin, Bernoulli} {
		r := expRandomRBM(t, 5, 8, 4, vis, Gaussian, 0.6, 0.4)
		ex, err := r.CouplingExpansion(ctx, 8)
		if err != nil {
			t.Fatal(err)
		}
		scale := ex.OrderError[1].NormExact
		for _, term := range ex.Terms {
			if len(term.Sites) <= 2 {
				if math.Abs(term.Exact-term.Cumulant) > 1e-12*math.Max(1, scale) {
					t.Errorf("%s S=%v: exact %v cumulant %v", vis, term.Sites, term.Exact, term.Cumulant)
				}
			} else if math.Abs(term.Exact) > 1e-12*scale || term.Cumulant != 0 {
				t.Errorf("%s S=%v: exact %v cumulant %v, want 0", vis, term.Sites, term.Exact, term.Cumulant)
			}
		}
		for _, oe := range ex.OrderError[2:] {
			if oe.NormExact > 1e-12*scale {
				t.Errorf("%s order %d: norm of exact couplings %v, want 0", vis, oe.Order, oe.NormExact)
			}
		}
	}
}

// For the Hubbard–Stratonovich RBM (W W^T = beta J + c I, Gaussian hidden with
// sigma = 1, spins) the pair terms are beta J_ij.
func TestHSPairTermsAreBetaJ(t *testing.T) {
	// 4-cycle with J = 1 at beta = 0.3: A = beta J + c I, c = 0.7, factor by Cholesky.
	const n, beta, c = 4, 0.3, 0.7
	A := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		A.SetSym(i, i, c)
		A.SetSym(i, (i+1)%n, beta)
	}
	var ch mat.Cholesky
	if !ch.Factorize(A) {
		t.Fatal("not positive definite")
	}
	var L mat.TriDense
	ch.LTo(&L)
	w := mat.DenseCopyOf(&L)
	r, err := New(Layer{Type: Spin, Bias: make([]float64, n)},
		Layer{Type: Gaussian, Bias: make([]float64, n), Sigma: []float64{1, 1, 1, 1}}, w)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := r.CouplingExpansion(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range ex.Terms {
		if len(term.Sites) != 2 {
			continue
		}
		i, j := term.Sites[0], term.Sites[1]
		want := 0.0
		if j == i+1 || (i == 0 && j == n-1) {
			want = beta
		}
		if math.Abs(term.Exact-want) > 1e-13 || math.Abs(term.Cumulant-want) > 1e-13 {
			t.Errorf("S=%v: exact %v cumulant %v, want beta J = %v", term.Sites, term.Exact, term.Cumulant, want)
		}
	}
}

// truncErrors returns, for the series truncated at K, the largest
// |exact - cumulant| over the subsets of each size 1..N (a term with |S| > K
// is predicted 0).
func truncErrors(t *testing.T, r *RBM, exact []float64, K int) []float64 {
	t.Helper()
	n, _ := r.Dims()
	errs := make([]float64, n+1)
	seen := make([]bool, len(exact))
	err := r.CumulantCouplings(context.Background(), K, func(S []int, c float64) {
		idx := 0
		for _, i := range S {
			idx |= 1 << i
		}
		seen[idx] = true
		errs[len(S)] = math.Max(errs[len(S)], math.Abs(exact[idx]-c))
	})
	if err != nil {
		t.Fatal(err)
	}
	for S := 1; S < len(exact); S++ {
		if !seen[S] {
			k := bits.OnesCount(uint(S))
			errs[k] = math.Max(errs[k], math.Abs(exact[S]))
		}
	}
	return errs
}

// Bernoulli (and spin) hidden units: for small weights the truncation error
// falls with the order like (c w)^{K+1}, and the series converges to the
// exact Walsh/Möbius couplings to rounding.
func TestBernoulliHiddenTruncationConverges(t *testing.T) {
	ctx := context.Background()
	for _, vis := range []LayerType{Spin, Bernoulli} {
		for _, hid := range []LayerType{Bernoulli, Spin} {
			const n, w = 7, 0.05
			r := expRandomRBM(t, 11, n, 5, vis, hid, w, 0.5)
			exact, err := r.ExactCouplings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var all [][]float64
			for K := 1; K <= 12; K++ {
				all = append(all, truncErrors(t, r, exact, K))
			}
			// Cumulant order K feeds |S| <= K with |S| = K mod 2 for spin
			// visible units, so compare truncations two orders apart: the
			// error of every |S| <= K falls by at least a factor 3 (w = 0.05).
			for K := 1; K+2 <= 12; K++ {
				for k := 1; k <= min(K, n); k++ {
					e0, e2 := all[K-1][k], all[K+1][k]
					if e0 > 1e-14 && e2 > e0/3 {
						t.Errorf("%s/%s |S|=%d: error %g at K=%d, %g at K=%d", vis, hid, k, e0, K, e2, K+2)
					}
				}
			}
			// At the reached order K, the couplings with |S| = K are predicted to
			// within a small fraction of their size (for K > 4 a cumulant near
			// one of its zeros can make the next order dominate).
			for K := 1; K <= 4; K++ {
				var norm float64
				for S := range exact {
					if bits.OnesCount(uint(S)) == K {
						norm = math.Max(norm, math.Abs(exact[S]))
					}
				}
				if e := all[K-1][K]; e > 0.3*norm {
					t.Errorf("%s/%s K=%d: error %g at the reached order, largest coupling %g", vis, hid, K, e, norm)
				}
			}
			// Converged series: every coupling to rounding.
			ex, err := r.CouplingExpansion(ctx, 40)
			if err != nil {
				t.Fatal(err)
			}
			for _, term := range ex.Terms {
				if math.Abs(term.Exact-term.Cumulant) > 1e-13 {
					t.Errorf("%s/%s order 40, S=%v: exact %v cumulant %v", vis, hid, term.Sites, term.Exact, term.Cumulant)
				}
			}
			if len(ex.OrderError) != n {
				t.Errorf("%d order summaries for N = %d", len(ex.OrderError), n)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestExpansionErrors(t *testing.T) {
	r := expRandomRBM(t, 1, 3, 2, Spin, Bernoulli, 0.1, 0.1)
	r.Visible.Type, r.Visible.Sigma = Gaussian, []float64{1, 1, 1}
	if _, err := r.CouplingExpansion(context.Background(), 2); err == nil {
		t.Error("no error for a Gaussian visible layer")
	}
	r = expRandomRBM(t, 1, 3, 2, Spin, Bernoulli, 0.1, 0.1)
	if _, err := r.CouplingExpansion(context.Background(), 0); err == nil {
		t.Error("no error for order 0")
	}
}

func BenchmarkExactCouplings20x16(b *testing.B) {
	r := expRandomRBM(b, 1, 20, 16, Spin, Bernoulli, 0.3, 0.3)
	for b.Loop() {
		if _, err := r.ExactCouplings(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
