package rg

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

func f64(x float64) *float64 { return &x }

func buildSpec(t *testing.T, s lattice.Spec) *lattice.Model {
	t.Helper()
	m, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// bruteForce returns the Walsh coefficients (index: bitmask over the kept
// sites in increasing order) of ln w(s) = ln sum_{decimated} exp(-beta H(s)),
// by enumerating every configuration of the whole model with the model's own
// energy function: independent of the RBM construction.
func bruteForce(m *lattice.Model, beta float64, dec []bool) (kept []int, coef []float64) {
	var hid []int
	for i, d := range dec {
		if d {
			hid = append(hid, i)
		} else {
			kept = append(kept, i)
		}
	}
	tab := make([]float64, 1<<len(kept))
	s := make([]int8, m.N)
	terms := make([]float64, 1<<len(hid))
	for k := range tab {
		for a, i := range kept {
			s[i] = int8(2*(k>>a&1) - 1)
		}
		for h := range terms {
			for a, i := range hid {
				s[i] = int8(2*(h>>a&1) - 1)
			}
			terms[h] = -beta * m.Energy(s)
		}
		tab[k] = numeric.LogSumExp(terms)
	}
	rbm.WalshTransform(tab)
	return kept, tab
}

func checkAgainstBruteForce(t *testing.T, name string, m *lattice.Model, beta float64) {
	t.Helper()
	dec, err := Sublattice(m)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decimate(m, beta, dec)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	kept, coef := bruteForce(m, beta, dec)
	pos := map[int]int{}
	for a, i := range kept {
		pos[i] = a
	}
	got := make([]float64, len(coef))
	got[0] = d.Constant
	for _, c := range d.Couplings {
		mask := 0
		for _, i := range c.Sites {
			mask |= 1 << pos[i]
		}
		got[mask] += c.Value
	}
	var worst float64
	for s := range coef {
		worst = max(worst, math.Abs(got[s]-coef[s]))
	}
	if worst > 1e-12 {
		t.Errorf("%s: largest |c_S - brute force| = %.3g", name, worst)
	}
	t.Logf("%s: %d kept, %d terms, largest |c_S - brute force| = %.2g", name, len(kept), len(d.Couplings), worst)
}

func TestDecimationMatchesBruteForce(t *testing.T) {
	cases := []struct {
		name string
		spec lattice.Spec
		beta float64
	}{
		{"chain periodic 10, field", lattice.Spec{Kind: "chain", Size: "10", H: 0.3}, 0.7},
		{"chain periodic 9 (kept-kept bond)", lattice.Spec{Kind: "chain", Size: "9", H: -0.2}, 1.1},
		{"chain open 11 gaussian J and h", lattice.Spec{Kind: "chain", Size: "11", Boundary: "open", Disorder: "gaussian", Sigma: 0.8, HDisord: "gaussian", HSigma: 0.5, Seed: 3}, 0.9},
		{"chain periodic 2", lattice.Spec{Kind: "chain", Size: "2", H: 0.4}, 0.6},
		{"square 4x4 torus, field", lattice.Spec{Kind: "square", Size: "4x4", H: 0.25}, 0.44},
		{"square 4x4 torus, ±J, random fields", lattice.Spec{Kind: "square", Size: "4x4", Disorder: "pm", HDisord: "gaussian", HSigma: 0.7, Seed: 5}, 0.8},
		{"square 4x4 antiferromagnet", lattice.Spec{Kind: "square", Size: "4x4", J: f64(-1)}, 0.6},
		{"square 4x3 open", lattice.Spec{Kind: "square", Size: "4x3", Boundary: "open", Disorder: "gaussian", Sigma: 1, H: 0.1, Seed: 9}, 0.5},
		{"square 2x4 torus (doubled pairs)", lattice.Spec{Kind: "square", Size: "2x4", H: 0.2}, 0.7},
		{"square 4x3 periodic,open", lattice.Spec{Kind: "square", Size: "4x3", Boundary: "periodic,open", Disorder: "gaussian", Sigma: 0.5, Seed: 2}, 0.6},
		{"square 3x5 open", lattice.Spec{Kind: "square", Size: "3x5", Boundary: "open"}, 0.44},
	}
	for _, c := range cases {
		checkAgainstBruteForce(t, c.name, buildSpec(t, c.spec), c.beta)
	}
}

func TestDecimationRefusesDependentSet(t *testing.T) {
	m := buildSpec(t, lattice.Spec{Kind: "square", Size: "3x3"})
	dec, _ := Sublattice(m)
	if _, err := Decimate(m, 0.4, dec); err == nil || !strings.Contains(err.Error(), "independent") {
		t.Errorf("3x3 torus: error %v, want one about an independent set", err)
	}
	tri := buildSpec(t, lattice.Spec{Kind: "triangular", Size: "4x4"})
	if _, err := Sublattice(tri); err == nil {
		t.Error("triangular lattice: no error")
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.16g, want %.16g (diff %.2g)", what, got, want, got-want)
	}
}

func TestChainClosedForm(t *testing.T) {
	for _, kb := range [][2]float64{{0.7, 0.3}, {1.3, -0.4}, {-0.6, 0.2}, {0.4, 0}} {
		k, b := kb[0], kb[1]
		m := buildSpec(t, lattice.Spec{Kind: "chain", Size: "16", J: f64(k), H: b})
		dec, _ := Sublattice(m)
		d, err := Decimate(m, 1, dec)
		if err != nil {
			t.Fatal(err)
		}
		k2, b2, g := ChainStep(k, b)
		near(t, "K'", d.Coupling(4, 6), k2, 1e-14)
		near(t, "K' (wrap)", d.Coupling(0, 14), k2, 1e-14)
		near(t, "B'", d.Coupling(6), b2, 1e-14)
		near(t, "constant", d.Constant, 8*g, 1e-13)
		if want := 8 + 8*btoi(b != 0); len(d.Couplings) != want {
			t.Errorf("K=%v B=%v: %d terms, want %d", k, b, len(d.Couplings), want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSquareClosedForm(t *testing.T) {
	for _, k := range []float64{0.2, 0.44068679350977147, 1.0, -0.5} {
		m := buildSpec(t, lattice.Spec{Kind: "square", Size: "8x8", J: f64(k)})
		dec, _ := Sublattice(m)
		d, err := Decimate(m, 1, dec)
		if err != nil {
			t.Fatal(err)
		}
		k1, k2, k4, g := SquareCouplings(k)
		// site x + 8 y; (0,0) is kept, (1,0) decimated.
		near(t, "K1 (0,0)-(1,1)", d.Coupling(0, 9), k1, 1e-14)
		near(t, "K1 (0,0)-(7,1)", d.Coupling(0, 15), k1, 1e-14)
		near(t, "K2 (0,0)-(2,0)", d.Coupling(0, 2), k2, 1e-14)
		near(t, "K2 (0,0)-(0,2)", d.Coupling(0, 16), k2, 1e-14)
		near(t, "K4 around (1,0)", d.Coupling(0, 2, 9, 57), k4, 1e-14)
		near(t, "constant", d.Constant, 32*g, 1e-12)
		count := map[int]int{}
		for _, c := range d.Couplings {
			count[len(c.Sites)]++
		}
		// 32 kept sites: 64 NN pairs, 64 NNN pairs, 32 plaquettes, no fields.
		if count[1] != 0 || count[2] != 128 || count[4] != 32 || len(count) != 2 {
			t.Errorf("K=%v: terms by order %v, want 128 pairs and 32 plaquettes", k, count)
		}
	}
	// On the 4x4 torus the pair at distance 2 shares two decimated sites
	// (one each way round), so K2 doubles there while K1 and K4 do not.
	m := buildSpec(t, lattice.Spec{Kind: "square", Size: "4x4", J: f64(0.5)})
	dec, _ := Sublattice(m)
	d, _ := Decimate(m, 1, dec)
	k1, k2, k4, _ := SquareCouplings(0.5)
	near(t, "4x4 K1", d.Coupling(0, 5), k1, 1e-14)
	near(t, "4x4 K2", d.Coupling(0, 2), 2*k2, 1e-14)
	near(t, "4x4 K4", d.Coupling(0, 2, 5, 13), k4, 1e-14)
}

// Iterating the exact decimation of a periodic chain down to one spin gives
// its exact partition function.
func TestChainIteratedDecimationGivesLogZ(t *testing.T) {
	for _, c := range []struct {
		n    int
		k, b float64
	}{{64, 0.8, 0.2}, {48, 1.5, -0.1}, {37, 0.5, 0.3}} {
		m := buildSpec(t, lattice.Spec{Kind: "chain", Size: strconv.Itoa(c.n), J: f64(c.k), H: c.b})
		var lnz float64
		steps := 0
		for m.N > 1 {
			dec, err := Sublattice(m)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Decimate(m, 1, dec)
			if err != nil {
				t.Fatal(err)
			}
			lnz += d.Constant
			if m, err = d.Model(m.Geometry); err != nil {
				t.Fatal(err)
			}
			steps++
		}
		lnz += numeric.Log2Cosh(m.Fields[0])
		ex, err := transfer.Chain(c.n, c.k, c.b, 1, lattice.Periodic)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(lnz-ex.LnZ) > 1e-12*math.Abs(ex.LnZ) {
			t.Errorf("N=%d: ln Z by %d decimations %.16g, transfer %.16g", c.n, steps, lnz, ex.LnZ)
		}
	}
	// The closed-form recursion, to 2^20 spins.
	for _, kb := range [][2]float64{{0.8, 0.2}, {2, 0}, {0.3, -1}} {
		levels := 20
		f := ChainLogZPerSite(kb[0], kb[1], levels)
		ex, _ := transfer.Chain(1<<levels, kb[0], kb[1], 1, lattice.Periodic)
		n := float64(int(1) << levels)
		near(t, "ln Z/N (recursion vs transfer)", f, ex.LnZ/n, 1e-13)
	}
}

// The dense RBM of a decimation (package rbm) has the marginal
// -F(v) + sum_mu LogNorm_mu = ln w(v) (no direct bonds on a bipartite torus).
func TestDecimationRBMMarginal(t *testing.T) {
	m := buildSpec(t, lattice.Spec{Kind: "square", Size: "4x4", Disorder: "gaussian", Sigma: 0.6, HDisord: "pm", H: 0.3, Seed: 8})
	dec, _ := Sublattice(m)
	hl, err := Build(m, 0.7, dec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := hl.RBM()
	if err != nil {
		t.Fatal(err)
	}
	d := hl.Expand()
	n, nh := r.Dims()
	var lognorm float64
	for mu := range nh {
		lognorm += r.Hidden.LogNorm(mu)
	}
	v := make([]float64, n)
	var worst float64
	for k := range 1 << n {
		w := d.Constant
		for i := range v {
			v[i] = float64(2*(k>>i&1) - 1)
		}
		for _, c := range d.Couplings {
			p := c.Value
			for _, s := range c.Sites {
				p *= v[slices.Index(d.Kept, s)]
			}
			w += p
		}
		worst = max(worst, math.Abs(-r.FreeEnergy(v)+lognorm-w))
	}
	if worst > 1e-12 {
		t.Errorf("max |-F + sum LogNorm - ln w| = %v", worst)
	}
	big := buildSpec(t, lattice.Spec{Kind: "square", Size: "256x256"})
	dec, _ = Sublattice(big)
	if hl, err := Build(big, 0.4, dec); err != nil {
		t.Fatal(err)
	} else if _, err := hl.RBM(); err == nil {
		t.Error("dense RBM of 32768 x 32768 units: no error")
	}
}
