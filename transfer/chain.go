package transfer

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/lattice"
)

// chainLnZ returns ln Z of the uniform chain of n spins as a jet, given K and
// B as jets in a common variable. The transfer matrix
// T_{s s'} = exp(K s s' + B (s + s')/2) has eigenvalues
//
//	lambda_± = e^K cosh B ± sqrt(e^{2K} sinh^2 B + e^{-2K})
//
// (Kramers & Wannier 1941; Ising 1925). Periodic: Z = lambda_+^n + lambda_-^n.
// Open: Z = sum_± [cosh B ± (e^K sinh^2 B + e^{-K})/r] lambda_±^{n-1}, with r
// the square root above. Everything is written with the ratio
// rho = lambda_-/lambda_+ = (1 - e^{-4K})/(cosh B + sqrt(sinh^2 B + e^{-4K}))^2
// (and the mirrored form for K < 0), so that nothing overflows or cancels.
func chainLnZ(n int, periodic bool, k, b jet) jet {
	ch, sh := coshJ(b), sinhJ(b)
	sh2 := sh.mul(sh)
	var lnLam, rho, q jet // q = (e^K sinh^2 B + e^{-K})/r
	if k[0] >= 0 {
		e4 := expJ(k.scale(-4)) // e^{-4K}
		r := sqrtJ(sh2.add(e4))
		cr := ch.add(r)
		lnLam = k.add(logJ(cr))
		rho = expm1J(k.scale(-4)).scale(-1).div(cr.mul(cr))
		q = sh2.add(expJ(k.scale(-2))).div(r)
	} else {
		e4 := expJ(k.scale(4)) // e^{4K}
		r := sqrtJ(e4.mul(sh2).addC(1))
		cr := expJ(k.scale(2)).mul(ch).add(r)
		lnLam = k.scale(-1).add(logJ(cr))
		rho = expm1J(k.scale(4)).div(cr.mul(cr))
		q = expJ(k.scale(2)).mul(sh2).addC(1).div(r)
	}
	if periodic {
		return lnLam.scale(float64(n)).add(log1pJ(powJ(rho, n)))
	}
	ap, am := ch.add(q), ch.sub(q)
	return lnLam.scale(float64(n - 1)).add(logJ(ap.add(am.mul(powJ(rho, n-1)))))
}

// jmat is a 2x2 matrix of jets with a common log scale: the matrix is
// exp(logScale) * a.
type jmat struct {
	a        [2][2]jet
	logScale float64
}

func (x jmat) mul(y jmat) jmat {
	var z jmat
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			z.a[i][j] = x.a[i][0].mul(y.a[0][j]).add(x.a[i][1].mul(y.a[1][j]))
		}
	}
	z.logScale = x.logScale + y.logScale
	z.normalize()
	return z
}

// normalize divides by the largest constant term (a constant, so the
// derivatives are untouched apart from the common factor).
func (x *jmat) normalize() {
	var s float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			s = math.Max(s, math.Abs(x.a[i][j][0]))
		}
	}
	if s == 0 {
		return
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			x.a[i][j] = x.a[i][j].scale(1 / s)
		}
	}
	x.logScale += math.Log(s)
}

func (x jmat) pow(n int) jmat {
	return power(x, jmat{a: [2][2]jet{{constJ(1), {}}, {{}, constJ(1)}}}, n)
}

// chainLnZMatrix returns ln Z of the uniform chain as a jet by powering the
// 2x2 transfer matrix of jets T_{s s'} = exp(K s s' + B (s + s')/2):
// periodic Z = Tr T^n, open Z = v^T T^{n-1} v with v_s = exp(B s/2). Unlike
// differentiating the closed form, this stays well conditioned at large K.
// Each of the n site factors is multiplied by exp(c), a centring term that
// the caller chooses so that the Taylor coefficients are central moments
// (no cancellation at low temperature); the returned jet is ln Z + n c.
func chainLnZMatrix(n int, periodic bool, k, b, c jet) jet {
	sp := []float64{1, -1}
	var t jmat
	for i, s := range sp {
		for j, s2 := range sp {
			t.a[i][j] = expJ(k.scale(s * s2).add(b.scale((s + s2) / 2)).add(c))
		}
	}
	t.normalize()
	if periodic {
		p := t.pow(n)
		return logJ(p.a[0][0].add(p.a[1][1])).addC(p.logScale)
	}
	p := t.pow(n - 1)
	v := [2]jet{expJ(b.scale(0.5).add(c.scale(0.5))), expJ(b.scale(-0.5).add(c.scale(0.5)))}
	var z jet
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			z = z.add(v[i].mul(p.a[i][j]).mul(v[j]))
		}
	}
	return logJ(z).addC(p.logScale)
}

// Chain returns the exact thermodynamics of a chain of n spins with uniform
// coupling j and field h at beta, periodic or open. ln Z is the closed form
// of the transfer-matrix eigenvalues (chainLnZ). u and c are exact
// beta-derivatives of ln Z, and <m>, <m^2>, <m^4>, U4 and chi come from the
// first four B-derivatives (the cumulants of M), both by Taylor-mode automatic
// differentiation through powers of the 2x2 transfer matrix; <|m|> is not
// given. A periodic chain of 2 spins has the pair bonded twice (coupling 2J),
// as in the lattice package. It needs n >= 1 (>= 2 periodic) and |beta h|,
// |beta J| <= 300.
func Chain(n int, j, h, beta float64, bc lattice.Boundary) (*Result, error) {
	if n < 1 || (bc == lattice.Periodic && n < 2) {
		return nil, fmt.Errorf("transfer: chain of %d sites: need >= 1 (>= 2 periodic)", n)
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	if math.IsNaN(j) || math.IsInf(j, 0) || math.IsNaN(h) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("transfer: chain: J=%v, h=%v must be finite", j, h)
	}
	if math.Abs(beta*j) > 300 || math.Abs(beta*h) > 300 {
		return nil, fmt.Errorf("transfer: chain: |beta J| = %g, |beta h| = %g: each must be <= 300 for the closed form in float64", math.Abs(beta*j), math.Abs(beta*h))
	}
	per := bc == lattice.Periodic
	nf := float64(n)
	kb, bb := varJ(beta*j, j), varJ(beta*h, h)
	// Two passes: the first gives u and <m>, the second is centred on them.
	u0 := -chainLnZMatrix(n, per, kb, bb, jet{})[1] / nf
	lb := chainLnZMatrix(n, per, kb, bb, jet{0, u0})
	lb[1] -= nf * u0
	kB, bB := constJ(beta*j), varJ(beta*h, 1)
	m0 := chainLnZMatrix(n, per, kB, bB, jet{})[1] / nf
	lB := chainLnZMatrix(n, per, kB, bB, jet{0, -m0})
	lB[1] += nf * m0
	lb[0] = chainLnZ(n, per, constJ(beta*j), constJ(beta*h))[0]
	r := newResult(MethodTransfer, n, beta)
	setFromJets(r, lb, true, lB)
	return r, nil
}
