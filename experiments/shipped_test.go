package experiments

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
)

func parseShipped(t *testing.T, name string) *Spec {
	t.Helper()
	src, err := os.ReadFile(name + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(src, name+".toml")
	if err != nil {
		t.Fatal(err)
	}
	s.Figures.Formats = []string{"png"}
	return s
}

func runSpec(t *testing.T, s *Spec) (string, *Manifest) {
	t.Helper()
	dir := t.TempDir()
	man, err := Run(context.Background(), s, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSchemaDir(t, dir)
	return dir, man
}

func runShipped(t *testing.T, name string) (string, *Manifest, *Spec) {
	t.Helper()
	s := parseShipped(t, name)
	dir, man := runSpec(t, s)
	return dir, man, s
}

// manifestCheck returns man.Checks[key], failing the test if the key is
// missing (a missing key must not read as a passing 0).
func manifestCheck(t *testing.T, man *Manifest, key string) float64 {
	t.Helper()
	v, ok := man.Checks[key]
	if !ok {
		t.Fatalf("manifest has no check %q (has %v)", key, man.Checks)
	}
	return v
}

// relDiff is |a-b|/max(|a|,|b|), written out here rather than taken from
// the code under test.
func relDiff(a, b float64) float64 {
	s := math.Max(math.Abs(a), math.Abs(b))
	if s < 1e-300 {
		return math.Abs(a - b)
	}
	return math.Abs(a-b) / s
}

// checkExactZ recomputes, from data/exact_z.csv, the largest relative
// difference of ln Z between each method and the first one at every size and
// temperature, requires every method at every point, and requires the
// manifest to report that value.
func checkExactZ(t *testing.T, dir string, man *Manifest, methods []string) float64 {
	t.Helper()
	lnz := map[string]map[string]float64{} // size/T -> method -> ln Z
	for _, r := range readCSV(t, filepath.Join(dir, "data", "exact_z.csv")) {
		k := r["size"] + "/" + r["temperature"]
		if lnz[k] == nil {
			lnz[k] = map[string]float64{}
		}
		lnz[k][r["method"]] = num(t, r["ln_z"])
	}
	if len(lnz) == 0 {
		t.Fatal("exact_z.csv has no rows")
	}
	worst := 0.0
	for k, byMethod := range lnz {
		ref, ok := byMethod[methods[0]]
		if !ok {
			t.Fatalf("%s: no %s row", k, methods[0])
		}
		for _, me := range methods {
			v, ok := byMethod[me]
			if !ok {
				t.Fatalf("%s: no %s row", k, me)
			}
			worst = math.Max(worst, relDiff(v, ref))
		}
	}
	if got := manifestCheck(t, man, "exact_z_max_rel_diff"); got != worst {
		t.Errorf("manifest exact_z_max_rel_diff = %g, the data give %g", got, worst)
	}
	return worst
}

// testIsingLogProbs returns ln p(s) of m at beta for every state k (s_i = +1 iff
// bit i of k is set), from lattice.Model.Energy and a log-sum-exp, independently
// of package transfer.
func testIsingLogProbs(m *lattice.Model, beta float64) []float64 {
	n := m.N
	lw := make([]float64, 1<<n)
	s := make([]int8, n)
	mx := math.Inf(-1)
	for k := range lw {
		for i := range s {
			s[i] = int8(2*((k>>i)&1) - 1)
		}
		lw[k] = -beta * m.Energy(s)
		mx = math.Max(mx, lw[k])
	}
	var z float64
	for _, w := range lw {
		z += math.Exp(w - mx)
	}
	lnZ := mx + math.Log(z)
	for k := range lw {
		lw[k] -= lnZ
	}
	return lw
}

// checkHS recomputes the Hubbard–Stratonovich checks from the data files:
// for every row of data/hs.csv with a state file, ln p_RBM(s) from the file
// against ln p_Ising(s) computed here; the continuum integral's last (largest)
// node count against the closed form of the periodic 3-ring. Both must be
// within the bounds and reported by the manifest.
func checkHS(t *testing.T, dir string, s *Spec, man *Manifest, maxDiff, maxCont float64) {
	t.Helper()
	models, labels, err := s.Models()
	if err != nil {
		t.Fatal(err)
	}
	byLabel := map[string]*lattice.Model{}
	for k, m := range models {
		byLabel[labels[k]] = m
	}
	for i, ls := range s.HS.Extra {
		m, err := ls.Build()
		if err != nil {
			t.Fatal(err)
		}
		byLabel[fmt.Sprintf("extra%d", i+1)] = m
	}
	rows := readCSV(t, filepath.Join(dir, "data", "hs.csv"))
	if len(rows) != len(byLabel)*len(s.HS.Hidden) {
		t.Fatalf("%d hs rows, want %d models x %d hidden kinds", len(rows), len(byLabel), len(s.HS.Hidden))
	}
	worst := 0.0
	for _, r := range rows {
		m := byLabel[r["model"]]
		if m == nil {
			t.Fatalf("hs.csv: unknown model %q", r["model"])
		}
		beta := 1 / s.HS.T
		if b := num(t, r["beta"]); math.Abs(b-beta) > 1e-15 {
			t.Fatalf("%s: beta %v, spec T = %v", r["model"], b, s.HS.T)
		}
		want := testIsingLogProbs(m, beta)
		states := readCSV(t, filepath.Join(dir, "data", "hs_"+r["model"]+"_"+r["hidden"]+"_states.csv"))
		if len(states) != len(want) {
			t.Fatalf("%s %s: %d state rows, want 2^%d", r["model"], r["hidden"], len(states), m.N)
		}
		d := 0.0
		for _, st := range states {
			k, err := strconv.Atoi(st["state"])
			if err != nil || k < 0 || k >= len(want) {
				t.Fatalf("state %q", st["state"])
			}
			d = math.Max(d, math.Abs(num(t, st["log_p_rbm"])-want[k]))
		}
		if !(d < maxDiff) {
			t.Errorf("%s %s: max |ln p_RBM - ln p_Ising| = %g, want < %g", r["model"], r["hidden"], d, maxDiff)
		}
		if rd := num(t, r["max_abs_log_prob_diff"]); math.Abs(rd-d) > maxDiff {
			t.Errorf("%s %s: hs.csv says max diff %g, the state file %g", r["model"], r["hidden"], rd, d)
		}
		worst = math.Max(worst, d)
	}
	if got := manifestCheck(t, man, "hs_max_abs_log_prob_diff"); math.Abs(got-worst) > maxDiff {
		t.Errorf("manifest hs_max_abs_log_prob_diff = %g, the data give %g", got, worst)
	}
	c := s.HS.Continuum
	if c == nil {
		return
	}
	if c.Kind != "chain" || c.Size != "3" || (c.Boundary != "" && c.Boundary != "periodic") || c.J != nil || c.H != 0 || c.Disorder != "" {
		t.Fatalf("continuum model %+v: the test knows only the periodic 3-ring with J = 1, h = 0", *c)
	}
	cont := readCSV(t, filepath.Join(dir, "data", "hs_continuum.csv"))
	if len(cont) == 0 {
		t.Fatal("hs_continuum.csv has no rows")
	}
	beta := 1 / s.HS.T
	exact := math.Log(math.Pow(2*math.Cosh(beta), 3) + math.Pow(2*math.Sinh(beta), 3))
	last := cont[len(cont)-1]
	d := relDiff(num(t, last["ln_z_quadrature"]), exact)
	if !(d < maxCont) {
		t.Errorf("continuum HS with %s nodes: ln Z %s, exact %v: relative difference %g, want < %g", last["nodes"], last["ln_z_quadrature"], exact, d, maxCont)
	}
	if got := manifestCheck(t, man, "hs_continuum_rel_diff"); math.Abs(got-d) > 4e-16 {
		t.Errorf("manifest hs_continuum_rel_diff = %g, the data give %g", got, d)
	}
}

// TestExactZNumbers: the exact methods agree to a few ulps on every torus,
// and Kaufman's ln Z/N approaches Onsager as ln 2/L^2 below T_c and
// exponentially fast above.
func TestExactZNumbers(t *testing.T) {
	dir, man, s := runShipped(t, "exact-z")
	if d := checkExactZ(t, dir, man, s.ExactZ.Methods); !(d <= 4*2.220446049250313e-16) {
		t.Errorf("largest relative difference of ln Z between methods %g, want <= 4 eps", d)
	}
	rows := readCSV(t, filepath.Join(dir, "data", "exact_z.csv"))
	if len(rows) != 9*3*4 {
		t.Errorf("%d exact_z rows, want 9 sizes x 3 T x 4 methods", len(rows))
	}
	for _, r := range readCSV(t, filepath.Join(dir, "data", "exact_z_convergence.csv")) {
		l, d, a := num(t, r["L"]), num(t, r["free_energy_per_site_diff"]), num(t, r["l2_free_energy_per_site_diff"])
		if math.Abs(a-d*l*l) > 1e-12*math.Abs(a) {
			t.Errorf("L = %v: l2_free_energy_per_site_diff %v, want L^2 x %v", l, a, d)
		}
		switch r["temperature"] {
		case "1.5":
			// both ordered states: f_L - f_inf -> -T ln 2 / L^2
			if l >= 64 && math.Abs(a/(-1.5*math.Ln2)-1) > 0.01 {
				t.Errorf("T = 1.5, L = %v: L^2 (f_L - f_inf) = %v, want -T ln 2 within 1%%", l, a)
			}
		case "3.5":
			if l >= 64 && math.Abs(d) > 1e-14 {
				t.Errorf("T = 3.5, L = %v: difference %g from Onsager, want < 1e-14", l, d)
			}
		}
	}
}

// TestHSEquivalenceNumbers: both RBMs of both models reproduce ln p_Ising to
// 1e-12 on every state, KL ~ 0, and the quadrature converges to 1e-13.
func TestHSEquivalenceNumbers(t *testing.T) {
	dir, man, s := runShipped(t, "hs-equivalence")
	rows := readCSV(t, filepath.Join(dir, "data", "hs.csv"))
	if len(rows) != 4 {
		t.Fatalf("%d hs rows, want 2 models x 2 hidden kinds", len(rows))
	}
	for _, r := range rows {
		if kl := num(t, r["kl_ising_rbm"]); !(math.Abs(kl) < 1e-20) {
			t.Errorf("%s %s: KL = %g", r["model"], r["hidden"], kl)
		}
	}
	checkHS(t, dir, s, man, 1e-12, 1e-13)
}

// TestCumulantNumbers: Gaussian hidden units give pairwise couplings only
// (truncation error at K >= 2 at rounding level); the Bernoulli and spin
// series converge for these small weights.
func TestCumulantNumbers(t *testing.T) {
	dir, _, _ := runShipped(t, "cumulants")
	last := map[string]float64{}
	first := map[string]float64{}
	for _, r := range readCSV(t, filepath.Join(dir, "data", "cumulant_truncation.csv")) {
		k, e := num(t, r["truncation_order"]), num(t, r["max_abs_error_all_orders"])
		if r["hidden_type"] == "gaussian" && k >= 2 && e > 1e-14 {
			t.Errorf("gaussian hidden, K = %v: truncation error %g, want rounding only", k, e)
		}
		if k == 1 {
			first[r["hidden_type"]] = e
		}
		last[r["hidden_type"]] = e
	}
	for _, ht := range []string{"bernoulli", "spin"} {
		if !(last[ht] < first[ht]/50) {
			t.Errorf("%s hidden: truncation error %g at K = 1, %g at K = 10: series does not converge", ht, first[ht], last[ht])
		}
	}
}

// TestLongShipped runs the slower shipped experiments (about a minute).
func TestLongShipped(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" {
		t.Skip("set ISINGRBM_LONG=1")
	}
	t.Run("learning", func(t *testing.T) {
		dir, _, _ := runShipped(t, "learning")
		checkLearningOutputs(t, dir, 0.01)
	})
	t.Run("rg", func(t *testing.T) {
		dir, man, _ := runShipped(t, "rg")
		checkRGOutputs(t, dir, man, 0.05, 0.0375)
	})
	for _, name := range []string{"thermodynamics", "rbm-sampling"} {
		t.Run(name, func(t *testing.T) {
			dir, _, _ := runShipped(t, name)
			exact := map[string]map[string]string{}
			for _, r := range readCSV(t, filepath.Join(dir, "data", "exact.csv")) {
				exact[r["size"]+"/"+r["temperature"]] = r
			}
			files := map[string]string{"thermodynamics": "mc.csv", "rbm-sampling": "rbm_sampling.csv"}
			tol := 4.0
			for _, r := range readCSV(t, filepath.Join(dir, "data", files[name])) {
				ex, ok := exact[r["size"]+"/"+r["temperature"]]
				if !ok {
					continue
				}
				v, e, x := num(t, r["energy_per_site"]), num(t, r["energy_per_site_error"]), num(t, ex["energy_per_site"])
				if math.Abs(v-x) > tol*e {
					t.Errorf("%s %s T=%s: u = %.5g ± %.2g, exact %.5g", r["algorithm"], r["size"], r["temperature"], v, e, x)
				}
			}
		})
	}
}
