package mc

import (
	"context"
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// tauIntDirect is the O(n W) automatic windowing that TauInt replaced by an
// FFT: the reference the FFT version must reproduce.
func tauIntDirect(x []float64, c float64) (float64, int, bool) {
	n := len(x)
	mean, _ := meanVar(x)
	d := make([]float64, n)
	var c0 float64
	for i, v := range x {
		d[i] = v - mean
		c0 += d[i] * d[i]
	}
	tau := 0.5
	for w := 1; w < n/2; w++ {
		var s float64
		for i := range d[:n-w] {
			s += d[i] * d[i+w]
		}
		tau += s / c0
		if float64(w) >= c*tau {
			return math.Max(tau, 0.5), w, true
		}
	}
	return math.Max(tau, 0.5), n / 2, false
}

func TestTauIntFFTMatchesDirect(t *testing.T) {
	for _, phi := range []float64{0, 0.7, 0.95} {
		x := ar1(30001, phi, 3)
		got, wg, okg := TauInt(x, 6)
		want, ww, okw := tauIntDirect(x, 6)
		if math.Abs(got-want) > 1e-9*want || wg != ww || okg != okw {
			t.Errorf("phi=%g: FFT tau %.12g (W %d %v), direct %.12g (W %d %v)", phi, got, wg, okg, want, ww, okw)
		}
	}
	// Non-converging window: the FFT version must agree up to n/2 as well.
	x := make([]float64, 1000)
	for i := range x {
		x[i] = float64(i) // a trend: rho(t) stays large
	}
	got, _, okg := TauInt(x, 6)
	want, _, okw := tauIntDirect(x, 6)
	if math.Abs(got-want) > 1e-9*want || okg || okw {
		t.Errorf("not converging: FFT %.12g %v, direct %.12g %v", got, okg, want, okw)
	}
}

// TestStreamBoundedAR1 feeds 2^21 values of an AR(1) process with
// tau_int = 49.5 into a stream of at most 4096 bins (2048 bins of 1024
// values at the end) and checks memory, tau_int and the error against the exact values
// and against the full-resolution analysis.
func TestStreamBoundedAR1(t *testing.T) {
	const phi = 0.98
	n := 1 << 21
	x := ar1(n, phi, 5)
	s := NewStream(1, 4096, 0)
	for _, v := range x {
		s.Add(v, 0)
	}
	if s.NumBins() != 2048 || s.BinSize != 1024 || cap(s.Bins) > numObs*4096 {
		t.Fatalf("stream keeps %d bins of %d (capacity %d floats)", s.NumBins(), s.BinSize, cap(s.Bins))
	}
	r, err := s.Analyze(context.Background(), 1, AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantTau := (1 + phi) / (2 * (1 - phi))
	exactErr := math.Sqrt(2 * wantTau / (1 - phi*phi) / float64(n))
	full, _ := MeanError(x, 6)
	mean, _ := meanVar(x)
	if math.Abs(r.Energy.Mean-mean) > 1e-12 {
		t.Errorf("mean %.15g, want %.15g", r.Energy.Mean, mean)
	}
	// Statistical accuracy of tau from ~4000 bins: ~5 %.
	if math.Abs(r.Energy.TauInt-wantTau) > 0.12*wantTau || math.Abs(r.Energy.TauInt-full.TauInt) > 0.12*full.TauInt {
		t.Errorf("binned tau_int %.4g, full-resolution %.4g, exact %.4g", r.Energy.TauInt, full.TauInt, wantTau)
	}
	if math.Abs(r.Energy.Error-exactErr) > 0.1*exactErr || math.Abs(r.Energy.Error-full.Error) > 0.08*full.Error {
		t.Errorf("binned error %.4g, full-resolution %.4g, exact %.4g", r.Energy.Error, full.Error, exactErr)
	}
}

// TestStreamAgreesWithFullAnalysis runs Metropolis on the 4x4 torus near
// T_c for 2^19 sweeps and compares the bounded analysis (512 bins of 1024
// sweeps) with the full-resolution analysis of the same series: means to
// rounding, tau_int and errors within 15 % (20 % for the jackknife errors),
// i.e. within the statistical accuracy of the error estimates themselves.
func TestStreamAgreesWithFullAnalysis(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	beta := 1 / 2.27
	c, _ := NewChain(NewMetropolis(m, beta, Sequential, rng.New(9, 0)), beta, m.N,
		RunConfig{Thermalize: 1000, Sweeps: 1 << 19, KeepSeries: true, BinCapacity: 1024})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := c.Result(false, AnalysisOptions{})
	want := Analyze(beta, m.N, c.Series.Energies, c.Series.Magnetizations, AnalysisOptions{})
	if c.Series.Stream.BinSize != 1024 {
		t.Fatalf("bin size %d, want 1024", c.Series.Stream.BinSize)
	}
	for _, q := range []struct {
		name      string
		g, w      Estimate
		tol, tauT float64
	}{
		{"u", got.Energy, want.Energy, 0.15, 0.15},
		{"|m|", got.AbsMagnetization, want.AbsMagnetization, 0.15, 0.15},
		{"m2", got.M2, want.M2, 0.15, 0.15},
		{"m4", got.M4, want.M4, 0.15, 0.15},
		{"c", got.HeatCapacity, want.HeatCapacity, 0.2, 0.15},
		{"chi'", got.SusceptibilityAbs, want.SusceptibilityAbs, 0.2, 0.15},
		{"U4", got.Binder, want.Binder, 0.2, 0.15},
	} {
		if math.Abs(q.g.Mean-q.w.Mean) > 1e-10*math.Abs(q.w.Mean) {
			t.Errorf("%s: mean %.15g, full analysis %.15g", q.name, q.g.Mean, q.w.Mean)
		}
		if math.Abs(q.g.Error-q.w.Error) > q.tol*q.w.Error {
			t.Errorf("%s: error %.4g, full analysis %.4g", q.name, q.g.Error, q.w.Error)
		}
		if math.Abs(q.g.TauInt-q.w.TauInt) > q.tauT*q.w.TauInt {
			t.Errorf("%s: tau_int %.4g, full analysis %.4g", q.name, q.g.TauInt, q.w.TauInt)
		}
		t.Logf("%s: error %.4g vs %.4g, tau %.4g vs %.4g", q.name, q.g.Error, q.w.Error, q.g.TauInt, q.w.TauInt)
	}
}

func TestStreamCancel(t *testing.T) {
	s := NewStream(4, 0, 0)
	for i := range 100 {
		s.Add(float64(i%3), float64(i%5))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Analyze(ctx, 1, AnalysisOptions{}); err == nil {
		t.Fatal("cancelled analysis returned no error")
	}
}
