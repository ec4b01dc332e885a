package hs

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
)

// MaxGaussHermite is the largest number of nodes GaussHermite computes.
const MaxGaussHermite = 400

// MaxContinuumSites is the largest N for which ContinuumLogZ integrates.
const MaxContinuumSites = 3

// GaussHermite returns the nodes x_k (increasing) and the logarithms of the
// weights w_k of the n-point Gauss–Hermite rule for the weight exp(-x^2/2):
// int exp(-x^2/2) f(x) dx ≈ sum_k w_k f(x_k), exact for polynomials of
// degree <= 2n-1 (sum_k w_k = sqrt(2 pi)).
//
// The nodes are the eigenvalues of the Jacobi matrix of the orthonormal
// probabilists' Hermite polynomials (Golub and Welsch, Math. Comp. 23, 221
// (1969)): zero diagonal, off-diagonal sqrt(k). Each node is then polished by
// Newton steps on p_n, and the weights come from the Christoffel function
// w_k = sqrt(2 pi) / sum_{j<n} p_j(x_k)^2, which keeps full relative
// precision even for the tiny weights of the outer nodes (the eigenvector
// formula does not).
func GaussHermite(n int) (x, logw []float64, err error) {
	if n < 1 || n > MaxGaussHermite {
		return nil, nil, fmt.Errorf("hs: Gauss-Hermite nodes %d: allowed 1..%d", n, MaxGaussHermite)
	}
	jm := mat.NewSymDense(n, nil)
	for k := 1; k < n; k++ {
		jm.SetSym(k-1, k, math.Sqrt(float64(k)))
	}
	var es mat.EigenSym
	if !es.Factorize(jm, false) {
		return nil, nil, errors.New("hs: Gauss-Hermite: eigenvalues of the Jacobi matrix did not converge")
	}
	x = es.Values(nil)
	logw = make([]float64, n)
	// eval returns p_n(t), p_{n-1}(t) and sum_{j<n} p_j(t)^2.
	eval := func(t float64) (pn, pn1, s float64) {
		p0, p1 := 1.0, t
		s = 1
		if n == 1 {
			return p1, p0, s
		}
		for j := 1; j < n; j++ {
			s += p1 * p1
			p0, p1 = p1, (t*p1-math.Sqrt(float64(j))*p0)/math.Sqrt(float64(j+1))
		}
		return p1, p0, s
	}
	for k := range x {
		for range 3 {
			pn, pn1, _ := eval(x[k])
			d := math.Sqrt(float64(n)) * pn1
			if d == 0 {
				break
			}
			x[k] -= pn / d
		}
		_, _, s := eval(x[k])
		logw[k] = 0.5*math.Log(2*math.Pi) - math.Log(s)
	}
	return x, logw, nil
}

// ContinuumLogZ returns ln Z of the Ising model m at beta computed from the
// continuum (Hubbard–Stratonovich) form
//
//	Z = e^{-cN/2} ((2 pi)^N det A)^{-1/2} int d^N phi e^{-phi^T A^{-1} phi/2} prod_i 2 cosh(phi_i + B_i),
//
// A = beta J + c I, B = beta h. After whitening, phi = W y with A = W W^T
// (eigen factorization, M = rank A columns) the Gaussian becomes standard,
//
//	Z = e^{-cN/2} (2 pi)^{-M/2} int d^M y e^{-|y|^2/2} prod_i 2 cosh((W y)_i + B_i),
//
// which is integrated by the tensor product of nodes-point Gauss–Hermite
// rules, in log space. The shift is chosen as in Build. N must be at most
// MaxContinuumSites. The rule converges quickly in nodes (the integrand is a
// sum of exponentials e^{a.y}); at large beta more nodes are needed.
func ContinuumLogZ(m *lattice.Model, beta float64, shift Shift, nodes int) (float64, error) {
	if m.N > MaxContinuumSites {
		return 0, fmt.Errorf("hs: continuum quadrature: %d sites: tensor quadrature is limited to N <= %d", m.N, MaxContinuumSites)
	}
	res, err := Build(m, beta, Config{Hidden: GaussianHidden, Factor: Eigen, Shift: shift})
	if err != nil {
		return 0, err
	}
	x, lw, err := GaussHermite(nodes)
	if err != nil {
		return 0, err
	}
	r := res.RBM
	n, mh := r.Dims()
	w := r.W
	terms := make([]float64, 0, int(math.Pow(float64(nodes), float64(mh))))
	idx := make([]int, mh)
	y := make([]float64, mh)
	for {
		lt := 0.0
		for d, k := range idx {
			y[d] = x[k]
			lt += lw[k]
		}
		for i := 0; i < n; i++ {
			var phi float64
			for d := 0; d < mh; d++ {
				phi += w.At(i, d) * y[d]
			}
			lt += numeric.Log2Cosh(phi + r.Visible.Bias[i])
		}
		terms = append(terms, lt)
		// next multi-index
		d := 0
		for ; d < mh; d++ {
			idx[d]++
			if idx[d] < nodes {
				break
			}
			idx[d] = 0
		}
		if d == mh {
			break
		}
	}
	return -res.Shift*float64(n)/2 - float64(mh)/2*math.Log(2*math.Pi) + numeric.LogSumExp(terms), nil
}
