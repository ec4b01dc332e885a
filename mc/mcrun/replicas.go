package mcrun

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/fast"
)

// MaxReplicas bounds RunReplicas' replicas per temperature.
const MaxReplicas = 1 << 16

// streamReplicas is the first random stream of the replica groups: group g
// of temperature k uses internal/rng.New(Seed, streamReplicas + 4096 k + g).
const streamReplicas uint64 = 0x7265706c00000000

// RunReplicas runs cfg with r independent replicas at every temperature on
// the multi-spin-coded kernel of package mc/fast (fast.Replicas: 64 replicas
// in the bits of one word, updated together with exact, independent
// acceptance decisions), and returns one result per temperature, averaged
// over the replicas. It needs what fast.Replicas needs: a periodic square or
// simple cubic lattice with one coupling J, or a ±J instance (every
// coupling +J or -J: fast.NewReplicasPMJ, all replicas of that one instance),
// and one field h (any lengths >= 2), Algorithm mc.Metropolis or mc.HeatBath and Order mc.Sequential (a
// fixed site order: checkerboard when every length is even, typewriter
// otherwise); Kernel must not be Generic. Shards, checkpoints, snapshots,
// kept series and parallel tempering are not supported (a *ConfigError
// says so).
//
// The replicas of temperature k fill groups of 64 lanes (replica i in lane
// i%64 of group i/64; a temperature with r < 64 replicas leaves 64 - r lanes
// of its words empty, which costs the same time as full words). Each group
// has its own random stream, so the result does not depend on Workers.
//
// Every replica is a chain of its own (Thermalize + Sweeps sweeps, a
// measurement every MeasureEvery sweeps, from the bit-sliced words) with
// its own mc.Stream and analysis. The result at a temperature has, for each
// quantity, Mean = the average of the replicas' means; Error = the larger of
// the time-series error sqrt(sum of the replicas' squared errors)/r and the
// replica spread (standard deviation of the replicas' means)/sqrt(r) (with
// r >= 2); BinningError = the replica spread, the cross-check; TauInt = the
// mean of the replicas' tau_int. Measurements, Updates (attempted
// single-spin updates) and Acceptance count all replicas; Seconds is the
// wall time of the sampling of that temperature. No energy histograms are
// kept (no reweighting), so memory stays small. A replica's warnings are
// reported once, with the number of replicas that gave that kind of warning.
func RunReplicas(ctx context.Context, m *lattice.Model, cfg Config, r int) (*Result, error) {
	if m == nil || m.N < 1 {
		panic("mcrun: nil or empty model")
	}
	c, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	bad := func(field, value, msg string) error { return &ConfigError{Field: field, Value: value, Msg: msg} }
	switch {
	case r < 1 || r > MaxReplicas:
		return nil, bad("Replicas", fmt.Sprint(r), fmt.Sprintf("must be 1..%d", MaxReplicas))
	case c.Algorithm != mc.Metropolis && c.Algorithm != mc.HeatBath:
		return nil, bad("Algorithm", string(c.Algorithm), "replicas run metropolis or heatbath (the multi-spin-coded kernel)")
	case c.Order != mc.Sequential:
		return nil, bad("Order", string(c.Order), "replicas need the sequential order")
	case c.Kernel == Generic:
		return nil, bad("Kernel", string(c.Kernel), "replicas run only on the specialised kernel")
	case c.Shard.N > 0:
		return nil, bad("Shard", c.Shard.String(), "not supported with replicas")
	case c.Checkpoint != "":
		return nil, bad("Checkpoint", c.Checkpoint, "not supported with replicas")
	case c.SampleEvery > 0:
		return nil, bad("SampleEvery", fmt.Sprint(c.SampleEvery), "snapshots are not supported with replicas")
	case c.KeepSeries:
		return nil, bad("KeepSeries", "", "series are not kept with replicas")
	case c.Correlations:
		return nil, bad("Correlations", "", "not measured with replicas: run without Replicas")
	case c.Overlap:
		return nil, bad("Overlap", "", "not measured with replicas (the overlap has its own twin replica): run without Replicas")
	}
	p, signs, ok := replicaParams(m, c.Betas[0])
	if !ok {
		return nil, bad("Replicas", fmt.Sprint(r), fmt.Sprintf(
			"needs a periodic square or cubic lattice with uniform or ±J coupling and uniform field (this model: %s %v)", m.Geometry.Kind, m.Geometry.Dims))
	}
	if c.Algorithm == mc.HeatBath {
		p.Algorithm = fast.HeatBath
	}
	if c.Progress != nil {
		defer c.Progress(1, 1)
	}
	rc := mc.RunConfig{Thermalize: c.Thermalize, Sweeps: c.Sweeps, MeasureEvery: c.MeasureEvery}
	type group struct {
		k, first, n int // temperature, first replica, replicas
		kern        *fast.Replicas
		streams     []*mc.Stream
		flips       int64
		seconds     float64
	}
	var groups []*group
	for k, beta := range c.Betas {
		for g := 0; g*64 < r; g++ {
			n := min(64, r-64*g)
			betas := make([]float64, n)
			for i := range betas {
				betas[i] = beta
			}
			kern, err := newReplicaKernel(p, signs, betas, rng.New(c.Seed, streamReplicas+4096*uint64(k)+uint64(g)))
			if err != nil {
				return nil, &ConfigError{Field: "Replicas", Value: fmt.Sprint(r), Msg: err.Error(), Err: err}
			}
			gr := &group{k: k, first: 64 * g, n: n, kern: kern}
			for range n {
				gr.streams = append(gr.streams, mc.NewStream(m.N, rc.BinCapacity, 0)) // no energy histograms
			}
			groups = append(groups, gr)
		}
	}
	workers := c.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(workers)
	every := max(1, c.MeasureEvery)
	for _, gr := range groups {
		eg.Go(func() error {
			t0 := time.Now()
			defer func() { gr.seconds = time.Since(t0).Seconds() }()
			var e, mg []float64
			for t := -c.Thermalize; t < c.Sweeps; t++ {
				if t%64 == 0 && gctx.Err() != nil {
					return fmt.Errorf("%w (no Checkpoint with replicas, nothing saved)", ErrInterrupted)
				}
				_, f := gr.kern.Sweep()
				if t < 0 {
					continue
				}
				gr.flips += f
				if t%every == 0 {
					e, mg = gr.kern.Measure(e, mg)
					for i, s := range gr.streams {
						s.Add(e[i], mg[i])
					}
				}
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	// Analyse every replica (in parallel), then combine per temperature.
	per := make([][]mc.TempResult, len(c.Betas))
	for k := range per {
		per[k] = make([]mc.TempResult, r)
	}
	opt := mc.AnalysisOptions{Window: c.Window}
	ag, actx := errgroup.WithContext(ctx)
	ag.SetLimit(workers)
	for _, gr := range groups {
		for i, s := range gr.streams {
			ag.Go(func() error {
				tr, err := s.Analyze(actx, c.Betas[gr.k], opt)
				if err != nil {
					return fmt.Errorf("%w during the analysis (no Checkpoint given, nothing saved)", ErrInterrupted)
				}
				per[gr.k][gr.first+i] = tr
				return nil
			})
		}
	}
	if err := ag.Wait(); err != nil {
		return nil, err
	}
	out := mc.Output{Algorithm: string(c.Algorithm), Seed: c.Seed, Config: hash(m, &c) + fmt.Sprintf("-r%d", r),
		Temperatures: len(c.Betas), Results: []mc.TempResult{}, Sites: m.N, Dims: m.Geometry.Dims}
	if c.MeasureEvery > 1 {
		out.MeasureEvery = c.MeasureEvery
	}
	res := &Result{}
	for k := range c.Betas {
		tr := combineReplicas(per[k])
		tr.Index = k
		warnThermalization(&tr, &c)
		var flips int64
		var secs float64
		for _, gr := range groups {
			if gr.k == k {
				flips += gr.flips
				secs = math.Max(secs, gr.seconds)
			}
		}
		tr.Updates = int64(m.N) * int64(c.Sweeps) * int64(r)
		tr.Acceptance = float64(flips) / float64(tr.Updates)
		tr.Seconds = math.Round(secs*1000) / 1000
		out.Results = append(out.Results, tr)
		res.Series = append(res.Series, &mc.Series{})
		res.Spins = append(res.Spins, nil)
	}
	for _, gr := range groups {
		if gr.first == 0 {
			res.Spins[gr.k] = gr.kern.Spins(0, nil)
		}
	}
	res.Output = out
	return res, nil
}

var defaultWorkers = func() int { return (&job{c: Config{}}).workers() }

// combineReplicas averages the results of independent replicas at one
// temperature (see RunReplicas).
func combineReplicas(rs []mc.TempResult) mc.TempResult {
	out := rs[0]
	n := float64(len(rs))
	field := func(r *mc.TempResult) []*mc.Estimate {
		return []*mc.Estimate{&r.Energy, &r.AbsMagnetization, &r.Magnetization, &r.M2, &r.M4,
			&r.HeatCapacity, &r.Susceptibility, &r.SusceptibilityAbs, &r.Binder}
	}
	dst := field(&out)
	for q := range dst {
		var mean, ts, tau float64
		for i := range rs {
			e := field(&rs[i])[q]
			mean += e.Mean
			ts += e.Error * e.Error
			tau += e.TauInt
		}
		mean /= n
		var v float64
		for i := range rs {
			d := field(&rs[i])[q].Mean - mean
			v += d * d
		}
		est := mc.Estimate{Mean: mean, Error: math.Sqrt(ts) / n, TauInt: tau / n}
		if len(rs) >= 2 {
			spread := math.Sqrt(v / (n - 1) / n)
			est.BinningError = spread
			est.Error = math.Max(est.Error, spread)
		}
		*dst[q] = est
	}
	out.Measurements = 0
	kinds := map[string]int{}
	first := map[string]string{}
	for _, r := range rs {
		out.Measurements += r.Measurements
		seen := map[string]bool{}
		for _, w := range r.Warnings {
			kind := warningKind(w)
			if !seen[kind] {
				seen[kind] = true
				kinds[kind]++
				if _, ok := first[kind]; !ok {
					first[kind] = w
				}
			}
		}
	}
	out.Warnings = nil
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d of %d replicas: %s", kinds[k], len(rs), first[k]))
	}
	return out
}

// warningKind strips the numbers and bracketed lists of a warning, so that
// the same kind of warning of several replicas is counted once.
func warningKind(w string) string {
	depth := 0
	return strings.Map(func(r rune) rune {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
			return -1
		}
		if depth > 0 || r >= '0' && r <= '9' || r == '.' {
			return -1
		}
		return r
	}, w)
}
