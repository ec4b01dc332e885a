package rbm

import (
	"math"
	"math/big"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// cumulantsFromMoments returns kappa_1..kappa_n exactly (big.Rat) from the raw
// moments m_1..m_n by kappa_n = m_n - sum_{k=1}^{n-1} C(n-1,k-1) kappa_k m_{n-k}.
func cumulantsFromMoments(m []*big.Rat) []*big.Rat {
	n := len(m)
	k := make([]*big.Rat, n)
	for j := 1; j <= n; j++ {
		s := new(big.Rat).Set(m[j-1])
		for i := 1; i < j; i++ {
			c := new(big.Rat).SetInt(new(big.Int).Binomial(int64(j-1), int64(i-1)))
			c.Mul(c, k[i-1])
			c.Mul(c, m[j-i-1])
			s.Sub(s, c)
		}
		k[j-1] = s
	}
	return k
}

func TestCumulantsAgainstExactMoments(t *testing.T) {
	const n = 20
	for _, pr := range []*big.Rat{big.NewRat(3, 10), big.NewRat(1, 2), big.NewRat(9, 10), big.NewRat(1, 50)} {
		p, _ := pr.Float64()
		// Bernoulli: E[h^n] = p for all n >= 1.
		mb := make([]*big.Rat, n)
		// Spin with tanh b = T = 2p - 1: E[h^n] = 1 (n even), T (n odd).
		ms := make([]*big.Rat, n)
		tr := new(big.Rat).Sub(new(big.Rat).Mul(big.NewRat(2, 1), pr), big.NewRat(1, 1))
		for i := range mb {
			mb[i] = pr
			if (i+1)%2 == 0 {
				ms[i] = big.NewRat(1, 1)
			} else {
				ms[i] = tr
			}
		}
		kb := cumulantsFromMoments(mb)
		ks := cumulantsFromMoments(ms)
		b := math.Log(p / (1 - p))
		T, _ := tr.Float64()
		gotB := BernoulliCumulants(b, n)
		gotS := SpinCumulants(math.Atanh(T), n)
		for i := 0; i < n; i++ {
			wb, _ := kb[i].Float64()
			ws, _ := ks[i].Float64()
			// Absolute tolerance scaled by the size of the coefficients (n!).
			tol := 1e-12 * math.Gamma(float64(i+2))
			if d := math.Abs(gotB[i] - wb); d > tol+1e-12*math.Abs(wb) {
				t.Errorf("Bernoulli p=%v kappa_%d = %.17g, exact %.17g (diff %g)", p, i+1, gotB[i], wb, d)
			}
			if d := math.Abs(gotS[i] - ws); d > tol*math.Pow(2, float64(i))+1e-12*math.Abs(ws) {
				t.Errorf("spin T=%v kappa_%d = %.17g, exact %.17g (diff %g)", T, i+1, gotS[i], ws, d)
			}
		}
	}
}

func TestCumulantsClosedForms(t *testing.T) {
	for _, b := range []float64{-3, -0.4, 0, 0.7, 2.5} {
		p := numeric.Sigmoid(b)
		kb := BernoulliCumulants(b, 4)
		want := []float64{p, p * (1 - p), p * (1 - p) * (1 - 2*p), p * (1 - p) * (1 - 6*p + 6*p*p)}
		for i := range want {
			if math.Abs(kb[i]-want[i]) > 1e-15 {
				t.Errorf("Bernoulli b=%v kappa_%d = %v, want %v", b, i+1, kb[i], want[i])
			}
		}
		T := math.Tanh(b)
		ks := SpinCumulants(b, 4)
		want = []float64{T, 1 - T*T, -2 * T * (1 - T*T), -2 * (1 - T*T) * (1 - 3*T*T)}
		for i := range want {
			if math.Abs(ks[i]-want[i]) > 1e-14 {
				t.Errorf("spin b=%v kappa_%d = %v, want %v", b, i+1, ks[i], want[i])
			}
		}
		kg := GaussianCumulants(b, 1.5, 6)
		if kg[0] != b || kg[1] != 2.25 || kg[2] != 0 || kg[5] != 0 {
			t.Errorf("Gaussian cumulants %v", kg)
		}
	}
}

// Central finite differences of the CGF at t = 0 for orders 1..4.
func TestCumulantsNumericalDerivative(t *testing.T) {
	fd := func(K func(float64) float64, n int) float64 {
		h := 1e-2
		switch n {
		case 1:
			return (K(h) - K(-h)) / (2 * h)
		case 2:
			return (K(h) - 2*K(0) + K(-h)) / (h * h)
		case 3:
			return (K(2*h) - 2*K(h) + 2*K(-h) - K(-2*h)) / (2 * h * h * h)
		default:
			return (K(2*h) - 4*K(h) + 6*K(0) - 4*K(-h) + K(-2*h)) / (h * h * h * h)
		}
	}
	for _, b := range []float64{-1.3, 0.2, 1.1} {
		kB := func(t float64) float64 { return numeric.Softplus(b+t) - numeric.Softplus(b) }
		kS := func(t float64) float64 { return numeric.LogCosh(b+t) - numeric.LogCosh(b) }
		cb, cs := BernoulliCumulants(b, 4), SpinCumulants(b, 4)
		for n := 1; n <= 4; n++ {
			// O(h^2) truncation error with h = 1e-2, plus rounding for n = 4.
			if d := math.Abs(fd(kB, n) - cb[n-1]); d > 2e-4 {
				t.Errorf("Bernoulli b=%v order %d: fd %v recursion %v", b, n, fd(kB, n), cb[n-1])
			}
			if d := math.Abs(fd(kS, n) - cs[n-1]); d > 2e-3 {
				t.Errorf("spin b=%v order %d: fd %v recursion %v", b, n, fd(kS, n), cs[n-1])
			}
		}
	}
}

func TestCumulantOrderPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for order -1")
		}
	}()
	BernoulliCumulants(0, -1)
}
