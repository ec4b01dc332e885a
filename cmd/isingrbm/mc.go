package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"
	"golang.org/x/term"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

func init() { register(mcCommand) }

const catMC = "Monte Carlo"

func mcCommand() *cli.Command {
	flags := append(latticeFlags(), temperatureFlags(true)...)
	flags = append(flags,
		&cli.StringFlag{Name: "algorithm", Value: "metropolis", Category: catMC,
			Usage: "metropolis, heatbath, wolff, sw (Swendsen-Wang) or pt (parallel tempering over the temperature list, local move --local)"},
		&cli.StringFlag{Name: "order", Value: "sequential", Category: catMC,
			Usage: "site order of single-spin sweeps: sequential (sites in a fixed order: checkerboard in the fast square/cubic kernels, index order otherwise; global balance) or random (N uniformly chosen sites per sweep; detailed balance at every step; always the generic kernel)"},
		&cli.StringFlag{Name: "local", Value: "metropolis", Category: catMC,
			Usage: "local move of --algorithm pt: metropolis, heatbath, wolff or sw"},
		&cli.StringFlag{Name: "kernel", Value: "auto", Category: catMC,
			Usage: "auto (specialised kernel when one applies), generic (any model) or fast (error if no specialised kernel applies)"},
		&cli.IntFlag{Name: "sweeps", Value: 10000, Category: catMC,
			Usage: "measurement sweeps per temperature, >= 1 (a sweep is N single-spin updates, or clusters flipping about N spins)"},
		&cli.IntFlag{Name: "thermalize", Value: 1000, Category: catMC,
			Usage: "sweeps discarded before measuring, >= 0"},
		&cli.IntFlag{Name: "measure-every", Value: 1, Category: catMC,
			Usage: "record energy and magnetization every this many sweeps (>= 1); > 1 bounds memory and checkpoint size of very long runs (16 bytes per measurement and temperature), tau_int is then in measurements"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catMC,
			Usage: "random seed; temperature k of the list uses stream k, so results do not depend on GOMAXPROCS or --shard"},
		&cli.Float64Flag{Name: "window", Value: 6, Category: catMC,
			Usage: "automatic-windowing constant c for tau_int (window W >= c tau_int), > 0"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the results as JSON on stdout"},
		&cli.StringFlag{Name: "out", Category: catOutput, Usage: "write the results to FILE.csv or FILE.json"},
		&cli.BoolFlag{Name: "seconds", Value: true, Category: catOutput,
			Usage: "report the wall time in \"seconds\"; --seconds=false writes 0 so that outputs of equal runs are byte-identical"},
		&cli.StringFlag{Name: "save-series", Category: catOutput,
			Usage: "write the energy and magnetization after every measurement sweep to FILE.csv or FILE.npy (one file per temperature, FILE_<index>.ext, when there are several)"},
		&cli.StringFlag{Name: "save-samples", Category: catOutput,
			Usage: "write spin snapshots to FILE.npy (int8 [samples, N], values ±1) or FILE.csv (one ±1 row per snapshot); FILE_<index>.ext per temperature when there are several"},
		&cli.IntFlag{Name: "sample-every", Value: 10, Category: catOutput,
			Usage: "keep a snapshot every this many measurement sweeps (>= 1) for --save-samples"},
		&cli.StringFlag{Name: "checkpoint", Category: "Checkpoints and scale-out",
			Usage: "save the full state to FILE every --checkpoint-every and on SIGINT/SIGTERM (atomically)"},
		&cli.BoolFlag{Name: "resume", Category: "Checkpoints and scale-out",
			Usage: "continue from --checkpoint FILE (start afresh if it does not exist); the result is byte-identical to an uninterrupted run"},
		&cli.DurationFlag{Name: "checkpoint-every", Value: 10 * time.Second, Category: "Checkpoints and scale-out",
			Usage: "interval between checkpoints, > 0"},
		&cli.StringFlag{Name: "shard", Category: "Checkpoints and scale-out",
			Usage: "k/n: run only the k-th (1 <= k <= n) of n deterministic slices of the temperature list (temperatures k-1, k-1+n, ...); combine with 'isingrbm merge'"},
		&cli.BoolFlag{Name: "progress", Value: true, Category: catOutput,
			Usage: "progress bar on stderr for runs longer than a few seconds (only when stderr is a terminal)"},
	)
	return &cli.Command{
		Name:  "mc",
		Usage: "Monte Carlo: energy, magnetization, heat capacity, susceptibility and Binder cumulant with error bars",
		Description: "Samples p(s) = exp(-beta H(s))/Z at each temperature and reports per-site means with errors from the\n" +
			"integrated autocorrelation time (automatic windowing; binning as a cross-check; jackknife for c, chi, U4).\n" +
			"A warning goes to stderr when a run is shorter than about 50 tau_int.",
		Flags:  flags,
		Action: runMC,
	}
}

// mcRun is everything runMC resolved from the flags.
type mcRun struct {
	model      *lattice.Model
	betas      []float64 // full temperature list
	indices    []int     // indices of this shard's temperatures in betas
	alg        mc.Algorithm
	local      mc.Algorithm // kernel algorithm (the local move for PT)
	order      mc.Order
	kernelMode string
	cfg        mc.RunConfig
	seed       uint64
	window     float64
	shard      string
	shardK     int
	shardN     int
	configHash string
}

// parseShard parses "k/n" with 1 <= k <= n.
func parseShard(s string) (k, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		k, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			n, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("--shard %q: want k/n with integers 1 <= k <= n", s)
	}
	return k, n, nil
}

