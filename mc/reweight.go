package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/floats"
)

// MeanErr is a reweighted estimate: the value from all the data and its
// jackknife error.
type MeanErr struct {
	Mean  float64 `json:"mean"`
	Error float64 `json:"error"`
}

// ReweightedPoint holds the observables reweighted to one temperature (one
// entry of "reweighted" in the output of 'isingrbm mc --reweight').
type ReweightedPoint struct {
	Temperature       float64 `json:"temperature"`
	Beta              float64 `json:"beta"`
	Energy            MeanErr `json:"energy_per_site"`
	HeatCapacity      MeanErr `json:"heat_capacity_per_site"`
	Binder            MeanErr `json:"binder"`
	AbsMagnetization  MeanErr `json:"abs_magnetization_per_site"`
	SusceptibilityAbs MeanErr `json:"susceptibility_abs_per_site"`
	M2                MeanErr `json:"m2"`
	M4                MeanErr `json:"m4"`
	// BinderSlope is dU4/dT, from the energy correlations
	// dU4/dbeta = -(<U4-parts E> - <..><E>) at the same temperature.
	BinderSlope MeanErr `json:"binder_slope"`
}

// HistogramRun is the reweighting input from one simulated temperature.
type HistogramRun struct {
	Beta float64
	Hist *EnergyHistogram
}

// Reweighter combines the energy histograms of runs at several
// temperatures (Ferrenberg and Swendsen, PRL 61 (1988) 2635 and PRL 63
// (1989) 1195): the density of states ln Omega(E) is the solution of the
// multiple-histogram equations, solved by iteration in log space, and any
// observable that depends on the configuration through E and m is
// reweighted as sum_E Omega(E) e^{-beta E} A(E) / sum_E Omega(E) e^{-beta E},
// with A(E) the mean of A over the measurements at energy E (pooled over
// runs). One run is single-histogram reweighting. Jackknife errors: the
// whole procedure is repeated with each of the EnergyHistogram blocks left
// out of every run.
type Reweighter struct {
	n      int
	betas  []float64
	levels []float64 // union of energies, sorted
	blocks int
	// cnt[k][b][l], sum[k][b][l][j]: run k, block b, level l.
	cnt [][][]float64
	sum [][][][3]float64
	// intervals of energy (1 %..99 % quantiles of each run, merged) where
	// reweighting is allowed.
	intervals [][2]float64
	full      *rwState
	jack      []*rwState
}

// rwState is the solution for one data set (all blocks, or all but one).
type rwState struct {
	lnOmega []float64 // -Inf where no run visited the level
	mean    [][3]float64
	f       []float64
}

