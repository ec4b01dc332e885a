package transfer

import (
	"context"
	"fmt"
	"math"
	"math/big"
)

// MaxDOSSites bounds the torus of DOS (the polynomial products cost about
// N^2 multiplications of (1.5N + 128)-bit floats: 32x32 takes seconds).
const MaxDOSSites = 48 * 48

// DensityOfStates is the exact number of states g(E) of the zero-field
// square torus with unit coupling: Count[k] states have energy
// E = -2N + 4k (in units of J), k = 0..N.
type DensityOfStates struct {
	Lx, Ly int
	N      int
	Count  []*big.Int
}

// Energy returns the energy of bin k in units of J.
func (d *DensityOfStates) Energy(k int) int { return -2*d.N + 4*k }

// bigPoly is a polynomial with big.Float coefficients, index = power of x.
type bigPoly []*big.Float

func newPoly(prec uint, deg int) bigPoly {
	p := make(bigPoly, deg+1)
	for i := range p {
		p[i] = new(big.Float).SetPrec(prec)
	}
	return p
}

func polyFrom(prec uint, c ...float64) bigPoly {
	p := newPoly(prec, len(c)-1)
	for i, v := range c {
		p[i].SetFloat64(v)
	}
	return p
}

func (p bigPoly) mul(q bigPoly, prec uint) bigPoly {
	r := newPoly(prec, len(p)+len(q)-2)
	t := new(big.Float).SetPrec(prec)
	for i, a := range p {
		if a.Sign() == 0 {
			continue
		}
		for j, b := range q {
			if b.Sign() == 0 {
				continue
			}
			t.Mul(a, b)
			r[i+j].Add(r[i+j], t)
		}
	}
	return r
}

func (p bigPoly) add(q bigPoly, prec uint) bigPoly {
	n := max(len(p), len(q))
	r := newPoly(prec, n-1)
	for i := range r {
		if i < len(p) {
			r[i].Add(r[i], p[i])
		}
		if i < len(q) {
			r[i].Add(r[i], q[i])
		}
	}
	return r
}

func (p bigPoly) scale(s *big.Float, prec uint) bigPoly {
	r := newPoly(prec, len(p)-1)
	for i := range p {
		r[i].Mul(p[i], s)
	}
	return r
}

func (p bigPoly) pow(n int, prec uint) bigPoly {
	r := polyFrom(prec, 1)
	for ; n > 0; n-- {
		r = r.mul(p, prec)
	}
	return r
}

// product multiplies the polynomials as a balanced tree.
func product(ps []bigPoly, prec uint) bigPoly {
	if len(ps) == 0 {
		return polyFrom(prec, 1)
	}
	for len(ps) > 1 {
		var next []bigPoly
		for i := 0; i+1 < len(ps); i += 2 {
			next = append(next, ps[i].mul(ps[i+1], prec))
		}
		if len(ps)%2 == 1 {
			next = append(next, ps[len(ps)-1])
		}
		ps = next
	}
	return ps[0]
}

// bigPi returns pi by the Gauss–Legendre (Brent–Salamin) iteration.
func bigPi(prec uint) *big.Float {
	p := prec + 64
	one := new(big.Float).SetPrec(p).SetInt64(1)
	a := new(big.Float).SetPrec(p).SetInt64(1)
	b := new(big.Float).SetPrec(p).Quo(one, new(big.Float).SetPrec(p).Sqrt(new(big.Float).SetPrec(p).SetInt64(2)))
	t := new(big.Float).SetPrec(p).SetFloat64(0.25)
	q := new(big.Float).SetPrec(p).SetInt64(1)
	for i := 0; i < 40; i++ {
		an := new(big.Float).SetPrec(p).Add(a, b)
		an.Quo(an, new(big.Float).SetPrec(p).SetInt64(2))
		bn := new(big.Float).SetPrec(p).Mul(a, b)
		bn.Sqrt(bn)
		d := new(big.Float).SetPrec(p).Sub(a, an)
		d.Mul(d, d)
		d.Mul(d, q)
		t.Sub(t, d)
		q.Mul(q, new(big.Float).SetPrec(p).SetInt64(2))
		a, b = an, bn
		if new(big.Float).Sub(a, b).Sign() == 0 {
			break
		}
	}
	s := new(big.Float).SetPrec(p).Add(a, b)
	s.Mul(s, s)
	return s.Quo(s, t.Mul(t, new(big.Float).SetPrec(p).SetInt64(4)))
}

