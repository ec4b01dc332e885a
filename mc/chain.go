package mc

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/isingrbm/isingrbm/internal/par"
)

// RunConfig is the length and recording of a run at one temperature.
// Zero values: Thermalize 0 (no thermalization), MeasureEvery 0 (same as 1:
// a measurement after every sweep), SampleEvery 0 (no spin snapshots kept).
// Sweeps must be >= 1.
type RunConfig struct {
	Thermalize int // sweeps discarded before measuring
	Sweeps     int // sweeps of the measurement phase
	// MeasureEvery > 1 records energy and magnetization only after every
	// MeasureEvery-th sweep of the measurement phase (the first right after
	// thermalization), which bounds memory and checkpoint size for very long
	// runs; tau_int is then in units of measurements. 0 or 1: every sweep.
	MeasureEvery int
	// SampleEvery > 0 keeps a copy of the spins after every SampleEvery-th
	// measurement sweep (the first right after thermalization).
	SampleEvery int
	// KeepSeries keeps the full series of energies and magnetizations
	// (Series.Energies, Series.Magnetizations: 16 bytes per measurement, in
	// memory and in checkpoints). The analysis never needs it. Zero: not
	// kept.
	KeepSeries bool
	// BinCapacity is the number of bins the measurement Stream keeps
	// (memory 48 bytes per bin); longer runs are analysed from bins of 2,
	// 4, 8, ... measurements. Zero: DefaultBinCapacity.
	BinCapacity int
	// CorrelationL > 0 measures the spin-spin correlation function and the
	// structure factors of the second-moment correlation length on a
	// periodic hypercubic lattice of CorrelationDim (1..3) axes of length
	// CorrelationL (site x_0 + L x_1 + L^2 x_2, the layout of package
	// lattice); the model must have L^CorrelationDim sites. Cost per
	// measurement: N CorrelationDim (L/2 + 1) multiply-adds. Zero: not
	// measured.
	CorrelationL, CorrelationDim int
	// Overlap measures the overlap q = (1/N) sum_i s_i^a s_i^b of the
	// kernel with its twin, an independent replica (NewChainTwin,
	// Tempering.SetTwin). Zero: not measured.
	Overlap bool
	// ExtraEvery > 1 measures the correlations and the overlap only at
	// every ExtraEvery-th measurement (the first one included). 0 or 1:
	// every measurement.
	ExtraEvery int
	// ExtraBins is the number of bins of the VecStream of the correlations
	// and overlap. Zero: DefaultExtraBins.
	ExtraBins int
}

// hasExtra reports whether c measures correlations or the overlap.
func (c RunConfig) hasExtra() bool { return c.CorrelationL > 0 || c.Overlap }

// Measurements returns the number of measurements a run of c makes.
func (c RunConfig) Measurements() int64 {
	every := int64(max(c.MeasureEvery, 1))
	return (int64(c.Sweeps) + every - 1) / every
}

// Validate reports a bad configuration, naming the field.
func (c RunConfig) Validate() error {
	if c.Sweeps < 1 {
		return fmt.Errorf("mc: Sweeps %d: must be >= 1", c.Sweeps)
	}
	if c.Thermalize < 0 {
		return fmt.Errorf("mc: Thermalize %d: must be >= 0", c.Thermalize)
	}
	if c.SampleEvery < 0 {
		return fmt.Errorf("mc: SampleEvery %d: must be >= 0", c.SampleEvery)
	}
	if c.MeasureEvery < 0 {
		return fmt.Errorf("mc: MeasureEvery %d: must be >= 0", c.MeasureEvery)
	}
	if c.BinCapacity < 0 {
		return fmt.Errorf("mc: BinCapacity %d: must be >= 0", c.BinCapacity)
	}
	if c.CorrelationL < 0 || c.CorrelationL == 1 {
		return fmt.Errorf("mc: CorrelationL %d: must be 0 (no correlations) or >= 2", c.CorrelationL)
	}
	if c.CorrelationL > 0 && (c.CorrelationDim < 1 || c.CorrelationDim > maxCorrelationDim) {
		return fmt.Errorf("mc: CorrelationDim %d: must be 1..%d", c.CorrelationDim, maxCorrelationDim)
	}
	if c.ExtraEvery < 0 {
		return fmt.Errorf("mc: ExtraEvery %d: must be >= 0", c.ExtraEvery)
	}
	if c.ExtraBins < 0 {
		return fmt.Errorf("mc: ExtraBins %d: must be >= 0", c.ExtraBins)
	}
	return nil
}

