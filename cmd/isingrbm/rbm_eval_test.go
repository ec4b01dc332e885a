package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
)

type rbmEvalJSON struct {
	Visible     int             `json:"visible"`
	LogZMethod  string          `json:"log_z_method"`
	LogZ        json.RawMessage `json:"log_z"`
	LogLik      *float64        `json:"log_likelihood"`
	LogLikLower *float64        `json:"log_likelihood_lower"`
	LogLikUpper *float64        `json:"log_likelihood_upper"`
	PLL         *float64        `json:"pseudo_log_likelihood"`
	KL          *float64        `json:"kl_exact_model"`
	KLRev       *float64        `json:"kl_model_exact"`
	Observables *struct {
		Ising, RBM map[string]float64
	} `json:"observables"`
}

// The Hubbard–Stratonovich RBM of a 4-site ring is exactly the Ising ring:
// KL = 0 and identical observables; AIS brackets the exact ln Z.
func TestRBMEvalExactAndAIS(t *testing.T) {
	dir := t.TempDir()
	p := rbmTestModel(t, dir, "hs.json", hsRingModel(t, 0.3))
	data := filepath.Join(dir, "d.csv")
	rbmWriteTestFile(t, data, "1,1,1,1\n-1,-1,1,1\n1,-1,1,-1\n")
	out, _, err := execApp("rbm", "eval", "--model", p, "--data", data, "--lattice", "chain", "--size", "4", "--beta", "0.3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ex rbmEvalJSON
	if err := json.Unmarshal([]byte(out), &ex); err != nil {
		t.Fatal(err, out)
	}
	var lz float64
	if err := json.Unmarshal(ex.LogZ, &lz); err != nil || ex.LogZMethod != "exact" {
		t.Fatalf("log_z %s (%s): want a number", ex.LogZ, ex.LogZMethod)
	}
	if ex.KL == nil || *ex.KL > 1e-12 || *ex.KLRev > 1e-12 {
		t.Errorf("KL %v / %v, want 0", ex.KL, ex.KLRev)
	}
	for k, v := range ex.Observables.Ising {
		if math.Abs(v-ex.Observables.RBM[k]) > 1e-10 {
			t.Errorf("%s: ising %v rbm %v", k, v, ex.Observables.RBM[k])
		}
	}
	// Exact ring: ln p(all up) = 4K - ln Z_ring, Z_ring = (2 cosh K)^4 + (2 sinh K)^4.
	K := 0.3
	zr := math.Log(math.Pow(2*math.Cosh(K), 4) + math.Pow(2*math.Sinh(K), 4))
	want := ((4*K - zr) + (0 - zr) + (-4*K - zr)) / 3
	if ex.LogLik == nil || math.Abs(*ex.LogLik-want) > 1e-12 {
		t.Errorf("log_likelihood %v, want %v", ex.LogLik, want)
	}

	out, _, err = execApp("rbm", "eval", "--model", p, "--data", data, "--log-z", "ais", "--ais-steps", "500", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ais rbmEvalJSON
	if err := json.Unmarshal([]byte(out), &ais); err != nil {
		t.Fatal(err)
	}
	var br struct{ Estimate, Lower, Upper float64 }
	if err := json.Unmarshal(ais.LogZ, &br); err != nil || ais.LogZMethod != "ais" {
		t.Fatalf("log_z %s: want an object", ais.LogZ)
	}
	if !(br.Lower <= lz && lz <= br.Upper) {
		t.Errorf("exact ln Z %v outside the AIS bracket [%v, %v]", lz, br.Lower, br.Upper)
	}
	if !(*ais.LogLikLower <= *ex.LogLik && *ex.LogLik <= *ais.LogLikUpper) {
		t.Errorf("log-likelihood %v outside [%v, %v]", *ex.LogLik, *ais.LogLikLower, *ais.LogLikUpper)
	}
	out, _, err = execApp("rbm", "eval", "--model", p, "--size", "2x2", "--beta", "0.3")
	if err != nil || !strings.Contains(out, "KL(Ising || RBM)") {
		t.Errorf("text output: %v\n%s", err, out)
	}
}

func TestRBMEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	p := rbmTestModel(t, dir, "hs.json", hsRingModel(t, 0.3))
	wide := filepath.Join(dir, "wide.csv")
	rbmWriteTestFile(t, wide, "1,1,1\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", p, "--data", wide}, "samples have 3 units, the model has 4 visible units"},
		{[]string{"--model", p, "--size", "3x3", "--beta", "0.3"}, "the lattice has 9 sites but the model has 4 visible units"},
		{[]string{"--model", p, "--beta", "0.3,0.4", "--size", "2x2"}, "give one temperature"},
		{[]string{"--model", p, "--log-z", "magic"}, "--log-z"},
		{[]string{"--model", p, "--log-z", "ais", "--ais-runs", "1"}, "--ais-runs 1: must be >= 2"},
		{[]string{"--model", p, "--exact-max", "40"}, "--exact-max 40: allowed 0..30"},
	} {
		wantError(t, c.want, append([]string{"rbm", "eval"}, c.args...)...)
	}
}

func rbmWriteTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// log_z_joint = ln sum_{v,h} exp(-E) (rbm.LogZJoint); for N > 24 the RBM's
// observables are sampled and compared with the exact torus values: the
// Hubbard–Stratonovich RBM of the 6x6 torus agrees within 4 sigma, with
// bounded error bars.
func TestRBMEvalLogZJointAndSampled(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	if _, _, err := execApp("hs", "--size", "3x3", "--beta", "0.3", "--export", small, "--hidden", "bond"); err != nil {
		t.Fatal(err)
	}
	out, _, err := execApp("rbm", "eval", "--model", small, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		LogZ      float64 `json:"log_z"`
		LogZJoint float64 `json:"log_z_joint"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(small)
	r, err := rbm.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := r.LogZJoint()
	if math.Abs(res.LogZJoint-want) > 1e-12*math.Abs(want) || math.Abs(res.LogZJoint-res.LogZ) < 1 {
		t.Errorf("log_z_joint %v, rbm.LogZJoint %v (log_z %v)", res.LogZJoint, want, res.LogZ)
	}

	big := filepath.Join(dir, "big.json")
	if _, _, err := execApp("hs", "--size", "6x6", "--beta", "0.35", "--export", big); err != nil {
		t.Fatal(err)
	}
	out, _, err = execApp("rbm", "eval", "--model", big, "--size", "6x6", "--beta", "0.35", "--chains", "64", "--sweeps", "2000", "--ais-steps", "100", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Sampled *struct {
			RBM            mc.TempResult      `json:"rbm"`
			IsingMethod    string             `json:"ising_method"`
			DeviationSigma map[string]float64 `json:"deviation_sigma"`
		} `json:"sampled"`
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil || ev.Sampled == nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(ev.Sampled.DeviationSigma) != 5 || ev.Sampled.IsingMethod == "" {
		t.Fatalf("deviations %v by %q", ev.Sampled.DeviationSigma, ev.Sampled.IsingMethod)
	}
	for k, z := range ev.Sampled.DeviationSigma {
		if math.Abs(z) > 4 {
			t.Errorf("%s: %.1f sigma from exact", k, z)
		}
	}
	if e := ev.Sampled.RBM.Energy.Error; !(e > 0 && e < 0.01) {
		t.Errorf("energy error bar %v, want in (0, 0.01)", e)
	}
}

// A model whose free energy overflows (weights 1e308) is refused, naming
// the file; so is a hidden layer too large for the memory budget.
func TestRBMModelOverflowAndBudget(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.json")
	os.WriteFile(p, []byte(`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "spin", "bias": [0]}, "weights": [[1e308], [1e308]]}`), 0o644)
	wantError(t, "overflows the free energy", "rbm", "eval", "--model", p)
	data := filepath.Join(dir, "d.csv")
	os.WriteFile(data, []byte("1,-1\n-1,1\n"), 0o644)
	wantError(t, "--hidden", "rbm", "train", "--data", data, "--hidden", "100000000000", "--out", filepath.Join(dir, "m.json"))
}

// Flags that cannot take effect are refused: lattice flags without a
// temperature in rbm eval, an empty --formats in run.
func TestFlagsWithoutEffect(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.json")
	if _, _, err := execApp("hs", "--size", "2x2", "--beta", "0.3", "--export", m); err != nil {
		t.Fatal(err)
	}
	wantError(t, "lattice flags without --beta or --T", "rbm", "eval", "--model", m, "--size", "4x")
	wantError(t, "--formats ''", "run", "--formats", "", "--out", filepath.Join(dir, "o"), filepath.Join("..", "..", "experiments", "quickstart.toml"))
}
