package mcrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// Result is what Run returns: the output 'isingrbm mc' prints, and for
// every entry of Output.Results the recorded series and the final spins.
type Result struct {
	// Output holds the metadata (algorithm, seed, config hash, shard) and
	// one mc.TempResult per temperature of the shard, in the order of the
	// temperature list, each with its Index in the full list. Seconds is
	// the wall time of the sampling.
	Output mc.Output
	// Series[j] is the recorded series of Output.Results[j]: energies and
	// magnetizations (totals), spin snapshots (Config.SampleEvery),
	// counters.
	Series []*mc.Series
	// Spins[j] is the configuration after the last sweep at the temperature
	// of Output.Results[j] (site order of the model, values ±1).
	Spins [][]int8
}

// unit is one independently runnable piece: an mc.Chain or an mc.Tempering.
type unit interface {
	Run(ctx context.Context) error
	Done() int64
	Total() int64
	Finished() bool
	MarshalBinary() ([]byte, error)
	UnmarshalBinary([]byte) error
}

// job is a normalized config on a model with its built units.
type job struct {
	m       *lattice.Model
	c       Config
	indices []int // temperatures of the shard
	hash    string
	units   []unit
}

func (j *job) checkpointID() string {
	id := j.hash
	if j.c.KeepSeries {
		// A checkpoint without the full series cannot continue a run that
		// writes it (and the other way round).
		id += "-series"
	}
	if j.c.Shard.N == 0 {
		return id
	}
	return id + "-shard-" + j.c.Shard.String()
}

func newJob(m *lattice.Model, cfg Config) (*job, error) {
	if m == nil || m.N < 1 {
		panic("mcrun: nil or empty model")
	}
	c, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	if err := CheckResources(m.N, cfg); err != nil {
		return nil, err
	}
	j := &job{m: m, c: c, hash: hash(m, &c), indices: c.Shard.Indices(len(c.Betas))}
	rc := mc.RunConfig{Thermalize: c.Thermalize, Sweeps: c.Sweeps, MeasureEvery: c.MeasureEvery, SampleEvery: c.SampleEvery,
		KeepSeries: c.KeepSeries}
	if err := c.checkExtras(m, &rc); err != nil {
		return nil, err
	}
	if c.Algorithm == mc.PT {
		reps := make([]mc.TemperedKernel, len(c.Betas))
		for k := range c.Betas {
			if reps[k], err = kernel(m, &c, k); err != nil {
				return nil, err
			}
		}
		pt, err := mc.NewTempering(c.Betas, m.N, reps, rng.New(c.Seed, streamSwaps), rc)
		if err != nil {
			return nil, err
		}
		if c.Overlap {
			if err := twinLadder(m, &c, pt, rc); err != nil {
				return nil, err
			}
		}
		j.units = []unit{pt}
		return j, nil
	}
	for _, k := range j.indices {
		kn, err := kernel(m, &c, k)
		if err != nil {
			return nil, err
		}
		ch, err := newChain(m, &c, k, kn, rc)
		if err != nil {
			return nil, err
		}
		j.units = append(j.units, ch)
	}
	return j, nil
}

// Run samples model m at every temperature of cfg (of cfg.Shard), in
// parallel, and analyses the series. Temperature k uses its own random
// stream, so the result does not depend on GOMAXPROCS, Workers, the shard
// split or on checkpoints: an interrupted run resumed from its checkpoint
// gives the same Result (Seconds aside) as an uninterrupted one.
//
// When ctx is cancelled Run stops at a sweep boundary, saves the state to
// cfg.Checkpoint (if set) and returns an error wrapping ErrInterrupted.
// Invalid fields give a *ConfigError naming the field; so does a checkpoint
// that belongs to another run, is corrupt, or exists without cfg.Resume.
func Run(ctx context.Context, m *lattice.Model, cfg Config) (*Result, error) {
	j, err := newJob(m, cfg)
	if err != nil {
		return nil, err
	}
	c := &j.c
	if c.Checkpoint != "" {
		_, statErr := os.Stat(c.Checkpoint)
		switch {
		case statErr == nil && !c.Resume:
			return nil, &ConfigError{Field: "Checkpoint", Value: c.Checkpoint, Msg: "exists: use Resume to continue it, or remove it"}
		case statErr == nil:
			if err := loadCheckpoint(c.Checkpoint, j.checkpointID(), j.units); err != nil {
				return nil, err
			}
		case c.Log != nil:
			c.Log(fmt.Sprintf("no checkpoint %s yet, starting from the beginning", c.Checkpoint))
		}
	}
	var analysed atomic.Int64
	if c.Progress != nil {
		stop := progress(j.units, &analysed, c.Progress, c.ProgressEvery)
		defer stop()
	}
	if err = j.run(ctx); err != nil {
		return nil, err
	}
	res, err := j.result(ctx, &analysed)
	if err != nil {
		if c.Checkpoint != "" {
			return nil, fmt.Errorf("%w during the analysis: the sampling is complete and saved to %s; Resume repeats only the analysis", ErrInterrupted, c.Checkpoint)
		}
		return nil, fmt.Errorf("%w during the analysis (no Checkpoint given, nothing saved)", ErrInterrupted)
	}
	return res, nil
}

