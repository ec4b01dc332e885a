package mc

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Observables kept per bin by a Stream, as sums over the measurements of the
// bin: u = E/N, u^2, |m|, m, m^2, m^4.
const (
	obsU = iota
	obsU2
	obsAbsM
	obsM
	obsM2
	obsM4
	numObs
)

// DefaultBinCapacity is the number of bins a Stream keeps when
// AnalysisOptions.BinCapacity is zero: 2^17 bins of 6 float64 sums, 6 MiB.
const DefaultBinCapacity = 1 << 17

// DefaultHistogramBlocks is the number of jackknife blocks of the energy
// histograms kept for reweighting.
const DefaultHistogramBlocks = 32

// MaxEnergyLevels bounds the number of distinct energies an EnergyHistogram
// keeps (per temperature; memory DefaultHistogramBlocks x MaxEnergyLevels x
// 32 bytes = 16 MiB at most). A model with more distinct energies (continuous
// couplings) cannot be reweighted.
const MaxEnergyLevels = 1 << 14

// Stream accumulates the measurements (E, M) of one chain in memory that
// does not grow with the run length: bins of the per-site observables that
// merge pairwise when the fixed buffer fills (the bin length doubles), exact
// power sums for the variances, and an energy histogram for reweighting.
// The zero value is not usable: use NewStream. Its fields are exported for
// gob (checkpoints); treat them as read-only.
type Stream struct {
	N        int   // sites
	Capacity int   // maximum number of complete bins (even, >= 4)
	Count    int64 // measurements so far
	BinSize  int64 // measurements per complete bin (a power of 2)
	// Bins holds numObs sums per complete bin, bin after bin.
	Bins []float64
	// Part holds the sums of the incomplete bin of PartN measurements.
	Part  [numObs]float64
	PartN int64
	// Shift is the first energy per site (the power sums of u use u - Shift
	// to avoid cancellation); Pow[k] = sum (u-Shift)^(k+1), k = 0..3.
	Shift float64
	Pow   [4]float64
	// Tot holds the exact sums of the six observables and SumM8 of m^8 (for
	// the variance of m^4).
	Tot   [numObs]float64
	SumM8 float64
	// Hist is the energy histogram for reweighting (nil: not kept).
	Hist *EnergyHistogram
}

// NewStream returns an empty stream for a system of n sites keeping at most
// capacity bins (0: DefaultBinCapacity; odd values are rounded up, values
// below 4 become 4). expected > 0 is the number of measurements the run will
// make; it lays out the jackknife blocks of the energy histogram, which is
// kept only when expected > 0.
func NewStream(n, capacity int, expected int64) *Stream {
	if capacity <= 0 {
		capacity = DefaultBinCapacity
	}
	capacity = max(4, capacity+capacity%2)
	s := &Stream{N: n, Capacity: capacity, BinSize: 1}
	if expected > 0 {
		s.Hist = NewEnergyHistogram(DefaultHistogramBlocks, expected)
	}
	return s
}

// Add records one measurement: total energy e and total magnetization mag.
func (s *Stream) Add(e, mag float64) {
	fn := float64(s.N)
	u, m := e/fn, mag/fn
	m2 := m * m
	v := [numObs]float64{u, u * u, math.Abs(m), m, m2, m2 * m2}
	if s.Count == 0 {
		s.Shift = u
	}
	d := u - s.Shift
	s.Pow[0] += d
	s.Pow[1] += d * d
	s.Pow[2] += d * d * d
	s.Pow[3] += d * d * d * d
	s.SumM8 += v[obsM4] * v[obsM4]
	for k, x := range v {
		s.Part[k] += x
		s.Tot[k] += x
	}
	if s.Hist != nil {
		s.Hist.add(s.Count, e, v[obsAbsM], m2, v[obsM4])
	}
	s.Count++
	s.PartN++
	if s.PartN == s.BinSize {
		if len(s.Bins)+numObs > cap(s.Bins) {
			// Grow by doubling, but never beyond the capacity.
			nb := make([]float64, len(s.Bins), min(2*cap(s.Bins)+64*numObs, numObs*s.Capacity))
			copy(nb, s.Bins)
			s.Bins = nb
		}
		s.Bins = append(s.Bins, s.Part[:]...)
		s.Part, s.PartN = [numObs]float64{}, 0
		if len(s.Bins) == numObs*s.Capacity {
			// Merge pairs: Capacity/2 bins of twice the length.
			for i := 0; i < s.Capacity/2; i++ {
				for k := range numObs {
					s.Bins[numObs*i+k] = s.Bins[numObs*2*i+k] + s.Bins[numObs*(2*i+1)+k]
				}
			}
			s.Bins = s.Bins[:numObs*s.Capacity/2]
			s.BinSize *= 2
		}
	}
}

