package mc

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// ar1 returns an AR(1) series x_t = phi x_{t-1} + e_t, whose integrated
// autocorrelation time is (1+phi)/(2(1-phi)).
func ar1(n int, phi float64, seed uint64) []float64 {
	r := rand.New(rng.New(seed, 0))
	x := make([]float64, n)
	v := r.NormFloat64() / math.Sqrt(1-phi*phi)
	for i := range x {
		v = phi*v + r.NormFloat64()
		x[i] = v + 3
	}
	return x
}

func TestTauIntAR1(t *testing.T) {
	for _, phi := range []float64{0, 0.5, 0.9} {
		want := (1 + phi) / (2 * (1 - phi))
		x := ar1(400000, phi, 1)
		tau, w, ok := TauInt(x, 6)
		if !ok {
			t.Fatalf("phi=%g: window did not converge", phi)
		}
		// Statistical error of tau (Madras-Sokal): tau sqrt(2(2W+1)/n); plus
		// the truncation bias exp(-W/tau_exp).
		sd := want * math.Sqrt(2*float64(2*w+1)/float64(len(x)))
		if math.Abs(tau-want) > 4*sd+0.02*want {
			t.Errorf("phi=%g: tau_int %.4f, want %.4f ± %.4f (window %d)", phi, tau, want, sd, w)
		}
		// The error of the mean must match the spread of independent runs' means.
		e, _ := MeanError(x, 6)
		exactErr := math.Sqrt(2 * want / (1 - phi*phi) / float64(len(x)))
		if math.Abs(e.Error-exactErr) > 0.1*exactErr {
			t.Errorf("phi=%g: error %.3g, exact %.3g", phi, e.Error, exactErr)
		}
		if be := BinningError(x, 2000); math.Abs(be-exactErr) > 0.25*exactErr {
			t.Errorf("phi=%g: binning error %.3g, exact %.3g", phi, be, exactErr)
		}
	}
	if tau, _, ok := TauInt([]float64{2, 2, 2, 2}, 6); tau != 0.5 || !ok {
		t.Errorf("constant series: tau %v ok %v, want 0.5 true", tau, ok)
	}
	if _, _, ok := TauInt(ar1(100, 0.99, 2), 6); ok {
		t.Errorf("short strongly correlated series: window reported converged")
	}
}

func TestJackknifeMean(t *testing.T) {
	// For f = identity and one value per block the jackknife error equals the
	// naive standard error of the mean.
	x := ar1(1000, 0, 3)
	v, e := Jackknife([][]float64{x}, len(x), func(a []float64) float64 { return a[0] })
	m, vr := meanVar(x)
	if math.Abs(v-m) > 1e-12 || math.Abs(e-math.Sqrt(vr/float64(len(x)-1))) > 1e-12 {
		t.Errorf("jackknife %v ± %v, want %v ± %v", v, e, m, math.Sqrt(vr/float64(len(x)-1)))
	}
}

func TestAnalyzeWarnsShortRun(t *testing.T) {
	x := ar1(1000, 0.98, 4) // tau_int ~ 50: 1000 measurements are ~20 tau
	r := Analyze(1, 10, x, x, AnalysisOptions{})
	if len(r.Warnings) == 0 {
		t.Errorf("no warning for a run of %d measurements with tau_int %.1f", len(x), r.Energy.TauInt)
	}
	// A weak slow mode under fast noise: the window stops early, binning
	// (bins of n/100) sees the slow mode, and a warning must say so.
	fast, slow := ar1(200000, 0, 6), ar1(200000, 0.9995, 7)
	mix := make([]float64, len(fast))
	for i := range mix {
		mix[i] = fast[i] + 0.007*slow[i]
	}
	r = Analyze(1, 10, mix, mix, AnalysisOptions{})
	found := false
	for _, w := range r.Warnings {
		found = found || strings.Contains(w, "binning gives larger errors")
	}
	if !found {
		t.Errorf("hidden slow mode: no binning warning (tau %.3g, error %.3g, binning %.3g): %v",
			r.Energy.TauInt, r.Energy.Error, r.Energy.BinningError, r.Warnings)
	}
	y := ar1(20000, 0, 5)
	if r := Analyze(1, 10, y, y, AnalysisOptions{}); len(r.Warnings) != 0 {
		t.Errorf("unexpected warnings %v", r.Warnings)
	}
	if r := Analyze(1, 10, y[:1], y[:1], AnalysisOptions{}); len(r.Warnings) == 0 {
		t.Errorf("no warning for a single measurement")
	}
}