// mcShardIndices returns the temperature indices of shard k of n (1-based):
// k-1, k-1+n, k-1+2n, ... (round robin, so that every shard gets a spread of
// temperatures).
func mcShardIndices(total, k, n int) []int {
	var idx []int
	for i := k - 1; i < total; i += n {
		idx = append(idx, i)
	}
	return idx
}

func resolveMC(c *cli.Context) (*mcRun, error) {
	if err := noArgs(c); err != nil {
		return nil, err
	}
	m, _, err := modelFromFlags(c)
	if err != nil {
		return nil, err
	}
	betas, err := betasFromFlags(c, nil)
	if err != nil {
		return nil, err
	}
	for _, b := range betas {
		if b == 0 {
			return nil, errors.New("--beta 0: must be > 0 for mc (the temperature must be finite)")
		}
	}
	r := &mcRun{model: m, betas: betas, seed: c.Uint64("seed"), kernelMode: c.String("kernel")}
	if r.alg, err = mc.ParseAlgorithm(c.String("algorithm")); err != nil {
		return nil, fmt.Errorf("--algorithm: %w", err)
	}
	r.local = r.alg
	if r.alg == mc.PT {
		if r.local, err = mc.ParseAlgorithm(c.String("local")); err != nil || r.local == mc.PT {
			return nil, fmt.Errorf("--local %q: allowed metropolis, heatbath, wolff or sw", c.String("local"))
		}
		if len(betas) < 2 {
			return nil, errors.New("--algorithm pt needs at least 2 temperatures in --T or --beta")
		}
	}
	if r.order, err = mc.ParseOrder(c.String("order")); err != nil {
		return nil, fmt.Errorf("--order: %w", err)
	}
	switch r.kernelMode {
	case "auto", "generic", "fast":
	default:
		return nil, fmt.Errorf("--kernel %q: allowed auto, generic or fast", r.kernelMode)
	}
	r.cfg = mc.RunConfig{Thermalize: c.Int("thermalize"), Sweeps: c.Int("sweeps")}
	if r.cfg.Sweeps < 1 {
		return nil, fmt.Errorf("--sweeps %d: must be >= 1", r.cfg.Sweeps)
	}
	if r.cfg.Thermalize < 0 {
		return nil, fmt.Errorf("--thermalize %d: must be >= 0", r.cfg.Thermalize)
	}
	if r.window = c.Float64("window"); !(r.window > 0) || math.IsInf(r.window, 0) {
		return nil, fmt.Errorf("--window %v: must be a finite number > 0", r.window)
	}
	if r.cfg.MeasureEvery = c.Int("measure-every"); r.cfg.MeasureEvery < 1 {
		return nil, fmt.Errorf("--measure-every %d: must be >= 1", r.cfg.MeasureEvery)
	}
	if every := c.Int("sample-every"); every < 1 {
		return nil, fmt.Errorf("--sample-every %d: must be >= 1", every)
	} else if c.String("save-samples") != "" {
		r.cfg.SampleEvery = every
	}
	if d := c.Duration("checkpoint-every"); d <= 0 {
		return nil, fmt.Errorf("--checkpoint-every %v: must be > 0", d)
	}
	if c.Bool("resume") && c.String("checkpoint") == "" {
		return nil, errors.New("--resume needs --checkpoint FILE")
	}
	if p := c.String("out"); p != "" {
		if _, err := checkExt("out", p, "csv", "json"); err != nil {
			return nil, err
		}
	}
	for _, f := range []string{"save-series", "save-samples"} {
		if p := c.String(f); p != "" {
			if _, err := checkExt(f, p, "csv", "npy"); err != nil {
				return nil, err
			}
		}
	}
	r.shardK, r.shardN = 1, 1
	if s := c.String("shard"); s != "" {
		if r.shardK, r.shardN, err = parseShard(s); err != nil {
			return nil, err
		}
		if r.alg == mc.PT {
			return nil, errors.New("--shard cannot split --algorithm pt (its temperatures form one ladder): run pt without --shard")
		}
		r.shard = fmt.Sprintf("%d/%d", r.shardK, r.shardN)
	}
	r.indices = mcShardIndices(len(betas), r.shardK, r.shardN)
	r.configHash = r.hash()
	return r, nil
}

