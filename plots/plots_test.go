package plots

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/cmpimg"
	"gonum.org/v1/plot/vg"
)

// Golden images are small (4 x 3 inches at 96 dpi). Regenerate them with
//
//	go test ./plots/ -regen
//
// after a deliberate change, and look at every one before committing.
const goldW, goldH = 4 * vg.Inch, 3 * vg.Inch

// chainU is the energy per site of the periodic Ising chain in the limit N -> inf,
// u = -J tanh(beta J): a closed form used as test data.
func chainU(t float64) float64 { return -math.Tanh(1 / t) }

func temps(lo, hi float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return x
}

func golden(t *testing.T, name string, d Drawer) {
	t.Helper()
	cmpimg.CheckPlotApprox(func() {
		if _, err := SaveSize(d, filepath.Join("testdata", name), goldW, goldH, "png"); err != nil {
			t.Fatal(err)
		}
	}, t, 0.01, name+".png")
	if !t.Failed() {
		os.Remove(filepath.Join("testdata", name+".png"))
	}
}

func thermoFixture() ThermoPlot {
	ts := temps(0.5, 4, 36)
	ex := Series{Label: "exact N = ∞", X: ts}
	for _, t := range ts {
		ex.Y = append(ex.Y, chainU(t))
	}
	mcT := temps(0.75, 3.75, 7)
	mc := Series{Label: "Monte Carlo", X: mcT}
	for i, t := range mcT {
		mc.Y = append(mc.Y, chainU(t)+0.01*float64(i%3-1))
		mc.YErr = append(mc.YErr, 0.02)
	}
	lim := Series{Label: "ground state", X: []float64{0.5, 4}, Y: []float64{-1, -1}}
	return ThermoPlot{Title: "Ising chain", Quantity: Energy, Exact: []Series{ex}, Limit: []Series{lim}, MC: []Series{mc}, Tc: 2}
}

func TestGoldenThermo(t *testing.T) {
	p, err := Thermo(thermoFixture())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "thermo", p)
}

func TestGoldenZAgreement(t *testing.T) {
	rows := []ZMethods{
		{Lattice: "2x2", N: 4, Methods: []string{"enum", "transfer", "kaufman"}, LnZ: []float64{3, 3, 3 * (1 + 2e-16)}},
		{Lattice: "4x4", N: 16, Methods: []string{"enum", "transfer", "kaufman"}, LnZ: []float64{12, 12 * (1 + 4e-16), 12 * (1 - 1e-15)}},
	}
	p, err := ZAgreement("ln Z at T = 2", rows)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Title.Text, "0 is drawn at") {
		t.Errorf("title %q does not say where zeros are drawn", p.Title.Text)
	}
	golden(t, "zagree", p)
}

func TestGoldenHS(t *testing.T) {
	var x, y, d []float64
	for k := 0; k < 64; k++ {
		v := -float64(k%9) * 0.7
		e := float64(k%5-2) * Epsilon * 4
		x, y, d = append(x, v), append(y, v+e), append(d, e)
	}
	p, err := Equivalence("HS", "ln p_Ising", "ln p_RBM", x, y)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "equiv", p)
	h, err := DiffHistogram("HS differences", "ln p_RBM - ln p_Ising", d, 20)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "diffhist", h)
}

func TestGoldenHeatmapSnapshot(t *testing.T) {
	m := mat.NewDense(4, 3, []float64{1, -1, 0.5, 0, 2, -2, 0.25, 0, 0, -0.5, 1, 1.5})
	hm, err := Heatmap("W", "hidden unit μ", "visible unit i", "W_iμ", m)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "heatmap", hm)
	s := make([]int8, 6*4)
	for i := range s {
		s[i] = 1
		if (i*7)%5 < 2 {
			s[i] = -1
		}
	}
	sn, err := Snapshot("snapshot", s, 6, 4)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "snapshot", sn)
}

func TestGoldenCouplings(t *testing.T) {
	o := OrderNorms{Label: "Bernoulli", Order: []int{1, 2, 3, 4, 5, 6},
		Exact:     []float64{0.5, 0.1, 0, 1e-3, 0, 1e-5},
		Predicted: []float64{0.5, 0.11, 0, 1.2e-3, 0, math.NaN()}}
	p, err := CouplingsByOrder("couplings", "max |J_S|", []OrderNorms{o})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "couplings", p)
}

