package lattice

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

func mustSpec(t *testing.T, s Spec) *Model {
	t.Helper()
	m, err := s.Build()
	if err != nil {
		t.Fatalf("Build(%+v): %v", s, err)
	}
	return m
}

func TestBondCounts(t *testing.T) {
	cases := []struct {
		spec         Spec
		sites, bonds int
		coord        map[int]int
	}{
		{Spec{Kind: "square", Size: "4x4"}, 16, 32, map[int]int{4: 16}},
		{Spec{Kind: "square", Size: "2x2"}, 4, 8, map[int]int{4: 4}},
		{Spec{Kind: "square", Size: "4x4", Boundary: "open"}, 16, 24, map[int]int{2: 4, 3: 8, 4: 4}},
		{Spec{Kind: "square", Size: "3x5", Boundary: "periodic,open"}, 15, 15 + 12, map[int]int{3: 6, 4: 9}},
		{Spec{Kind: "square", Size: "2x3"}, 6, 12, map[int]int{4: 6}},
		{Spec{Kind: "chain", Size: "10"}, 10, 10, map[int]int{2: 10}},
		{Spec{Kind: "chain", Size: "10", Boundary: "open"}, 10, 9, map[int]int{1: 2, 2: 8}},
		{Spec{Kind: "chain", Size: "2"}, 2, 2, map[int]int{2: 2}},
		{Spec{Kind: "chain", Size: "1", Boundary: "open"}, 1, 0, map[int]int{0: 1}},
		{Spec{Kind: "triangular", Size: "4x4"}, 16, 48, map[int]int{6: 16}},
		{Spec{Kind: "triangular", Size: "3x3", Boundary: "open"}, 9, 6 + 6 + 4, map[int]int{2: 2, 6: 1}},
		{Spec{Kind: "cubic", Size: "3x3x3"}, 27, 81, map[int]int{6: 27}},
		{Spec{Kind: "cubic", Size: "4"}, 64, 192, map[int]int{6: 64}},
		{Spec{Kind: "cubic", Size: "2x2x2", Boundary: "open"}, 8, 12, map[int]int{3: 8}},
		{Spec{Kind: "complete", Size: "6"}, 6, 15, map[int]int{5: 6}},
	}
	for _, c := range cases {
		m := mustSpec(t, c.spec)
		if m.N != c.sites || m.NumBonds() != c.bonds {
			t.Errorf("%+v: got %d sites %d bonds, want %d %d", c.spec, m.N, m.NumBonds(), c.sites, c.bonds)
		}
		got := m.Coordination()
		for k, v := range c.coord {
			if v != 0 && got[k] != v {
				t.Errorf("%+v: coordination %v, want %v", c.spec, got, c.coord)
				break
			}
		}
		total := 0
		for k, v := range got {
			total += k * v
		}
		if total != 2*m.NumBonds() {
			t.Errorf("%+v: sum of degrees %d != 2*bonds %d", c.spec, total, 2*m.NumBonds())
		}
	}
}

// TestLengthTwoRule checks that a periodic axis of length 2 doubles the pair.
func TestLengthTwoRule(t *testing.T) {
	m := mustSpec(t, Spec{Kind: "square", Size: "2x2"})
	j := m.CouplingMatrix()
	if got := j.At(0, 1); math.Abs(got-2) > 1e-15 {
		t.Errorf("J(0,1) on 2x2 torus = %v, want 2", got)
	}
	if got := j.At(0, 3); got != 0 {
		t.Errorf("J(0,3) on 2x2 torus = %v, want 0 (no diagonal)", got)
	}
	nb := m.Neighbors()
	if n := nb.Start[1] - nb.Start[0]; n != 2 {
		t.Errorf("site 0 has %d distinct neighbours, want 2", n)
	}
}

func TestCouplingMatrixSymmetricZeroDiagonal(t *testing.T) {
	for _, s := range []Spec{
		{Kind: "square", Size: "3x4", Disorder: "gaussian", Sigma: 1, Seed: 3},
		{Kind: "triangular", Size: "4x3", Disorder: "pm", Seed: 5},
		{Kind: "complete", Size: "7", Scale: "sqrtn", Disorder: "gaussian", Sigma: 1},
	} {
		m := mustSpec(t, s)
		j := m.CouplingMatrix()
		var sum float64
		for i := 0; i < m.N; i++ {
			if j.At(i, i) != 0 {
				t.Errorf("%+v: diagonal J(%d,%d) = %v", s, i, i, j.At(i, i))
			}
			for k := 0; k < m.N; k++ {
				if j.At(i, k) != j.At(k, i) {
					t.Errorf("not symmetric at %d,%d", i, k)
				}
				if k > i {
					sum += j.At(i, k)
				}
			}
		}
		var bsum float64
		for _, b := range m.Bonds() {
			bsum += b.Coupling
		}
		if math.Abs(sum-bsum) > 1e-12*math.Max(1, math.Abs(bsum)) {
			t.Errorf("%+v: matrix upper sum %v != bond sum %v", s, sum, bsum)
		}
	}
}

