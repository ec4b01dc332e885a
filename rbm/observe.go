package rbm

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// Ising observables of an RBM. SampleIsing runs independent block Gibbs
// chains of the RBM, maps each visible configuration to spins (spin units:
// s = v; Bernoulli units: s = 2v - 1), and measures the energy H(s) of an
// Ising model and the magnetization after every sweep, the way package mc
// measures its own chains. The estimates come from mc's analysis of the
// chains' series laid end to end (integrated autocorrelation times, binning,
// jackknife); with several chains every error bar is also computed by a
// jackknife over the chains (each chain one block, an estimate that needs
// no autocorrelation time), and the larger of the two is reported. Chains
// that have not forgotten their start (an ordered phase entered from random
// states, say) then show up as a large spread between chains rather than as
// a falsely small error.

// GibbsConfig sets up SampleIsing. Every zero value means the documented
// default.
type GibbsConfig struct {
	Chains int // independent chains run as one batch; 0 means 64
	// Thermalize is the number of sweeps discarded first; 0 means
	// Sweeps/10, negative none.
	Thermalize int
	Sweeps     int // measured sweeps per chain; 0 means 1000
	// Start, if not nil, holds initial visible states (visible encoding),
	// used cyclically; nil starts every unit uniformly at random. Starting
	// from data samples avoids long transients in an ordered phase.
	Start *mat.Dense
	Seed  uint64
	// Every, if > 0, calls Sample with the chains' visible states (the
	// batch, chains x N, not to be kept) after every Every-th measured sweep.
	Every  int
	Sample func(sweep int, v *mat.Dense) error
	// Progress, if not nil, is called every 64 sweeps with the sweeps done
	// and the total.
	Progress func(done, total int)
}

// MaxGibbsMeasurements bounds Chains x Sweeps (16 bytes each are kept).
const MaxGibbsMeasurements = 1 << 28