func TestFigureErrors(t *testing.T) {
	cases := []struct {
		name string
		f    Figure
		want string
	}{
		{"lengths", Figure{Series: []Series{{X: []float64{1, 2}, Y: []float64{1}}}}, "2 x values but 1 y values"},
		{"errlen", Figure{Series: []Series{{X: []float64{1}, Y: []float64{1}, YErr: []float64{1, 2}}}}, "2 errors for 1 points"},
		{"logy", Figure{LogY: true, Series: []Series{{X: []float64{1}, Y: []float64{0}}}}, "log axis"},
		{"logerr", Figure{LogY: true, Series: []Series{{X: []float64{1}, Y: []float64{1}, YErr: []float64{2}}}}, "reaches <= 0"},
		{"inf", Figure{Series: []Series{{X: []float64{1}, Y: []float64{math.Inf(1)}}}}, "infinite"},
		{"negerr", Figure{Series: []Series{{X: []float64{1}, Y: []float64{1}, YErr: []float64{-1}}}}, ">= 0"},
		{"empty", Figure{}, "no data"},
		{"nan only", Figure{Series: []Series{{X: []float64{math.NaN()}, Y: []float64{1}}}}, "no data"},
	}
	for _, c := range cases {
		_, err := XY(c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestSaveFormats(t *testing.T) {
	p, err := Thermo(thermoFixture())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "u")
	paths, err := Save(p, base, "png", "svg", "pdf")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 {
		t.Fatalf("wrote %v", paths)
	}
	magic := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF"}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ext := strings.TrimPrefix(filepath.Ext(p), ".")
		if !strings.HasPrefix(string(b), magic[ext]) {
			t.Errorf("%s starts with %q", p, b[:min(8, len(b))])
		}
	}
	if _, err := Save(p, base, "gif"); err == nil || !strings.Contains(err.Error(), "allowed png, svg, pdf") {
		t.Errorf("Save gif: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestParseQuantity(t *testing.T) {
	for _, q := range Quantities {
		if got, err := ParseQuantity(string(q)); err != nil || got != q {
			t.Errorf("ParseQuantity(%q) = %q, %v", q, got, err)
		}
		if q.Label() == string(q) {
			t.Errorf("quantity %q has no label", q)
		}
	}
	if _, err := ParseQuantity("energy"); err == nil || !strings.Contains(err.Error(), "allowed") {
		t.Errorf("ParseQuantity(energy): %v", err)
	}
}

func TestGoldenBinderConvergenceTraining(t *testing.T) {
	var curves []Series
	for k, l := range []float64{4, 8, 16} {
		s := Series{Label: fmt.Sprintf("L = %g", l), Style: LinePoints, Color: k, X: temps(2, 2.6, 7)}
		for _, x := range s.X {
			s.Y = append(s.Y, 0.61-0.3*math.Tanh(l*(x-2.27)/2))
			s.YErr = append(s.YErr, 0.01)
		}
		curves = append(curves, s)
	}
	p, err := BinderCrossing("Binder", curves, OnsagerTc, BinderStar)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "binder", p)

	conv := []Series{{Label: "T = 1.5", X: []float64{4, 8, 16, 32}, Y: []float64{0.043, 0.0108, 0.0027, 0.00068}},
		{Label: "T = 3.5", X: []float64{4, 8, 16, 32}, Y: []float64{6e-3, 1e-4, 1e-7, 0}},
		{Label: "ln 2/L²", Style: Dotted, Color: 2, X: []float64{4, 32}, Y: []float64{math.Ln2 / 16, math.Ln2 / 1024}}}
	c, err := Convergence("convergence", "L", "|Δ|", conv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Title.Text, "zeros omitted") {
		t.Errorf("title %q does not say a zero was omitted", c.Title.Text)
	}
	golden(t, "convergence", c)

	tr, err := Training("training", "KL (nats)", true, []Series{{Label: "T = 2.3", Style: LinePoints, X: []float64{5, 10, 15, 20}, Y: []float64{0.5, 0.3, 0.2, 0.15}}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "training", tr)
}