// TestKernelBookkeeping checks that every kernel's tracked energy and
// magnetization equal the model's, on a frustrated model with fields.
func TestKernelBookkeeping(t *testing.T) {
	spec := lattice.Spec{Kind: "triangular", Size: "4x5", Disorder: "gaussian", Sigma: 1, HDisord: "gaussian", H: 0.1, HSigma: 0.4, Seed: 9}
	m, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range algos {
		k, _ := NewKernel(m, 0.7, a.alg, a.order, rng.New(1, 2))
		for sw := 0; sw < 200; sw++ {
			k.Sweep()
			if ad, ok := k.(Adapter); ok && sw == 50 {
				ad.EndAdaptation()
			}
		}
		s := k.Spins(nil)
		if e := m.Energy(s); math.Abs(e-k.Energy()) > 1e-9*math.Max(1, math.Abs(e)) {
			t.Errorf("%s: tracked energy %v, model %v", a.name, k.Energy(), e)
		}
		if mg := lattice.Magnetization(s); mg != k.Magnetization() {
			t.Errorf("%s: tracked magnetization %d, spins %d", a.name, k.Magnetization(), mg)
		}
	}
}

// TestChainResume checks that a chain saved mid-run and restored into fresh
// kernels continues bit for bit, for every kernel and for tempering.
func TestChainResume(t *testing.T) {
	spec := lattice.Spec{Kind: "square", Size: "5x4", HDisord: "pm", H: 0.3, Seed: 2}
	m, _ := spec.Build()
	cfg := RunConfig{Thermalize: 100, Sweeps: 400, SampleEvery: 7}
	for _, a := range algos {
		mk := func() *Chain {
			k, _ := NewKernel(m, 0.5, a.alg, a.order, rng.New(5, 1))
			c, _ := NewChain(k, 0.5, m.N, cfg)
			return c
		}
		full := mk()
		if err := full.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		part := mk()
		// Stop at sweep 250 (Run checks the context only every 3277 sweeps on 20 sites).
		for d := part.Done(); d < 250; d++ {
			part.step(d)
			part.done.Store(d + 1)
		}
		b, err := part.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		res := mk()
		if err := res.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if err := res.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		res.Series.Seconds, full.Series.Seconds = 0, 0
		if !reflect.DeepEqual(res.Series, full.Series) {
			t.Errorf("%s: resumed series differs from uninterrupted one", a.name)
		}
		if got, want := res.Series.NumSamples(m.N), (cfg.Sweeps+cfg.SampleEvery-1)/cfg.SampleEvery; got != want {
			t.Errorf("%s: %d samples, want %d", a.name, got, want)
		}
		// Corrupt state is refused.
		if err := mk().UnmarshalBinary(b[:len(b)/2]); err == nil {
			t.Errorf("%s: truncated state accepted", a.name)
		}
	}
	betas := []float64{0.3, 0.45, 0.6}
	mkpt := func() *Tempering {
		reps := make([]TemperedKernel, 3)
		for i := range reps {
			reps[i], _ = NewKernel(m, betas[i], Wolff, "", rng.New(8, uint64(i)))
		}
		pt, _ := NewTempering(betas, m.N, reps, rng.New(8, 99), cfg)
		return pt
	}
	full := mkpt()
	full.Run(context.Background())
	part := mkpt()
	for d := int64(0); d < 230; d++ {
		part.step(d)
		part.done.Store(d + 1)
	}
	b, err := part.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	res := mkpt()
	if err := res.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	res.Run(context.Background())
	for k := range res.Series {
		res.Series[k].Seconds, full.Series[k].Seconds = 0, 0
	}
	if !reflect.DeepEqual(res.Series, full.Series) || !reflect.DeepEqual(res.SwapAccept, full.SwapAccept) {
		t.Errorf("tempering: resumed run differs from uninterrupted one")
	}
}