// analysisWeight is the amount of progress (in sweeps) the analysis of unit
// u counts for: 1 % of its sweeps, at least 1.
func analysisWeight(u unit) int64 { return max(1, u.Total()/100) }

// run runs every unit to the end, in parallel, saving a checkpoint every
// interval and when ctx is cancelled (if a checkpoint file is set).
func (j *job) run(ctx context.Context) error {
	c := &j.c
	workers := j.workers()
	for {
		round := ctx
		var cancel context.CancelFunc = func() {}
		if c.Checkpoint != "" {
			round, cancel = context.WithTimeout(ctx, c.CheckpointEvery)
		}
		g := new(errgroup.Group)
		g.SetLimit(workers)
		for _, u := range j.units {
			if u.Finished() {
				continue
			}
			g.Go(func() error {
				err := u.Run(round)
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return nil
				}
				return err
			})
		}
		err := g.Wait()
		cancel()
		if err != nil {
			return err
		}
		all := true
		for _, u := range j.units {
			all = all && u.Finished()
		}
		if c.Checkpoint != "" {
			if err := saveCheckpoint(c.Checkpoint, j.checkpointID(), j.units); err != nil {
				return err
			}
		}
		if all {
			return nil
		}
		if ctx.Err() != nil {
			if c.Checkpoint != "" {
				return fmt.Errorf("%w: state saved to %s; continue with Resume", ErrInterrupted, c.Checkpoint)
			}
			return fmt.Errorf("%w (no Checkpoint given, nothing saved)", ErrInterrupted)
		}
	}
}

// result analyses the finished units, in parallel, adding the analysis
// weight of each unit to analysed when it is done. It returns ctx.Err() when
// ctx is cancelled during the analysis.
func (j *job) result(ctx context.Context, analysed *atomic.Int64) (*Result, error) {
	c := &j.c
	out := mc.Output{Algorithm: string(c.Algorithm), Seed: c.Seed, Config: j.hash, Temperatures: len(c.Betas),
		Shard: c.Shard.String(), Results: []mc.TempResult{}, Sites: j.m.N, Dims: j.m.Geometry.Dims}
	if c.Algorithm == mc.PT {
		out.Local = string(c.Local)
	}
	if c.MeasureEvery > 1 {
		out.MeasureEvery = c.MeasureEvery
	}
	opt := mc.AnalysisOptions{Window: c.Window}
	cluster := c.Local.Cluster()
	res := &Result{}
	if c.Algorithm == mc.PT {
		pt := j.units[0].(*mc.Tempering)
		var err error
		if out.Results, err = pt.AnalyzeAll(ctx, cluster, opt); err != nil {
			return nil, err
		}
		analysed.Add(analysisWeight(pt))
		for k := range out.Results {
			warnThermalization(&out.Results[k], c)
		}
		out.SwapAcceptance = pt.SwapAcceptance()
		for k := range pt.Series {
			res.Series = append(res.Series, &pt.Series[k])
			res.Spins = append(res.Spins, pt.Replicas[pt.At[k]].Spins(nil))
		}
	} else {
		out.Results = make([]mc.TempResult, len(j.units))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(j.workers())
		for i, u := range j.units {
			ch := u.(*mc.Chain)
			g.Go(func() error {
				r, err := ch.Analyze(gctx, cluster, opt)
				if err != nil {
					return err
				}
				r.Index = j.indices[i]
				warnThermalization(&r, c)
				out.Results[i] = r
				analysed.Add(analysisWeight(ch))
				return nil
			})
			res.Series = append(res.Series, &ch.Series)
			res.Spins = append(res.Spins, ch.Kernel.Spins(nil))
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
	}
	res.Output = out
	return res, nil
}

func (j *job) workers() int {
	if j.c.Workers > 0 {
		return j.c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// progress calls f with the work done every interval until the returned
// stop function is called (which reports once more and waits). The work is
// the sweeps plus the analysis weight of every unit, analysed holding the
// weight of the units analysed so far.
func progress(us []unit, analysed *atomic.Int64, f func(done, total int64), interval time.Duration) func() {
	var total int64
	for _, u := range us {
		total += u.Total() + analysisWeight(u)
	}
	report := func() {
		d := analysed.Load()
		for _, u := range us {
			d += u.Done()
		}
		f(d, total)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				report()
			}
		}
	}()
	return func() { close(done); wg.Wait(); report() }
}
