package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

// TestRBMSampleMatchesExact: the RBM exported by 'hs' and sampled by 'rbm
// sample' reproduces the exact 4x4 torus observables within 4 sigma.
func TestRBMSampleMatchesExact(t *testing.T) {
	dir := t.TempDir()
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	for _, c := range []struct {
		beta string
		hs   []string
	}{
		{"0.3", []string{"--encoding", "bernoulli"}},
		{"0.55", []string{"--hidden", "bond"}},
	} {
		path := filepath.Join(dir, "m"+c.beta+".json")
		if _, _, err := execApp(append([]string{"hs", "--size", "4x4", "--beta", c.beta, "--export", path}, c.hs...)...); err != nil {
			t.Fatal(err)
		}
		out, _, err := execApp("rbm", "sample", "--model", path, "--size", "4x4", "--beta", c.beta, "--sweeps", "60000", "--chains", "2", "--seed", "3", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var o mc.Output
		if err := json.Unmarshal([]byte(out), &o); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if o.Algorithm != "rbm-gibbs" || len(o.Results) != 1 || o.Results[0].Measurements != 120000 {
			t.Fatalf("output layout: %+v", o)
		}
		tr := o.Results[0]
		beta := tr.Beta
		ex, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			name   string
			e      mc.Estimate
			exact  float64
			maxErr float64 // about 3x the error bars measured
		}{
			{"energy", tr.Energy, ex.Energy, 0.01},
			{"|m|", tr.AbsMagnetization, ex.AbsMagnetization, 0.01},
			{"m2", tr.M2, ex.M2, 0.01},
			{"c", tr.HeatCapacity, ex.HeatCapacity, 0.05},
			{"binder", tr.Binder, ex.Binder, 0.02},
		} {
			if !(q.e.Error > 0 && q.e.Error < q.maxErr) {
				t.Errorf("beta %s %s: error bar %v, want in (0, %v)", c.beta, q.name, q.e.Error, q.maxErr)
			}
			z := (q.e.Mean - q.exact) / q.e.Error
			t.Logf("beta %s %s: %.5f ± %.5f, exact %.5f (z = %.2f)", c.beta, q.name, q.e.Mean, q.e.Error, q.exact, z)
			if !(math.Abs(z) < 4) {
				t.Errorf("beta %s %s: %v ± %v, exact %v (%.1f sigma)", c.beta, q.name, q.e.Mean, q.e.Error, q.exact, z)
			}
		}
	}
}

func TestRBMSampleErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if _, _, err := execApp("hs", "--size", "3x3", "--beta", "0.3", "--export", good); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.json", `{"visible": {"type": "spin", "bias": [0, 0]`)
	mism := write("mism.json", `{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2], [3]]}`)
	gauss := write("gauss.json", `{"visible": {"type": "gaussian", "bias": [0, 0], "sigma": [1, 1]}, "hidden": {"type": "spin", "bias": [0]}, "weights": [[1], [2]]}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--size", "3x3", "--beta", "0.3"}, `--model is required`},
		{[]string{"--model", filepath.Join(dir, "none.json"), "--size", "3x3", "--beta", "0.3"}, "--model: open"},
		{[]string{"--model", bad, "--size", "3x3", "--beta", "0.3"}, "model JSON: unexpected EOF"},
		{[]string{"--model", mism, "--size", "3x3", "--beta", "0.3"}, "weights has 3 rows: need one per visible unit (2)"},
		{[]string{"--model", gauss, "--size", "3x3", "--beta", "0.3"}, "visible layer is gaussian: need spin or bernoulli"},
		{[]string{"--model", good, "--size", "4x4", "--beta", "0.3"}, "the RBM has 9 visible units but the lattice (--lattice square --size 4x4) has 16 sites"},
		{[]string{"--model", good, "--size", "3x3"}, "give the temperature"},
		{[]string{"--model", good, "--size", "3x3", "--beta", "0.3", "--sweeps", "0"}, "--sweeps 0: allowed 2.."},
		{[]string{"--model", good, "--size", "3x3", "--beta", "0.3", "--thermalize", "-2"}, "--thermalize -2: allowed 0.."},
		{[]string{"--model", good, "--size", "3x3", "--beta", "0.3", "--chains", "0"}, "--chains 0: allowed 1..4096"},
	} {
		wantError(t, c.want, append([]string{"rbm", "sample"}, c.args...)...)
	}
	// Same seed, same numbers (Seconds aside).
	run := func() mc.TempResult {
		out, _, err := execApp("rbm", "sample", "--model", good, "--size", "3x3", "--beta", "0.3", "--sweeps", "500", "--seed", "9", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var o mc.Output
		json.Unmarshal([]byte(out), &o)
		r := o.Results[0]
		r.Seconds = 0
		return r
	}
	a, b := run(), run()
	if a.Energy != b.Energy || a.M2 != b.M2 {
		t.Errorf("same seed gave different results: %+v vs %+v", a.Energy, b.Energy)
	}
	out, _, err := execApp("rbm", "sample", "--model", good, "--size", "3x3", "--beta", "0.3", "--sweeps", "500")
	if err != nil || !strings.Contains(out, "energy_per_site") {
		t.Errorf("text output: %v\n%s", err, out)
	}
}

// --save-samples writes every --sample-every-th state of every chain as
// ±1 snapshots; --start reads initial states; --seconds=false makes the JSON
// byte-reproducible; the same seed gives the same bytes.
func TestRBMSampleSaveStartReproducible(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if _, _, err := execApp("hs", "--size", "3x3", "--beta", "0.3", "--export", model); err != nil {
		t.Fatal(err)
	}
	samples := filepath.Join(dir, "s.npy")
	args := []string{"rbm", "sample", "--model", model, "--size", "3x3", "--beta", "0.3", "--sweeps", "100", "--chains", "4",
		"--save-samples", samples, "--sample-every", "10", "--seconds=false", "--json"}
	first, _, err := execApp(args...)
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := execApp(args...)
	if err != nil || first != second {
		t.Fatalf("same seed, different output (%v)", err)
	}
	x, err := rbm.LoadData(samples)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 4*10 || c != 9 {
		t.Fatalf("saved samples %d x %d, want 40 x 9", r, c)
	}
	for i := 0; i < 40; i++ {
		for j := 0; j < 9; j++ {
			if v := x.At(i, j); v != 1 && v != -1 {
				t.Fatalf("sample value %v", v)
			}
		}
	}
	// The saved samples start new chains.
	if _, _, err := execApp("rbm", "sample", "--model", model, "--size", "3x3", "--beta", "0.3", "--sweeps", "50", "--start", samples); err != nil {
		t.Fatal(err)
	}
	// A Hubbard–Stratonovich model is that beta's: another --beta is refused.
	wantError(t, "Hubbard–Stratonovich RBM of beta = 0.3", "rbm", "sample", "--model", model, "--size", "3x3", "--beta", "0.5")
	wantError(t, "--sample-every: only with --save-samples", "rbm", "sample", "--model", model, "--size", "3x3", "--beta", "0.3", "--sample-every", "3")
}