func TestAllUpEnergy(t *testing.T) {
	j := 0.7
	m := mustSpec(t, Spec{Kind: "triangular", Size: "3x4", J: &j, H: 0.3, Disorder: "gaussian", Sigma: 0.5, HDisord: "gaussian", HSigma: 0.2, Seed: 11})
	s := make([]int8, m.N)
	for i := range s {
		s[i] = 1
	}
	var want float64
	for _, b := range m.Bonds() {
		want -= b.Coupling
	}
	for _, h := range m.Fields {
		want -= h
	}
	if got := m.Energy(s); math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("all-up energy %v, want %v", got, want)
	}
	uj := mustSpec(t, Spec{Kind: "square", Size: "4x4", H: 0.5})
	up := make([]int8, uj.N)
	for i := range up {
		up[i] = 1
	}
	if got := uj.Energy(up); math.Abs(got-(-32-8)) > 1e-12 {
		t.Errorf("4x4 torus all-up energy with h=0.5: %v, want -40", got)
	}
}

func TestDeltaE(t *testing.T) {
	r := rand.New(rng.New(42, 0))
	for _, spec := range []Spec{
		{Kind: "square", Size: "5x4", Disorder: "gaussian", Sigma: 1, HDisord: "gaussian", HSigma: 1, Seed: 1},
		{Kind: "square", Size: "2x2", H: 0.3},
		{Kind: "cubic", Size: "3x2x2", Boundary: "open,periodic,periodic", Disorder: "pm"},
		{Kind: "complete", Size: "9", Scale: "n", H: -0.4},
	} {
		m := mustSpec(t, spec)
		s := make([]int8, m.N)
		for trial := 0; trial < 50; trial++ {
			for i := range s {
				s[i] = int8(2*r.IntN(2) - 1)
			}
			i := r.IntN(m.N)
			e0 := m.Energy(s)
			d := m.DeltaE(i, s)
			s[i] = -s[i]
			e1 := m.Energy(s)
			if math.Abs((e1-e0)-d) > 1e-12*math.Max(1, math.Abs(e0)) {
				t.Fatalf("%+v: DeltaE %v, energy difference %v", spec, d, e1-e0)
			}
		}
	}
}

func TestDisorderReproducible(t *testing.T) {
	spec := Spec{Kind: "square", Size: "6x6", Disorder: "gaussian", Sigma: 1, HDisord: "pm", H: 0.5, Seed: 77}
	a, b := mustSpec(t, spec), mustSpec(t, spec)
	for k := range a.Bonds() {
		if a.Bond(k) != b.Bond(k) {
			t.Fatal("same seed gave different couplings")
		}
	}
	for i := range a.Fields {
		if a.Fields[i] != b.Fields[i] {
			t.Fatal("same seed gave different fields")
		}
	}
	spec.Seed = 78
	c := mustSpec(t, spec)
	same := 0
	for k := range a.Bonds() {
		if a.Bond(k) == c.Bond(k) {
			same++
		}
	}
	if same == a.NumBonds() {
		t.Error("different seeds gave identical couplings")
	}
	// ±J: both signs appear, mean near zero.
	pm := mustSpec(t, Spec{Kind: "square", Size: "20x20", Disorder: "pm", Seed: 1})
	var sum float64
	for _, bd := range pm.Bonds() {
		if math.Abs(math.Abs(bd.Coupling)-1) > 0 {
			t.Fatalf("±J coupling %v", bd.Coupling)
		}
		sum += bd.Coupling
	}
	// 800 bonds: the sum has standard deviation sqrt(800) ~ 28; 5 sigma.
	if math.Abs(sum) > 5*math.Sqrt(800) {
		t.Errorf("±J sum %v too far from 0", sum)
	}
}

