package transfer

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
)

// anisotropic returns the lx x ly torus with coupling jx on x bonds and jy on y bonds.
func anisotropic(t testing.TB, lx, ly int, jx, jy float64) *lattice.Model {
	m := mustSquare(t, lx, ly, lattice.Periodic, lattice.Periodic)
	for i, b := range m.Bonds() {
		// x bonds join sites in the same row.
		if b.I/lx == b.J/lx {
			m.SetCoupling(i, jx)
		} else {
			m.SetCoupling(i, jy)
		}
	}
	return m
}

func TestKaufmanMatchesEnumeration(t *testing.T) {
	ctx := context.Background()
	betas := []float64{0, 0.1, 0.3, 0.4406868, 0.5, 0.8, 2}
	for _, sz := range [][2]int{{2, 2}, {2, 3}, {3, 2}, {2, 4}, {4, 2}, {3, 3}, {3, 4}, {4, 3}, {4, 4}, {2, 5}, {5, 3}} {
		for _, jj := range [][2]float64{{1, 1}, {1, 0.5}, {0.3, 1.7}} {
			m := anisotropic(t, sz[0], sz[1], jj[0], jj[1])
			for _, beta := range betas {
				got, err := Kaufman(sz[0], sz[1], jj[0], jj[1], beta)
				if err != nil {
					t.Fatal(err)
				}
				want, err := Enumerate(ctx, m, beta, EnumOptions{})
				if err != nil {
					t.Fatal(err)
				}
				compare(t, fmt.Sprintf("kaufman %v J=%v", sz, jj), got, want, 1e-12)
			}
		}
	}
}

func TestKaufmanErrors(t *testing.T) {
	for _, c := range []struct {
		lx, ly     int
		jx, jy, be float64
	}{{1, 4, 1, 1, 1}, {4, 4, -1, 1, 1}, {4, 4, 1, 0, 1}, {4, 4, 1, 1, -1}, {4, 4, 1, 1, 101}} {
		if _, err := Kaufman(c.lx, c.ly, c.jx, c.jy, c.be); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestKaufmanHighTemperature(t *testing.T) {
	// The prefactor is absorbed term by term, so u keeps ~eps/K relative precision.
	ctx := context.Background()
	for _, beta := range []float64{1e-5, 1e-3, 1e-2} {
		m := anisotropic(t, 4, 5, 1, 0.5)
		got, _ := Kaufman(4, 5, 1, 0.5, beta)
		want, _ := Enumerate(ctx, m, beta, EnumOptions{})
		compare(t, "kaufman high T", got, want, 1e-16/beta+1e-12)
	}
	// Large tori at high T and low T stay finite.
	for _, beta := range []float64{1e-6, 0.01, 20, 100} {
		r, err := Kaufman(1024, 1024, 1, 1, beta)
		if err != nil || r.Has != HasThermal {
			t.Errorf("1024^2 beta=%v: %v %+v", beta, err, r)
		}
	}
}

func TestKaufmanKrauthTable(t *testing.T) {
	// 6x6 torus, Krauth, Statistical Mechanics: Algorithms and Computations, table 5.3.
	for _, c := range []struct{ temp, u, c float64 }{{2, -1.74733, 0.68592}, {2.5, -1.28008, 1.00623}, {3, -0.88688, 0.55665}} {
		r, _ := Kaufman(6, 6, 1, 1, 1/c.temp)
		if math.Abs(r.Energy-c.u) > 6e-6 || math.Abs(r.HeatCapacity-c.c) > 6e-6 {
			t.Errorf("T=%v: u=%.6f c=%.6f, table %v %v", c.temp, r.Energy, r.HeatCapacity, c.u, c.c)
		}
	}
}