func TestChainCancel(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	k := NewMetropolis(m, 0.4, Random, rng.New(1, 1))
	c, _ := NewChain(k, 0.4, m.N, RunConfig{Sweeps: 1 << 30})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Run(ctx); err != context.Canceled || c.Finished() || c.Done() != checkEvery(m.N) {
		t.Errorf("cancelled run: err %v, done %d (want %v, %d)", err, c.Done(), context.Canceled, checkEvery(m.N))
	}
}

func TestRunConfigValidate(t *testing.T) {
	for _, c := range []RunConfig{{Sweeps: 0}, {Sweeps: 10, Thermalize: -1}, {Sweeps: 10, SampleEvery: -2}} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := ParseAlgorithm("glauber"); err == nil {
		t.Errorf("unknown algorithm accepted")
	}
}

// TestTemperingParallelIdentity checks that sweeping the replicas
// concurrently (N >= parallelReplicaSites) gives the same series as a
// sequential sweep.
func TestTemperingParallelIdentity(t *testing.T) {
	m, _ := lattice.Square(64, 64, lattice.Periodic, lattice.Periodic)
	betas := []float64{0.4, 0.44, 0.48}
	run := func(par bool) []Series {
		reps := make([]TemperedKernel, 3)
		for i := range reps {
			reps[i] = NewMetropolis(m, betas[i], Sequential, rng.New(3, uint64(i)))
		}
		pt, _ := NewTempering(betas, m.N, reps, rng.New(3, 50), RunConfig{Thermalize: 5, Sweeps: 30, KeepSeries: true})
		if !par {
			pt.N = parallelReplicaSites - 1 // only selects the sequential loop
		}
		pt.Run(context.Background())
		for k := range pt.Series {
			// The stream divides by pt.N, changed above: compare the full series.
			pt.Series[k].Seconds, pt.Series[k].Stream = 0, nil
		}
		return pt.Series
	}
	if !reflect.DeepEqual(run(true), run(false)) {
		t.Errorf("concurrent replica sweeps changed the result")
	}
}

// TestMeasureEvery checks that thinned measurements are the every-k-th
// values of the full series (the chain itself is unchanged).
func TestMeasureEvery(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	run := func(every int) Series {
		c, _ := NewChain(NewMetropolis(m, 0.4, Random, rng.New(2, 2)), 0.4, m.N, RunConfig{Thermalize: 10, Sweeps: 100, MeasureEvery: every, KeepSeries: true})
		c.Run(context.Background())
		return c.Series
	}
	full, thin := run(1), run(7)
	if len(thin.Energies) != 15 || full.Updates != thin.Updates {
		t.Fatalf("thinned: %d measurements (want 15), updates %d vs %d", len(thin.Energies), thin.Updates, full.Updates)
	}
	for i, e := range thin.Energies {
		if e != full.Energies[7*i] || thin.Magnetizations[i] != full.Magnetizations[7*i] {
			t.Fatalf("measurement %d differs from sweep %d of the full series", i, 7*i)
		}
	}
}

// TestBinLayout pins the block rule of the binning and jackknife analyses:
// bins of at least 10 tau_int, at most 100 bins, at least 10 bins.
func TestBinLayout(t *testing.T) {
	for _, c := range []struct {
		nm     int
		tau    float64
		lb, nb int
	}{
		{100000, 0.5, 1000, 100}, // n/100 > 10 tau: 100 bins
		{20000, 99.5, 1000, 20},  // 10 tau > n/100: bins of >= 995
		{2000, 50, 200, 10},      // 10 tau > n/10: still 10 bins
		{5, 0.5, 1, 5},           // fewer than 10 measurements
	} {
		if lb, nb := BinLayout(c.nm, c.tau); lb != c.lb || nb != c.nb {
			t.Errorf("BinLayout(%d, %g) = %d bins of %d, want %d of %d", c.nm, c.tau, nb, lb, c.nb, c.lb)
		}
	}
}

