package mc

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Estimate is a Monte Carlo mean with its statistical error.
type Estimate struct {
	Mean float64 `json:"mean"`
	// Error is the one-sigma error of Mean: sqrt(2 tau_int Var/n) for plain
	// means, the jackknife error over bins of at least 10 tau_int for the
	// derived quantities (heat capacity, susceptibility, Binder cumulant).
	Error float64 `json:"error"`
	// TauInt is the integrated autocorrelation time, in measurements (sweeps
	// unless measurements are thinned, see RunConfig.MeasureEvery), of the
	// underlying series, from automatic windowing; 0.5 means
	// uncorrelated. For derived quantities it is the largest tau_int of the
	// series they are built from.
	TauInt float64 `json:"tau_int"`
	// BinningError is the cross-check of Error by a binning analysis (standard
	// error of the means of bins of at least 10 tau_int); zero when not computed.
	BinningError float64 `json:"binning_error,omitempty"`
}

// TempResult is the measurement at one temperature. It is the layout of one
// entry of "results" in the JSON output of 'isingrbm mc' and of every other
// sampler of the project ('isingrbm rbm sample').
//
// Per-site observables with m = M/N = (1/N) sum_i s_i and E = H(s):
//
//	energy_per_site            u   = <E>/N
//	abs_magnetization_per_site <|m|>
//	magnetization_per_site     <m>
//	m2, m4                     <m^2>, <m^4>
//	heat_capacity_per_site     c   = beta^2 (<E^2> - <E>^2)/N
//	susceptibility_per_site    chi = beta N (<m^2> - <m>^2)   (the fluctuation-dissipation one, = d<m>/dh)
//	susceptibility_abs_per_site chi' = beta N (<m^2> - <|m|>^2) (the usual finite-lattice variant at h = 0)
//	binder                     U4  = 1 - <m^4>/(3 <m^2>^2)
type TempResult struct {
	Beta              float64  `json:"beta"`
	Temperature       float64  `json:"temperature"`
	Index             int      `json:"index"`        // position in the full temperature list
	Measurements      int      `json:"measurements"` // number of measurements (one per sweep unless thinned)
	Energy            Estimate `json:"energy_per_site"`
	AbsMagnetization  Estimate `json:"abs_magnetization_per_site"`
	Magnetization     Estimate `json:"magnetization_per_site"`
	M2                Estimate `json:"m2"`
	M4                Estimate `json:"m4"`
	HeatCapacity      Estimate `json:"heat_capacity_per_site"`
	Susceptibility    Estimate `json:"susceptibility_per_site"`
	SusceptibilityAbs Estimate `json:"susceptibility_abs_per_site"`
	Binder            Estimate `json:"binder"`
	// CorrelationFunction is G(r) = (1/(N d)) sum_i sum_a <s_i s_{i+r e_a}>
	// for r = 0..L/2 along the d axes of a periodic L^d lattice, and
	// CorrelationLength the second-moment correlation length (see the
	// package documentation, "Correlations and overlap"); present only
	// when measured (mcrun.Config.Correlations).
	CorrelationFunction []CorrelationPoint `json:"correlation_function,omitempty"`
	CorrelationLength   *Estimate          `json:"correlation_length,omitempty"`
	// OverlapQ2, OverlapQ4 are <q^2>, <q^4> of the overlap q = (1/N) sum_i
	// s_i^a s_i^b of two independent replicas, OverlapBinder g = (3 -
	// <q^4>/<q^2>^2)/2; present only when measured (mcrun.Config.Overlap).
	OverlapQ2     *Estimate `json:"overlap_q2,omitempty"`
	OverlapQ4     *Estimate `json:"overlap_q4,omitempty"`
	OverlapBinder *Estimate `json:"overlap_binder,omitempty"`
	// Acceptance is accepted/attempted single-spin updates for local moves,
	// and 1 for the rejection-free cluster moves.
	Acceptance float64 `json:"acceptance"`
	// MeanClusterSize is spins flipped per cluster (cluster moves only).
	MeanClusterSize float64 `json:"mean_cluster_size,omitempty"`
	// Updates is the number of attempted single-spin updates during the
	// measurement sweeps, or of spins flipped for cluster moves.
	Updates int64 `json:"updates"`
	// Seconds is the wall time of the sampling (thermalization included).
	// It is the only field that differs between two runs with the same seed.
	Seconds float64 `json:"seconds"`
	// Warnings are messages about the reliability of the errors (run too
	// short against tau_int, window not converged); empty when all is well.
	Warnings []string `json:"warnings,omitempty"`
}

