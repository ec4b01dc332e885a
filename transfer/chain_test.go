package transfer

import (
	"context"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"

	"github.com/isingrbm/isingrbm/lattice"
)

func TestChainMatchesEnumeration(t *testing.T) {
	ctx := context.Background()
	for _, bc := range []lattice.Boundary{lattice.Periodic, lattice.Open} {
		for _, n := range []int{1, 2, 3, 5, 12} {
			if bc == lattice.Periodic && n < 2 {
				continue
			}
			for _, jh := range [][2]float64{{1, 0}, {1, 0.3}, {-1, 0}, {-0.7, -0.4}, {2, 1e-3}, {0, 0.5}} {
				m, err := lattice.Chain(n, bc)
				if err != nil {
					t.Fatal(err)
				}
				setField(setCoupling(m, jh[0]), jh[1])
				for _, beta := range []float64{0, 0.2, 1, 3} {
					got, err := Chain(n, jh[0], jh[1], beta, bc)
					if err != nil {
						t.Fatal(err)
					}
					want, err := Enumerate(ctx, m, beta, EnumOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if got.Has&HasAbsMagnetization != 0 {
						t.Error("chain claims <|m|>")
					}
					compare(t, bc.String()+" chain", got, want, 2e-12)
				}
			}
		}
	}
}

func TestChainLarge(t *testing.T) {
	// Thermodynamic limit: ln Z/N -> ln lambda_+, u -> -J tanh K at h = 0.
	r, err := Chain(1000000, 1, 0, 0.8, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Energy + 0.66403677026784896; d > 1e-12 || d < -1e-12 {
		t.Errorf("u = %.17g, want -tanh(0.8)", r.Energy)
	}
	if _, err := Chain(10, 1, 0, 400, lattice.Open); err == nil {
		t.Error("beta J = 400: no error")
	}
}

func TestChainClosedFormMatchesMatrix(t *testing.T) {
	for _, per := range []bool{true, false} {
		for _, n := range []int{2, 7, 100, 12345} {
			for _, kb := range [][2]float64{{0.3, 0}, {-0.5, 0.2}, {2, -1}, {0, 0.4}, {-3, 0.01}} {
				a := chainLnZ(n, per, constJ(kb[0]), constJ(kb[1]))[0]
				b := chainLnZMatrix(n, per, constJ(kb[0]), constJ(kb[1]), jet{})[0]
				if d := numeric.RelDiff(a, b); d > 1e-13 {
					t.Errorf("n=%d periodic=%v K,B=%v: closed %.17g matrix %.17g", n, per, kb, a, b)
				}
			}
		}
	}
}
