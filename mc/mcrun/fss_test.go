package mcrun

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/isingrbm/isingrbm/mc"
)

// fssStudy runs Wolff on L = 8, 16, 32 at three or four temperatures each,
// reweights to a common grid and runs mc.FSS; scale multiplies the sweeps.
func fssStudy(t *testing.T, scale int) *mc.FSSResult {
	ctx := context.Background()
	var grid []float64
	for T := 2.23; T <= 2.31+1e-9; T += 0.004 {
		grid = append(grid, T)
	}
	var curves []mc.FSSCurve
	for i, s := range []struct {
		l      int
		temps  []float64
		sweeps int
	}{
		{8, []float64{2.15, 2.25, 2.35}, 10000},
		{16, []float64{2.2, 2.26, 2.32}, 6000},
		{32, []float64{2.23, 2.27, 2.31}, 3000},
	} {
		var betas []float64
		for _, T := range s.temps {
			betas = append(betas, 1/T)
		}
		r, err := Run(ctx, torus(t, s.l), Config{Algorithm: mc.Wolff, Betas: betas, Sweeps: s.sweeps * scale, Thermalize: 1000, Seed: uint64(20 + i)})
		if err != nil {
			t.Fatal(err)
		}
		pts, err := mc.Reweight(ctx, s.l*s.l, r.Histograms(), grid)
		if err != nil {
			t.Fatalf("L = %d: %v", s.l, err)
		}
		curves = append(curves, mc.FSSCurve{L: s.l, Points: pts})
	}
	res, err := mc.FSS(curves, mc.FSSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const tc2D = 2.269185314213022 // 2/ln(1+sqrt 2)

// checkFSS requires the 16/32 crossing and gamma/nu (at the crossing) to be
// within tol of the exact values and within 4 reported sigma (plus the
// expected finite-size shift), and the reported errors below bounds.
func checkFSS(t *testing.T, r *mc.FSSResult, tolT, tolG, maxErrT, maxErrG float64) {
	t.Helper()
	c := r.Crossings[len(r.Crossings)-1]
	if c.Sizes != [2]int{16, 32} {
		t.Fatalf("last crossing is of %v", c.Sizes)
	}
	g := r.Exponents.GammaOverNu
	t.Logf("crossing 16/32 %.5f ± %.5f, gamma/nu %.4f ± %.4f, 1/nu %.3f ± %.3f, beta/nu %.4f ± %.4f", c.Temperature.Mean, c.Temperature.Error,
		g.Mean, g.Error, r.Exponents.OneOverNu.Mean, r.Exponents.OneOverNu.Error, r.Exponents.BetaOverNu.Mean, r.Exponents.BetaOverNu.Error)
	if d := math.Abs(c.Temperature.Mean - tc2D); d > tolT || d > 4*c.Temperature.Error+0.002 || c.Temperature.Error > maxErrT {
		t.Errorf("crossing 16/32 at %.5f ± %.5f, T_c = %.6f (tolerance %g, error bound %g)", c.Temperature.Mean, c.Temperature.Error, tc2D, tolT, maxErrT)
	}
	if d := math.Abs(g.Mean - 1.75); d > tolG || g.Error > maxErrG {
		t.Errorf("gamma/nu %.4f ± %.4f, exact 7/4 (tolerance %g, error bound %g)", g.Mean, g.Error, tolG, maxErrG)
	}
	if d := math.Abs(r.Exponents.OneOverNu.Mean - 1); d > 0.2 {
		t.Errorf("1/nu %.3f ± %.3f, exact 1", r.Exponents.OneOverNu.Mean, r.Exponents.OneOverNu.Error)
	}
}

// TestFSSQuick is the default-run version of the study (about 1 s): it
// still fails for a wrong crossing or a wrong fit.
func TestFSSQuick(t *testing.T) {
	checkFSS(t, fssStudy(t, 1), 0.02, 0.12, 0.01, 0.05)
}

// TestFSSLong is the target study, about a minute: crossing within 0.01 of
// T_c, gamma/nu within 0.05 of 7/4. ISINGRBM_LONG=1.
func TestFSSLong(t *testing.T) {
	if os.Getenv("ISINGRBM_LONG") == "" {
		t.Skip("set ISINGRBM_LONG=1")
	}
	checkFSS(t, fssStudy(t, 20), 0.01, 0.05, 0.003, 0.02)
}
