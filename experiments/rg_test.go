package experiments

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rgSmall is a scaled-down rg.toml (a few seconds).
const rgSmall = `
name = "rg-small"
seed = 3
[lattice]
kind = "square"
size = "16x16"
[rg]
levels = 2
sweeps = 3000
bins = 10
stack_size = 8
stack_samples = 400
stack_epochs = 5
flow_T = [1.5]
flow_steps = 3
flow_samples = 50
hopfield_neurons = 100
hopfield_patterns = [5]
hopfield_T = [0.3, 1.5]
hopfield_sweeps = 1000
hopfield_realizations = 1
`

// checkRGOutputs checks the outputs of an [rg] run against known values:
// the fixed points of the truncated maps, y_t and y_h of MCRG within ytTol
// and yhTol (+ 4 sigma) of the exact 1 and 15/8 from level 2 on, Hopfield
// retrieval at the lowest temperature and load.
func checkRGOutputs(t *testing.T, dir string, man *Manifest, ytTol, yhTol float64) {
	t.Helper()
	for key, want := range map[string]float64{"rg_flow_lowest_K_star": 1.0 / 3, "rg_flow_lowest_L_star": 1.0 / 9,
		"rg_flow_lncosh_K_star": 0.507, "rg_flow_lncosh_L_star": 0.169} {
		if v := manifestCheck(t, man, key); math.Abs(v-want) > 1e-3 {
			t.Errorf("%s = %v, want %v", key, v, want)
		}
	}
	rows := readCSV(t, filepath.Join(dir, "data", "rg_mcrg.csv"))
	if len(rows) < 2 {
		t.Fatalf("rg_mcrg.csv: %d rows, want >= 2 levels", len(rows))
	}
	for _, r := range rows[1:] {
		yt, yte, yh, yhe := num(t, r["y_t"]), num(t, r["y_t_error"]), num(t, r["y_h"]), num(t, r["y_h_error"])
		t.Logf("MCRG level %s: y_t = %.4f ± %.4f, y_h = %.4f ± %.4f", r["level"], yt, yte, yh, yhe)
		if math.Abs(yt-1) > ytTol+4*yte || !(yte > 0) {
			t.Errorf("level %s: y_t = %v ± %v: want 1 within %v + 4 sigma", r["level"], yt, yte, ytTol)
		}
		if math.Abs(yh-1.875) > yhTol+4*yhe {
			t.Errorf("level %s: y_h = %v ± %v: want 1.875 within %v + 4 sigma", r["level"], yh, yhe, yhTol)
		}
	}
	hop := readCSV(t, filepath.Join(dir, "data", "rg_hopfield.csv"))
	lo := hop[0]
	if m, e := num(t, lo["max_abs_overlap"]), num(t, lo["max_abs_overlap_error"]); num(t, lo["temperature"]) > 0.35 || m+3*e < 0.9 {
		t.Errorf("Hopfield at T = %s, P/N = %s: max |m_mu| = %v ± %v: want retrieval > 0.9", lo["temperature"], lo["load"], m, e)
	}
	for _, f := range []string{"rg_flow", "rg_hopfield", "rg_stack_fields_layer1", "rg_stack_locality", "rg_stack_flow"} {
		if _, err := os.Stat(filepath.Join(dir, "figures", f+".png")); err != nil {
			t.Errorf("figure %s.png: %v", f, err)
		}
	}
}

func TestRGSmall(t *testing.T) {
	s, err := Parse([]byte(rgSmall), "rg-small.toml")
	if err != nil {
		t.Fatal(err)
	}
	s.Figures.Formats = []string{"png"}
	dir, man := runSpec(t, s)
	checkRGOutputs(t, dir, man, 0.15, 0.03)
	hop := readCSV(t, filepath.Join(dir, "data", "rg_hopfield.csv"))
	if hi := hop[len(hop)-1]; num(t, hi["max_abs_overlap"]) > 0.35 {
		t.Errorf("Hopfield at T = %s: max |m_mu| = %s: want < 0.35 (paramagnet)", hi["temperature"], hi["max_abs_overlap"])
	}
	t.Logf("wall times %v", man.WallSeconds)
}

func TestRGSpecErrors(t *testing.T) {
	base := "name = \"x\"\n[lattice]\nkind = \"square\"\nsize = \"32\"\n"
	for _, c := range []struct{ src, key string }{
		{strings.Replace(base, "square", "triangular", 1) + "[rg]\n", "lattice"},
		{base + "[rg]\nlevels = 11\n", "rg.levels"},
		{base + "[rg]\nlevels = 4\n", "lattice.size"},
		{base + "[rg]\nhopfield_T = [-1]\n", "rg.hopfield_T"},
		{base + "[rg]\nhopfield_patterns = [0]\n", "rg.hopfield_patterns"},
		{base + "[rg]\nflow_T = [1000]\n", "rg.flow_T"},
		{base + "[rg]\nstack_size = 2\n", "rg.stack_size"},
		{base + "[rg]\nsweeps = 5\nbins = 2\n", "rg.sweeps"},
		{base + "[rg]\nbogus = 1\n", "rg.bogus"},
		{strings.Replace(base, "size = \"32\"", "size = \"32\"\nJ = 2", 1) + "[rg]\n", "lattice"},
	} {
		_, err := Parse([]byte(c.src), "x.toml")
		var se *SpecError
		if err == nil || !errors.As(err, &se) || se.Key != c.key {
			t.Errorf("%q: error %v, want one at key %s", c.src, err, c.key)
		}
	}
}
