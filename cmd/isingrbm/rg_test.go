package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/rg"
)

func TestRGDecimateJSON(t *testing.T) {
	out, _, err := execApp("rg", "decimate", "--lattice", "chain", "--size", "8", "--beta", "0.7", "--h", "0.1", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Kept      []int   `json:"kept"`
		Constant  float64 `json:"constant"`
		Couplings []struct {
			Sites []int   `json:"sites"`
			Value float64 `json:"value"`
		} `json:"couplings"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err, out)
	}
	k2, b2, g := rg.ChainStep(0.7, 0.07)
	if len(d.Kept) != 4 || d.Kept[1] != 2 || len(d.Couplings) != 8 {
		t.Fatalf("kept %v, %d couplings: want [0 2 4 6] and 8", d.Kept, len(d.Couplings))
	}
	for _, c := range d.Couplings {
		want := b2
		if len(c.Sites) == 2 {
			want = k2
		}
		if math.Abs(c.Value-want) > 1e-14 {
			t.Errorf("c%v = %v, want %v", c.Sites, c.Value, want)
		}
	}
	if math.Abs(d.Constant-4*g) > 1e-13 {
		t.Errorf("constant %v, want %v", d.Constant, 4*g)
	}
	txt, _, err := execApp("rg", "decimate", "--size", "4x4", "--T", "2.5")
	if err != nil || !strings.Contains(txt, "8 kept sites") || !strings.Contains(txt, "\n4      0 2 5 13 ") {
		t.Errorf("text output (err %v):\n%s", err, txt)
	}
}

func TestRGBadInput(t *testing.T) {
	wantError(t, "rg needs chain or square", "rg", "decimate", "--lattice", "cubic", "--size", "4", "--beta", "1")
	wantError(t, "independent", "rg", "decimate", "--size", "5x5", "--beta", "1")
	wantError(t, "more than", "rg", "decimate", "--size", "65536x65536", "--beta", "1")
	wantError(t, "more than", "rg", "decimate", "--size", "1024x1024", "--beta", "1")
	wantError(t, "one temperature", "rg", "decimate", "--size", "4x4", "--beta", "1,2")
	wantError(t, "--beta", "rg", "decimate", "--size", "4x4")
	_, _, code := execBinary(t, "rg", "decimate", "--size", "4x", "--beta", "1")
	if code != 1 {
		t.Errorf("bad size: exit %d, want 1", code)
	}
}

func TestRGFlowJSON(t *testing.T) {
	out, _, err := execApp("rg", "flow", "--json", "--K", "1", "--B", "0", "--steps", "3")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Square []rg.FixedPointResult `json:"square"`
		Chain  []rg.Point            `json:"chain"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Square) != 2 || f.Square[0].Rule != "lowest" || math.Abs(f.Square[0].Fixed.K-1.0/3) > 1e-15 {
		t.Errorf("square fixed points %+v", f.Square)
	}
	if len(f.Chain) != 4 || math.Abs(math.Tanh(f.Chain[1].K)-math.Pow(math.Tanh(1), 2)) > 1e-15 {
		t.Errorf("chain trajectory %+v", f.Chain)
	}
	wantError(t, "--rule", "rg", "flow", "--rule", "cubic")
	wantError(t, "--steps", "rg", "flow", "--K", "1", "--steps", "0")
}

func TestRGMCRGJSON(t *testing.T) {
	out, _, err := execApp("rg", "mcrg", "--size", "16", "--levels", "2", "--sweeps", "2000", "--seed", "3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Levels []struct {
			Level int
			YT    struct{ Mean, Error float64 } `json:"y_t"`
			YH    struct{ Mean, Error float64 } `json:"y_h"`
		} `json:"levels"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Levels) != 2 || r.Levels[1].Level != 2 {
		t.Fatalf("levels %+v", r.Levels)
	}
	for _, l := range r.Levels {
		if math.Abs(l.YH.Mean-1.875) > 0.03 || !(l.YH.Error > 0) || math.Abs(l.YT.Mean-1) > 0.3 {
			t.Errorf("level %d: y_t %+v, y_h %+v", l.Level, l.YT, l.YH)
		}
	}
	wantError(t, "--size", "rg", "mcrg", "--size", "24", "--levels", "3")
	wantError(t, "--size", "rg", "mcrg", "--size", "16x8")
	wantError(t, "--levels", "rg", "mcrg", "--size", "16", "--levels", "0")
	wantError(t, "--bins", "rg", "mcrg", "--size", "16", "--levels", "2", "--bins", "1")
	wantError(t, "--thermalize", "rg", "mcrg", "--size", "16", "--thermalize", "-1")
}

// A Hopfield network of P patterns is an RBM with P Gaussian hidden units.
func TestRGHopfieldHS(t *testing.T) {
	out, _, err := execApp("hs", "--lattice", "hopfield", "--size", "12", "--patterns", "3", "--shift", "min", "--check", "--beta", "1", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Hidden int     `json:"hidden"`
		Shift  float64 `json:"shift"`
		Diff   float64 `json:"max_abs_log_prob_diff"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Hidden != 3 || math.Abs(r.Shift-0.25) > 1e-13 || r.Diff > 1e-10 {
		t.Errorf("hidden %d (want 3), shift %v (want beta P/N = 0.25), max |ln p diff| %v", r.Hidden, r.Shift, r.Diff)
	}
	wantError(t, "--patterns", "lattice", "--lattice", "hopfield", "--size", "12")
	wantError(t, "--patterns", "lattice", "--size", "4x4", "--patterns", "2")
}

func TestRGMCRGCubic(t *testing.T) {
	out, _, err := execApp("rg", "mcrg", "--lattice", "cubic", "--size", "8x8x8", "--levels", "1", "--sweeps", "500", "--bins", "10", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res rg.MCRGResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err, out)
	}
	if res.Dim != 3 || res.Beta != rg.KcCubic || len(res.Levels) != 1 || res.Levels[0].Side != 4 || len(res.Even) != 6 {
		t.Fatalf("got dim %d, beta %v, %d levels: want 3, %v, 1", res.Dim, res.Beta, len(res.Levels), rg.KcCubic)
	}
	if y := res.Levels[0].YH.Mean; math.Abs(y-rg.YH3D) > 0.1 {
		t.Errorf("y_h = %v, want near %v", y, rg.YH3D)
	}
	for _, c := range []struct{ args []string }{
		{[]string{"--lattice", "cubic", "--size", "8x8"}},
		{[]string{"--lattice", "triangular"}},
		{[]string{"--lattice", "cubic", "--size", "512"}},
	} {
		_, _, err := execApp(append([]string{"rg", "mcrg"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), "--") {
			t.Errorf("%v: error %v, want one naming the flag", c.args, err)
		}
	}
}
