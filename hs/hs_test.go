package hs

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

func fp(x float64) *float64 { return &x }

func bond(i, j int, c float64) lattice.Bond { return lattice.Bond{I: i, J: j, Coupling: c} }

type instance struct {
	name  string
	spec  lattice.Spec
	betas []float64 // both sides of the critical point
}

func instances() []instance {
	return []instance{
		{"chain8-periodic-field", lattice.Spec{Kind: "chain", Size: "8", H: 0.3}, []float64{0.3, 1.5}},
		{"chain7-open", lattice.Spec{Kind: "chain", Size: "7", Boundary: "open", J: fp(0.8), H: -0.2}, []float64{0.5, 2}},
		{"square2x3-doubled", lattice.Spec{Kind: "square", Size: "2x3"}, []float64{0.3, 0.6}},
		{"torus4x4", lattice.Spec{Kind: "square", Size: "4x4"}, []float64{0.3, 0.6}},
		{"torus3x3-field", lattice.Spec{Kind: "square", Size: "3x3", H: 0.1}, []float64{0.3, 0.6}},
		{"triangular3x3", lattice.Spec{Kind: "triangular", Size: "3x3"}, []float64{0.2, 0.5}},
		{"afm-torus4x4", lattice.Spec{Kind: "square", Size: "4x4", J: fp(-1)}, []float64{0.3, 0.6}},
		{"afm-triangular3x4-field", lattice.Spec{Kind: "triangular", Size: "3x4", J: fp(-1), H: 0.4}, []float64{0.3, 1}},
		{"pmJ-torus4x3-randfield", lattice.Spec{Kind: "square", Size: "4x3", Disorder: "pm", HDisord: "gaussian", HSigma: 0.5, Seed: 7}, []float64{0.3, 1}},
		{"SK12-randfield", lattice.Spec{Kind: "complete", Size: "12", J: fp(0), Disorder: "gaussian", Sigma: 1, Scale: "sqrtn", HDisord: "gaussian", HSigma: 0.3, Seed: 3}, []float64{0.5, 1.8}},
	}
}

var configs = []Config{
	{},
	{Encoding: BernoulliEncoding},
	{Factor: Cholesky},
	{Factor: Cholesky, Encoding: BernoulliEncoding},
	{Shift: Shift{Mode: ShiftMin}},
	{Shift: Shift{Mode: ShiftMin}, Encoding: BernoulliEncoding},
	{Hidden: BondHidden},
	{Hidden: BondHidden, Encoding: BernoulliEncoding},
}

// TestMarginalEqualsIsing: for every instance, beta and construction, the
// RBM's visible marginal equals the Ising distribution state by state, and ln
// Z_RBM - ln Z_Ising equals the predicted offset.
func TestMarginalEqualsIsing(t *testing.T) {
	var worst, worstZ, worstTV float64
	defer func() {
		t.Logf("worst max|log p_RBM - log p_Ising| = %.3g, worst ln Z offset error = %.3g, worst TV = %.3g", worst, worstZ, worstTV)
	}()
	for _, in := range instances() {
		m, err := in.spec.Build()
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		for _, beta := range in.betas {
			for _, cfg := range configs {
				res, err := Build(m, beta, cfg)
				if err != nil {
					t.Fatalf("%s beta=%v %+v: %v", in.name, beta, cfg, err)
				}
				rep, err := Check(m, beta, res.RBM, res.LnZOffset)
				if err != nil {
					t.Fatal(err)
				}
				worst = math.Max(worst, rep.MaxAbsLogProbDiff)
				worstZ = math.Max(worstZ, rep.LnZOffsetError)
				worstTV = math.Max(worstTV, rep.TotalVariation)
				tol := 1e-10
				if rep.MaxAbsLogProbDiff > tol || rep.LnZOffsetError > tol*math.Max(1, math.Abs(rep.LnZIsing)) ||
					rep.KLIsingRBM > 1e-20 || rep.KLRBMIsing > 1e-20 || rep.TotalVariation > 1e-10 {
					t.Errorf("%s beta=%v hidden=%v enc=%v factor=%v shift=%v: %+v", in.name, beta, cfg.Hidden, cfg.Encoding, cfg.Factor, cfg.Shift, *rep)
				}
				if rep.KLIsingRBM < 0 || rep.KLRBMIsing < 0 {
					t.Errorf("negative KL %+v", *rep)
				}
			}
		}
	}
}