// bigCos returns cos(x) by its Taylor series (|x| <= 4).
func bigCos(x *big.Float, prec uint) *big.Float {
	p := prec + 64
	x2 := new(big.Float).SetPrec(p).Mul(x, x)
	sum := new(big.Float).SetPrec(p).SetInt64(1)
	term := new(big.Float).SetPrec(p).SetInt64(1)
	eps := new(big.Float).SetPrec(p).SetMantExp(big.NewFloat(1), -int(p))
	for j := 1; j < 100000; j++ {
		term.Mul(term, x2)
		term.Quo(term, new(big.Float).SetPrec(p).SetInt64(int64((2*j-1)*(2*j))))
		term.Neg(term)
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum
}

// DOS returns the exact density of states of the lx x ly square torus
// (zero field, coupling J = 1), following Beale (Phys. Rev. Lett. 76, 78
// (1996)): with x = e^{-2K}, Kaufman's four terms become polynomials in x.
// With n the even side, the factors k and 2n - k of each product pair up,
// (2 cosh(m g_k/2))^2 = 2 + 2 T_m(cosh g_k) and (2 sinh(m g_k/2))^2 =
// 2 T_m(cosh g_k) - 2 (Chebyshev polynomials T_m), with
// cosh g_k = [(1 + x^2)^2 - 2x(1 - x^2) cos(pi k/n)] / [2x(1 - x^2)]; the two
// unpaired factors (k = 0 and k = n) combine through e^{g_0} = (1-x)/(x(1+x))
// and e^{g_n} = (1+x)/(x(1-x)) into rational functions. Altogether
// Z = x^{-N} Q(x)/2^{N/2+1} with Q a polynomial whose coefficient of x^{2k},
// divided by 2^{N/2+1}, is g(E = -2N + 4k). Q is computed with big.Float
// coefficients of 1.5N + 128 bits and rounded; the result is checked: every
// coefficient within 1/4 of an integer, odd powers zero, sum g = 2^N.
//
// At least one side must be even (both >= 2) and N <= MaxDOSSites.
func DOS(ctx context.Context, lx, ly int) (*DensityOfStates, error) {
	if lx < 2 || ly < 2 {
		return nil, fmt.Errorf("transfer: dos: %dx%d torus: each side must be >= 2", lx, ly)
	}
	if lx%2 == 1 && ly%2 == 1 {
		return nil, fmt.Errorf("transfer: dos: %dx%d torus: at least one side must be even", lx, ly)
	}
	n := lx * ly
	if n > MaxDOSSites {
		return nil, fmt.Errorf("transfer: dos: %dx%d torus: at most %d sites (the cost grows like N^3 in bit operations)", lx, ly, MaxDOSSites)
	}
	m, nn := lx, ly // the Fourier index runs over the even side nn
	if nn%2 == 1 {
		m, nn = ly, lx
	}
	prec := uint(3*n/2 + 128)
	pi := bigPi(prec)
	// D = 2x(1 - x^2), R_j = D^j T_j(c_k) by R_{j+1} = 2 num R_j - D^2 R_{j-1}.
	dPoly := polyFrom(prec, 0, 2, 0, -2)
	d2 := dPoly.mul(dPoly, prec)
	dm := dPoly.pow(m, prec)
	two := new(big.Float).SetPrec(prec).SetInt64(2)
	mtwo := new(big.Float).SetPrec(prec).SetInt64(-2)
	factors := func(k int) (a, b bigPoly) {
		th := new(big.Float).SetPrec(prec+64).Mul(pi, new(big.Float).SetPrec(prec+64).SetInt64(int64(k)))
		th.Quo(th, new(big.Float).SetPrec(prec+64).SetInt64(int64(nn)))
		cs := bigCos(th, prec)
		// num = (1 + x^2)^2 - 2 cos x (1 - x^2) = 1 - 2c x + 2 x^2 + 2c x^3 + x^4
		c2 := new(big.Float).SetPrec(prec).Mul(cs, two)
		num := polyFrom(prec, 1, 0, 2, 0, 1)
		num[1].Neg(c2)
		num[3].Set(c2)
		rPrev, r := polyFrom(prec, 1), num
		for j := 1; j < m; j++ {
			next := num.mul(r, prec).scale(two, prec).add(d2.mul(rPrev, prec).scale(new(big.Float).SetPrec(prec).SetInt64(-1), prec), prec)
			rPrev, r = r, next
		}
		// Now r = D^m T_m(c). A = 2 D^m + 2 r, B = 2 r - 2 D^m.
		a = dm.scale(two, prec).add(r.scale(two, prec), prec)
		b = r.scale(two, prec).add(dm.scale(mtwo, prec), prec)
		return a, b
	}
	var oddA, oddB, evenA, evenB []bigPoly
	// k in 1..nn-1 stands for the pair (k, 2nn - k); k = 0 and k = nn are
	// the unpaired factors of the even product (U3, U4 below).
	for k := 1; k < nn; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, b := factors(k)
		if k%2 == 1 {
			oddA, oddB = append(oddA, a), append(oddB, b)
		} else {
			evenA, evenB = append(evenA, a), append(evenB, b)
		}
	}
	// U3 x^m (1-x^2)^m and U4 x^m (1-x^2)^m.
	omx2 := polyFrom(prec, 1, 0, -1).pow(m, prec)
	xm := newPoly(prec, m)
	xm[m].SetInt64(1)
	x2m := newPoly(prec, 2*m)
	x2m[2*m].SetInt64(1)
	p1 := xm.mul(polyFrom(prec, 1, -1).pow(2*m, prec), prec)
	p2 := xm.mul(polyFrom(prec, 1, 1).pow(2*m, prec), prec)
	last := x2m.mul(omx2, prec)
	u3 := omx2.add(p1, prec).add(p2, prec).add(last, prec)
	neg := new(big.Float).SetPrec(prec).SetInt64(-1)
	u4 := omx2.add(p1.scale(neg, prec), prec).add(p2.scale(neg, prec), prec).add(last, prec)
	twoM := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1).SetPrec(prec), m)
	q := product(oddA, prec).add(product(oddB, prec), prec)
	q = q.add(product(append(evenA, u3.scale(twoM, prec)), prec), prec)
	q = q.add(product(append(evenB, u4.scale(twoM, prec)), prec), prec)
	// g_k = Q[2k] / 2^{N/2+1}.
	res := &DensityOfStates{Lx: lx, Ly: ly, N: n, Count: make([]*big.Int, n+1)}
	total := new(big.Int)
	quarter := big.NewFloat(0.25)
	for i := 0; i < len(q) && i <= 2*n; i++ {
		v := new(big.Float).SetPrec(prec).SetMantExp(q[i], -(n/2 + 1))
		r := new(big.Float).SetPrec(prec)
		iv, _ := new(big.Float).SetPrec(prec).Add(v, new(big.Float).SetPrec(prec).SetFloat64(0.5*float64(v.Sign()))).Int(nil)
		r.Sub(v, new(big.Float).SetPrec(prec).SetInt(iv))
		if r.Abs(r).Cmp(quarter) > 0 {
			return nil, fmt.Errorf("transfer: dos: coefficient %d is not an integer to working precision (internal error)", i)
		}
		if i%2 == 1 {
			if iv.Sign() != 0 {
				return nil, fmt.Errorf("transfer: dos: odd coefficient %d = %v is not zero (internal error)", i, iv)
			}
			continue
		}
		res.Count[i/2] = iv
		total.Add(total, iv)
	}
	for k := range res.Count {
		if res.Count[k] == nil {
			res.Count[k] = new(big.Int)
		}
	}
	if want := new(big.Int).Lsh(big.NewInt(1), uint(n)); total.Cmp(want) != 0 {
		return nil, fmt.Errorf("transfer: dos: sum of g = %v, want 2^%d (internal error)", total, n)
	}
	return res, nil
}