// AnalysisOptions tunes Analyze. The zero value gives the defaults.
type AnalysisOptions struct {
	// Window is the constant c of the automatic windowing: the summation
	// window W is the smallest with W >= c tau_int(W). Zero means 6.
	Window float64
	// MinTauRuns is the run length, in units of tau_int, below which a
	// warning is given. Zero means 50.
	MinTauRuns float64
}

// TauInt returns the integrated autocorrelation time of x by automatic
// windowing (Madras and Sokal 1988, J. Stat. Phys. 50, 109; see also
// U. Wolff, hep-lat/0306017): tau_int(W) = 1/2 + sum_{t=1}^{W} rho(t) with the
// smallest W such that W >= c tau_int(W). It also returns the window and
// whether the criterion was met before W reached n/2. A constant series has
// tau_int = 1/2. c <= 0 means 6.
func TauInt(x []float64, c float64) (tau float64, window int, ok bool) {
	if c <= 0 {
		c = 6
	}
	n := len(x)
	if n < 2 {
		return 0.5, 0, n == 1
	}
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	var c0 float64
	for _, v := range x {
		c0 += (v - mean) * (v - mean)
	}
	if c0 <= 0 || c0 <= 1e-28*mean*mean*float64(n) {
		return 0.5, 0, true
	}
	acov := autocov(x, mean)
	tau = 0.5
	for w := 1; w < n/2; w++ {
		// Normalise by n (the standard biased estimator), as in Madras-Sokal.
		tau += acov[w] / acov[0]
		if float64(w) >= c*tau {
			if tau < 0.5 {
				// Anticorrelated series: do not report an error smaller than the naive one.
				tau = 0.5
			}
			return tau, w, true
		}
	}
	if tau < 0.5 {
		tau = 0.5
	}
	return tau, n / 2, false
}

// autocov returns the autocovariance sums C(t) = sum_{i} d_i d_{i+t},
// d = x - mean, for t = 0..n-1, by FFT (gonum dsp/fourier) on the series
// zero-padded to a power of two >= 2n: O(n log n).
func autocov(x []float64, mean float64) []float64 {
	n := len(x)
	p := 1
	for p < 2*n {
		p <<= 1
	}
	d := make([]float64, p)
	for i, v := range x {
		d[i] = v - mean
	}
	f := fourier.NewFFT(p)
	co := f.Coefficients(nil, d)
	for i, z := range co {
		co[i] = complex(real(z)*real(z)+imag(z)*imag(z), 0)
	}
	out := f.Sequence(d, co)
	inv := 1 / float64(p)
	for i := range out[:n] {
		out[i] *= inv
	}
	return out[:n]
}

// meanVar returns the mean and the (1/n) variance of x.
func meanVar(x []float64) (mean, v float64) {
	for _, a := range x {
		mean += a
	}
	mean /= float64(len(x))
	for _, a := range x {
		v += (a - mean) * (a - mean)
	}
	return mean, v / float64(len(x))
}

// MeanError returns the mean of x with the error sqrt(2 tau_int Var/n) and
// tau_int from TauInt with window constant c (<= 0 means 6).
func MeanError(x []float64, c float64) (Estimate, bool) {
	if len(x) == 0 {
		return Estimate{Mean: math.NaN(), Error: math.NaN(), TauInt: math.NaN()}, false
	}
	tau, _, ok := TauInt(x, c)
	m, v := meanVar(x)
	return Estimate{Mean: m, Error: math.Sqrt(2 * tau * v / float64(len(x))), TauInt: tau}, ok
}

// BinningError returns the standard error of the mean of x from bins of
// length l (the last incomplete bin is dropped): sqrt(Var(bin means)/(nb-1)).
// It returns NaN if there are fewer than 2 bins.
func BinningError(x []float64, l int) float64 {
	if l < 1 {
		l = 1
	}
	nb := len(x) / l
	if nb < 2 {
		return math.NaN()
	}
	_, v := meanVar(blockMeans(x, l, nb))
	return math.Sqrt(v / float64(nb-1))
}

// groupLayout is BinLayout for nm measurements kept in nbins bins of
// binSize: ng groups of per whole bins each (at least 10 groups, fewer only
// when there are fewer bins).
func groupLayout(nm, nbins, binSize int, tau float64) (per, ng int) {
	lb, _ := BinLayout(nm, tau)
	per = max(1, lb/binSize)
	ng = nbins / per
	if ng < 10 {
		ng = min(10, nbins)
		per = nbins / ng
	}
	return per, ng
}