// TestBondHiddenGeneral checks the bond construction on a weighted edge list
// with couplings of both signs, zero and large magnitude.
func TestBondHiddenGeneral(t *testing.T) {
	bonds := []lattice.Bond{bond(0, 1, 1.3), bond(1, 2, -0.7), bond(2, 3, 0), bond(3, 0, 40), bond(0, 2, -25), bond(1, 3, 1e-9)}
	m, err := lattice.New(4, bonds, []float64{0.1, -0.2, 0.3, 0}, lattice.Geometry{Kind: lattice.KindEdges, Dims: []int{4}})
	if err != nil {
		t.Fatal(err)
	}
	for _, beta := range []float64{0, 0.1, 1} {
		for _, enc := range []Encoding{SpinEncoding, BernoulliEncoding} {
			res, err := Build(m, beta, Config{Hidden: BondHidden, Encoding: enc})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Check(m, beta, res.RBM, res.LnZOffset)
			if err != nil {
				t.Fatal(err)
			}
			if rep.MaxAbsLogProbDiff > 1e-10 || rep.LnZOffsetError > 1e-10*math.Max(1, math.Abs(rep.LnZIsing)) {
				t.Errorf("beta=%v enc=%v: %+v", beta, enc, *rep)
			}
		}
	}
	for _, k := range []float64{1e-12, 1e-5, 0.3, 1, 1.0001, 5, 300, 1000} {
		w := BondWeight(k)
		// cosh 2w - 1 = 2 sinh^2 w must equal e^{2K} - 1 (small K), ln cosh 2w = 2K (large K).
		if k < 1 {
			if d := numeric.RelDiff(2*math.Sinh(w)*math.Sinh(w), math.Expm1(2*k)); d > 1e-14 {
				t.Errorf("BondWeight(%v) = %v: cosh 2w - 1 rel error %g", k, w, d)
			}
		} else if d := numeric.RelDiff(numeric.LogCosh(2*w), 2*k); d > 1e-14 {
			t.Errorf("BondWeight(%v) = %v: ln cosh 2w = %v, want %v", k, w, numeric.LogCosh(2*w), 2*k)
		}
	}
}

// TestFewestHidden: the eigen factorization with shift min drops the zero
// modes: a 4x4 torus at zero field has a degenerate lowest eigenvalue of
// beta J (-4 beta, once), the complete graph (Curie-Weiss) N-1 of them.
func TestFewestHidden(t *testing.T) {
	m, _ := lattice.Complete(6, lattice.ScaleN)
	res, err := Build(m, 1, Config{Shift: Shift{Mode: ShiftMin}})
	if err != nil {
		t.Fatal(err)
	}
	if _, h := res.RBM.Dims(); h != 1 || res.Dropped != 5 {
		t.Errorf("complete graph: %d hidden units, %d dropped; want 1 and 5", h, res.Dropped)
	}
	res, _ = Build(m, 1, Config{})
	if _, h := res.RBM.Dims(); h != 6 {
		t.Errorf("auto shift keeps %d hidden units, want 6", h)
	}
	sq, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	res, _ = Build(sq, 0.5, Config{Shift: Shift{Mode: ShiftMin}})
	if _, h := res.RBM.Dims(); h != 15 {
		t.Errorf("4x4 torus: %d hidden units with shift min, want 15", h)
	}
	if math.Abs(res.Shift-2) > 1e-12 {
		t.Errorf("4x4 torus at beta 0.5: shift %v, want 2", res.Shift)
	}
	// beta = 0: A = 0 with shift min, a single unused hidden unit remains.
	res, err = Build(sq, 0, Config{Shift: Shift{Mode: ShiftMin}})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := Check(sq, 0, res.RBM, res.LnZOffset)
	if rep.MaxAbsLogProbDiff > 1e-12 || math.Abs(rep.LnZIsing-16*math.Ln2) > 1e-12 {
		t.Errorf("beta 0: %+v", *rep)
	}
}

