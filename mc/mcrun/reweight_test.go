package mcrun

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

// TestReweightKaufman16 reweights Wolff runs on the 16x16 torus (single
// histogram from T = 2.3, multiple histogram from 2.2, 2.3, 2.4) to
// temperatures in between and compares u and c with Kaufman's exact
// solution: within 4 reported sigma, and the reported errors below bounds
// (0.002 for u, 0.025 for c: about twice what 40000 Wolff sweeps give), so
// that neither a wrong mean nor an inflated error passes.
func TestReweightKaufman16(t *testing.T) {
	m := torus(t, 16)
	ctx := context.Background()
	run := func(ts ...float64) *Result {
		var betas []float64
		for _, T := range ts {
			betas = append(betas, 1/T)
		}
		r, err := Run(ctx, m, Config{Algorithm: mc.Wolff, Betas: betas, Sweeps: 40000, Thermalize: 1000, Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name  string
		res   *Result
		temps []float64
	}{
		{"single", run(2.3), []float64{2.27, 2.3, 2.33}},
		{"multiple", run(2.2, 2.3, 2.4), []float64{2.22, 2.25, 2.269185, 2.33, 2.37}},
	} {
		pts, err := mc.Reweight(ctx, m.N, tc.res.Histograms(), tc.temps)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, p := range pts {
			ex, err := transfer.Kaufman(16, 16, 1, 1, p.Beta)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []struct {
				name        string
				got         mc.MeanErr
				want, bound float64
			}{{"u", p.Energy, ex.Energy, 0.002}, {"c", p.HeatCapacity, ex.HeatCapacity, 0.025}} {
				if d := math.Abs(q.got.Mean - q.want); d > 4*q.got.Error || q.got.Error > q.bound || !(q.got.Error > 0) {
					t.Errorf("%s T=%g: %s = %.5f ± %.5f, Kaufman %.5f (%.1f sigma; error bound %g)", tc.name, p.Temperature, q.name,
						q.got.Mean, q.got.Error, q.want, d/q.got.Error, q.bound)
				}
			}
		}
	}
	// Far outside the sampled range: refused, naming the allowed range.
	if _, err := mc.Reweight(ctx, m.N, run(2.3).Histograms(), []float64{3.5}); err == nil || !strings.Contains(err.Error(), "allowed temperatures") {
		t.Errorf("T = 3.5 from a run at 2.3: %v", err)
	}
}