// NewReweighter prepares reweighting from runs on a system of n sites. It
// fails if a run has no histogram, histograms with different block counts,
// or more than MaxEnergyLevels distinct energies.
func NewReweighter(ctx context.Context, n int, runs []HistogramRun) (*Reweighter, error) {
	if len(runs) == 0 {
		return nil, errors.New("no runs to reweight")
	}
	idx := map[float64]int{}
	var blocks int
	for k, r := range runs {
		switch {
		case r.Hist == nil:
			return nil, fmt.Errorf("run %d (beta %g) kept no energy histogram", k, r.Beta)
		case r.Hist.Overflow:
			return nil, fmt.Errorf("run at beta %g has more than %d distinct energies (continuous couplings?): histogram reweighting needs discrete energy levels", r.Beta, MaxEnergyLevels)
		case k > 0 && r.Hist.Blocks != blocks:
			return nil, errors.New("histograms with different block counts")
		}
		blocks = r.Hist.Blocks
		for _, e := range r.Hist.Levels {
			idx[e] = 0
		}
	}
	rw := &Reweighter{n: n, blocks: blocks}
	for e := range idx {
		rw.levels = append(rw.levels, e)
	}
	slices.Sort(rw.levels)
	for i, e := range rw.levels {
		idx[e] = i
	}
	L := len(rw.levels)
	for _, r := range runs {
		rw.betas = append(rw.betas, r.Beta)
		c := make([][]float64, blocks)
		s := make([][][3]float64, blocks)
		for b := range blocks {
			c[b] = make([]float64, L)
			s[b] = make([][3]float64, L)
			for l, e := range r.Hist.Levels {
				a := r.Hist.Acc[b][4*l : 4*l+4]
				c[b][idx[e]] = a[0]
				s[b][idx[e]] = [3]float64{a[1], a[2], a[3]}
			}
		}
		rw.cnt = append(rw.cnt, c)
		rw.sum = append(rw.sum, s)
	}
	// The runs must be connected through shared energy levels, or the
	// multiple-histogram equations do not fix their relative free energies.
	visited := make([][]bool, len(runs))
	for k := range runs {
		visited[k] = make([]bool, L)
		for b := range blocks {
			for l, c := range rw.cnt[k][b] {
				visited[k][l] = visited[k][l] || c > 0
			}
		}
	}
	comp := make([]int, len(runs))
	for k := range comp {
		comp[k] = k
	}
	var find func(int) int
	find = func(k int) int {
		for comp[k] != k {
			k = comp[k]
		}
		return k
	}
	for a := range runs {
		for b := a + 1; b < len(runs); b++ {
			for l := range L {
				if visited[a][l] && visited[b][l] {
					comp[find(a)] = find(b)
					break
				}
			}
		}
	}
	for k := 1; k < len(runs); k++ {
		if find(k) != find(0) {
			return nil, fmt.Errorf("the energy histograms at T = %.4g and T = %.4g are disjoint (no common energy): no temperature between them can be reweighted; simulate temperatures in between",
				1/runs[0].Beta, 1/runs[k].Beta)
		}
	}
	// Allowed energy intervals.
	var iv [][2]float64
	for k := range runs {
		tot := make([]float64, L)
		var n float64
		for b := range blocks {
			floats.Add(tot, rw.cnt[k][b])
		}
		n = floats.Sum(tot)
		if n == 0 {
			return nil, fmt.Errorf("run at beta %g has no measurements", runs[k].Beta)
		}
		lo, hi := math.NaN(), math.NaN()
		var acc float64
		for l, c := range tot {
			acc += c
			if math.IsNaN(lo) && acc >= 0.01*n {
				lo = rw.levels[l]
			}
			if math.IsNaN(hi) && acc >= 0.99*n {
				hi = rw.levels[l]
			}
		}
		iv = append(iv, [2]float64{lo, hi})
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	for _, v := range iv {
		if m := len(rw.intervals); m > 0 && v[0] <= rw.intervals[m-1][1] {
			rw.intervals[m-1][1] = math.Max(rw.intervals[m-1][1], v[1])
		} else {
			rw.intervals = append(rw.intervals, v)
		}
	}
	var err error
	if rw.full, err = rw.solve(ctx, -1, nil); err != nil {
		return nil, err
	}
	for b := range blocks {
		st, err := rw.solve(ctx, b, rw.full.f)
		if err != nil {
			return nil, err
		}
		rw.jack = append(rw.jack, st)
	}
	return rw, nil
}

// solve returns ln Omega and the per-level means with block skip left out
// (skip < 0: none), starting the iteration from f0 (nil: zeros).
func (rw *Reweighter) solve(ctx context.Context, skip int, f0 []float64) (*rwState, error) {
	R, L := len(rw.betas), len(rw.levels)
	h := make([]float64, L)
	nk := make([]float64, R)
	st := &rwState{lnOmega: make([]float64, L), mean: make([][3]float64, L), f: make([]float64, R)}
	for k := range R {
		for b := range rw.blocks {
			if b == skip {
				continue
			}
			for l := range L {
				c := rw.cnt[k][b][l]
				h[l] += c
				nk[k] += c
				for j := range 3 {
					st.mean[l][j] += rw.sum[k][b][l][j]
				}
			}
		}
	}
	for l := range L {
		if h[l] > 0 {
			for j := range 3 {
				st.mean[l][j] /= h[l]
			}
		}
	}
	if f0 != nil {
		copy(st.f, f0)
	}
	// Energies relative to the middle level keep the exponents moderate.
	e0 := rw.levels[L/2]
	lnh := make([]float64, L)
	for l := range L {
		lnh[l] = math.Log(h[l])
	}
	lnn := make([]float64, R)
	for k := range R {
		lnn[k] = math.Log(nk[k])
	}
	terms := make([]float64, max(R, L))
	fnew := make([]float64, R)
	for it := 0; ; it++ {
		if it%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for l := range L {
			if h[l] == 0 {
				st.lnOmega[l] = math.Inf(-1)
				continue
			}
			de := rw.levels[l] - e0
			for k := range R {
				terms[k] = lnn[k] + st.f[k] - rw.betas[k]*de
			}
			st.lnOmega[l] = lnh[l] - floats.LogSumExp(terms[:R])
		}
		for k := range R {
			for l := range L {
				terms[l] = st.lnOmega[l] - rw.betas[k]*(rw.levels[l]-e0)
			}
			fnew[k] = -floats.LogSumExp(terms[:L])
		}
		var d float64
		for k := range R {
			fnew[k] -= fnew[0]
			d = math.Max(d, math.Abs(fnew[k]-st.f[k]))
		}
		copy(st.f, fnew)
		if d < 1e-11 || R == 1 && it > 0 {
			return st, nil
		}
		if it > 200000 {
			return nil, errors.New("multiple-histogram iteration did not converge (histograms hardly overlap)")
		}
	}
}

// rwValues are the reweighted observables at one beta, in the order of
// ReweightedPoint: u, c, U4, |m|, chi', m2, m4, dU4/dT; and <E>.
func (rw *Reweighter) values(st *rwState, beta float64) ([8]float64, float64) {
	L := len(rw.levels)
	e0 := rw.levels[L/2]
	lw := make([]float64, L)
	for l := range L {
		lw[l] = st.lnOmega[l] - beta*(rw.levels[l]-e0)
	}
	lz := floats.LogSumExp(lw)
	var e, am, m2, m4 float64
	p := make([]float64, L)
	for l := range L {
		p[l] = math.Exp(lw[l] - lz)
		e += p[l] * rw.levels[l]
		am += p[l] * st.mean[l][0]
		m2 += p[l] * st.mean[l][1]
		m4 += p[l] * st.mean[l][2]
	}
	var ve, cm2, cm4 float64
	for l := range L {
		de := rw.levels[l] - e
		ve += p[l] * de * de
		cm2 += p[l] * de * st.mean[l][1]
		cm4 += p[l] * de * st.mean[l][2]
	}
	n := float64(rw.n)
	u4 := 1 - m4/(3*m2*m2)
	// d<A>/dbeta = -(<A E> - <A><E>).
	dU4dBeta := cm4/(3*m2*m2) - 2*m4*cm2/(3*m2*m2*m2)
	return [8]float64{e / n, beta * beta * ve / n, u4, am, beta * n * (m2 - am*am), m2, m4, -beta * beta * dU4dBeta}, e
}

// Allowed reports whether temperature t can be reweighted: the reweighted
// mean energy must lie inside the 1 %..99 % quantile range of the energy
// histogram of some run (ranges of runs that overlap are merged), and the
// effective number of measurements behind the reweighted distribution,
// n_eff = (sum_E H(E) w(E))^2 / sum_E H(E) w(E)^2 with H the pooled
// histogram and w(E) = Omega(E) e^{-beta E}/H(E) the weight of one
// measurement at E, must be at least 5 % of the measurements per run.
func (rw *Reweighter) Allowed(t float64) bool {
	beta := 1 / t
	_, e := rw.values(rw.full, beta)
	in := false
	for _, v := range rw.intervals {
		in = in || e >= v[0] && e <= v[1]
	}
	if !in {
		return false
	}
	L := len(rw.levels)
	e0 := rw.levels[L/2]
	h := make([]float64, L)
	var ntot float64
	for k := range rw.cnt {
		for b := range rw.blocks {
			floats.Add(h, rw.cnt[k][b])
		}
	}
	ntot = floats.Sum(h)
	// ln w(E) relative to its maximum.
	lw := make([]float64, L)
	mx := math.Inf(-1)
	for l := range L {
		lw[l] = math.Inf(-1)
		if h[l] > 0 {
			lw[l] = rw.full.lnOmega[l] - beta*(rw.levels[l]-e0) - math.Log(h[l])
			mx = math.Max(mx, lw[l])
		}
	}
	var s1, s2 float64
	for l := range L {
		if h[l] > 0 {
			w := math.Exp(lw[l] - mx)
			s1 += h[l] * w
			s2 += h[l] * w * w
		}
	}
	return s1*s1/s2 >= 0.05*ntot/float64(len(rw.betas))
}

// Ranges returns the temperature intervals [lo, hi] that Allowed accepts,
// found on a grid of 1000 temperatures between T_min/2 and 2 T_max of the
// runs (so to about 0.1 % of the range).
func (rw *Reweighter) Ranges() [][2]float64 {
	tmin, tmax := 1/slices.Max(rw.betas), 1/slices.Min(rw.betas)
	lo, hi := tmin/2, 2*tmax
	var out [][2]float64
	const steps = 1000
	open := false
	for i := 0; i <= steps; i++ {
		t := lo + (hi-lo)*float64(i)/steps
		ok := rw.Allowed(t)
		switch {
		case ok && !open:
			out = append(out, [2]float64{t, t})
			open = true
		case ok:
			out[len(out)-1][1] = t
		default:
			open = false
		}
	}
	return out
}

// FormatRanges writes temperature intervals as "2.1..2.45, 2.6..2.7".
func FormatRanges(r [][2]float64) string {
	var s []string
	for _, v := range r {
		s = append(s, fmt.Sprintf("%.4g..%.4g", v[0], v[1]))
	}
	return strings.Join(s, ", ")
}

// At returns the observables reweighted to temperature t with jackknife
// errors. It does not check Allowed.
func (rw *Reweighter) At(t float64) ReweightedPoint {
	beta := 1 / t
	v, _ := rw.values(rw.full, beta)
	nb := float64(len(rw.jack))
	var mean, ss [8]float64
	js := make([][8]float64, len(rw.jack))
	for j, st := range rw.jack {
		js[j], _ = rw.values(st, beta)
		for q := range 8 {
			mean[q] += js[j][q] / nb
		}
	}
	for j := range js {
		for q := range 8 {
			d := js[j][q] - mean[q]
			ss[q] += d * d
		}
	}
	me := func(q int) MeanErr { return MeanErr{Mean: v[q], Error: math.Sqrt(ss[q] * (nb - 1) / nb)} }
	return ReweightedPoint{Temperature: t, Beta: beta, Energy: me(0), HeatCapacity: me(1), Binder: me(2),
		AbsMagnetization: me(3), SusceptibilityAbs: me(4), M2: me(5), M4: me(6), BinderSlope: me(7)}
}

// Reweight reweights runs on n sites to every temperature of temps. A
// temperature outside the allowed ranges (see Reweighter.Allowed) is an
// error naming the ranges.
func Reweight(ctx context.Context, n int, runs []HistogramRun, temps []float64) ([]ReweightedPoint, error) {
	rw, err := NewReweighter(ctx, n, runs)
	if err != nil {
		return nil, err
	}
	var out []ReweightedPoint
	for _, t := range temps {
		if !(t > 0) || !rw.Allowed(t) {
			return nil, fmt.Errorf("temperature %g: the energy histograms do not overlap enough there; allowed temperatures %s", t, FormatRanges(rw.Ranges()))
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, rw.At(t))
	}
	return out, nil
}
