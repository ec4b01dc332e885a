package rbm

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// This file computes the cumulants kappa^(n) of the hidden priors exactly, by
// recursions on the derivative polynomials of the sigmoid and of tanh (no
// numerical differentiation).
//
// Bernoulli {0,1} prior with bias b: K(t) = ln[(1 + e^{b+t})/(1 + e^b)], so
// kappa^(1) = sigma(b) = p and kappa^(n+1) = d^n sigma/dx^n at x = b. Since
// sigma' = sigma(1 - sigma), d^n sigma/dx^n = P_n(sigma) with P_0(p) = p and
// P_{n+1}(p) = P_n'(p) p (1 - p); the coefficients of P_n are, up to sign,
// k! S(n+1, k+1) (Stirling numbers of the second kind), the Eulerian-number
// form of the sigmoid derivatives (Minai & Williams 1993).
//
// Spin {-1,+1} prior with bias b: K(t) = ln cosh(b + t) - ln cosh b, so
// kappa^(1) = tanh b = T and kappa^(n+1) = Q_n(T) with Q_0(T) = T and
// Q_{n+1}(T) = Q_n'(T) (1 - T^2) (the derivative polynomials of tanh,
// Hoffman 1995).
//
// Gaussian prior b(h) = -(h - b)^2/(2 sigma^2): kappa^(1) = b,
// kappa^(2) = sigma^2, all higher cumulants vanish exactly.
//
// The polynomials are evaluated by Horner's rule. Their coefficients grow like
// n!, and the values of the cumulants near p = 1/2 (T = 0) come from
// cancellations, so the absolute accuracy of kappa^(n) is about
// 1e-16 * sum_k |c_k| p^k; this is ample for the orders (n <= 24) that the
// multilinear expansion of N <= 24 units can use.

// MaxCumulantOrder is the largest cumulant order the recursions accept. Beyond
// it the polynomial coefficients exceed 1e300 and overflow float64.
const MaxCumulantOrder = 150

// cumDerivPolys returns the coefficients (lowest degree first) of the
// derivative polynomials D_0..D_{n-1} of a function x(t) with x' = q(x):
// D_0(x) = x and D_{k+1}(x) = D_k'(x) q(x), q given by its coefficients qc.
func cumDerivPolys(n int, qc []float64) [][]float64 {
	polys := make([][]float64, n)
	if n == 0 {
		return polys
	}
	polys[0] = []float64{0, 1}
	for k := 1; k < n; k++ {
		prev := polys[k-1]
		// derivative of prev
		d := make([]float64, max(len(prev)-1, 1))
		for j := 1; j < len(prev); j++ {
			d[j-1] = float64(j) * prev[j]
		}
		next := make([]float64, len(d)+len(qc)-1)
		for i, a := range d {
			if a == 0 {
				continue
			}
			for j, b := range qc {
				next[i+j] += a * b
			}
		}
		polys[k] = next
	}
	return polys
}

func cumHorner(c []float64, x float64) float64 {
	var s float64
	for i := len(c) - 1; i >= 0; i-- {
		s = s*x + c[i]
	}
	return s
}

func cumCheckOrder(n int) {
	if n < 0 || n > MaxCumulantOrder {
		panic(fmt.Sprintf("rbm: cumulant order %d outside 0..%d", n, MaxCumulantOrder))
	}
}

// BernoulliCumulants returns kappa^(1..n) (index 0 holds kappa^(1)) of the
// Bernoulli {0,1} prior q(h) ∝ e^{b h}, whose cumulant generating function is
// K(t) = ln[(1 + e^{b+t})/(1 + e^b)]. It panics if n is outside
// 0..MaxCumulantOrder (a programmer error).
func BernoulliCumulants(b float64, n int) []float64 {
	cumCheckOrder(n)
	polys := cumDerivPolys(n, []float64{0, 1, -1}) // p(1-p)
	p := numeric.Sigmoid(b)
	out := make([]float64, n)
	for k := range out {
		out[k] = cumHorner(polys[k], p)
	}
	return out
}

// SpinCumulants returns kappa^(1..n) (index 0 holds kappa^(1)) of the spin
// {-1,+1} prior q(h) ∝ e^{b h}, K(t) = ln cosh(b + t) - ln cosh b. It panics if
// n is outside 0..MaxCumulantOrder.
func SpinCumulants(b float64, n int) []float64 {
	cumCheckOrder(n)
	polys := cumDerivPolys(n, []float64{1, 0, -1}) // 1 - T^2
	t := math.Tanh(b)
	out := make([]float64, n)
	for k := range out {
		out[k] = cumHorner(polys[k], t)
	}
	return out
}

// GaussianCumulants returns kappa^(1..n) of the Gaussian prior
// q(h) ∝ exp(-(h - b)^2/(2 sigma^2)): b, sigma^2, then zeros. It panics if n
// is outside 0..MaxCumulantOrder.
func GaussianCumulants(b, sigma float64, n int) []float64 {
	cumCheckOrder(n)
	out := make([]float64, n)
	if n > 0 {
		out[0] = b
	}
	if n > 1 {
		out[1] = sigma * sigma
	}
	return out
}