// hash identifies the model and every setting that changes the numbers (not
// the output files, the shard or the checkpoint settings).
func (r *mcRun) hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "isingrbm mc v1\nkind %s dims %v boundary %v\n", r.model.Geometry.Kind, r.model.Geometry.Dims, r.model.Geometry.Boundary)
	fmt.Fprintf(h, "sites %d\n", r.model.N)
	for _, b := range r.model.Bonds() {
		fmt.Fprintf(h, "b %d %d %x\n", b.I, b.J, math.Float64bits(b.Coupling))
	}
	for _, f := range r.model.Fields {
		fmt.Fprintf(h, "h %x\n", math.Float64bits(f))
	}
	fmt.Fprintf(h, "alg %s local %s order %s kernel %s seed %d therm %d sweeps %d every %d window %v\n",
		r.alg, r.local, r.order, r.kernelMode, r.seed, r.cfg.Thermalize, r.cfg.Sweeps, r.cfg.SampleEvery, math.Float64bits(r.window))
	fmt.Fprintf(h, "measure-every %d\n", r.cfg.MeasureEvery)
	for _, b := range r.betas {
		fmt.Fprintf(h, "beta %x\n", math.Float64bits(b))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// streamSwaps is the random stream of the parallel-tempering swaps (the
// replicas use the temperature indices 0..K-1).
const streamSwaps uint64 = 0x7377617073000000

// kernel builds the kernel of temperature index i.
func (r *mcRun) kernel(i int) (mc.Kernel, error) {
	beta := r.betas[i]
	if r.kernelMode != "generic" {
		k, ok, err := fastKernel(r.model, beta, r.local, r.order, r.alg == mc.PT, r.seed, uint64(i))
		if err != nil {
			return nil, fmt.Errorf("--kernel %s: %w", r.kernelMode, err)
		}
		if ok {
			return k, nil
		}
		if r.kernelMode == "fast" {
			return nil, fmt.Errorf("--kernel fast: no specialised kernel for --algorithm %s on this model (%s %v): use --kernel auto or generic",
				r.local, r.model.Geometry.Kind, r.model.Geometry.Dims)
		}
	}
	return mc.NewKernel(r.model, beta, r.local, r.order, rng.New(r.seed, uint64(i)))
}

// mcUnit is one independently runnable piece: a Chain or a Tempering.
type mcUnit interface {
	Run(ctx context.Context) error
	Done() int64
	Total() int64
	Finished() bool
	MarshalBinary() ([]byte, error)
	UnmarshalBinary([]byte) error
}

func (r *mcRun) units() ([]mcUnit, error) {
	if r.alg == mc.PT {
		reps := make([]mc.TemperedKernel, len(r.betas))
		for i := range r.betas {
			k, err := r.kernel(i)
			if err != nil {
				return nil, err
			}
			tk, ok := k.(mc.TemperedKernel)
			if !ok {
				return nil, fmt.Errorf("--kernel %s: the specialised kernel cannot change temperature, needed by --algorithm pt: use --kernel generic", r.kernelMode)
			}
			reps[i] = tk
		}
		pt, err := mc.NewTempering(r.betas, r.model.N, reps, rng.New(r.seed, streamSwaps), r.cfg)
		if err != nil {
			return nil, err
		}
		return []mcUnit{pt}, nil
	}
	var us []mcUnit
	for _, i := range r.indices {
		k, err := r.kernel(i)
		if err != nil {
			return nil, err
		}
		ch, err := mc.NewChain(k, r.betas[i], r.model.N, r.cfg)
		if err != nil {
			return nil, err
		}
		us = append(us, ch)
	}
	return us, nil
}

// mcCheckpoint is the gob layout of a checkpoint file.
type mcCheckpoint struct {
	Magic  string
	Config string // configuration hash plus shard
	Units  [][]byte
}

const mcCheckpointMagic = "isingrbm-mc-checkpoint-1"

func (r *mcRun) checkpointID() string {
	if r.shard == "" {
		return r.configHash
	}
	return r.configHash + "-shard-" + r.shard
}

func saveCheckpoint(path, id string, us []mcUnit) error {
	cp := mcCheckpoint{Magic: mcCheckpointMagic, Config: id}
	for _, u := range us {
		b, err := u.MarshalBinary()
		if err != nil {
			return fmt.Errorf("--checkpoint: %w", err)
		}
		cp.Units = append(cp.Units, b)
	}
	if err := writeFile(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(cp) }); err != nil {
		return fmt.Errorf("--checkpoint: %w", err)
	}
	return nil
}