// checkSites reports a correlation lattice that does not have n sites.
func (c RunConfig) checkSites(n int) error {
	if c.CorrelationL == 0 {
		return nil
	}
	want := 1
	for range c.CorrelationDim {
		want *= c.CorrelationL
	}
	if want != n {
		return fmt.Errorf("mc: CorrelationL %d, CorrelationDim %d: %d sites, the model has %d", c.CorrelationL, c.CorrelationDim, want, n)
	}
	return nil
}

// Series is what a run records at one temperature: the measurements in
// bounded memory (Stream: bins and energy histogram), optionally the full
// series of total energy and magnetization after each measurement sweep
// (RunConfig.KeepSeries), optional spin snapshots (row-major, N per
// snapshot), and counters.
type Series struct {
	Stream *Stream
	// Extra holds the correlations and the overlap (RunConfig.CorrelationL,
	// RunConfig.Overlap); nil when neither is measured.
	Extra          *VecStream
	Energies       []float64
	Magnetizations []float64
	Samples        []int8
	Updates        int64 // attempted single-spin updates, or spins flipped (cluster moves)
	Accepted       int64 // flips, or clusters (cluster moves)
	Seconds        float64
}

func (s *Series) record(k, twin Kernel, n, t int, cfg RunConfig, buf *[]int8, xb *extraBuf) {
	if cfg.MeasureEvery <= 1 || t%cfg.MeasureEvery == 0 {
		e, m := k.Energy(), float64(k.Magnetization())
		if s.Stream == nil {
			s.Stream = NewStream(n, cfg.BinCapacity, cfg.Measurements())
		}
		s.Stream.Add(e, m)
		if cfg.hasExtra() && (t/max(cfg.MeasureEvery, 1))%max(cfg.ExtraEvery, 1) == 0 {
			if s.Extra == nil {
				s.Extra = newVecStream(cfg)
			}
			s.Extra.add(xb.measure(cfg, n, k, twin))
		}
		if cfg.KeepSeries {
			s.Energies = append(s.Energies, e)
			s.Magnetizations = append(s.Magnetizations, m)
		}
	}
	if cfg.SampleEvery > 0 && t%cfg.SampleEvery == 0 {
		*buf = k.Spins(*buf)
		s.Samples = append(s.Samples, *buf...)
	}
}

// NumSamples returns the number of spin snapshots of n sites.
func (s *Series) NumSamples(n int) int { return len(s.Samples) / n }

// Result analyses the series of a chain at beta on n sites; cluster selects
// the acceptance convention (see TempResult.Acceptance).
func (s *Series) Result(beta float64, n int, cluster bool, opt AnalysisOptions) TempResult {
	r, _ := s.Analyze(context.Background(), beta, n, cluster, opt)
	return r
}

// Analyze is Result with a context: it returns ctx.Err() when ctx is
// cancelled during the analysis.
func (s *Series) Analyze(ctx context.Context, beta float64, n int, cluster bool, opt AnalysisOptions) (TempResult, error) {
	var r TempResult
	if s.Stream != nil {
		var err error
		if r, err = s.Stream.Analyze(ctx, beta, opt); err != nil {
			return r, err
		}
		if s.Extra != nil {
			tau := 0.5
			for _, e := range []Estimate{r.Energy, r.AbsMagnetization, r.M2, r.M4} {
				if !math.IsNaN(e.TauInt) {
					tau = math.Max(tau, e.TauInt)
				}
			}
			minRuns := opt.MinTauRuns
			if minRuns <= 0 {
				minRuns = 50
			}
			window := opt.Window
			if window <= 0 {
				window = 6
			}
			if err := s.Extra.analyze(ctx, &r, tau, window, minRuns); err != nil {
				return r, err
			}
			sanitize(&r)
		}
	} else {
		r = Analyze(beta, n, s.Energies, s.Magnetizations, opt)
	}
	r.Updates = s.Updates
	r.Seconds = math.Round(s.Seconds*1000) / 1000
	if cluster {
		r.Acceptance = 1
		if s.Accepted > 0 {
			r.MeanClusterSize = float64(s.Updates) / float64(s.Accepted)
		}
	} else if s.Updates > 0 {
		r.Acceptance = float64(s.Accepted) / float64(s.Updates)
	}
	return r, nil
}

