package experiments

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

// checkLearningOutputs reads the learning tables written to dir and checks,
// against exact values computed here (not read from the tables), that every
// trained RBM with gaussian hidden units reproduces u, <|m|> and c within 4
// combined error bars (its own sampling error and the Monte Carlo error of
// its training data, which the maximum-likelihood model follows), with
// bounded error bars, and that the exact-likelihood RBMs of the KL study with
// 16 or more hidden units of either type reach KL <= maxKL.
func checkLearningOutputs(t *testing.T, dir string, maxKL float64) {
	t.Helper()
	rows := readCSV(t, filepath.Join(dir, "data", "learning_rbm_gibbs.csv"))
	data := map[string]map[string]string{}
	for _, r := range rows {
		if r["algorithm"] == "wolff-training" {
			data[r["size"]+"/"+r["beta"]] = r
		}
	}
	exact := map[string]*transfer.Result{}
	checked := 0
	for _, r := range rows {
		if !strings.Contains(r["algorithm"], "gaussian") {
			continue
		}
		key := r["size"] + "/" + r["beta"]
		ex, ok := exact[key]
		if !ok {
			var lx, ly int
			fmt.Sscanf(r["size"], "%dx%d", &lx, &ly)
			m, err := lattice.Square(lx, ly, lattice.Periodic, lattice.Periodic)
			if err != nil {
				t.Fatal(err)
			}
			res, err := transfer.Compute(context.Background(), m, []float64{num(t, r["beta"])}, "transfer-m", transfer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ex = res[0]
			exact[key] = ex
		}
		d, ok := data[key]
		if !ok {
			t.Fatalf("no training-data row for %s", key)
		}
		for _, q := range []struct {
			name, col string
			ref       float64
			maxErr    float64
		}{
			{"u", "energy_per_site", ex.Energy, 0.01}, {"|m|", "abs_magnetization_per_site", ex.AbsMagnetization, 0.01}, {"c", "heat_capacity_per_site", ex.HeatCapacity, 0.03},
		} {
			got, e, ed := num(t, r[q.col]), num(t, r[q.col+"_error"]), num(t, d[q.col+"_error"])
			if !(e > 0 && e < q.maxErr) {
				t.Errorf("%s T=%s %s: %s error bar %v, want in (0, %v)", r["size"], r["temperature"], r["algorithm"], q.name, e, q.maxErr)
			}
			if s := math.Hypot(e, ed); math.Abs(got-q.ref) > 4*s {
				t.Errorf("%s T=%s %s: %s = %.5g ± %.2g (data ± %.2g), exact %.5g: %.1f combined sigma", r["size"], r["temperature"], r["algorithm"], q.name, got, e, ed, q.ref, math.Abs(got-q.ref)/s)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no trained RBM with gaussian hidden units in learning_rbm_gibbs.csv")
	}
	kl := filepath.Join(dir, "data", "learning_kl.csv")
	if _, err := os.Stat(kl); err != nil {
		return
	}
	n := 0
	for _, r := range readCSV(t, kl) {
		if r["study"] != "hidden" || num(t, r["hidden"]) < 16 {
			continue
		}
		n++
		if v := num(t, r["kl"]); !(v >= 0 && v <= maxKL) {
			t.Errorf("KL with %s %s hidden units: %v, want <= %v", r["hidden"], r["hidden_type"], v, maxKL)
		}
	}
	if n == 0 {
		t.Error("learning_kl.csv has no model with >= 16 hidden units")
	}
}

// A small learning study in the default test run: 3x3 torus at two
// temperatures, 9 gaussian hidden units (exact likelihood), RBM observables
// against exact values, and the tables' deviations consistent with them.
func TestLearningSmall(t *testing.T) {
	src := `name = "learning-small"
seed = 2
[lattice]
kind = "square"
size = "3x3"
[learning]
T = [2.0, 3.0]
hidden = [9]
samples = 20000
gibbs_chains = 64
gibbs_sweeps = 1000
`
	s, err := Parse([]byte(src), "learning-small.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := runSpec(t, s)
	checkLearningOutputs(t, dir, 0)
	// The deviations table agrees with the observables table and the exact values.
	for _, r := range readCSV(t, filepath.Join(dir, "data", "learning_deviations.csv")) {
		if r["observable"] != "energy_per_site" || !strings.HasPrefix(r["model"], "rbm-trained") {
			continue
		}
		v, e, x := num(t, r["mean"]), num(t, r["error"]), num(t, r["exact"])
		if d := num(t, r["deviation_sigma"]); math.Abs(d-(v-x)/e) > 1e-9*math.Max(1, math.Abs(d)) {
			t.Errorf("deviation_sigma %v, recomputed %v", d, (v-x)/e)
		}
	}
}

// The targets of the learning issue on the 8x8 torus (long: about two
// minutes): 50000 Wolff samples, 64 hidden units, rbm train's defaults; the
// sampled RBM's u and <|m|> within 1 % of exact, c within 3 % at T = 1.8,
// 2.27 and 3.0 (measured: c +2.0, +0.9, +0.1 %; without the default L1
// penalty on the couplings c was 7.8 % high at T = 1.8).
func TestLearningIsing8x8(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" {
		t.Skip("set ISINGRBM_LONG=1")
	}
	m, _ := lattice.Square(8, 8, lattice.Periodic, lattice.Periodic)
	for _, c := range []struct {
		T, relC float64
	}{{1.8, 0.03}, {2.27, 0.03}, {3.0, 0.03}} {
		r := &run{ctx: context.Background(), spec: &Spec{Seed: 11}, man: &Manifest{}}
		beta := 1 / c.T
		data, _, err := r.learnSamples(m, beta, 50000, 2, fmt.Sprintf("t/%g", c.T))
		if err != nil {
			t.Fatal(err)
		}
		model, _, err := learnTrain(context.Background(), data, 64, "auto", "auto", 0, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := model.SampleIsing(context.Background(), m, beta, rbm.GibbsConfig{Chains: 200, Sweeps: 2000, Start: data, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := transfer.Compute(context.Background(), m, []float64{beta}, "transfer-m", transfer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			name     string
			got, ref float64
			rel      float64
		}{
			{"u", res.Energy.Mean, ex[0].Energy, 0.01}, {"|m|", res.AbsMagnetization.Mean, ex[0].AbsMagnetization, 0.01},
			{"c", res.HeatCapacity.Mean, ex[0].HeatCapacity, c.relC},
		} {
			d := math.Abs(q.got-q.ref) / math.Abs(q.ref)
			t.Logf("T = %g %s: %.5g, exact %.5g (%.2f %%)", c.T, q.name, q.got, q.ref, 100*d)
			if d > q.rel {
				t.Errorf("T = %g %s: %.5g, exact %.5g (%.2f %%, allowed %.0f %%)", c.T, q.name, q.got, q.ref, 100*d, 100*q.rel)
			}
		}
	}
}