// blockMeans returns the means of the first nb blocks of l consecutive
// values of x.
func blockMeans(x []float64, l, nb int) []float64 {
	means := make([]float64, nb)
	for b := range means {
		var s float64
		for _, v := range x[b*l : (b+1)*l] {
			s += v
		}
		means[b] = s / float64(l)
	}
	return means
}

// groupJackknife returns f evaluated on the exact means tot[k]/n of the
// series ks and its jackknife error from the leave-one-out means of
// grouped[k], the ng >= 2 equal-weight group means of series k (the streamed
// analyses, where the full-sample means need not equal the groups' mean).
func groupJackknife(ks []int, tot []float64, n float64, grouped [][]float64, f func(a []float64) float64) (value, err float64) {
	a := make([]float64, len(ks))
	sum := make([]float64, len(ks))
	for j, k := range ks {
		a[j] = tot[k] / n
		for _, v := range grouped[k] {
			sum[j] += v
		}
	}
	value = f(a)
	ng := len(grouped[ks[0]])
	fb := make([]float64, ng)
	for g := range ng {
		for j, k := range ks {
			a[j] = (sum[j] - grouped[k][g]) / float64(ng-1)
		}
		fb[g] = f(a)
	}
	return value, jackknifeError(fb)
}

// jackknifeError returns the jackknife error sqrt((n-1)/n sum_b (fb_b -
// mean fb)^2) of the n leave-one-block-out values fb.
func jackknifeError(fb []float64) float64 {
	var fbar float64
	for _, v := range fb {
		fbar += v
	}
	nb := float64(len(fb))
	fbar /= nb
	var ss float64
	for _, v := range fb {
		ss += (v - fbar) * (v - fbar)
	}
	return math.Sqrt(ss * (nb - 1) / nb)
}

// BinLayout is the block rule of the binning and jackknife analyses of
// Analyze: bins of at least 10 tau_int (tau the largest integrated
// autocorrelation time of the series), at most 100 bins, and at least 10 bins
// (fewer only when nm < 10); lb = nm/nb is the bin length. It panics if
// nm < 2 (a programmer error: Analyze needs two measurements).
func BinLayout(nm int, tau float64) (lb, nb int) {
	if nm < 2 {
		panic(fmt.Sprintf("mc: BinLayout: %d measurements", nm))
	}
	l := max(nm/100, int(math.Ceil(10*tau)), 1)
	nb = nm / l
	if nb < 10 {
		nb = min(10, nm)
	}
	return nm / nb, nb
}

// Jackknife returns f evaluated on the full-sample means of the series and
// its jackknife error from nb blocks of equal length (a trailing remainder is
// folded into the last block). f receives the means of every series, in the
// order given. All series must have the same length >= nb >= 2.
func Jackknife(series [][]float64, nb int, f func(means []float64) float64) (value, err float64) {
	k := len(series)
	n := len(series[0])
	if nb < 2 || n < nb {
		panic(fmt.Sprintf("mc: Jackknife: %d blocks for %d samples", nb, n))
	}
	tot := make([]float64, k)
	blk := make([][]float64, nb)
	l := n / nb
	for b := range blk {
		blk[b] = make([]float64, k)
	}
	for j, s := range series {
		if len(s) != n {
			panic("mc: Jackknife: series of different lengths")
		}
		for i, v := range s {
			b := i / l
			if b >= nb {
				b = nb - 1
			}
			blk[b][j] += v
			tot[j] += v
		}
	}
	means := make([]float64, k)
	for j := range means {
		means[j] = tot[j] / float64(n)
	}
	value = f(means)
	fb := make([]float64, nb)
	for b := range blk {
		cnt := l
		if b == nb-1 {
			cnt = n - l*(nb-1)
		}
		for j := range means {
			means[j] = (tot[j] - blk[b][j]) / float64(n-cnt)
		}
		fb[b] = f(means)
	}
	return value, jackknifeError(fb)
}

