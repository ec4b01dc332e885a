package transfer

import (
	"context"
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
)

func TestStripMatchesEnumeration(t *testing.T) {
	ctx := context.Background()
	P, O := lattice.Periodic, lattice.Open
	type tc struct {
		lx, ly    int
		bx, by    lattice.Boundary
		jx, jy, h float64
	}
	var cases []tc
	for _, sz := range [][2]int{{2, 2}, {2, 3}, {3, 2}, {3, 3}, {4, 2}, {2, 4}, {3, 4}, {4, 3}, {4, 4}, {5, 3}} {
		for _, bc := range [][2]lattice.Boundary{{P, P}, {P, O}, {O, P}, {O, O}} {
			cases = append(cases, tc{sz[0], sz[1], bc[0], bc[1], 1, 1, 0})
			cases = append(cases, tc{sz[0], sz[1], bc[0], bc[1], 1, 0.6, 0.3})
		}
	}
	cases = append(cases, tc{4, 4, P, P, -1, 1, 0.2}, tc{3, 4, O, P, 0.5, -0.8, -0.4}, tc{5, 1, O, O, 1, 1, 0.1}, tc{1, 5, O, O, 1, 1, 0.1})
	for _, c := range cases {
		m, err := lattice.Square(c.lx, c.ly, c.bx, c.by)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range m.Bonds() {
			if b.I/c.lx == b.J/c.lx && c.lx > 1 {
				m.SetCoupling(i, c.jx)
			} else {
				m.SetCoupling(i, c.jy)
			}
		}
		setField(m, c.h)
		for _, beta := range []float64{0, 0.2, 0.4406868, 0.7, 2} {
			got, err := Strip(ctx, c.lx, c.ly, c.bx, c.by, c.jx, c.jy, c.h, beta, StripOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := Enumerate(ctx, m, beta, EnumOptions{})
			if err != nil {
				t.Fatal(err)
			}
			compare(t, fmt.Sprintf("strip %+v", c), got, want, 2e-12)
		}
	}
}

func TestStripLargeTorusMatchesKaufman(t *testing.T) {
	ctx := context.Background()
	for _, beta := range []float64{0.3, 0.4406868, 0.6} {
		got, err := Strip(ctx, 8, 10, lattice.Periodic, lattice.Periodic, 1, 1, 0, beta, StripOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Kaufman(8, 10, 1, 1, beta)
		compare(t, "strip 8x10 vs kaufman", got, want, 1e-12)
	}
}

func BenchmarkStrip12x12TorusFieldLnZ(b *testing.B) {
	for b.Loop() {
		if _, err := Strip(context.Background(), 12, 12, lattice.Periodic, lattice.Periodic, 1, 1, 0.1, 0.44, StripOptions{LnZOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStrip12x12TorusFieldAll(b *testing.B) {
	for b.Loop() {
		if _, err := Strip(context.Background(), 12, 12, lattice.Periodic, lattice.Periodic, 1, 1, 0.1, 0.44, StripOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
