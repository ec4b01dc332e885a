package rg

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

func TestInteractionsOfSimpleStates(t *testing.T) {
	l := 8
	n := float64(l * l)
	up := make([]int8, l*l)
	cb := make([]int8, l*l)
	for i := range up {
		up[i] = 1
		cb[i] = int8(1 - 2*((i%l+i/l)%2))
	}
	var s [nOps]float64
	interactions(up, l, &s)
	want := [nOps]float64{2 * n, 2 * n, 2 * n, n, 4 * n, 2 * n, n, 4 * n, 2 * n}
	if s != want {
		t.Errorf("all up: %v, want %v", s, want)
	}
	interactions(cb, l, &s)
	// Checkerboard: odd distances (nn, knight) antiparallel; plaquette +1;
	// three-spin products of a plaquette sum to zero over the lattice.
	want = [nOps]float64{-2 * n, 2 * n, 2 * n, n, -4 * n, 2 * n, 0, 0, 0}
	if s != want {
		t.Errorf("checkerboard: %v, want %v", s, want)
	}
}

func TestBlockMajority(t *testing.T) {
	// 4x4 -> 2x2: blocks with sums 4, -2, 2 and 0 (a tie).
	s := []int8{
		1, 1, -1, -1,
		1, 1, -1, 1,
		1, -1, 1, -1,
		1, 1, -1, 1,
	}
	r := rng.NewRand(3, 1)
	dst := make([]int8, 4)
	var ups int
	for range 2000 {
		BlockMajority(dst, s, 4, r)
		if dst[0] != 1 || dst[1] != -1 || dst[2] != 1 {
			t.Fatalf("blocks %v, want [1 -1 1 ±1]", dst)
		}
		if dst[3] == 1 {
			ups++
		}
	}
	// Fair coin: 1000 ± 22.
	if math.Abs(float64(ups)-1000) > 5*math.Sqrt(500) {
		t.Errorf("tie broken up %d times in 2000", ups)
	}
}

func checkMCRG(t *testing.T, c MCRGConfig, ytTol, yhTol, ytErr, yhErr float64) *MCRGResult {
	t.Helper()
	res, err := MCRG(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Levels {
		t.Logf("L=%d level %d (side %d): y_t = %.4f ± %.4f, y_h = %.4f ± %.4f", c.L, l.Level, l.Side, l.YT.Mean, l.YT.Error, l.YH.Mean, l.YH.Error)
		if d := math.Abs(l.YT.Mean - 1); d > ytTol+4*l.YT.Error || l.YT.Error > ytErr {
			t.Errorf("level %d: y_t = %.4f ± %.4f: want 1 within %.3g + 4 sigma, error < %.3g", l.Level, l.YT.Mean, l.YT.Error, ytTol, ytErr)
		}
		if d := math.Abs(l.YH.Mean - 1.875); d > yhTol+4*l.YH.Error || l.YH.Error > yhErr {
			t.Errorf("level %d: y_h = %.4f ± %.4f: want 1.875 within %.3g + 4 sigma, error < %.3g", l.Level, l.YH.Mean, l.YH.Error, yhTol, yhErr)
		}
	}
	t.Logf("%.2f s, %d clusters per sweep", res.Seconds, res.Clusters)
	return res
}

// A quick run on 16x16: loose bounds (finite size, short run) that still
// catch a wrong block rule or a wrong matrix orientation.
func TestMCRGQuick(t *testing.T) {
	checkMCRG(t, MCRGConfig{L: 16, Levels: 2, Sweeps: 4000, Seed: 11}, 0.12, 0.02, 0.08, 0.006)
}

// The target run: 64x64 at T_c, 3 levels; y_t within 5% of 1 and y_h within
// 2% of 15/8 at every level.
func TestMCRGLong(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" {
		t.Skip("set ISINGRBM_LONG=1 for the 64x64 MCRG run (minutes)")
	}
	checkMCRG(t, MCRGConfig{L: 64, Levels: 3, Sweeps: 50000, Seed: 7}, 0.05, 0.0375, 0.03, 0.01)
}

