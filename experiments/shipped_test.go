package experiments

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func runShipped(t *testing.T, name string) (string, *Manifest) {
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
	dir := t.TempDir()
	man, err := Run(context.Background(), s, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return dir, man
}

// TestExactZNumbers: the exact methods agree to a few ulps on every torus,
// and Kaufman's ln Z/N approaches Onsager as ln 2/L^2 below T_c and
// exponentially fast above.
func TestExactZNumbers(t *testing.T) {
	dir, man := runShipped(t, "exact-z")
	if d := man.Checks["exact_z_max_rel_diff"]; !(d <= 4*2.220446049250313e-16) {
		t.Errorf("largest relative difference of ln Z between methods %g, want <= 4 eps", d)
	}
	rows := readCSV(t, filepath.Join(dir, "data", "exact_z.csv"))
	if len(rows) != 9*3*4 {
		t.Errorf("%d exact_z rows, want 9 sizes x 3 T x 4 methods", len(rows))
	}
	for _, r := range readCSV(t, filepath.Join(dir, "data", "exact_z_convergence.csv")) {
		l, d := num(t, r["L"]), num(t, r["diff"])
		switch r["T"] {
		case "1.5":
			if l >= 64 && math.Abs(d*l*l/math.Ln2-1) > 0.01 {
				t.Errorf("T = 1.5, L = %v: L^2 (ln Z_L/N - ln Z_inf/N) = %v, want ln 2 within 1%%", l, d*l*l)
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
	dir, man := runShipped(t, "hs-equivalence")
	rows := readCSV(t, filepath.Join(dir, "data", "hs.csv"))
	if len(rows) != 4 {
		t.Fatalf("%d hs rows, want 2 models x 2 hidden kinds", len(rows))
	}
	for _, r := range rows {
		if d := num(t, r["max_abs_log_prob_diff"]); !(d < 1e-12) {
			t.Errorf("%s %s: max |ln p_RBM - ln p_Ising| = %g", r["model"], r["hidden"], d)
		}
		if kl := num(t, r["kl_ising_rbm"]); !(math.Abs(kl) < 1e-20) {
			t.Errorf("%s %s: KL = %g", r["model"], r["hidden"], kl)
		}
	}
	if d := man.Checks["hs_continuum_rel_diff"]; !(d < 1e-13) {
		t.Errorf("continuum quadrature with 32 nodes: relative difference %g", d)
	}
}

// TestCumulantNumbers: Gaussian hidden units give pairwise couplings only
// (truncation error at K >= 2 at rounding level); the Bernoulli and spin
// series converge for these small weights.
func TestCumulantNumbers(t *testing.T) {
	dir, _ := runShipped(t, "cumulants")
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
	for _, name := range []string{"thermodynamics", "rbm-sampling", "learning"} {
		t.Run(name, func(t *testing.T) {
			dir, _ := runShipped(t, name)
			exact := map[string]map[string]string{}
			for _, r := range readCSV(t, filepath.Join(dir, "data", "exact.csv")) {
				exact[r["size"]+"/"+r["T"]] = r
			}
			files := map[string]string{"thermodynamics": "mc.csv", "rbm-sampling": "rbm_sampling.csv", "learning": "learning_rbm_gibbs.csv"}
			tol := 4.0
			if name == "learning" {
				tol = 0.05 // a trained model: relative accuracy, not sampling error
			}
			for _, r := range readCSV(t, filepath.Join(dir, "data", files[name])) {
				ex, ok := exact[r["size"]+"/"+r["T"]]
				if !ok {
					continue
				}
				v, e, x := num(t, r["u"]), num(t, r["u_err"]), num(t, ex["u"])
				if name == "learning" {
					if math.Abs(v-x) > tol*math.Abs(x) {
						t.Errorf("T=%s: trained RBM u = %.4g, exact %.4g", r["T"], v, x)
					}
				} else if math.Abs(v-x) > tol*e {
					t.Errorf("%s %s T=%s: u = %.5g ± %.2g, exact %.5g", r["algorithm"], r["size"], r["T"], v, e, x)
				}
			}
		})
	}
}