func loadCheckpoint(path, id string, us []mcUnit) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--checkpoint: %w", err)
	}
	var cp mcCheckpoint
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&cp); err != nil || cp.Magic != mcCheckpointMagic {
		return fmt.Errorf("--checkpoint %s: not an isingrbm mc checkpoint or corrupt", path)
	}
	if cp.Config != id {
		return fmt.Errorf("--checkpoint %s: written for a different model, flags or shard (config %s, this run %s): refusing to resume; remove it or use another --checkpoint FILE", path, cp.Config, id)
	}
	if len(cp.Units) != len(us) {
		return fmt.Errorf("--checkpoint %s: corrupt (%d chains, want %d)", path, len(cp.Units), len(us))
	}
	for i, u := range us {
		if err := u.UnmarshalBinary(cp.Units[i]); err != nil {
			return fmt.Errorf("--checkpoint %s: corrupt: %w", path, err)
		}
	}
	return nil
}

// runUnits runs every unit to the end, in parallel, saving a checkpoint every
// interval and when ctx is cancelled (if path is set).
func runUnits(ctx context.Context, us []mcUnit, path, id string, interval time.Duration) error {
	for {
		round := ctx
		var cancel context.CancelFunc = func() {}
		if path != "" {
			round, cancel = context.WithTimeout(ctx, interval)
		}
		g := new(errgroup.Group)
		g.SetLimit(runtime.GOMAXPROCS(0))
		for _, u := range us {
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
		for _, u := range us {
			all = all && u.Finished()
		}
		if path != "" {
			if err := saveCheckpoint(path, id, us); err != nil {
				return err
			}
		}
		if all {
			return nil
		}
		if ctx.Err() != nil {
			if path != "" {
				return fmt.Errorf("interrupted: state saved to %s; continue with --resume", path)
			}
			return errors.New("interrupted (no --checkpoint given, nothing saved)")
		}
	}
}

// progressBar shows a bar on w after a delay of 2 s if the run is still
// going; it returns a stop function.
func progressBar(w io.Writer, us []mcUnit) func() {
	var total int64
	for _, u := range us {
		total += u.Total()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-done:
			return
		case <-time.After(2 * time.Second):
		}
		bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("sweeps"),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(200*time.Millisecond))
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			var d int64
			for _, u := range us {
				d += u.Done()
			}
			bar.Set64(d)
			select {
			case <-done:
				bar.Clear()
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// indexedPath returns path itself for a single temperature, otherwise
// stem_<index>.ext with the index zero-padded to the width of total-1.
func indexedPath(path string, index, total int) string {
	if total == 1 {
		return path
	}
	ext := filepath.Ext(path)
	width := len(strconv.Itoa(total - 1))
	return fmt.Sprintf("%s_%0*d%s", strings.TrimSuffix(path, ext), width, index, ext)
}

func runMC(c *cli.Context) error {
	r, err := resolveMC(c)
	if err != nil {
		return err
	}
	us, err := r.units()
	if err != nil {
		return err
	}
	cpPath := c.String("checkpoint")
	if cpPath != "" {
		_, statErr := os.Stat(cpPath)
		switch {
		case statErr == nil && !c.Bool("resume"):
			return fmt.Errorf("--checkpoint %s exists: use --resume to continue it, or remove it", cpPath)
		case statErr == nil:
			if err := loadCheckpoint(cpPath, r.checkpointID(), us); err != nil {
				return err
			}
		case c.Bool("resume"):
			fmt.Fprintf(c.App.ErrWriter, "isingrbm mc: no checkpoint %s yet, starting from the beginning\n", cpPath)
		}
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.Bool("progress") && isTerminal(c.App.ErrWriter) {
		stopBar := progressBar(c.App.ErrWriter, us)
		err = runUnits(ctx, us, cpPath, r.checkpointID(), c.Duration("checkpoint-every"))
		stopBar()
	} else {
		err = runUnits(ctx, us, cpPath, r.checkpointID(), c.Duration("checkpoint-every"))
	}
	if err != nil {
		return err
	}

	out := mc.Output{Algorithm: string(r.alg), Seed: r.seed, Config: r.configHash, Temperatures: len(r.betas), Shard: r.shard,
		Results: []mc.TempResult{}}
	if r.alg == mc.PT {
		out.Local = string(r.local)
	}
	if r.cfg.MeasureEvery > 1 {
		out.MeasureEvery = r.cfg.MeasureEvery
	}
	opt := mc.AnalysisOptions{Window: r.window}
	cluster := r.local.Cluster()
	var series []*mc.Series
	switch {
	case r.alg == mc.PT:
		pt := us[0].(*mc.Tempering)
		out.Results = pt.Results(cluster, opt)
		out.SwapAcceptance = pt.SwapAcceptance()
		for k := range pt.Series {
			series = append(series, &pt.Series[k])
		}
	default:
		for j, u := range us {
			ch := u.(*mc.Chain)
			res := ch.Result(cluster, opt)
			res.Index = r.indices[j]
			out.Results = append(out.Results, res)
			series = append(series, &ch.Series)
		}
	}
	if !c.Bool("seconds") {
		for i := range out.Results {
			out.Results[i].Seconds = 0
		}
	}
	for _, res := range out.Results {
		for _, w := range res.Warnings {
			fmt.Fprintln(c.App.ErrWriter, "isingrbm mc: warning:", w)
		}
	}
	if p := c.String("save-series"); p != "" {
		for j, s := range series {
			idx := out.Results[j].Index
			if err := writeFile(indexedPath(p, idx, len(r.betas)), func(w io.Writer) error {
				return mc.WriteSeries(w, extOf(p), s.Energies, s.Magnetizations)
			}); err != nil {
				return fmt.Errorf("--save-series: %w", err)
			}
		}
	}
	if p := c.String("save-samples"); p != "" {
		for j, s := range series {
			idx := out.Results[j].Index
			if err := writeFile(indexedPath(p, idx, len(r.betas)), func(w io.Writer) error {
				return mc.WriteSamples(w, extOf(p), s.Samples, r.model.N)
			}); err != nil {
				return fmt.Errorf("--save-samples: %w", err)
			}
		}
	}
	if p := c.String("out"); p != "" {
		if err := writeFile(p, func(w io.Writer) error { return writeMCOutput(w, extOf(p), &out) }); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	return writeMCTable(c.App.Writer, &out)
}

// writeMCOutput writes out as JSON or CSV.
func writeMCOutput(w io.Writer, ext string, out *mc.Output) error {
	if ext == "json" {
		return writeJSON(w, out)
	}
	if _, err := io.WriteString(w, mcCSVComment(out)+"\n"+strings.Join(mcCSVHeader, ",")+"\n"); err != nil {
		return err
	}
	for _, r := range out.Results {
		if _, err := io.WriteString(w, mcCSVRow(&r)+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// mcCSVComment is the first line of a CSV result file: the metadata that
// 'isingrbm merge' checks.
func mcCSVComment(out *mc.Output) string {
	s := fmt.Sprintf("# isingrbm mc algorithm=%s seed=%d config=%s temperatures=%d", out.Algorithm, out.Seed, out.Config, out.Temperatures)
	if out.Local != "" {
		s += " local=" + out.Local
	}
	if out.MeasureEvery > 1 {
		s += fmt.Sprintf(" measure_every=%d", out.MeasureEvery)
	}
	if out.Shard != "" {
		s += " shard=" + out.Shard
	}
	return s
}

var mcCSVHeader = func() []string {
	h := []string{"index", "beta", "temperature", "measurements"}
	for _, q := range []string{"u", "abs_m", "m", "m2", "m4", "c", "chi", "chi_abs", "binder"} {
		h = append(h, q, q+"_error", q+"_tau_int")
	}
	return append(h, "acceptance", "mean_cluster_size", "updates", "seconds")
}()

func mcCSVRow(r *mc.TempResult) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row := []string{strconv.Itoa(r.Index), f(r.Beta), f(r.Temperature), strconv.Itoa(r.Measurements)}
	for _, e := range []mc.Estimate{r.Energy, r.AbsMagnetization, r.Magnetization, r.M2, r.M4, r.HeatCapacity, r.Susceptibility, r.SusceptibilityAbs, r.Binder} {
		row = append(row, f(e.Mean), f(e.Error), f(e.TauInt))
	}
	row = append(row, f(r.Acceptance), f(r.MeanClusterSize), strconv.FormatInt(r.Updates, 10), f(r.Seconds))
	return strings.Join(row, ",")
}

func writeMCTable(w io.Writer, out *mc.Output) error {
	alg := out.Algorithm
	if out.Local != "" {
		alg += " (local " + out.Local + ")"
	}
	unit := "sweeps"
	if out.MeasureEvery > 1 {
		unit = fmt.Sprintf("measurements (every %d sweeps)", out.MeasureEvery)
	}
	fmt.Fprintf(w, "# algorithm %s, seed %d; per-site means ± one-sigma errors; tau_int in %s\n", alg, out.Seed, unit)
	fmt.Fprintf(w, "%-9s %-22s %-22s %-22s %-22s %-22s %8s %8s\n", "T", "u", "|m|", "c", "chi", "U4", "tau_u", "acc")
	pm := func(e mc.Estimate) string { return fmt.Sprintf("%.6g ± %.2g", e.Mean, e.Error) }
	for _, r := range out.Results {
		acc := fmt.Sprintf("%.4f", r.Acceptance)
		if r.MeanClusterSize > 0 {
			acc = fmt.Sprintf("<C>=%.4g", r.MeanClusterSize)
		}
		fmt.Fprintf(w, "%-9.6g %-22s %-22s %-22s %-22s %-22s %8.3g %8s\n", r.Temperature, pm(r.Energy), pm(r.AbsMagnetization),
			pm(r.HeatCapacity), pm(r.Susceptibility), pm(r.Binder), r.Energy.TauInt, acc)
	}
	if len(out.SwapAcceptance) > 0 {
		fmt.Fprintf(w, "# swap acceptance per ladder pair:")
		for _, a := range out.SwapAcceptance {
			fmt.Fprintf(w, " %.4f", a)
		}
		fmt.Fprintln(w)
	}
	return nil
}
