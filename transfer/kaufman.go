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
// of positive terms whatever the sign of g_0, so ln Z keeps full relative
// precision on both sides of T_c and for any size.
func kaufmanLnZ(m, n int, a, b jet) jet {
	mf := float64(m)
	sh2a := sinhJ(a.scale(2))
	ratio := sinhJ(b.scale(2)).div(sh2a) // sinh 2b / sinh 2a
	g0 := b.scale(2).add(lnTanhJ(a))
	sh0 := sinhJ(g0.scale(0.5))
	base := sh0.mul(sh0).scale(2) // 2 sinh^2(g0/2)
	var lnC1, tauOdd, lnC3, tauEven jet
	for k := 1; k < 2*n; k++ {
		s := math.Sin(math.Pi * float64(k) / float64(2*n))
		cm1 := base.add(ratio.scale(2 * s * s))           // cosh g_k - 1
		g := log1pJ(cm1.add(sqrtJ(cm1.mul(cm1.addC(2))))) // acosh(1 + cm1)
		x := g.scale(mf / 2)
		if k%2 == 1 {
			lnC1 = lnC1.add(log2coshJ(x))
			tauOdd = tauOdd.add(lnTanhJ(x))
		} else {
			lnC3 = lnC3.add(log2coshJ(x))
			tauEven = tauEven.add(lnTanhJ(x))
		}
	}
	l12 := lnC1.add(log1pJ(expJ(tauOdd)))
	x0 := g0.scale(mf / 2)
	e := expm1J(tauEven) // in (-1, 0]
	var l34 jet
	if x0[0] >= 0 {
		// 2 e^{x0} + 2 sinh(x0) E = e^{x0} (2 + (1 - e^{-2x0}) E)
		br := expm1J(x0.scale(-2)).scale(-1).mul(e).addC(2)
		l34 = x0.add(logJ(br))
	} else {
		// = e^{|x0|} (2 e^{-2|x0|} + (1 - e^{-2|x0|}) |E|)
		ax := x0.scale(-1)
		br := expJ(ax.scale(-2)).scale(2).add(expm1J(ax.scale(-2)).mul(e))
		l34 = ax.add(logJ(br))
	}
	l34 = l34.add(lnC3)
	pre := logAbs2sinhJ(a.scale(2)).scale(float64(m*n) / 2).addC(-math.Ln2)
	return pre.add(logAddExpJ(l12, l34))
}

// Kaufman returns the exact ln Z, f, u and c of the lx x ly square torus in
// zero field with coupling jx on the x bonds and jy on the y bonds, by
// Kaufman's formula (Phys. Rev. 76, 1232 (1949)); u and c are exact
// beta-derivatives by Taylor-mode automatic differentiation. Magnetization
// moments are not given. The couplings must be > 0 (ferromagnetic), both
// axes >= 2 (a length-2 axis has its pair bonded twice, as in the lattice
// package), and beta*max(jx, jy) <= 300. The cost is O(lx + ly) (1024 x 1024
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
	if beta*math.Max(jx, jy) > 300 {
		return nil, fmt.Errorf("transfer: kaufman: beta J = %g: must be <= 300 in float64", beta*math.Max(jx, jy))
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