// TestQuadrature: the continuum integral matches exact Z for N <= 3.
func TestQuadrature(t *testing.T) {
	x, lw, err := GaussHermite(30)
	if err != nil {
		t.Fatal(err)
	}
	// moments of the standard normal: E[x^2k] = (2k-1)!!
	for k, want := range []float64{1, 1, 3, 15, 105, 945} {
		var s float64
		for i := range x {
			s += math.Exp(lw[i]) * math.Pow(x[i], float64(2*k))
		}
		s /= math.Sqrt(2 * math.Pi)
		if numeric.RelDiff(s, want) > 1e-13 {
			t.Errorf("Gauss-Hermite moment %d: %v, want %v", 2*k, s, want)
		}
	}
	cases := []struct {
		name  string
		m     func() *lattice.Model
		betas []float64
	}{
		{"single-site", func() *lattice.Model {
			m, _ := lattice.New(1, nil, []float64{0.7}, lattice.Geometry{Kind: lattice.KindEdges, Dims: []int{1}})
			return m
		}, []float64{0.5, 2}},
		{"pair-afm", func() *lattice.Model {
			m, _ := lattice.New(2, []lattice.Bond{bond(0, 1, -1)}, []float64{0.2, -0.5}, lattice.Geometry{Kind: lattice.KindEdges, Dims: []int{2}})
			return m
		}, []float64{0.3, 1, 2}},
		{"triangle", func() *lattice.Model { m, _ := lattice.Chain(3, lattice.Periodic); return m }, []float64{0.2, 0.44, 1}},
		{"frustrated-triangle-field", func() *lattice.Model {
			m, _ := lattice.New(3, []lattice.Bond{bond(0, 1, -1), bond(1, 2, -0.5), bond(0, 2, 0.8)}, []float64{0.3, 0, -0.1}, lattice.Geometry{Kind: lattice.KindEdges, Dims: []int{3}})
			return m
		}, []float64{0.5, 1.5}},
	}
	for _, c := range cases {
		m := c.m()
		for _, beta := range c.betas {
			pi, err := transfer.LogProbabilities(m, beta)
			if err != nil {
				t.Fatal(err)
			}
			want := lnZFromTable(m, beta, pi)
			for _, sh := range []Shift{{Mode: ShiftAuto}, {Mode: ShiftMin}, {Mode: ShiftValue, Value: 3}} {
				got, err := ContinuumLogZ(m, beta, sh, 80)
				if err != nil {
					t.Fatal(err)
				}
				if d := numeric.RelDiff(got, want); d > 1e-12 {
					t.Errorf("%s beta=%v shift=%v: quadrature ln Z %.15g, exact %.15g (rel %g)", c.name, beta, sh, got, want, d)
				}
			}
		}
	}
	big, _ := lattice.Chain(4, lattice.Periodic)
	if _, err := ContinuumLogZ(big, 1, Shift{}, 20); err == nil || !strings.Contains(err.Error(), "N <= 3") {
		t.Errorf("ContinuumLogZ on 4 sites: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	sq, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	// lambda_min(beta J) = -4 beta = -2 at beta 0.5.
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Shift: Shift{Mode: ShiftValue, Value: 1.5}}, "not positive semidefinite: need c >= 2"},
		{Config{Shift: Shift{Mode: ShiftValue, Value: 2}, Factor: Cholesky}, "not positive definite as Cholesky needs"},
		{Config{Shift: Shift{Mode: ShiftMin}, Factor: Cholesky}, "Cholesky cannot factor"},
	} {
		_, err := Build(sq, 0.5, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Build %+v: error %v, want containing %q", c.cfg, err, c.want)
		}
	}
	if _, err := Build(sq, 0.5, Config{Shift: Shift{Mode: ShiftValue, Value: 2}}); err != nil {
		t.Errorf("shift exactly -lambda_min with eigen: %v", err)
	}
	if _, err := Build(sq, -1, Config{}); err == nil || !strings.Contains(err.Error(), ">= 0") {
		t.Errorf("negative beta: %v", err)
	}
	m25, _ := lattice.Chain(25, lattice.Periodic)
	res, err := Build(m25, 0.5, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Check(m25, 0.5, res.RBM, res.LnZOffset); err == nil || !strings.Contains(err.Error(), "at most N = 24") {
		t.Errorf("Check on 25 sites: %v", err)
	}
	for _, s := range []string{"x", "nan", "inf"} {
		if _, err := ParseShift(s); err == nil || !strings.Contains(err.Error(), "allowed auto, min or a finite number") {
			t.Errorf("ParseShift(%q): %v", s, err)
		}
	}
}

// TestMarginalN24 is the largest state-by-state check (2^24 states), opt-in.
func TestMarginalN24(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" {
		t.Skip("set ISINGRBM_LONG=1")
	}
	m, _ := lattice.Square(4, 6, lattice.Periodic, lattice.Periodic)
	for _, cfg := range []Config{{}, {Hidden: BondHidden, Encoding: BernoulliEncoding}} {
		res, err := Build(m, 0.4, cfg)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Check(m, 0.4, res.RBM, res.LnZOffset)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v: %+v", cfg, *rep)
		if rep.MaxAbsLogProbDiff > 1e-10 || rep.LnZOffsetError > 1e-10*math.Abs(rep.LnZIsing) {
			t.Errorf("%+v: %+v", cfg, *rep)
		}
	}
}
