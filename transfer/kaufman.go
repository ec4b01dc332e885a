package transfer

import (
	"fmt"
	"math"
)

// lnTanhJ returns ln tanh x = log1p(-e^{-2x}) - log1p(e^{-2x}) for x > 0.
func lnTanhJ(x jet) jet {
	e := expJ(x.scale(-2))
	return log1pJ(e.scale(-1)).sub(log1pJ(e))
}

// logAddExpJ returns ln(e^a + e^b).
func logAddExpJ(a, b jet) jet {
	if a[0] < b[0] {
		a, b = b, a
	}
	return a.add(log1pJ(expJ(b.sub(a))))
}

// kaufmanLnZ returns ln Z of the m x n torus with dimensionless couplings a
// (bonds along the m direction) and b (along the n direction), as a jet.
//
// Kaufman (1949):
//
//	Z = 1/2 (2 sinh 2a)^{mn/2} (Z1 + Z2 + Z3 + Z4),
//	Z1 = prod_{r<n} 2 cosh(m g_{2r+1}/2),  Z2 = prod_{r<n} 2 sinh(m g_{2r+1}/2),
//	Z3 = prod_{r<n} 2 cosh(m g_{2r}/2),    Z4 = prod_{r<n} 2 sinh(m g_{2r}/2),
//
// with cosh g_k = (cosh 2a cosh 2b - cos(pi k/n) sinh 2b)/sinh 2a for k >= 1
// and the signed g_0 = 2(b - a*), tanh a* = e^{-2a}, i.e. g_0 = 2b + ln tanh a,
// which is negative above T_c. Written without cancellation:
//
//	cosh g_k - 1 = 2 sinh^2(g_0/2) + 2 sin^2(pi k/2n) sinh 2b/sinh 2a,
//	Z1 + Z2 = Z1 (1 + exp(sum ln tanh x_odd)),
//	Z3 + Z4 = C' [2 e^{x0} + 2 sinh(x0) expm1(sum_{r>=1} ln tanh x_2r)],
//
// where x_k = m g_k/2 and C' = prod_{r>=1} 2 cosh x_2r. Both brackets are sums
// of positive terms whatever the sign of g_0. The prefactor is absorbed into
// the factors, ln 2cosh x_k + (m/2) ln(2 sinh 2a) = X_k + log1p(e^{-2x_k}) with
// X_k = (m/2) ln 2(sinh 2a + P_k + sqrt(P_k (P_k + 2 sinh 2a))),
// P_k = (e^b sinh a - e^{-b} cosh a)^2 + 2 sin^2(pi k/2n) sinh 2b, so nothing
// cancels at small K either, and ln Z, u and c keep full relative precision
// on both sides of T_c, at high temperature and for any size.
func kaufmanLnZ(m, n int, a, b jet) jet {
	mf := float64(m)
	sh2a := sinhJ(a.scale(2))
	sh2b := sinhJ(b.scale(2))
	g0 := b.scale(2).add(lnTanhJ(a))
	// p0 = 2 sinh 2a sinh^2(g0/2) = (e^b sinh a - e^{-b} cosh a)^2, written
	// without the 1/a singularities of its factors.
	q := expJ(b).mul(sinhJ(a)).sub(expJ(b.scale(-1)).mul(coshJ(a)))
	p0 := q.mul(q)
	var sumX, lnC1, tauOdd, lnC3, tauEven jet
	var sumXeven jet
	for k := 1; k < 2*n; k++ {
		s := math.Sin(math.Pi * float64(k) / float64(2*n))
		// P = sinh 2a (cosh g_k - 1) >= 0, cosh g_k - 1 = P/sinh 2a.
		pk := p0.add(sh2b.scale(2 * s * s))
		cm1 := pk.div(sh2a)
		g := log1pJ(cm1.add(sqrtJ(cm1).mul(sqrtJ(cm1.addC(2))))) // acosh(1 + cm1), no overflow
		x := g.scale(mf / 2)
		// X = x + (m/2) ln(2 sinh 2a) = (m/2) ln(2 (sinh 2a + P + sqrt(P (P + 2 sinh 2a)))),
		// which absorbs the prefactor (2 sinh 2a)^{mn/2} term by term with no
		// cancellation at small K.
		bigX := logJ(sh2a.add(pk).add(sqrtJ(pk).mul(sqrtJ(pk.add(sh2a.scale(2))))).scale(2)).scale(mf / 2)
		corr := log1pJ(expJ(x.scale(-2))) // log2cosh(x) - x
		if k%2 == 1 {
			sumX = sumX.add(bigX)
			lnC1 = lnC1.add(corr)
			tauOdd = tauOdd.add(lnTanhJ(x))
		} else {
			sumXeven = sumXeven.add(bigX)
			lnC3 = lnC3.add(corr)
			tauEven = tauEven.add(lnTanhJ(x))
		}
	}
	l12 := sumX.add(lnC1).add(log1pJ(expJ(tauOdd)))
	x0 := g0.scale(mf / 2)
	e := expm1J(tauEven) // in (-1, 0]
	var br, bigX0 jet
	if x0[0] >= 0 {
		// 2 e^{x0} + 2 sinh(x0) E = e^{x0} (2 + (1 - e^{-2x0}) E);
		// x0 + (m/2) ln(2 sinh 2a) = (m/2)(2b + ln(4 sinh^2 a)).
		br = expm1J(x0.scale(-2)).scale(-1).mul(e).addC(2)
		bigX0 = b.scale(2).add(logAbs2sinhJ(a).scale(2)).scale(mf / 2)
	} else {
		// = e^{|x0|} (2 e^{-2|x0|} + (1 - e^{-2|x0|}) |E|);
		// |x0| + (m/2) ln(2 sinh 2a) = (m/2)(-2b + ln(4 cosh^2 a)).
		ax := x0.scale(-1)
		br = expJ(ax.scale(-2)).scale(2).add(expm1J(ax.scale(-2)).mul(e))
		bigX0 = b.scale(-2).add(log2coshJ(a).scale(2)).scale(mf / 2)
	}
	if !(br[0] > 0) {
		// Z3 + Z4 underflowed relative to its scale (high T, large m): it is
		// below e^{-700} of Z1 + Z2 and does not contribute, nor do its
		// derivatives.
		return l12.addC(-math.Ln2)
	}
	l34 := bigX0.add(logJ(br)).add(sumXeven).add(lnC3)
	return logAddExpJ(l12, l34).addC(-math.Ln2)
}

