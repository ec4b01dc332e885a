package lattice_test

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/hs"
	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

func TestHopfieldCouplings(t *testing.T) {
	const n, p = 12, 3
	m, err := lattice.Spec{Kind: "hopfield", Size: "12", Patterns: p, Seed: 4}.Build()
	if err != nil {
		t.Fatal(err)
	}
	xi := lattice.HopfieldPatterns(n, p, rng.New(4, lattice.StreamPatterns))
	if m.N != n || m.NumBonds() != n*(n-1)/2 || m.HasField() {
		t.Fatalf("%d sites, %d bonds, field %v", m.N, m.NumBonds(), m.HasField())
	}
	j := m.CouplingMatrix()
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			want := 0.0
			if a != b {
				for mu := range xi {
					want += float64(xi[mu][a]*xi[mu][b]) / n
				}
			}
			if j.At(a, b) != want {
				t.Fatalf("J[%d][%d] = %v, want %v", a, b, j.At(a, b), want)
			}
		}
	}
	for _, c := range []struct {
		spec lattice.Spec
		want string
	}{
		{lattice.Spec{Kind: "hopfield", Size: "12"}, "patterns"},
		{lattice.Spec{Kind: "square", Size: "4x4", Patterns: 2}, "hopfield only"},
		{lattice.Spec{Kind: "hopfield", Size: "1", Patterns: 2}, "size"},
		{lattice.Spec{Kind: "hopfield", Size: "100000", Patterns: 2}, "size"},
		{lattice.Spec{Kind: "hopfield", Size: "12", Patterns: 2, Boundary: "open"}, "boundary"},
	} {
		if _, err := c.spec.Build(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.spec, err, c.want)
		}
	}
}

// The Hopfield network is an RBM with P Gaussian hidden units and
// W W^T = (beta/N) Xi Xi^T (Barra et al. 2012): the minimal shift is
// beta P/N and leaves exactly P non-zero modes.
func TestHopfieldIsAnRBM(t *testing.T) {
	const n, p, beta = 12, 3, 1.3
	m, err := lattice.Spec{Kind: "hopfield", Size: "12", Patterns: p, Seed: 9}.Build()
	if err != nil {
		t.Fatal(err)
	}
	xi := lattice.HopfieldPatterns(n, p, rng.New(9, lattice.StreamPatterns))
	res, err := hs.Build(m, beta, hs.Config{Shift: hs.Shift{Mode: hs.ShiftMin}})
	if err != nil {
		t.Fatal(err)
	}
	if _, hid := res.RBM.Dims(); hid != p {
		t.Fatalf("%d hidden units, want %d", hid, p)
	}
	if math.Abs(res.Shift-beta*p/n) > 1e-13 {
		t.Errorf("shift %v, want beta P/N = %v", res.Shift, beta*p/n)
	}
	var wwt mat.Dense
	wwt.Mul(res.RBM.W, res.RBM.W.T())
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			var want float64
			for mu := range xi {
				want += beta / n * float64(xi[mu][a]*xi[mu][b])
			}
			if math.Abs(wwt.At(a, b)-want) > 1e-13 {
				t.Fatalf("(W W^T)[%d][%d] = %v, want (beta/N) (Xi Xi^T) = %v", a, b, wwt.At(a, b), want)
			}
		}
	}
	rep, err := hs.Check(m, beta, res.RBM, res.LnZOffset)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MaxAbsLogProbDiff > 1e-10 {
		t.Errorf("max |ln p_RBM - ln p_Ising| = %v", rep.MaxAbsLogProbDiff)
	}
}