// Chain runs one Kernel at one inverse temperature: cfg.Thermalize sweeps,
// then cfg.Sweeps measured sweeps. It can be stopped (context) and saved
// (MarshalBinary) at any sweep boundary and continues bit for bit after
// UnmarshalBinary.
type Chain struct {
	Beta   float64
	N      int
	Kernel Kernel
	// Twin is the second, independent replica of the overlap
	// (RunConfig.Overlap; nil otherwise). It is swept after Kernel in every
	// sweep; only Kernel's energy and magnetization are recorded.
	Twin   Kernel
	Config RunConfig
	Series Series
	done   atomic.Int64 // sweeps done, thermalization included
	buf    []int8
	xb     extraBuf
}

// NewChain returns a chain for kernel k (on n sites at inverse temperature
// beta). It returns an error for an invalid cfg.
func NewChain(k Kernel, beta float64, n int, cfg RunConfig) (*Chain, error) {
	if cfg.Overlap {
		return nil, errors.New("mc: Overlap needs a twin replica: use NewChainTwin")
	}
	return NewChainTwin(k, nil, beta, n, cfg)
}

// NewChainTwin is NewChain with a twin replica (for RunConfig.Overlap; twin
// must be a kernel of the same model and beta with its own random source,
// and nil without Overlap).
func NewChainTwin(k, twin Kernel, beta float64, n int, cfg RunConfig) (*Chain, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.checkSites(n); err != nil {
		return nil, err
	}
	if cfg.Overlap != (twin != nil) {
		return nil, fmt.Errorf("mc: Overlap %v with twin %v: a twin replica is needed exactly when Overlap is set", cfg.Overlap, twin != nil)
	}
	return &Chain{Beta: beta, N: n, Kernel: k, Twin: twin, Config: cfg}, nil
}

// Total returns the total number of sweeps of the chain.
func (c *Chain) Total() int64 { return int64(c.Config.Thermalize + c.Config.Sweeps) }

// Done returns the number of sweeps done. It is safe to call concurrently
// with Run (for progress bars).
func (c *Chain) Done() int64 { return c.done.Load() }

// Finished reports whether every sweep has been done.
func (c *Chain) Finished() bool { return c.Done() >= c.Total() }

// step performs sweep number d (0-based, thermalization included).
func (c *Chain) step(d int64) {
	if d == int64(c.Config.Thermalize) {
		if ad, ok := c.Kernel.(Adapter); ok {
			ad.EndAdaptation()
		}
		if ad, ok := c.Twin.(Adapter); ok {
			ad.EndAdaptation()
		}
	}
	u, a := c.Kernel.Sweep()
	if c.Twin != nil {
		c.Twin.Sweep()
	}
	if t := d - int64(c.Config.Thermalize); t >= 0 {
		c.Series.Updates += u
		c.Series.Accepted += a
		c.Series.record(c.Kernel, c.Twin, c.N, int(t), c.Config, &c.buf, &c.xb)
	}
}

// checkEvery returns how many sweeps to do between context checks: about
// 2^16 spin updates, at least 1.
func checkEvery(n int) int64 { return max(1, 65536/int64(max(n, 1))) }