// Kaufman returns the exact ln Z, f, u and c of the lx x ly square torus in
// zero field with coupling jx on the x bonds and jy on the y bonds, by
// Kaufman's formula (Phys. Rev. 76, 1232 (1949)); u and c are exact
// beta-derivatives by Taylor-mode automatic differentiation. Magnetization
// moments are not given. The couplings must be > 0 (ferromagnetic), both
// axes >= 2 (a length-2 axis has its pair bonded twice, as in the lattice
// package), and beta*max(jx, jy) <= 100. The relative rounding error of u
// grows like eps/K at very high temperature (about 1e-10 at K = 1e-6). The cost is O(lx + ly) (1024 x 1024
// in well under a millisecond).
func Kaufman(lx, ly int, jx, jy, beta float64) (*Result, error) {
	if lx < 2 || ly < 2 {
		return nil, fmt.Errorf("transfer: kaufman: %dx%d torus: each side must be >= 2", lx, ly)
	}
	if !(jx > 0) || !(jy > 0) || math.IsInf(jx, 0) || math.IsInf(jy, 0) {
		return nil, fmt.Errorf("transfer: kaufman: couplings Jx=%v, Jy=%v: must be finite and > 0 (ferromagnetic)", jx, jy)
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	if beta*math.Max(jx, jy) > 100 {
		return nil, fmt.Errorf("transfer: kaufman: beta J = %g: must be <= 100 (e^{4 beta J} must fit in float64)", beta*math.Max(jx, jy))
	}
	n := lx * ly
	r := newResult(MethodKaufman, n, beta)
	if beta == 0 {
		r.setLnZ(float64(n) * math.Ln2)
		r.set(HasEnergy, 0)
		r.set(HasHeatCapacity, 0)
		return r, nil
	}
	// a couples along the m direction, whose length multiplies g_k; the
	// Fourier index runs along the other axis.
	lnZ := kaufmanLnZ(lx, ly, varJ(beta*jx, jx), varJ(beta*jy, jy))
	setFromJets(r, lnZ, false, jet{})
	return r, nil
}
