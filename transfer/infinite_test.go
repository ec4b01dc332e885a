package transfer

import (
	"context"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
)

func TestInfiniteStripChain(t *testing.T) {
	// Width 1 is the chain: lambda_± closed form, xi = 1/ln coth K at h = 0.
	for _, beta := range []float64{0.3, 1} {
		r, err := InfiniteStripLimit(context.Background(), 1, false, 0, 1, 0, beta)
		if err != nil {
			t.Fatal(err)
		}
		if d := numeric.RelDiff(r.LnLambda0, math.Log(2*math.Cosh(beta))); d > 1e-13 {
			t.Errorf("beta=%v: ln lambda0 = %.16g", beta, r.LnLambda0)
		}
		if d := numeric.RelDiff(r.CorrelationLength, 1/math.Log(1/math.Tanh(beta))); d > 1e-12 {
			t.Errorf("beta=%v: xi = %.16g want %.16g", beta, r.CorrelationLength, 1/math.Log(1/math.Tanh(beta)))
		}
	}
}

func TestInfiniteStripEigenvalues(t *testing.T) {
	// Against dense diagonalization of the 2^W x 2^W symmetric transfer
	// matrix, and against ln Z/L of a long periodic strip.
	for _, c := range []struct {
		w       int
		per     bool
		jr, jp  float64
		h, beta float64
	}{{4, true, 1, 1, 0, 0.35}, {4, false, 1, 0.7, 0.2, 0.5}, {3, true, -0.5, 1, 0.1, 0.8}} {
		r, err := InfiniteStripLimit(context.Background(), c.w, c.per, c.jr, c.jp, c.h, c.beta)
		if err != nil {
			t.Fatal(err)
		}
		S := 1 << c.w
		a := mat.NewSymDense(S, nil)
		rowE := func(s int) float64 {
			var nb, m float64
			for x := 0; x < c.w; x++ {
				sx := float64(2*(s>>x&1) - 1)
				m += sx
				if x+1 < c.w || c.per {
					nb += sx * float64(2*(s>>((x+1)%c.w)&1)-1)
				}
			}
			return c.beta * (c.jr*nb + c.h*m)
		}
		for s := 0; s < S; s++ {
			for u := s; u < S; u++ {
				var pp float64
				for x := 0; x < c.w; x++ {
					pp += float64((2*(s>>x&1) - 1) * (2*(u>>x&1) - 1))
				}
				a.SetSym(s, u, math.Exp(rowE(s)/2+rowE(u)/2+c.beta*c.jp*pp))
			}
		}
		var es mat.EigenSym
		if !es.Factorize(a, false) {
			t.Fatal("eigen failed")
		}
		ev := es.Values(nil)
		sort.Slice(ev, func(i, j int) bool { return math.Abs(ev[i]) > math.Abs(ev[j]) })
		if d := math.Abs(r.LnLambda0 - math.Log(ev[0])); d > 1e-12 {
			t.Errorf("%+v: ln lambda0 %.15g dense %.15g", c, r.LnLambda0, math.Log(ev[0]))
		}
		if d := math.Abs(r.LnLambda1 - math.Log(math.Abs(ev[1]))); d > 1e-10 {
			t.Errorf("%+v: ln |lambda1| %.15g dense %.15g", c, r.LnLambda1, math.Log(math.Abs(ev[1])))
		}
		bx := lattice.Open
		if c.per {
			bx = lattice.Periodic
		}
		l := 400
		s, err := Strip(context.Background(), c.w, l, bx, lattice.Periodic, c.jr, c.jp, c.h, c.beta, StripOptions{LnZOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(s.LnZ/float64(l) - r.LnLambda0); d > 1e-12 {
			t.Errorf("%+v: ln Z/L of a %dx%d strip %.15g, ln lambda0 %.15g", c, c.w, l, s.LnZ/float64(l), r.LnLambda0)
		}
	}
}