// Thermo returns ln Z, f, u and c per site at beta for coupling j > 0 from
// the density of states (log-space sums over the N+1 energies, central
// moments).
func (d *DensityOfStates) Thermo(j, beta float64) *Result {
	type cell struct{ lnw, e float64 }
	cells := make([]cell, 0, len(d.Count))
	mx := math.Inf(-1)
	for k, g := range d.Count {
		if g.Sign() == 0 {
			continue
		}
		mant := new(big.Float)
		exp := new(big.Float).SetInt(g).MantExp(mant)
		f, _ := mant.Float64()
		e := j * float64(d.Energy(k))
		lnw := math.Log(f) + float64(exp)*math.Ln2 - beta*e
		cells = append(cells, cell{lnw, e})
		mx = max(mx, lnw)
	}
	var z, u float64
	for i := range cells {
		cells[i].lnw = math.Exp(cells[i].lnw - mx)
		z += cells[i].lnw
		u += cells[i].lnw * cells[i].e
	}
	u /= z
	var v float64
	for _, c := range cells {
		v += c.lnw / z * (c.e - u) * (c.e - u)
	}
	r := newResult(MethodDOS, d.N, beta)
	r.setLnZ(mx + math.Log(z))
	r.set(HasEnergy, u/float64(d.N))
	r.set(HasHeatCapacity, beta*beta*v/float64(d.N))
	return r
}