// Run performs the remaining sweeps. It returns nil when the chain is
// finished, or ctx.Err() when ctx was cancelled first; the chain then stops
// at a sweep boundary (within about 2^16 spin updates) and may be saved or
// continued by calling Run again.
func (c *Chain) Run(ctx context.Context) error {
	t0 := time.Now()
	defer func() { c.Series.Seconds += time.Since(t0).Seconds() }()
	every := checkEvery(c.N)
	d := c.Done()
	for d < c.Total() {
		for k := int64(0); k < every && d < c.Total(); k++ {
			c.step(d)
			d++
			c.done.Store(d)
		}
		if d < c.Total() {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Result analyses the chain's series; see Series.Result.
func (c *Chain) Result(cluster bool, opt AnalysisOptions) TempResult {
	return c.Series.Result(c.Beta, c.N, cluster, opt)
}

// Analyze is Result with a context; see Series.Analyze.
func (c *Chain) Analyze(ctx context.Context, cluster bool, opt AnalysisOptions) (TempResult, error) {
	return c.Series.Analyze(ctx, c.Beta, c.N, cluster, opt)
}

// chainState is the gob layout of a saved chain.
type chainState struct {
	Beta   float64
	N      int
	Config RunConfig
	Done   int64
	Kernel []byte
	Series Series
	Twin   []byte // nil without a twin (gob omits it: unchanged bytes)
}

// MarshalBinary saves the chain: kernel state, series and counters.
func (c *Chain) MarshalBinary() ([]byte, error) {
	kb, err := c.Kernel.MarshalBinary()
	if err != nil {
		return nil, err
	}
	st := chainState{c.Beta, c.N, c.Config, c.Done(), kb, c.Series, nil}
	if c.Twin != nil {
		if st.Twin, err = c.Twin.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	err = gob.NewEncoder(&b).Encode(st)
	return b.Bytes(), err
}

// UnmarshalBinary restores a chain saved by MarshalBinary into c, whose
// Kernel must have been built for the same model, beta and algorithm.
func (c *Chain) UnmarshalBinary(b []byte) error {
	var st chainState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return fmt.Errorf("mc: corrupt chain state: %w", err)
	}
	if st.Beta != c.Beta || st.N != c.N || st.Config != c.Config {
		return errors.New("mc: saved chain is for a different temperature, size or run length")
	}
	if st.Done < 0 || st.Done > c.Total() || len(st.Series.Energies) != len(st.Series.Magnetizations) {
		return errors.New("mc: corrupt chain state: inconsistent counters")
	}
	if (st.Twin != nil) != (c.Twin != nil) {
		return errors.New("mc: corrupt chain state: twin replica present in only one of the saved and the new chain")
	}
	if err := c.Kernel.UnmarshalBinary(st.Kernel); err != nil {
		return err
	}
	if c.Twin != nil {
		if err := c.Twin.UnmarshalBinary(st.Twin); err != nil {
			return err
		}
	}
	c.Series = st.Series
	c.done.Store(st.Done)
	return nil
}

// Tempering is parallel tempering (replica exchange; Swendsen and Wang 1986,
// Hukushima and Nemoto 1996) over a ladder of inverse temperatures Betas[k].
// One sweep performs one local sweep of every replica (concurrently for
// N >= 4096 sites, which does not change the result), then proposes swaps of
// the replicas at ladder neighbours (k, k+1) for k = 0, 1, ..., K-2 in that
// order, each accepted with probability min(1, exp((beta_k - beta_{k+1})
// (E_k - E_{k+1}))) with total energies E. Measurements are recorded per
// temperature (whichever replica is there). Swaps use their own random source.
type Tempering struct {
	Betas    []float64
	N        int
	Replicas []TemperedKernel
	Config   RunConfig
	Series   []Series // per temperature
	// At[k] is the replica currently at temperature k.
	At         []int
	SwapTried  []int64 // per ladder pair (k, k+1)
	SwapAccept []int64
	src        rand.Source
	r          *rand.Rand
	done       atomic.Int64
	buf        []int8
	cnt        [][2]int64
	xb         extraBuf
	// Twin is the second, independent ladder of the overlap
	// (RunConfig.Overlap; see SetTwin), nil otherwise.
	Twin *Tempering
}

// parallelReplicaSites is the system size from which Tempering sweeps its
// replicas concurrently (below it the goroutine overhead dominates).
const parallelReplicaSites = 4096

// NewTempering returns parallel tempering over betas with one replica per
// temperature (replica k starts at temperature k) and swap source src (which
// must implement encoding.BinaryMarshaler for checkpoints). It panics if the
// lengths differ or there are fewer than 2 temperatures.
func NewTempering(betas []float64, n int, replicas []TemperedKernel, src rand.Source, cfg RunConfig) (*Tempering, error) {
	if len(betas) != len(replicas) || len(betas) < 2 {
		panic(fmt.Sprintf("mc: NewTempering: %d temperatures and %d replicas (need equal, >= 2)", len(betas), len(replicas)))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.checkSites(n); err != nil {
		return nil, err
	}
	t := &Tempering{Betas: betas, N: n, Replicas: replicas, Config: cfg, Series: make([]Series, len(betas)),
		At: make([]int, len(betas)), SwapTried: make([]int64, len(betas)-1), SwapAccept: make([]int64, len(betas)-1),
		src: src, r: rand.New(src)}
	for k := range t.At {
		t.At[k] = k
		replicas[k].SetBeta(betas[k])
	}
	return t, nil
}

// SetTwin makes u the twin ladder of t for the overlap (RunConfig.Overlap):
// an independent parallel tempering over the same temperatures, with its
// own replicas and swap source, advanced in lockstep with t; at every
// measurement the overlap at temperature k is taken between the replicas
// of t and u at k. u's own series are not recorded.
func (t *Tempering) SetTwin(u *Tempering) error {
	if !t.Config.Overlap || u == nil || len(u.Betas) != len(t.Betas) || u.N != t.N || u.Config != t.Config || u.Twin != nil {
		return errors.New("mc: SetTwin: the twin must be an independent ladder of the same temperatures, size and config, with Overlap set")
	}
	for k := range t.Betas {
		if t.Betas[k] != u.Betas[k] {
			return errors.New("mc: SetTwin: the twin must have the same temperatures")
		}
	}
	t.Twin = u
	return nil
}

// Total returns the total number of sweeps.
func (t *Tempering) Total() int64 { return int64(t.Config.Thermalize + t.Config.Sweeps) }

// Done returns the number of sweeps done (safe concurrently with Run).
func (t *Tempering) Done() int64 { return t.done.Load() }

// Finished reports whether every sweep has been done.
func (t *Tempering) Finished() bool { return t.Done() >= t.Total() }

func (t *Tempering) step(d int64) {
	meas := d >= int64(t.Config.Thermalize)
	t.advance(d, meas)
	if t.Twin != nil {
		t.Twin.advance(d, false)
	}
	if meas {
		tm := int(d - int64(t.Config.Thermalize))
		for k, rep := range t.At {
			var twin Kernel
			if t.Twin != nil {
				twin = t.Twin.Replicas[t.Twin.At[k]]
			}
			t.Series[k].record(t.Replicas[rep], twin, t.N, tm, t.Config, &t.buf, &t.xb)
		}
	}
}

// advance performs the local sweeps and the swaps of sweep d, counting the
// updates in the series when meas is set.
func (t *Tempering) advance(d int64, meas bool) {
	if d == int64(t.Config.Thermalize) {
		for _, rep := range t.Replicas {
			if ad, ok := rep.(Adapter); ok {
				ad.EndAdaptation()
			}
		}
	}
	if t.N >= parallelReplicaSites && len(t.At) > 1 {
		// Replicas are independent chains with their own sources: sweeping
		// them concurrently gives the same bytes as sweeping them in order.
		if len(t.cnt) != len(t.At) {
			t.cnt = make([][2]int64, len(t.At))
		}
		par.Chunks(context.Background(), len(t.At), func(_, k int) error {
			u, a := t.Replicas[t.At[k]].Sweep()
			t.cnt[k] = [2]int64{u, a}
			return nil
		})
		if meas {
			for k := range t.At {
				t.Series[k].Updates += t.cnt[k][0]
				t.Series[k].Accepted += t.cnt[k][1]
			}
		}
	} else {
		for k, rep := range t.At {
			u, a := t.Replicas[rep].Sweep()
			if meas {
				t.Series[k].Updates += u
				t.Series[k].Accepted += a
			}
		}
	}
	for k := 0; k+1 < len(t.At); k++ {
		i, j := t.At[k], t.At[k+1]
		delta := (t.Betas[k] - t.Betas[k+1]) * (t.Replicas[i].Energy() - t.Replicas[j].Energy())
		t.SwapTried[k]++
		if delta >= 0 || t.r.Float64() < math.Exp(delta) {
			t.SwapAccept[k]++
			t.At[k], t.At[k+1] = j, i
			t.Replicas[j].SetBeta(t.Betas[k])
			t.Replicas[i].SetBeta(t.Betas[k+1])
		}
	}
}

// Run performs the remaining sweeps; see Chain.Run.
func (t *Tempering) Run(ctx context.Context) error {
	t0 := time.Now()
	defer func() {
		s := time.Since(t0).Seconds()
		for k := range t.Series {
			t.Series[k].Seconds += s
		}
	}()
	every := max(1, checkEvery(t.N)/int64(len(t.Betas)))
	d := t.Done()
	for d < t.Total() {
		for k := int64(0); k < every && d < t.Total(); k++ {
			t.step(d)
			d++
			t.done.Store(d)
		}
		if d < t.Total() {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// SwapAcceptance returns the swap acceptance rate of each ladder pair (k, k+1).
func (t *Tempering) SwapAcceptance() []float64 {
	out := make([]float64, len(t.SwapTried))
	for k := range out {
		if t.SwapTried[k] > 0 {
			out[k] = float64(t.SwapAccept[k]) / float64(t.SwapTried[k])
		}
	}
	return out
}

// Results analyses the series of every temperature.
func (t *Tempering) Results(cluster bool, opt AnalysisOptions) []TempResult {
	out, _ := t.AnalyzeAll(context.Background(), cluster, opt)
	return out
}

// AnalyzeAll is Results with a context: it returns ctx.Err() when ctx is
// cancelled during the analysis.
func (t *Tempering) AnalyzeAll(ctx context.Context, cluster bool, opt AnalysisOptions) ([]TempResult, error) {
	out := make([]TempResult, len(t.Betas))
	for k := range out {
		var err error
		if out[k], err = t.Series[k].Analyze(ctx, t.Betas[k], t.N, cluster, opt); err != nil {
			return nil, err
		}
		out[k].Index = k
	}
	return out, nil
}

type temperingState struct {
	Betas      []float64
	N          int
	Config     RunConfig
	Done       int64
	Replicas   [][]byte
	Series     []Series
	At         []int
	SwapTried  []int64
	SwapAccept []int64
	Source     []byte
	Twin       []byte // the twin ladder's state; nil without a twin
}

// MarshalBinary saves replicas, ladder assignment, swap counters and source.
func (t *Tempering) MarshalBinary() ([]byte, error) {
	st := temperingState{Betas: t.Betas, N: t.N, Config: t.Config, Done: t.Done(), Series: t.Series,
		At: t.At, SwapTried: t.SwapTried, SwapAccept: t.SwapAccept}
	for _, r := range t.Replicas {
		b, err := r.MarshalBinary()
		if err != nil {
			return nil, err
		}
		st.Replicas = append(st.Replicas, b)
	}
	bm, ok := t.src.(interface{ MarshalBinary() ([]byte, error) })
	if !ok {
		return nil, fmt.Errorf("mc: swap random source %T cannot be saved", t.src)
	}
	var err error
	if st.Source, err = bm.MarshalBinary(); err != nil {
		return nil, err
	}
	if t.Twin != nil {
		if st.Twin, err = t.Twin.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	err = gob.NewEncoder(&b).Encode(st)
	return b.Bytes(), err
}

// UnmarshalBinary restores a state saved by MarshalBinary into t, which must
// have been built for the same model, ladder and algorithm.
func (t *Tempering) UnmarshalBinary(b []byte) error {
	var st temperingState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return fmt.Errorf("mc: corrupt tempering state: %w", err)
	}
	if len(st.Betas) != len(t.Betas) || st.N != t.N || st.Config != t.Config {
		return errors.New("mc: saved tempering state is for a different ladder, size or run length")
	}
	for k := range st.Betas {
		if st.Betas[k] != t.Betas[k] {
			return errors.New("mc: saved tempering state is for a different ladder")
		}
	}
	K := len(t.Betas)
	if len(st.Replicas) != K || len(st.Series) != K || len(st.At) != K || len(st.SwapTried) != K-1 ||
		len(st.SwapAccept) != K-1 || st.Done < 0 || st.Done > t.Total() {
		return errors.New("mc: corrupt tempering state: inconsistent sizes")
	}
	seen := make([]bool, K)
	for _, a := range st.At {
		if a < 0 || a >= K || seen[a] {
			return errors.New("mc: corrupt tempering state: bad replica assignment")
		}
		seen[a] = true
	}
	// Temperatures first, then the saved states: a kernel whose SetBeta
	// discards buffered random bits (mc/fast's Cluster) and whose state
	// carries its beta must not lose the bits it had saved.
	for k, rep := range st.At {
		t.Replicas[rep].SetBeta(t.Betas[k])
	}
	for i, rb := range st.Replicas {
		if err := t.Replicas[i].UnmarshalBinary(rb); err != nil {
			return err
		}
	}
	bu, ok := t.src.(interface{ UnmarshalBinary([]byte) error })
	if !ok {
		return fmt.Errorf("mc: swap random source %T cannot be restored", t.src)
	}
	if err := bu.UnmarshalBinary(st.Source); err != nil {
		return err
	}
	if (st.Twin != nil) != (t.Twin != nil) {
		return errors.New("mc: corrupt tempering state: twin ladder present in only one of the saved and the new state")
	}
	if t.Twin != nil {
		if err := t.Twin.UnmarshalBinary(st.Twin); err != nil {
			return err
		}
	}
	t.Series, t.At, t.SwapTried, t.SwapAccept = st.Series, st.At, st.SwapTried, st.SwapAccept
	t.done.Store(st.Done)
	return nil
}