// SampleIsing samples the visible marginal of r by block Gibbs chains and
// returns the Ising observables of m at inverse temperature beta (the
// temperature enters the heat capacity and susceptibilities only). The
// visible layer must be discrete with one unit per site of m. Updates counts
// visible units that changed value; Acceptance is their fraction per sweep.
func (r *RBM) SampleIsing(ctx context.Context, m *lattice.Model, beta float64, cfg GibbsConfig) (mc.TempResult, error) {
	n, hid := r.Dims()
	if !r.Visible.Type.Discrete() {
		return mc.TempResult{}, fmt.Errorf("rbm: sample Ising observables: visible layer is %s: need spin or bernoulli", r.Visible.Type)
	}
	if m.N != n {
		return mc.TempResult{}, fmt.Errorf("rbm: sample Ising observables: %d visible units for %d sites", n, m.N)
	}
	if cfg.Chains == 0 {
		cfg.Chains = 64
	}
	if cfg.Sweeps == 0 {
		cfg.Sweeps = 1000
	}
	if cfg.Thermalize == 0 {
		cfg.Thermalize = cfg.Sweeps / 10
	}
	cfg.Thermalize = max(cfg.Thermalize, 0)
	if cfg.Chains < 1 || cfg.Sweeps < 2 {
		return mc.TempResult{}, fmt.Errorf("rbm: sample Ising observables: %d chains of %d sweeps: need >= 1 chain and >= 2 sweeps", cfg.Chains, cfg.Sweeps)
	}
	if int64(cfg.Chains)*int64(cfg.Sweeps) > MaxGibbsMeasurements {
		return mc.TempResult{}, fmt.Errorf("rbm: sample Ising observables: %d chains x %d sweeps: at most %d measurements", cfg.Chains, cfg.Sweeps, MaxGibbsMeasurements)
	}
	if math.IsNaN(beta) || math.IsInf(beta, 0) || beta < 0 {
		return mc.TempResult{}, fmt.Errorf("rbm: sample Ising observables: beta %v: must be finite and >= 0", beta)
	}
	rnd := rng.NewRand(cfg.Seed, rng.StreamGibbsIsing)
	off, on := r.Visible.Type.values()
	v := mat.NewDense(cfg.Chains, n, nil)
	for c := 0; c < cfg.Chains; c++ {
		if cfg.Start != nil {
			rows, cols := cfg.Start.Dims()
			if cols != n || rows == 0 {
				return mc.TempResult{}, fmt.Errorf("rbm: sample Ising observables: start states have %d columns for %d visible units", cols, n)
			}
			v.SetRow(c, cfg.Start.RawRowView(c%rows))
			continue
		}
		for i := 0; i < n; i++ {
			x := off
			if rnd.IntN(2) == 1 {
				x = on
			}
			v.Set(c, i, x)
		}
	}
	h := mat.NewDense(cfg.Chains, hid, nil)
	prev := mat.NewDense(cfg.Chains, n, nil)
	es := make([]float64, cfg.Chains*cfg.Sweeps) // chain-major
	ms := make([]float64, cfg.Chains*cfg.Sweeps)
	s := make([]int8, n)
	var flips int64
	total := cfg.Thermalize + cfg.Sweeps
	for t := 0; t < total; t++ {
		if t%64 == 0 {
			if err := ctx.Err(); err != nil {
				return mc.TempResult{}, err
			}
			if cfg.Progress != nil {
				cfg.Progress(t, total)
			}
		}
		measured := t >= cfg.Thermalize
		if measured {
			prev.Copy(v)
		}
		r.Gibbs(v, h, 1, rnd)
		if !measured {
			continue
		}
		sw := t - cfg.Thermalize
		for c := 0; c < cfg.Chains; c++ {
			row, pr := v.RawRowView(c), prev.RawRowView(c)
			for i, x := range row {
				s[i] = -1
				if x == on {
					s[i] = 1
				}
				if x != pr[i] {
					flips++
				}
			}
			es[c*cfg.Sweeps+sw] = m.Energy(s)
			ms[c*cfg.Sweeps+sw] = float64(lattice.Magnetization(s))
		}
		if cfg.Every > 0 && cfg.Sample != nil && (sw+1)%cfg.Every == 0 {
			if err := cfg.Sample(sw, v); err != nil {
				return mc.TempResult{}, err
			}
		}
	}
	if cfg.Progress != nil {
		cfg.Progress(total, total)
	}
	res := mc.Analyze(beta, n, es, ms, mc.AnalysisOptions{})
	res.Updates = int64(cfg.Chains) * int64(cfg.Sweeps) * int64(n)
	res.Acceptance = float64(flips) / float64(res.Updates)
	if cfg.Chains >= 2 {
		chainJackknife(&res, beta, n, cfg.Chains, es, ms)
	}
	return res, nil
}

// chainJackknife raises every error of res to the jackknife error over the
// chains (the series are chain-major, one block per chain).
func chainJackknife(res *mc.TempResult, beta float64, n, chains int, es, ms []float64) {
	fn := float64(n)
	k := len(es)
	e2, am, m2, m4 := make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
	mm := make([]float64, k)
	for t := range es {
		e := es[t]
		x := ms[t] / fn
		e2[t], am[t], m2[t], m4[t], mm[t] = e*e, math.Abs(x), x*x, x*x*x*x, x
	}
	series := [][]float64{es, e2, am, m2, m4, mm}
	raise := func(est *mc.Estimate, f func(m []float64) float64) {
		_, err := mc.Jackknife(series, chains, f)
		if err > est.Error || math.IsNaN(est.Error) {
			est.Error = err
		}
	}
	raise(&res.Energy, func(m []float64) float64 { return m[0] / fn })
	raise(&res.HeatCapacity, func(m []float64) float64 { return beta * beta * (m[1] - m[0]*m[0]) / fn })
	raise(&res.AbsMagnetization, func(m []float64) float64 { return m[2] })
	raise(&res.M2, func(m []float64) float64 { return m[3] })
	raise(&res.M4, func(m []float64) float64 { return m[4] })
	raise(&res.Magnetization, func(m []float64) float64 { return m[5] })
	raise(&res.Susceptibility, func(m []float64) float64 { return beta * fn * (m[3] - m[5]*m[5]) })
	raise(&res.SusceptibilityAbs, func(m []float64) float64 { return beta * fn * (m[3] - m[2]*m[2]) })
	raise(&res.Binder, func(m []float64) float64 { return 1 - m[4]/(3*m[3]*m[3]) })
}