// TestErrorBarsStronglyCorrelated feeds Analyze AR(1) series whose tau_int
// (9.5) makes 10 tau_int longer than n/100, so the block rule decides the
// bin length, and compares the binning error of the mean and the jackknife
// error of chi (the variance of the series) with their exact values,
// averaged over many independent series. Bins shorter than ~10 tau_int
// underestimate both (by about 25 and 10 per cent here).
func TestErrorBarsStronglyCorrelated(t *testing.T) {
	const phi, nm, runs = 0.9, 2000, 200
	s2 := 1 / (1 - phi*phi) // variance of x_t
	// Exact variance of the mean of nm consecutive values.
	varMean := s2 / nm * ((1+phi)/(1-phi) - 2*phi*(1-math.Pow(phi, nm))/(nm*(1-phi)*(1-phi)))
	// Variance of the sample variance (Gaussian process, rho(t)^2 = phi^(2t)).
	varVar := 2 * s2 * s2 / nm * (1 + phi*phi) / (1 - phi*phi)
	var rBin, rChi float64
	for r := range runs {
		e := ar1(nm, phi, uint64(100+r))
		m := ar1(nm, phi, uint64(5000+r))
		for i := range m {
			m[i] -= 3 // <m> = 0: chi and chi' differ
		}
		res := Analyze(1, 1, e, m, AnalysisOptions{})
		rBin += res.Energy.BinningError / math.Sqrt(varMean)
		rChi += res.Susceptibility.Error / math.Sqrt(varVar)
	}
	rBin /= runs
	rChi /= runs
	// Expected with bins of 10 tau_int: about 0.93 and 0.96 (bias of finite
	// bins and of the square root); the spread of the average is about 1 %.
	if rBin < 0.88 || rBin > 1.03 {
		t.Errorf("binning error / exact error of the mean = %.3f on average, want 0.88..1.03", rBin)
	}
	if rChi < 0.91 || rChi > 1.05 {
		t.Errorf("jackknife error of chi / exact = %.3f on average, want 0.91..1.05", rChi)
	}
	t.Logf("binning/exact %.3f, jackknife chi/exact %.3f", rBin, rChi)
}

// TestSusceptibilities checks chi and chi' against the definitions on a
// hand-made series: chi = beta N (<m^2> - <m>^2) with the signed m,
// chi' = beta N (<m^2> - <|m|>^2) with |m|.
func TestSusceptibilities(t *testing.T) {
	const n, beta = 4, 0.5
	// m = M/N cycles through 1, -1/2, -1, 1/2, 1, 0 (totals 4, -2, -4, 2, 4, 0).
	cyc := []float64{4, -2, -4, 2, 4, 0}
	var mags, es []float64
	for i := range 600 {
		mags = append(mags, cyc[i%len(cyc)])
		es = append(es, float64(-(i%3)-1))
	}
	// <m> = 1/6, <|m|> = 2/3, <m^2> = (1 + 1/4 + 1 + 1/4 + 1 + 0)/6 = 7/12:
	// chi = 10/9, chi' = 5/18.
	m, am, m2 := 1.0/6, 2.0/3, 7.0/12
	r := Analyze(beta, n, es, mags, AnalysisOptions{})
	if want := beta * n * (m2 - m*m); math.Abs(r.Susceptibility.Mean-want) > 1e-12 {
		t.Errorf("chi = %.15g, want beta N (<m^2> - <m>^2) = %.15g", r.Susceptibility.Mean, want)
	}
	if want := beta * n * (m2 - am*am); math.Abs(r.SusceptibilityAbs.Mean-want) > 1e-12 {
		t.Errorf("chi' = %.15g, want beta N (<m^2> - <|m|>^2) = %.15g", r.SusceptibilityAbs.Mean, want)
	}
}