func TestEdgeListRoundTrip(t *testing.T) {
	m := mustSpec(t, Spec{Kind: "triangular", Size: "3x3", Disorder: "gaussian", Sigma: 1, HDisord: "gaussian", HSigma: 0.7, Seed: 9})
	var buf bytes.Buffer
	if err := m.WriteEdges(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := ReadEdges(&buf, "roundtrip")
	if err != nil {
		t.Fatal(err)
	}
	if r.N != m.N || r.NumBonds() != m.NumBonds() {
		t.Fatalf("round trip: %d sites %d bonds, want %d %d", r.N, r.NumBonds(), m.N, m.NumBonds())
	}
	for k := range m.Bonds() {
		if r.Bond(k) != m.Bond(k) {
			t.Fatalf("bond %d: %v != %v", k, r.Bond(k), m.Bond(k))
		}
	}
	for i := range m.Fields {
		if r.Fields[i] != m.Fields[i] {
			t.Fatalf("field %d: %v != %v", i, r.Fields[i], m.Fields[i])
		}
	}
}

func TestEdgeListErrors(t *testing.T) {
	cases := map[string]string{
		"0 1 1\n1 1 2\n":        "in:2: self-loop",
		"0 1 x\n":               "in:1: coupling \"x\"",
		"0 1 NaN\n":             "in:1: coupling \"NaN\"",
		"sites 2\n0 5 1\n":      "in:2: site index 5 out of range",
		"0 -1 1\n":              "in:1: site index \"-1\"",
		"0 1\n":                 "in:1: want \"i j J\"",
		"h 0\n":                 "in:1: want \"h i value\"",
		"# only a comment\n\n":  "no sites",
		"0 3 1\nsites 2\n":      "in:2: sites 2 but index 3",
		"sites 0\n":             "in:1: sites \"0\"",
		"0 1 1 # ok\nh 1 inf\n": "in:2: field \"inf\"",
	}
	for in, want := range cases {
		_, err := ReadEdges(strings.NewReader(in), "in")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadEdges(%q) error %v, want containing %q", in, err, want)
		}
	}
	m, err := ReadEdges(strings.NewReader("# a triangle\n0 1 1.5\n1 2 -1 # afm\n2 0 0.5\nh 2 0.25\nsites 4\n"), "ok")
	if err != nil {
		t.Fatal(err)
	}
	if m.N != 4 || m.NumBonds() != 3 || m.Fields[2] != 0.25 {
		t.Errorf("parsed %+v", m)
	}
}

func TestSpecErrors(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		spec  Spec
		field string
	}{
		{Spec{Kind: "hexagonal", Size: "4"}, "lattice"},
		{Spec{Kind: "square", Size: "0x4"}, "size"},
		{Spec{Kind: "square", Size: "-3"}, "size"},
		{Spec{Kind: "square", Size: "4x"}, "size"},
		{Spec{Kind: "square", Size: "axb"}, "size"},
		{Spec{Kind: "square", Size: "4x4x4"}, "size"},
		{Spec{Kind: "chain", Size: "1"}, "size"}, // periodic length 1
		{Spec{Kind: "square", Size: "4x4", Boundary: "twisted"}, "boundary"},
		{Spec{Kind: "square", Size: "4x4", Boundary: "open,open,open"}, "boundary"},
		{Spec{Kind: "square", Size: "4x4", J: &nan}, "J"},
		{Spec{Kind: "square", Size: "4x4", Disorder: "levy"}, "disorder"},
		{Spec{Kind: "square", Size: "4x4", Sigma: 1}, "sigma"},
		{Spec{Kind: "square", Size: "4x4", Disorder: "gaussian", Sigma: -1}, "sigma"},
		{Spec{Kind: "square", Size: "4x4", H: nan}, "h"},
		{Spec{Kind: "square", Size: "4x4", Scale: "n"}, "scale"},
		{Spec{Kind: "complete", Size: "1"}, "size"},
		{Spec{Kind: "edges"}, "edges"},
		{Spec{Kind: "edges", Edges: "/nonexistent/file"}, "edges"},
	}
	for _, c := range cases {
		_, err := c.spec.Build()
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != c.field {
			t.Errorf("%+v: error %v, want a FieldError on %q", c.spec, err, c.field)
		}
	}
}

func TestNeighborsMatchMatrix(t *testing.T) {
	m := mustSpec(t, Spec{Kind: "triangular", Size: "2x3", Disorder: "gaussian", Sigma: 1, Seed: 4})
	j := m.CouplingMatrix()
	nb := m.Neighbors()
	for i := 0; i < m.N; i++ {
		row := make([]float64, m.N)
		for k := nb.Start[i]; k < nb.Start[i+1]; k++ {
			row[nb.Sites[k]] = nb.Couplings[k]
		}
		for k := range row {
			if math.Abs(row[k]-j.At(i, k)) > 1e-15 {
				t.Fatalf("neighbour list (%d,%d) = %v, matrix %v", i, k, row[k], j.At(i, k))
			}
		}
	}
}

// FuzzReadEdges checks that the parser never panics and that whatever it
// accepts survives a write/read round trip.
func FuzzReadEdges(f *testing.F) {
	f.Add("0 1 1\n1 2 -0.5\nh 0 0.1\n")
	f.Add("sites 3\n# c\n0 2 1e-3\n")
	f.Add("0 0 1\n")
	f.Add("sites 9000000000000000000\n") // once a makeslice panic
	f.Add("sites 67108865\n0 1 1\n")     // MaxSites+1
	f.Add("67108864 0 1\n")              // index MaxSites
	f.Add("sites 3\n0 1 1\nsites 3\n")   // declared twice
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ReadEdges(strings.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		if m.N > 1<<16 {
			return
		}
		var buf bytes.Buffer
		if err := m.WriteEdges(&buf); err != nil {
			t.Fatal(err)
		}
		r, err := ReadEdges(&buf, "again")
		if err != nil {
			t.Fatalf("re-read of written model failed: %v", err)
		}
		if r.N != m.N || r.NumBonds() != m.NumBonds() {
			t.Fatalf("round trip changed the model")
		}
	})
}
