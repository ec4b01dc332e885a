package lattice

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// lnZTwoWays returns ln Z of a small model at inverse temperature beta
// summed over all states twice: with H from the bond list (Energy) and with
// H from the cached neighbour list (LocalField), H = -sum_i s_i (F_i + h_i)/2
// with F_i = LocalField_i - h_i.
func lnZTwoWays(m *Model, beta float64) (fromBonds, fromNeighbors float64) {
	s := make([]int8, m.N)
	var zb, zn float64
	for c := 0; c < 1<<m.N; c++ {
		for i := range s {
			s[i] = int8(2*((c>>i)&1) - 1)
		}
		var e float64
		for i := range s {
			h := m.Fields[i]
			e -= float64(s[i]) * (m.LocalField(i, s) + h) / 2
		}
		zb += math.Exp(-beta * m.Energy(s))
		zn += math.Exp(-beta * e)
	}
	return math.Log(zb), math.Log(zn)
}

// TestNoStaleNeighbors edits a 3x3 torus in every way the API allows after
// its neighbour list has been built and used: ln Z from the neighbour list
// must follow the bond list. (Before the bond list was private, editing
// Model.Bonds in place after Neighbors left LocalField, DeltaE and every
// sampler and enumerator on the old couplings.)
func TestNoStaleNeighbors(t *testing.T) {
	const beta = 0.5
	edits := []struct {
		name string
		edit func(t *testing.T, m *Model)
	}{
		{"SetCoupling", func(t *testing.T, m *Model) {
			for k := range m.Bonds() {
				if k%2 == 0 {
					m.SetCoupling(k, 2)
				}
			}
		}},
		{"SetBonds", func(t *testing.T, m *Model) {
			bs := m.BondList()
			bs[5].J = (bs[5].J + 2) % m.N
			if bs[5].J == bs[5].I {
				bs[5].J = (bs[5].J + 1) % m.N
			}
			bs = bs[:len(bs)-1]
			if err := m.SetBonds(bs); err != nil {
				t.Fatal(err)
			}
		}},
		{"SetCouplings", func(t *testing.T, m *Model) {
			if err := m.SetCouplings(Dist{Kind: Gaussian, Mean: 1, Sigma: 1}, rng.New(3, 0)); err != nil {
				t.Fatal(err)
			}
		}},
		{"SetFields", func(t *testing.T, m *Model) {
			if err := m.SetFields(Dist{Kind: Gaussian, Mean: 0.2, Sigma: 0.5}, rng.New(4, 0)); err != nil {
				t.Fatal(err)
			}
		}},
		{"Fields in place", func(t *testing.T, m *Model) {
			for i := range m.Fields {
				m.Fields[i] = 0.1 * float64(i)
			}
		}},
	}
	for _, c := range edits {
		m, err := Square(3, 3, Periodic, Periodic)
		if err != nil {
			t.Fatal(err)
		}
		b0, n0 := lnZTwoWays(m, beta)
		if math.Abs(b0-n0) > 1e-12 {
			t.Fatalf("before any edit: ln Z %v from bonds, %v from neighbours", b0, n0)
		}
		c.edit(t, m)
		b, n := lnZTwoWays(m, beta)
		if math.Abs(b-n) > 1e-12 {
			t.Errorf("%s: ln Z %.4f from the bonds but %.4f from the neighbour list (stale cache)", c.name, b, n)
		}
		if math.Abs(b-b0) < 1e-3 {
			t.Errorf("%s: the edit did not change ln Z (%v)", c.name, b)
		}
		// The edited model is still valid and its clone agrees.
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if cb, cn := lnZTwoWays(m.Clone(), beta); math.Abs(cb-b) > 1e-12 || math.Abs(cn-b) > 1e-12 {
			t.Errorf("%s: clone ln Z %v/%v, want %v", c.name, cb, cn, b)
		}
	}
}

// TestSetBondsValidates checks that SetBonds rejects a bad bond list and
// leaves the model unchanged.
func TestSetBondsValidates(t *testing.T) {
	m, err := Chain(4, Periodic)
	if err != nil {
		t.Fatal(err)
	}
	before := m.BondList()
	for _, bad := range [][]Bond{
		{{I: 0, J: 4, Coupling: 1}},
		{{I: 2, J: 2, Coupling: 1}},
		{{I: 0, J: 1, Coupling: math.NaN()}},
	} {
		if err := m.SetBonds(bad); err == nil {
			t.Errorf("SetBonds(%v) accepted", bad)
		}
	}
	if m.NumBonds() != len(before) || m.Bond(0) != before[0] {
		t.Error("a rejected SetBonds changed the model")
	}
	// The model keeps its own copy.
	bs := m.BondList()
	bs[0].Coupling = 5
	if m.Bond(0).Coupling != 1 {
		t.Error("BondList returned the model's own slice")
	}
	if err := m.SetBonds(bs); err != nil {
		t.Fatal(err)
	}
	bs[0].Coupling = 7
	if m.Bond(0).Coupling != 5 {
		t.Error("SetBonds kept the caller's slice")
	}
}

// TestSizeLimits checks that absurd sizes are refused, naming the limit,
// before anything is allocated.
func TestSizeLimits(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{Kind: "complete", Size: "5000000000"}, "at most 16384"},
		{Spec{Kind: "complete", Size: "16385"}, "at most 16384"},
		{Spec{Kind: "square", Size: "100000x100000"}, "at most 67108864"},
		{Spec{Kind: "cubic", Size: "3000000000x3000000000x3000000000"}, "at most 67108864"},
		{Spec{Kind: "chain", Size: "67108865"}, "at most 67108864"},
	} {
		_, err := c.spec.Build()
		var fe *FieldError
		if err == nil || !errors.As(err, &fe) || fe.Field != "size" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want a size error with %q", c.spec, err, c.want)
		}
	}
	if maxComplete*(maxComplete-1)/2 > MaxBonds || (maxComplete+1)*maxComplete/2 <= MaxBonds {
		t.Errorf("maxComplete %d is not the largest complete graph with at most %d bonds", maxComplete, MaxBonds)
	}
	_, err := ReadEdges(strings.NewReader("sites 9000000000000000000\n"), "huge")
	if err == nil || !strings.Contains(err.Error(), "huge:1: sites") || !strings.Contains(err.Error(), "67108864") {
		t.Errorf("huge sites line: error %v", err)
	}
}
