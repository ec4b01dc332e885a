package rbm

import (
	"context"
	"math"
	"testing"
)

// AIS brackets the exact ln Z of RBMs with 16 hidden units (exact by
// enumerating the hidden layer), for spin and Bernoulli visible units and
// Bernoulli/spin hidden units, with weights large enough that ln Z is far
// from the base rate.
func TestAISBracketsExactLogZ(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		vis, hid LayerType
		w        float64
	}{{Spin, Bernoulli, 0.25}, {Bernoulli, Bernoulli, 0.5}, {Spin, Spin, 0.2}, {Bernoulli, Gaussian, 0.15}} {
		r := expRandomRBM(t, 31, 24, 16, c.vis, c.hid, c.w, 0.5)
		if c.hid == Gaussian {
			// LogZ enumerates the 24 visible units here; keep it cheap with 20.
			r = expRandomRBM(t, 31, 18, 16, c.vis, c.hid, c.w, 0.5)
		}
		exact, err := r.LogZ()
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.AIS(ctx, AISConfig{Runs: 100, Steps: 2000, BurnIn: 300, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s/%s: exact %.5f, AIS %.5f ± %.5f, reverse %.5f ± %.5f, bracket [%.5f, %.5f], base %.3f, ESS %.1f",
			c.vis, c.hid, exact, res.LogZ, res.StdErr, res.ReverseLogZ, res.ReverseErr, res.Lower, res.Upper, res.LogZBase, res.ESS)
		if !(res.Lower <= exact && exact <= res.Upper) {
			t.Errorf("%s/%s: exact ln Z %.6f outside the AIS bracket [%.6f, %.6f]", c.vis, c.hid, exact, res.Lower, res.Upper)
		}
		if res.Upper-res.Lower > 0.5 {
			t.Errorf("%s/%s: bracket [%.4f, %.4f] wider than 0.5", c.vis, c.hid, res.Lower, res.Upper)
		}
		if math.Abs(exact-res.LogZBase) < 1 {
			t.Errorf("%s/%s: test model too close to the base rate (ln Z %v, base %v)", c.vis, c.hid, exact, res.LogZBase)
		}
	}
}

func TestAISErrors(t *testing.T) {
	r := expRandomRBM(t, 1, 3, 2, Spin, Bernoulli, 0.1, 0.1)
	if _, err := r.AIS(context.Background(), AISConfig{Runs: 1}); err == nil {
		t.Error("runs = 1: no error")
	}
	if _, err := r.AIS(context.Background(), AISConfig{BaseBias: []float64{1}}); err == nil {
		t.Error("base bias length mismatch: no error")
	}
}