func TestMCRGConfigErrors(t *testing.T) {
	for _, c := range []MCRGConfig{{L: 0}, {L: 24, Levels: 3}, {L: 16, Levels: 3}, {L: 16, Bins: 1}, {L: 16, Sweeps: 5, Bins: 10}, {L: 16, Beta: -1}, {L: 1 << 20}, {L: 16, Dim: 4}, {L: 512, Dim: 3}} {
		if _, err := MCRG(context.Background(), c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestInteractions3OfSimpleStates(t *testing.T) {
	l := 6
	n := float64(l * l * l)
	up := make([]int8, l*l*l)
	cb := make([]int8, l*l*l)
	for i := range up {
		x, y, z := i%l, (i/l)%l, i/(l*l)
		up[i] = 1
		cb[i] = int8(1 - 2*((x+y+z)%2))
	}
	var s [nOps]float64
	interactions3(up, l, &s)
	want := [nOps]float64{3 * n, 6 * n, 4 * n, 3 * n, 3 * n, 12 * n, n, 12 * n, 3 * n}
	if s != want {
		t.Errorf("all up: %v, want %v", s, want)
	}
	interactions3(cb, l, &s)
	// Checkerboard: odd distances (nn, body diagonal, (2,1,0)) antiparallel.
	want = [nOps]float64{-3 * n, 6 * n, -4 * n, 3 * n, 3 * n, -12 * n, 0, 0, 0}
	if s != want {
		t.Errorf("checkerboard: %v, want %v", s, want)
	}
}

func TestBlockMajority3(t *testing.T) {
	// 4x4x4 -> 2x2x2: block (0,0,0) sum +2, block (1,0,0) sum -4, block
	// (1,1,1) a tie (sum 0), the others +8.
	l := 4
	s := make([]int8, l*l*l)
	for i := range s {
		s[i] = 1
	}
	at := func(x, y, z int) *int8 { return &s[x+l*(y+l*z)] }
	*at(0, 0, 0), *at(1, 1, 1), *at(0, 1, 0) = -1, -1, -1 // block (0,0,0): 5 up, 3 down
	for _, p := range [][3]int{{2, 0, 0}, {3, 0, 0}, {2, 1, 0}, {3, 1, 0}, {2, 0, 1}, {3, 0, 1}} {
		*at(p[0], p[1], p[2]) = -1 // block (1,0,0): 2 up, 6 down
	}
	for _, p := range [][3]int{{2, 2, 2}, {3, 2, 2}, {2, 3, 2}, {3, 3, 2}} {
		*at(p[0], p[1], p[2]) = -1 // block (1,1,1): a tie
	}
	r := rng.NewRand(3, 1)
	dst := make([]int8, 8)
	var ups int
	for range 2000 {
		BlockMajority3(dst, s, l, r)
		if dst[0] != 1 || dst[1] != -1 || dst[2] != 1 || dst[6] != 1 {
			t.Fatalf("blocks %v, want [1 -1 1 1 1 1 1 ±1]", dst)
		}
		if dst[7] == 1 {
			ups++
		}
	}
	if math.Abs(float64(ups)-1000) > 5*math.Sqrt(500) {
		t.Errorf("tie broken up %d times in 2000", ups)
	}
}

func checkMCRG3(t *testing.T, c MCRGConfig, ytTol, yhTol float64) *MCRGResult {
	t.Helper()
	c.Dim = 3
	res, err := MCRG(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Levels {
		t.Logf("%d^3 level %d (side %d): y_t = %.4f ± %.4f, y_h = %.4f ± %.4f", c.L, l.Level, l.Side, l.YT.Mean, l.YT.Error, l.YH.Mean, l.YH.Error)
		if d := math.Abs(l.YT.Mean - YT3D); d > ytTol+4*l.YT.Error {
			t.Errorf("level %d: y_t = %.4f ± %.4f: want %v within %.3g + 4 sigma", l.Level, l.YT.Mean, l.YT.Error, YT3D, ytTol)
		}
		if d := math.Abs(l.YH.Mean - YH3D); d > yhTol+4*l.YH.Error {
			t.Errorf("level %d: y_h = %.4f ± %.4f: want %v within %.3g + 4 sigma", l.Level, l.YH.Mean, l.YH.Error, YH3D, yhTol)
		}
	}
	t.Logf("%.2f s, %d clusters per sweep", res.Seconds, res.Clusters)
	return res
}

// A quick 3D run on 8^3 (one level, side 4): loose bounds that catch a
// wrong block rule (blocks of 4 of the 8 spins give y_h = 2.65).
func TestMCRG3DQuick(t *testing.T) {
	checkMCRG3(t, MCRGConfig{L: 8, Levels: 1, Sweeps: 2000, Bins: 10, Seed: 5}, 0.25, 0.05)
}

// The 3D target run: 32^3 at beta_c = 0.221654626, 3 levels (a few minutes
// on one core); loose bounds around 1/nu = 1.5874 and y_h = 2.4819.
func TestMCRG3DLong(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" {
		t.Skip("set ISINGRBM_LONG=1 for the 32^3 MCRG run (minutes)")
	}
	checkMCRG3(t, MCRGConfig{L: 32, Levels: 3, Sweeps: 10000, Seed: 7}, 0.15, 0.04)
}
