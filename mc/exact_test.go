package mc

import (
	"context"
	"math"
	"math/bits"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

// exact holds the exact per-site observables the MC tests compare against.
type exact struct {
	u, c, absm, m, m2, m4, u4 float64
}

func fromTransfer(r *transfer.Result) exact {
	return exact{u: r.Energy, c: r.HeatCapacity, absm: r.AbsMagnetization, m: r.Magnetization,
		m2: r.M2, m4: r.M4, u4: r.Binder}
}

// enumerate returns the exact observables of m at beta by transfer.Enumerate.
func enumerate(t *testing.T, m *lattice.Model, beta float64) exact {
	t.Helper()
	r, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fromTransfer(r)
}

// torusTM returns the exact observables of the L x L ferromagnetic torus
// (J = 1, h = 0, L >= 3) by a row-to-row transfer matrix that tracks the
// magnetization and the first two energy moments; it is independent of the
// transfer package, and is checked against it on 4x4 and against Krauth's
// 6x6 table below.
func torusTM(l int, beta float64) exact {
	ns := 1 << l
	n := l * l
	spin := func(r, x int) float64 { return float64(2*int((r>>x)&1) - 1) }
	erow := make([]float64, ns)
	mrow := make([]int, ns)
	for r := 0; r < ns; r++ {
		for x := 0; x < l; x++ {
			erow[r] -= spin(r, x) * spin(r, (x+1)%l)
		}
		mrow[r] = 2*bits.OnesCount(uint(r)) - l
	}
	einter := func(a, b int) float64 {
		var e float64
		for x := 0; x < l; x++ {
			e -= spin(a, x) * spin(b, x)
		}
		return e
	}
	de := make([][]float64, ns)
	fac := make([][]float64, ns)
	for a := range de {
		de[a] = make([]float64, ns)
		fac[a] = make([]float64, ns)
		for b := range de[a] {
			de[a][b] = einter(a, b) + erow[b]
			fac[a][b] = math.Exp(-beta * de[a][b])
		}
	}
	nm := 2*n + 1
	var z, ze, ze2 float64
	zm := make([]float64, nm)
	alloc := func() [3][]float64 {
		return [3][]float64{make([]float64, ns*nm), make([]float64, ns*nm), make([]float64, ns*nm)}
	}
	for r0 := 0; r0 < ns; r0++ {
		cur := alloc()
		idx := r0*nm + mrow[r0] + n
		cur[0][idx] = math.Exp(-beta * erow[r0])
		cur[1][idx] = erow[r0] * cur[0][idx]
		cur[2][idx] = erow[r0] * erow[r0] * cur[0][idx]
		for row := 1; row < l; row++ {
			nxt := alloc()
			for a := 0; a < ns; a++ {
				for mi := 0; mi < nm; mi++ {
					w := cur[0][a*nm+mi]
					if w == 0 {
						continue
					}
					we, we2 := cur[1][a*nm+mi], cur[2][a*nm+mi]
					for b := 0; b < ns; b++ {
						d, f := de[a][b], fac[a][b]
						j := b*nm + mi + mrow[b]
						nxt[0][j] += w * f
						nxt[1][j] += (we + d*w) * f
						nxt[2][j] += (we2 + 2*d*we + d*d*w) * f
					}
				}
			}
			cur = nxt
		}
		for a := 0; a < ns; a++ {
			d := einter(a, r0)
			f := math.Exp(-beta * d)
			for mi := 0; mi < nm; mi++ {
				w := cur[0][a*nm+mi]
				if w == 0 {
					continue
				}
				we, we2 := cur[1][a*nm+mi], cur[2][a*nm+mi]
				z += w * f
				ze += (we + d*w) * f
				ze2 += (we2 + 2*d*we + d*d*w) * f
				zm[mi] += w * f
			}
		}
	}
	var ex exact
	e1, e2 := ze/z, ze2/z
	ex.u = e1 / float64(n)
	ex.c = beta * beta * (e2 - e1*e1) / float64(n)
	for mi, w := range zm {
		x := float64(mi-n) / float64(n)
		p := w / z
		ex.m += p * x
		ex.absm += p * math.Abs(x)
		ex.m2 += p * x * x
		ex.m4 += p * x * x * x * x
	}
	ex.u4 = 1 - ex.m4/(3*ex.m2*ex.m2)
	return ex
}

func TestTorusTMAgainstEnumerationAndKrauth(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	for _, temp := range []float64{2.0, 2.27, 3.0} {
		a := torusTM(4, 1/temp)
		b := enumerate(t, m, 1/temp)
		for _, p := range [][2]float64{{a.u, b.u}, {a.c, b.c}, {a.absm, b.absm}, {a.m2, b.m2}, {a.m4, b.m4}, {a.u4, b.u4}} {
			if d := math.Abs(p[0] - p[1]); d > 1e-12*math.Max(1, math.Abs(p[1])) {
				t.Errorf("4x4 T=%g: transfer matrix %v, enumeration %v", temp, p[0], p[1])
			}
		}
	}
	// transfer.Kaufman gives u and c of the 6x6 torus exactly.
	for _, temp := range []float64{2.0, 2.27, 3.0} {
		e := torusTM(6, 1/temp)
		k, err := transfer.Kaufman(6, 6, 1, 1, 1/temp)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(e.u-k.Energy) > 1e-10 || math.Abs(e.c-k.HeatCapacity) > 1e-10 {
			t.Errorf("6x6 T=%g: transfer matrix u=%.12f c=%.12f, Kaufman u=%.12f c=%.12f", temp, e.u, e.c, k.Energy, k.HeatCapacity)
		}
	}
	// Krauth, Statistical Mechanics: Algorithms and Computations, table 5.3 (6x6 torus).
	for _, k := range []struct{ temp, u, c float64 }{{2.0, -1.74733, 0.68592}, {2.5, -1.28008, 1.00623}, {3.0, -0.88688, 0.55665}} {
		e := torusTM(6, 1/k.temp)
		if math.Abs(e.u-k.u) > 6e-6 || math.Abs(e.c-k.c) > 6e-6 {
			t.Errorf("6x6 T=%g: u=%.6f c=%.6f, Krauth u=%.5f c=%.5f", k.temp, e.u, e.c, k.u, k.c)
		}
	}
}