// NumBins returns the number of complete bins.
func (s *Stream) NumBins() int { return len(s.Bins) / numObs }

// binMeans returns the series of bin means of observable k.
func (s *Stream) binMeans(k int) []float64 {
	nb := s.NumBins()
	x := make([]float64, nb)
	inv := 1 / float64(s.BinSize)
	for i := range x {
		x[i] = s.Bins[numObs*i+k] * inv
	}
	return x
}

// Analyze computes every observable of TempResult at inverse temperature beta
// from the stream (see the package documentation, "Error analysis"). It
// returns ctx.Err() if ctx is cancelled during the analysis.
func (s *Stream) Analyze(ctx context.Context, beta float64, opt AnalysisOptions) (TempResult, error) {
	c := opt.Window
	if c <= 0 {
		c = 6
	}
	minRuns := opt.MinTauRuns
	if minRuns <= 0 {
		minRuns = 50
	}
	nm := int(s.Count)
	r := TempResult{Beta: beta, Temperature: 1 / beta, Measurements: nm}
	if nm < 2 || s.NumBins() < 2 {
		nan := Estimate{Mean: math.NaN(), Error: math.NaN(), TauInt: math.NaN()}
		r.Energy, r.AbsMagnetization, r.Magnetization, r.M2, r.M4 = nan, nan, nan, nan, nan
		r.HeatCapacity, r.Susceptibility, r.SusceptibilityAbs, r.Binder = nan, nan, nan, nan
		r.Warnings = append(r.Warnings, fmt.Sprintf("only %d measurements: no error analysis possible", nm))
		return r, nil
	}
	fn := float64(nm)
	mean := func(k int) float64 { return s.Tot[k] / fn }
	// Exact variances (1/n) of the primary series from the power sums.
	mu1 := s.Pow[0] / fn
	varU := s.Pow[1]/fn - mu1*mu1
	// Central moments of u for the variance of the energy fluctuation.
	c2 := varU
	c4 := s.Pow[3]/fn - 4*mu1*s.Pow[2]/fn + 6*mu1*mu1*s.Pow[1]/fn - 3*mu1*mu1*mu1*mu1
	varEC := c4 - c2*c2
	uMean := mean(obsU)
	var notConverged []string
	// est returns the mean of observable series x (bin means) with total
	// mean mu and full-resolution variance v.
	est := func(name string, x []float64, mu, v float64) (Estimate, error) {
		if err := ctx.Err(); err != nil {
			return Estimate{}, err
		}
		tauB, _, ok := TauInt(x, c)
		if !ok {
			notConverged = append(notConverged, name)
		}
		if s.BinSize == 1 {
			return Estimate{Mean: mu, Error: math.Sqrt(2 * tauB * v / fn), TauInt: tauB}, nil
		}
		_, vb := meanVar(x)
		// Error^2 = 2 tau_B Var(bins)/n_bins; tau_int in measurements is the
		// tau that gives the same error with the full-resolution variance.
		e2 := 2 * tauB * vb / float64(len(x))
		tau := 0.5
		if v > 0 {
			tau = math.Max(0.5, e2*fn/(2*v))
		}
		return Estimate{Mean: mu, Error: math.Sqrt(e2), TauInt: tau}, nil
	}
	series := [numObs][]float64{}
	for k := range numObs {
		series[k] = s.binMeans(k)
	}
	var err error
	type prim struct {
		name string
		dst  *Estimate
		k    int
		v    float64
	}
	ma, mm, m2, m4 := mean(obsAbsM), mean(obsM), mean(obsM2), mean(obsM4)
	prims := []prim{
		{"energy", &r.Energy, obsU, varU},
		{"|m|", &r.AbsMagnetization, obsAbsM, m2 - ma*ma},
		{"m", &r.Magnetization, obsM, m2 - mm*mm},
		{"m^2", &r.M2, obsM2, m4 - m2*m2},
		{"m^4", &r.M4, obsM4, s.SumM8/fn - m4*m4},
	}
	for _, p := range prims {
		if *p.dst, err = est(p.name, series[p.k], mean(p.k), math.Max(p.v, 0)); err != nil {
			return r, err
		}
	}
	// Energy fluctuation (u - <u>)^2: its bin means are linear in those of
	// u and u^2.
	ec := make([]float64, len(series[obsU]))
	for i := range ec {
		ec[i] = series[obsU2][i] - 2*uMean*series[obsU][i] + uMean*uMean
	}
	ecEst, err := est("energy fluctuation", ec, c2, math.Max(varEC, 0))
	if err != nil {
		return r, err
	}
	if len(notConverged) > 0 && notConverged[len(notConverged)-1] == "energy fluctuation" {
		notConverged = notConverged[:len(notConverged)-1] // reported as before: only the primary series
	}
	tauEC := ecEst.TauInt

	tauMax := 0.5
	for _, t := range []float64{r.Energy.TauInt, r.AbsMagnetization.TauInt, r.M2.TauInt, r.M4.TauInt, tauEC} {
		tauMax = math.Max(tauMax, t)
	}
	// Blocks of the binning and jackknife analyses: BinLayout in
	// measurements, rounded to whole bins.
	nbins := s.NumBins()
	per, ng := groupLayout(nm, nbins, int(s.BinSize), tauMax)
	grouped := [numObs][]float64{}
	for k := range numObs {
		grouped[k] = blockMeans(series[k], per, ng)
	}
	binErr := func(g []float64) float64 {
		_, v := meanVar(g)
		return math.Sqrt(v / float64(len(g)-1))
	}
	r.Energy.BinningError = binErr(grouped[obsU])
	r.AbsMagnetization.BinningError = binErr(grouped[obsAbsM])
	r.Magnetization.BinningError = binErr(grouped[obsM])
	r.M2.BinningError = binErr(grouped[obsM2])
	r.M4.BinningError = binErr(grouped[obsM4])

	// Jackknife over the ng groups (equal weights); the values use the
	// exact means over every measurement.
	jack := func(ks []int, f func(a []float64) float64) (float64, float64) {
		return groupJackknife(ks, s.Tot[:], fn, grouped[:], f)
	}
	nsites := float64(s.N)
	b2 := beta * beta
	cv, cerr := jack([]int{obsU, obsU2}, func(a []float64) float64 { return b2 * nsites * (a[1] - a[0]*a[0]) })
	// The value from the centred power sums (no cancellation).
	cv = b2 * nsites * c2
	r.HeatCapacity = Estimate{Mean: cv, Error: cerr, TauInt: math.Max(r.Energy.TauInt, tauEC)}
	chi, chiErr := jack([]int{obsM, obsM2}, func(a []float64) float64 { return beta * nsites * (a[1] - a[0]*a[0]) })
	r.Susceptibility = Estimate{Mean: chi, Error: chiErr, TauInt: math.Max(r.Magnetization.TauInt, r.M2.TauInt)}
	chia, chiaErr := jack([]int{obsAbsM, obsM2}, func(a []float64) float64 { return beta * nsites * (a[1] - a[0]*a[0]) })
	r.SusceptibilityAbs = Estimate{Mean: chia, Error: chiaErr, TauInt: math.Max(r.AbsMagnetization.TauInt, r.M2.TauInt)}
	u4, u4err := jack([]int{obsM2, obsM4}, func(a []float64) float64 {
		if a[0] == 0 {
			return 0
		}
		return 1 - a[1]/(3*a[0]*a[0])
	})
	r.Binder = Estimate{Mean: u4, Error: u4err, TauInt: math.Max(r.M2.TauInt, r.M4.TauInt)}

	if float64(nm) < minRuns*tauMax {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"beta=%g: %d measurements are only %.1f tau_int (largest tau_int %.3g sweeps); at least %.0f tau_int are needed for reliable error bars: run more sweeps",
			beta, nm, float64(nm)/tauMax, tauMax, minRuns))
	}
	// Cross-check: binning over bins of >= 10 tau_int should not give a
	// clearly larger error than the autocorrelation analysis (with ng bins
	// the binning error scatters by about 1/sqrt(2(ng-1)), 16% at 20 bins).
	if ng >= 20 {
		var disagree []string
		for _, q := range []struct {
			name string
			e    Estimate
		}{{"energy", r.Energy}, {"|m|", r.AbsMagnetization}, {"m^2", r.M2}, {"m^4", r.M4}} {
			if q.e.BinningError > 1.5*q.e.Error && q.e.Error > 0 {
				disagree = append(disagree, fmt.Sprintf("%s (%.3g vs %.3g)", q.name, q.e.BinningError, q.e.Error))
			}
		}
		if len(disagree) > 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("beta=%g: binning gives larger errors than tau_int for %s: the autocorrelation estimate is not reliable, run more sweeps",
				beta, strings.Join(disagree, ", ")))
		}
	}
	if len(notConverged) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("beta=%g: autocorrelation window did not converge for %v: run more sweeps", beta, notConverged))
	}
	sanitize(&r)
	return r, nil
}