// Analyze computes every observable of TempResult from the time series of one
// chain at inverse temperature beta on n sites: energies[t] is the total energy
// H(s) and mags[t] the total magnetization sum_i s_i after measurement sweep t.
// Any sampler can use it. Beta, Temperature, Measurements, the estimates and
// Warnings are filled in; Index, Acceptance, MeanClusterSize, Updates and
// Seconds are left for the caller. It panics if the series have different
// lengths or n < 1 (programmer errors); an empty series gives NaN estimates and
// a warning.
func Analyze(beta float64, n int, energies, mags []float64, opt AnalysisOptions) TempResult {
	if len(energies) != len(mags) {
		panic(fmt.Sprintf("mc: Analyze: %d energies and %d magnetizations", len(energies), len(mags)))
	}
	if n < 1 {
		panic("mc: Analyze: n < 1")
	}
	// The whole series is at hand: keep it at full resolution (one bin per
	// measurement), so that tau_int comes from the full autocorrelation
	// function.
	s := NewStream(n, len(energies)+2, 0)
	for t := range energies {
		s.Add(energies[t], mags[t])
	}
	r, _ := s.Analyze(context.Background(), beta, opt)
	return r
}

// sanitize replaces non-finite numbers (which encoding/json refuses) by 0 and
// records a warning.
func sanitize(r *TempResult) {
	bad := false
	fix := func(x *float64) {
		if math.IsNaN(*x) || math.IsInf(*x, 0) {
			*x = 0
			bad = true
		}
	}
	for _, e := range []*Estimate{&r.Energy, &r.AbsMagnetization, &r.Magnetization, &r.M2, &r.M4,
		&r.HeatCapacity, &r.Susceptibility, &r.SusceptibilityAbs, &r.Binder} {
		fix(&e.Mean)
		fix(&e.Error)
		fix(&e.TauInt)
		fix(&e.BinningError)
	}
	for _, e := range []*Estimate{r.CorrelationLength, r.OverlapQ2, r.OverlapQ4, r.OverlapBinder} {
		if e != nil {
			fix(&e.Mean)
			fix(&e.Error)
			fix(&e.TauInt)
			fix(&e.BinningError)
		}
	}
	for i := range r.CorrelationFunction {
		fix(&r.CorrelationFunction[i].Mean)
		fix(&r.CorrelationFunction[i].Error)
	}
	fix(&r.Temperature)
	if bad {
		r.Warnings = append(r.Warnings, "some estimates were undefined (too few measurements) and are reported as 0")
	}
}

// Output is the top-level JSON layout of 'isingrbm mc --json' (and of the
// --out FILE.json file).
type Output struct {
	Algorithm string `json:"algorithm"`
	// Local is the local move of parallel tempering (algorithm "pt" only).
	Local string `json:"local,omitempty"`
	Seed  uint64 `json:"seed"`
	// Config is a hash of the model and of every flag that changes the
	// numbers (not the output or shard flags); 'isingrbm merge' uses it to
	// refuse mixing shards of different runs.
	Config string `json:"config,omitempty"`
	// Sites is the number of spins N and Dims the lattice dimensions (for
	// finite-size scaling, 'isingrbm fss').
	Sites int   `json:"sites,omitempty"`
	Dims  []int `json:"dims,omitempty"`
	// Temperatures is the length of the full temperature list.
	Temperatures int `json:"temperatures,omitempty"`
	// MeasureEvery is the number of sweeps between measurements when it is
	// not 1 (then tau_int is in units of measurements).
	MeasureEvery int `json:"measure_every,omitempty"`
	// Shard is "k/n" for one shard of a scaled-out run, empty otherwise.
	Shard   string       `json:"shard,omitempty"`
	Results []TempResult `json:"results"`
	// SwapAcceptance[k] is the parallel-tempering swap acceptance between
	// temperatures k and k+1 of the list (parallel tempering only).
	SwapAcceptance []float64 `json:"swap_acceptance,omitempty"`
	// Reweighted holds the observables reweighted to other temperatures
	// ('isingrbm mc --reweight'; see Reweighter).
	Reweighted []ReweightedPoint `json:"reweighted,omitempty"`
	// DisorderSeed is the disorder instance of this output (one entry of
	// Instances of a run over disorder instances); nil otherwise.
	DisorderSeed *uint64 `json:"disorder_seed,omitempty"`
	// Instances holds one output per disorder instance, in the order of
	// the seeds, and DisorderAverage the average over them per temperature
	// ('isingrbm mc --disorder-seeds'; see DisorderPoint). Both are empty
	// otherwise; a run over disorder instances has no Results of its own.
	Instances       []Output        `json:"instances,omitempty"`
	DisorderAverage []DisorderPoint `json:"disorder_average,omitempty"`
}
