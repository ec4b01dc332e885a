package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/isingrbm/isingrbm/experiments"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
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
		&cli.IntFlag{Name: "replicas", Value: 1, Category: catMC,
			Usage: "R > 1: R independent replicas per temperature on the 64-replica multi-spin-coded kernel (metropolis or heatbath, periodic square/cubic lattice with uniform J and h); results averaged over the replicas, errors the larger of the time-series and the replica-spread errors; use multiples of 64 for full speed (no --checkpoint, --shard, --save-series, --save-samples)"},
		&cli.IntFlag{Name: "thermalize", Value: 1000, Category: catMC,
			Usage: "sweeps discarded before measuring, >= 0"},
		&cli.IntFlag{Name: "measure-every", Value: 1, Category: catMC,
			Usage: "record energy and magnetization every this many sweeps (>= 1); tau_int is then in measurements (memory is bounded whatever the run length: measurements are binned)"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catMC,
			Usage: "random seed; temperature k of the list uses stream k, so results do not depend on GOMAXPROCS or --shard"},
		&cli.Float64Flag{Name: "window", Value: 6, Category: catMC,
			Usage: "automatic-windowing constant c for tau_int (window W >= c tau_int), > 0"},
		&cli.BoolFlag{Name: "correlations", Category: catMC,
			Usage: "measure the spin-spin correlation function G(r), r = 0..L/2, along the axes and the second-moment correlation length (periodic chain, LxL or LxLxL lattice): \"correlation_function\", \"correlation_length\" in --json/--out FILE.json; costs N d (L/2+1) operations per measurement (see --extra-every)"},
		&cli.BoolFlag{Name: "overlap", Category: catMC,
			Usage: "run a second independent replica at every temperature (with pt, a second ladder; doubles the time) and measure the overlap q = (1/N) sum_i s_i^a s_i^b: \"overlap_q2\", \"overlap_q4\", \"overlap_binder\" in --json/--out FILE.json"},
		&cli.IntFlag{Name: "extra-every", Value: 1, Category: catMC,
			Usage: "measure --correlations and --overlap every this many measurements (>= 1)"},
		&cli.StringFlag{Name: "disorder-seeds", Category: catMC,
			Usage: "A:B: one run per disorder instance --disorder-seed A, A+1, ..., B (each exactly the run of that seed) plus \"disorder_average\" per temperature (errors: the larger of the instance spread/sqrt(n) and the combined thermal error); output with --json or --out FILE.json; no --shard, --replicas, --reweight, --save-series, --save-samples; --checkpoint FILE uses FILE.disorder<seed> per instance"},
		&cli.StringFlag{Name: "reweight", Category: catMC,
			Usage: "START:STOP:STEP (or a,b,c): temperatures to reweight to (single histogram from one simulated temperature, multiple histogram from several, Ferrenberg-Swendsen) with jackknife errors; each must lie where the simulated energy histograms overlap"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the results as JSON on stdout"},
		&cli.StringFlag{Name: "out", Category: catOutput, Usage: "write the results to FILE.csv or FILE.json"},
		&cli.BoolFlag{Name: "seconds", Value: true, Category: catOutput,
			Usage: "report the wall time in \"seconds\"; --seconds=false writes 0 so that outputs of equal runs are byte-identical"},
		&cli.StringFlag{Name: "save-series", Category: catOutput,
			Usage: "write the energy and magnetization after every measurement sweep to FILE.csv or FILE.npy (one file per temperature, FILE_<index>.ext, when there are several); keeps the full series in memory and checkpoints (16 bytes per measurement)"},
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

// mcConfig builds the library configuration from the flags; the library
// validates it (see mcFlagError for how its errors name the flags).
func mcConfig(c *cli.Context) (*lattice.Model, mcrun.Config, error) {
	var cfg mcrun.Config
	if err := noArgs(c); err != nil {
		return nil, cfg, err
	}
	m, _, err := modelFromFlags(c)
	if err != nil {
		return nil, cfg, err
	}
	if cfg.Betas, err = betasFromFlags(c, nil); err != nil {
		return nil, cfg, err
	}
	if err := mcCheckFlags(c, m, cfg.Betas); err != nil {
		return nil, cfg, err
	}
	for _, b := range cfg.Betas {
		if b == 0 {
			return nil, cfg, errors.New("--beta 0: must be > 0 for mc (the temperature must be finite)")
		}
	}
	if cfg.Algorithm, err = mc.ParseAlgorithm(c.String("algorithm")); err != nil {
		return nil, cfg, fmt.Errorf("--algorithm: %w", err)
	}
	if cfg.Algorithm == mc.PT {
		if cfg.Local, err = mc.ParseAlgorithm(c.String("local")); err != nil {
			cfg.Local = mc.Algorithm(c.String("local")) // the library names the allowed moves
		}
	}
	if cfg.Order, err = mc.ParseOrder(c.String("order")); err != nil {
		return nil, cfg, fmt.Errorf("--order: %w", err)
	}
	cfg.Kernel = mcrun.KernelChoice(c.String("kernel"))
	cfg.Seed, cfg.Sweeps, cfg.Thermalize = c.Uint64("seed"), c.Int("sweeps"), c.Int("thermalize")
	cfg.MeasureEvery, cfg.Window = c.Int("measure-every"), c.Float64("window")
	if cfg.MeasureEvery < 1 {
		return nil, cfg, fmt.Errorf("--measure-every %d: must be >= 1", cfg.MeasureEvery)
	}
	if !(cfg.Window > 0) {
		return nil, cfg, fmt.Errorf("--window %v: must be a finite number > 0", cfg.Window)
	}
	if every := c.Int("sample-every"); every < 1 {
		return nil, cfg, fmt.Errorf("--sample-every %d: must be >= 1", every)
	} else if c.String("save-samples") != "" {
		cfg.SampleEvery = every
	}
	if cfg.CheckpointEvery = c.Duration("checkpoint-every"); cfg.CheckpointEvery <= 0 {
		return nil, cfg, fmt.Errorf("--checkpoint-every %v: must be > 0", cfg.CheckpointEvery)
	}
	cfg.Checkpoint, cfg.Resume = c.String("checkpoint"), c.Bool("resume")
	if cfg.Resume && cfg.Checkpoint == "" {
		return nil, cfg, errors.New("--resume needs --checkpoint FILE")
	}
	if p := c.String("out"); p != "" {
		if _, err := checkExt("out", p, "csv", "json"); err != nil {
			return nil, cfg, err
		}
	}
	cfg.KeepSeries = c.String("save-series") != ""
	cfg.Correlations, cfg.Overlap, cfg.ExtraEvery = c.Bool("correlations"), c.Bool("overlap"), c.Int("extra-every")
	if cfg.ExtraEvery < 1 {
		return nil, cfg, fmt.Errorf("--extra-every %d: must be >= 1", cfg.ExtraEvery)
	}
	for _, f := range []string{"out", "checkpoint", "save-series", "save-samples"} {
		if err := checkWritable(f, c.String(f)); err != nil {
			return nil, cfg, err
		}
	}
	for _, f := range []string{"save-series", "save-samples"} {
		if p := c.String(f); p != "" {
			if _, err := checkExt(f, p, "csv", "npy"); err != nil {
				return nil, cfg, err
			}
		}
	}
	if s := c.String("shard"); s != "" {
		if cfg.Shard, err = mcrun.ParseShard(s); err != nil {
			return nil, cfg, mcFlagError(err)
		}
	}
	if r := c.String("reweight"); r != "" {
		ts, err := parseValues(r)
		if err != nil {
			return nil, cfg, fmt.Errorf("--reweight: %w", err)
		}
		for _, t := range ts {
			if !(t > 0) {
				return nil, cfg, fmt.Errorf("--reweight %s: temperature %g: must be > 0", r, t)
			}
		}
		if cfg.Shard.N > 0 {
			return nil, cfg, fmt.Errorf("--reweight with --shard %s: reweighting needs the histograms of all temperatures: run unsharded", cfg.Shard)
		}
	}
	cfg.Log = func(msg string) { fmt.Fprintln(c.App.ErrWriter, "isingrbm mc:", msg) }
	return m, cfg, nil
}

// mcFlags names the flag of each mcrun.Config field.
var mcFlags = map[string]string{
	"Algorithm": "--algorithm", "Local": "--local", "Order": "--order", "Kernel": "--kernel",
	"Betas": "--beta", "Sweeps": "--sweeps", "Thermalize": "--thermalize", "MeasureEvery": "--measure-every",
	"SampleEvery": "--sample-every", "Window": "--window", "Seed": "--seed", "Shard": "--shard",
	"Checkpoint": "--checkpoint", "Resume": "--resume", "CheckpointEvery": "--checkpoint-every",
	"Replicas": "--replicas", "KeepSeries": "--save-series",
	"Correlations": "--correlations", "Overlap": "--overlap", "ExtraEvery": "--extra-every", "DisorderSeeds": "--disorder-seeds",
	"Streams": "--seed",
}

var mcFieldRef = regexp.MustCompile(`\b(Algorithm|Local|Order|Kernel|Sweeps|Thermalize|MeasureEvery|SampleEvery|Window|Shard|Checkpoint|Resume|CheckpointEvery|Replicas|Correlations|Overlap|ExtraEvery)\b`)

// mcFlagError rewrites an error of package mcrun in terms of the flags:
// "mcrun: Kernel fast: ... use Kernel auto" becomes "--kernel fast: ... use
// --kernel auto".
func mcFlagError(err error) error {
	var ce *mcrun.ConfigError
	flagged := func(s string) string {
		return mcFieldRef.ReplaceAllStringFunc(s, func(f string) string { return mcFlags[f] })
	}
	switch {
	case errors.As(err, &ce):
		s := mcFlags[ce.Field]
		if ce.Value != "" {
			s += " " + ce.Value
		}
		return errors.New(s + ": " + flagged(ce.Msg))
	case errors.Is(err, mcrun.ErrInterrupted):
		return errors.New(flagged(strings.TrimPrefix(err.Error(), "mcrun: ")))
	}
	return err
}

func runMC(c *cli.Context) error {
	m, cfg, err := mcConfig(c)
	if err != nil {
		return err
	}
	unlock, err := lockFlags(c, "checkpoint", "out")
	if err != nil {
		return err
	}
	defer unlock()
	if c.Bool("progress") && isTerminal(c.App.ErrWriter) {
		bar := newProgressBar(c.App.ErrWriter)
		defer bar.stop()
		cfg.Progress = bar.update
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if s := c.String("disorder-seeds"); s != "" {
		return runMCDisorder(c, ctx, cfg, s)
	}
	var res *mcrun.Result
	if r := c.Int("replicas"); r != 1 {
		res, err = mcrun.RunReplicas(ctx, m, cfg, r)
	} else {
		res, err = mcrun.Run(ctx, m, cfg)
	}
	if err != nil {
		if errors.Is(err, mcrun.ErrInterrupted) && cfg.Checkpoint != "" {
			// The state is in --checkpoint: exit 75, rerunning with --resume continues.
			return &ResumableError{Err: err, Msg: mcFlagError(err).Error()}
		}
		return mcFlagError(err)
	}
	out := &res.Output
	if r := c.String("reweight"); r != "" {
		ts, _ := parseValues(r)
		if out.Reweighted, err = mc.Reweight(ctx, m.N, res.Histograms(), ts); err != nil {
			err = fmt.Errorf("--reweight %s: %w", r, err)
			if ctx.Err() != nil && cfg.Checkpoint != "" { // the sampling is complete in --checkpoint
				return &ResumableError{Err: err}
			}
			return err
		}
	}
	if !c.Bool("seconds") {
		for i := range out.Results {
			out.Results[i].Seconds = 0
		}
	}
	for _, r := range out.Results {
		for _, w := range r.Warnings {
			fmt.Fprintln(c.App.ErrWriter, "isingrbm mc: warning:", w)
		}
	}
	if p := c.String("save-series"); p != "" {
		if err := res.WriteSeries(p); err != nil {
			return fmt.Errorf("--save-series: %w", err)
		}
	}
	if p := c.String("save-samples"); p != "" {
		if err := res.WriteSamples(p, m.N); err != nil {
			return fmt.Errorf("--save-samples: %w", err)
		}
	}
	if p := c.String("out"); p != "" {
		if err := writeMCFiles(p, out); err != nil {
			return keepResults(c, "out", err, func(w io.Writer) error { return writeJSON(w, out) })
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	return writeMCTable(c.App.Writer, out)
}

// progressBar draws a bar on w once a run has lasted 2 s.
type progressBar struct {
	w     io.Writer
	start time.Time
	bar   *progressbar.ProgressBar
}

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w, start: time.Now()} }

func (p *progressBar) update(done, total int64) {
	if p.bar == nil {
		if time.Since(p.start) < 2*time.Second || done >= total {
			return
		}
		p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription("sweeps"),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(200*time.Millisecond))
	}
	p.bar.Set64(done)
}

func (p *progressBar) stop() {
	if p.bar != nil {
		p.bar.Clear()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeMCOutput writes out as JSON or CSV. The CSV is a header line of
// schema names (experiments.QuantityKeys with _error and _tau_int) and one
// row per temperature, nothing else, so that pandas.read_csv(path) and
// numpy.genfromtxt(path, delimiter=",", names=True) read it with their
// defaults; its metadata are in the sidecar mcSidecar(path), the JSON output.
func writeMCOutput(w io.Writer, ext string, out *mc.Output) error {
	if ext == "json" {
		return writeJSON(w, out)
	}
	extra := mcExtraColumns(out.Results)
	h := append([]string(nil), mcCSVHeader...)
	for _, x := range extra {
		h = append(h, x.key, x.key+"_error", x.key+"_tau_int")
	}
	if _, err := io.WriteString(w, strings.Join(h, ",")+"\n"); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range out.Results {
		row := mcCSVRow(&r)
		for _, x := range extra {
			if e := x.get(&r); e != nil {
				row += "," + f(e.Mean) + "," + f(e.Error) + "," + f(e.TauInt)
			} else {
				row += ",,,"
			}
		}
		if _, err := io.WriteString(w, row+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// mcExtra is an optional estimate (--correlations, --overlap) with its key.
type mcExtra struct {
	key string
	get func(*mc.TempResult) *mc.Estimate
}

// mcExtraColumns returns the optional estimates present in any result, in
// a fixed order: their CSV columns follow the schema's (the correlation
// function itself, a list per temperature, stays in the JSON).
func mcExtraColumns(rs []mc.TempResult) []mcExtra {
	all := []mcExtra{
		{"correlation_length", func(r *mc.TempResult) *mc.Estimate { return r.CorrelationLength }},
		{"overlap_q2", func(r *mc.TempResult) *mc.Estimate { return r.OverlapQ2 }},
		{"overlap_q4", func(r *mc.TempResult) *mc.Estimate { return r.OverlapQ4 }},
		{"overlap_binder", func(r *mc.TempResult) *mc.Estimate { return r.OverlapBinder }},
	}
	var out []mcExtra
	for _, x := range all {
		for i := range rs {
			if x.get(&rs[i]) != nil {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// mcSidecar is the metadata file of a CSV output FILE.csv: FILE.json, the
// JSON output of the same run (what --out FILE.json writes), which 'isingrbm
// merge' reads for the seed, the configuration hash and the shard.
func mcSidecar(csvPath string) string {
	return strings.TrimSuffix(csvPath, filepath.Ext(csvPath)) + ".json"
}

// writeMCFiles writes --out p: FILE.json, or FILE.csv and its sidecar
// FILE.json (and FILE_reweighted.csv with --reweight). Each file is written
// atomically.
func writeMCFiles(p string, out *mc.Output) error {
	ext := extOf(p)
	if err := writeFile(p, func(w io.Writer) error { return writeMCOutput(w, ext, out) }); err != nil {
		return err
	}
	if ext != "csv" {
		return nil
	}
	if err := writeFile(mcSidecar(p), func(w io.Writer) error { return writeJSON(w, out) }); err != nil {
		return err
	}
	if len(out.Reweighted) > 0 {
		rp := strings.TrimSuffix(p, filepath.Ext(p)) + "_reweighted.csv"
		if err := writeFile(rp, func(w io.Writer) error { return writeReweightedCSV(w, out.Reweighted) }); err != nil {
			return err
		}
	}
	return nil
}

// mcCSVHeader is the header of a CSV output: the schema of the experiments'
// Monte Carlo tables (experiments.MCQuantityKeys).
var mcCSVHeader = func() []string {
	h := []string{"index", "temperature", "beta", "measurements"}
	for _, q := range experiments.MCQuantityKeys {
		h = append(h, q, q+"_error", q+"_tau_int")
	}
	return append(h, "acceptance", "mean_cluster_size", "updates", "seconds")
}()

func mcCSVRow(r *mc.TempResult) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row := []string{strconv.Itoa(r.Index), f(r.Temperature), f(r.Beta), strconv.Itoa(r.Measurements)}
	for _, e := range experiments.MCEstimates(r) {
		row = append(row, f(e.Mean), f(e.Error), f(e.TauInt))
	}
	row = append(row, f(r.Acceptance), f(r.MeanClusterSize), strconv.FormatInt(r.Updates, 10), f(r.Seconds))
	return strings.Join(row, ",")
}

// writeReweightedCSV writes the reweighted curves (the CSV companion
// FILE_reweighted.csv of --out FILE.csv).
func writeReweightedCSV(w io.Writer, pts []mc.ReweightedPoint) error {
	h := []string{"temperature", "beta"}
	for _, q := range []string{"energy_per_site", "heat_capacity_per_site", "binder", "abs_magnetization_per_site", "susceptibility_abs_per_site", "m2", "m4", "binder_slope"} {
		h = append(h, q, q+"_error")
	}
	if _, err := io.WriteString(w, strings.Join(h, ",")+"\n"); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, p := range pts {
		row := []string{f(p.Temperature), f(p.Beta)}
		for _, e := range []mc.MeanErr{p.Energy, p.HeatCapacity, p.Binder, p.AbsMagnetization, p.SusceptibilityAbs, p.M2, p.M4, p.BinderSlope} {
			row = append(row, f(e.Mean), f(e.Error))
		}
		if _, err := io.WriteString(w, strings.Join(row, ",")+"\n"); err != nil {
			return err
		}
	}
	return nil
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
	fmt.Fprintf(w, "# chi' = susceptibility_abs_per_site (with <|m|>); the connected chi (with <m>) is in --json/--out\n")
	fmt.Fprintf(w, "%-11s %-22s %-26s %-22s %-27s %-22s %8s %8s\n", "temperature", "energy_per_site", "abs_magnetization_per_site",
		"heat_capacity_per_site", "susceptibility_abs_per_site", "binder", "tau_u", "acc")
	pm := func(e mc.Estimate) string { return fmt.Sprintf("%.6g ± %.2g", e.Mean, e.Error) }
	var frozen []string
	for _, r := range out.Results {
		acc := fmt.Sprintf("%.4f", r.Acceptance)
		if r.MeanClusterSize > 0 {
			acc = fmt.Sprintf("<C>=%.4g", r.MeanClusterSize)
		}
		fmt.Fprintf(w, "%-11.6g %-22s %-26s %-22s %-27s %-22s %8.3g %8s\n", r.Temperature, pm(r.Energy), pm(r.AbsMagnetization),
			pm(r.HeatCapacity), pm(r.SusceptibilityAbs), pm(r.Binder), r.Energy.TauInt, acc)
		// <m> has not tunnelled between the two ordered states when |<m>|
		// is close to <|m|> in an ordered phase.
		if r.AbsMagnetization.Mean > 0.3 && math.Abs(r.Magnetization.Mean) > 0.5*r.AbsMagnetization.Mean {
			frozen = append(frozen, fmt.Sprintf("%.4g", r.Temperature))
		}
	}
	if len(frozen) > 0 {
		fmt.Fprintf(w, "# warning: at T = %s <m> has not tunnelled between +m and -m (|<m>| > <|m|>/2): <m> and the connected chi are not equilibrium values there; use <|m|> and chi'\n",
			strings.Join(frozen, ", "))
	}
	if len(out.Reweighted) > 0 {
		fmt.Fprintf(w, "# reweighted\n%-11s %-22s %-22s %-22s %-26s %-27s\n", "temperature", "energy_per_site", "heat_capacity_per_site", "binder",
			"abs_magnetization_per_site", "susceptibility_abs_per_site")
		pe := func(e mc.MeanErr) string { return fmt.Sprintf("%.6g ± %.2g", e.Mean, e.Error) }
		for _, p := range out.Reweighted {
			fmt.Fprintf(w, "%-11.6g %-22s %-22s %-22s %-26s %-27s\n", p.Temperature, pe(p.Energy), pe(p.HeatCapacity), pe(p.Binder),
				pe(p.AbsMagnetization), pe(p.SusceptibilityAbs))
		}
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