// EnergyHistogram is what reweighting needs from a chain: for every distinct
// total energy E and each of Blocks consecutive blocks of the run (for the
// jackknife), the number of measurements at E and the sums of |m|, m^2 and
// m^4 over them (m per site). Its memory is Blocks x levels x 32 bytes,
// whatever the run length. Fields are exported for gob; treat them as
// read-only.
type EnergyHistogram struct {
	Blocks   int
	Expected int64 // measurements of the run: measurement t is in block t*Blocks/Expected
	// Levels are the distinct total energies, in order of first appearance.
	Levels []float64
	// Acc[b][4*l+j]: block b, level l; j = 0 count, 1 sum |m|, 2 sum m^2,
	// 3 sum m^4.
	Acc [][]float64
	// Overflow is set (and the data dropped) when more than MaxEnergyLevels
	// distinct energies occur.
	Overflow bool
	index    map[float64]int
}

// NewEnergyHistogram returns an empty histogram with the given number of
// jackknife blocks (>= 2) for a run of expected measurements.
func NewEnergyHistogram(blocks int, expected int64) *EnergyHistogram {
	blocks = max(2, blocks)
	return &EnergyHistogram{Blocks: blocks, Expected: max(expected, 1), Acc: make([][]float64, blocks)}
}

func (h *EnergyHistogram) add(t int64, e, am, m2, m4 float64) {
	if h.Overflow {
		return
	}
	if h.index == nil {
		h.index = make(map[float64]int, len(h.Levels))
		for i, l := range h.Levels {
			h.index[l] = i
		}
	}
	l, ok := h.index[e]
	if !ok {
		if len(h.Levels) >= MaxEnergyLevels {
			h.Overflow, h.Levels, h.Acc, h.index = true, nil, nil, nil
			return
		}
		l = len(h.Levels)
		h.index[e] = l
		h.Levels = append(h.Levels, e)
		for b := range h.Acc {
			h.Acc[b] = append(h.Acc[b], 0, 0, 0, 0)
		}
	}
	b := min(int(t*int64(h.Blocks)/h.Expected), h.Blocks-1)
	a := h.Acc[b][4*l : 4*l+4]
	a[0]++
	a[1] += am
	a[2] += m2
	a[3] += m4
}
