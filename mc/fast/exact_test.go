package fast

import (
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
)

// exactMoments holds exact per-site averages of a periodic lx x ly torus.
type exactMoments struct {
	lnZ, u, m2, absM, m4 float64
}

// enumerate computes the moments by brute force (lx*ly <= 20).
func enumerate(t *testing.T, lx, ly int, beta, j, h float64) exactMoments {
	t.Helper()
	m, err := lattice.Square(lx, ly, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	n := m.N
	s := make([]int8, n)
	var w, we, wm2, wabs, wm4 float64
	var emin = math.Inf(1)
	type st struct{ e, mg float64 }
	all := make([]st, 0, 1<<n)
	for k := 0; k < 1<<n; k++ {
		mg := 0.0
		for i := range s {
			s[i] = -1
			if k>>i&1 == 1 {
				s[i] = 1
			}
			mg += float64(s[i])
		}
		e := 0.0
		for _, b := range m.Bonds() {
			e -= j * float64(s[b.I]*s[b.J])
		}
		e -= h * mg
		all = append(all, st{e, mg})
		emin = math.Min(emin, e)
	}
	for _, x := range all {
		p := math.Exp(-beta * (x.e - emin))
		mm := x.mg / float64(n)
		w += p
		we += p * x.e
		wm2 += p * mm * mm
		wabs += p * math.Abs(mm)
		wm4 += p * mm * mm * mm * mm
	}
	return exactMoments{lnZ: math.Log(w) - beta*emin, u: we / w / float64(n), m2: wm2 / w, absM: wabs / w, m4: wm4 / w}
}

// transferLnZ returns ln Z of the lx x ly torus (lx <= 10) from the trace of
// the row-to-row transfer matrix T[a][b] = exp(-beta (E_row(a) + E_inter(a,b))),
// computed by repeated squaring-free multiplication with a running log scale.
func transferLnZ(lx, ly int, beta, j, h float64) float64 {
	ns := 1 << lx
	spin := func(a, x int) float64 { return float64(2*(a>>uint(x)&1) - 1) }
	tm := make([]float64, ns*ns)
	for a := 0; a < ns; a++ {
		er := 0.0
		for x := 0; x < lx; x++ {
			er -= j*spin(a, x)*spin(a, (x+1)%lx) + h*spin(a, x)
		}
		for b := 0; b < ns; b++ {
			e := er
			for x := 0; x < lx; x++ {
				e -= j * spin(a, x) * spin(b, x)
			}
			tm[a*ns+b] = math.Exp(-beta * e)
		}
	}
	p := append([]float64(nil), tm...)
	lscale := 0.0
	q := make([]float64, ns*ns)
	for y := 1; y < ly; y++ {
		clear(q)
		mx := 0.0
		for a := 0; a < ns; a++ {
			for c := 0; c < ns; c++ {
				pa := p[a*ns+c]
				if pa == 0 {
					continue
				}
				row := tm[c*ns : c*ns+ns]
				qa := q[a*ns : a*ns+ns]
				for b, v := range row {
					qa[b] += pa * v
				}
			}
		}
		for _, v := range q {
			mx = math.Max(mx, v)
		}
		for i := range q {
			q[i] /= mx
		}
		lscale += math.Log(mx)
		p, q = q, p
	}
	tr := 0.0
	for a := 0; a < ns; a++ {
		tr += p[a*ns+a]
	}
	return math.Log(tr) + lscale
}

// transferMoments returns ln Z, u = <H>/N and <m^2> of the torus from
// fourth-order central differences of transferLnZ in beta and in B = beta h
// (truncation error ~ step^4, well below 1e-8 here).
func transferMoments(lx, ly int, beta, j, h float64) exactMoments {
	n := float64(lx * ly)
	lnz := func(b, bh float64) float64 { return transferLnZ(lx, ly, b, j, bh/b) }
	const e = 1e-3
	bh := beta * h
	// d lnZ/d beta at fixed B = beta h: -<E_J> where E_J is the coupling part.
	d1 := func(f func(x float64) float64, x float64) float64 {
		return (-f(x+2*e) + 8*f(x+e) - 8*f(x-e) + f(x-2*e)) / (12 * e)
	}
	d2 := func(f func(x float64) float64, x float64) float64 {
		return (-f(x+2*e) + 16*f(x+e) - 30*f(x) + 16*f(x-e) - f(x-2*e)) / (12 * e * e)
	}
	ej := -d1(func(b float64) float64 { return lnz(b, bh) }, beta)
	mean := d1(func(x float64) float64 { return lnz(beta, x) }, bh)
	vr := d2(func(x float64) float64 { return lnz(beta, x) }, bh)
	return exactMoments{
		lnZ:  lnz(beta, bh),
		u:    (ej - h*mean) / n,
		m2:   (vr + mean*mean) / (n * n),
		absM: math.NaN(),
	}
}

func TestExactHelpersAgree(t *testing.T) {
	for _, c := range []struct{ beta, h float64 }{{0.3, 0}, {betaC, 0}, {0.6, 0.1}} {
		a := enumerate(t, 4, 4, c.beta, 1, c.h)
		b := transferMoments(4, 4, c.beta, 1, c.h)
		for i, q := range [][2]float64{{a.lnZ, b.lnZ}, {a.u, b.u}, {a.m2, b.m2}} {
			tol := 1e-12 // ln Z exact; derivatives by finite differences
			if i > 0 {
				tol = 1e-7
			}
			if math.Abs(q[0]-q[1]) > tol*math.Max(1, math.Abs(q[0])) {
				t.Errorf("beta %v h %v: enumeration %v, transfer %v", c.beta, c.h, q[0], q[1])
			}
		}
	}
	// Beale's density of states for the 4x4 torus fixes ln Z at any beta.
	g := map[int]float64{-32: 2, -24: 32, -20: 64, -16: 424, -12: 1728, -8: 6688, -4: 13568, 0: 20524, 4: 13568, 8: 6688, 12: 1728, 16: 424, 20: 64, 24: 32, 32: 2}
	z := 0.0
	for e, n := range g {
		z += n * math.Exp(-betaC*float64(e))
	}
	if a := enumerate(t, 4, 4, betaC, 1, 0); math.Abs(a.lnZ-math.Log(z)) > 1e-12*math.Log(z) {
		t.Errorf("4x4 ln Z %v, Beale %v", a.lnZ, math.Log(z))
	}
}
