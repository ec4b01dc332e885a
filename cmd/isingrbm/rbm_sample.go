package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
)

func init() { registerRBM(rbmSampleCommand) }

// rbmSampleMaxSweeps bounds --sweeps and --thermalize (the series are kept in memory).
const rbmSampleMaxSweeps = 100_000_000

func rbmSampleCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "model", Required: true, Category: "RBM",
			Usage: "RBM in the JSON model format (e.g. from 'isingrbm hs --export FILE.json' or 'isingrbm rbm train'); visible layer spin or bernoulli (v = 1 means s = +1)"},
	}
	flags = append(flags, latticeFlags()...)
	flags = append(flags, temperatureFlags(true)...)
	flags = append(flags,
		&cli.IntFlag{Name: "sweeps", Value: 10000, Category: "Sampling",
			Usage: "measured block Gibbs sweeps (v -> h -> v) per chain, 2.." + fmt.Sprint(rbmSampleMaxSweeps)},
		&cli.IntFlag{Name: "thermalize", Value: -1, Category: "Sampling", DefaultText: "sweeps/10",
			Usage: "sweeps discarded before measuring, >= 0"},
		&cli.IntFlag{Name: "chains", Value: 1, Category: "Sampling",
			Usage: "independent chains run as one batch, 1..4096; with several, every error bar is at least the jackknife error over the chains"},
		&cli.StringFlag{Name: "start", Category: "Sampling",
			Usage: "start the chains from the samples in FILE.npy/.csv (rows used in turn; e.g. the training data), instead of uniformly random states: avoids long transients in an ordered phase"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: "Sampling", Usage: "random seed; the same seed gives the same numbers"},
		&cli.StringFlag{Name: "save-samples", Category: catOutput,
			Usage: "write the visible states as spin snapshots to FILE.npy (int8 [samples, N], values ±1) or FILE.csv, every --sample-every measured sweeps of every chain"},
		&cli.IntFlag{Name: "sample-every", Value: 10, Category: catOutput, Usage: "measured sweeps between snapshots for --save-samples, >= 1"},
		&cli.BoolFlag{Name: "seconds", Value: true, Category: catOutput, Usage: "report the wall time (--seconds=false: 0, so that the JSON is byte-reproducible)"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the results as JSON (the layout of 'isingrbm mc --json')"},
	)
	return &cli.Command{
		Name:  "sample",
		Usage: "block Gibbs sampling of an RBM, measuring the Ising observables of its visible units",
		Description: "Runs the RBM's block Gibbs chains and measures, after every sweep, the energy H(s) of the given\n" +
			"lattice model and the magnetization of the visible units mapped to spins (spin: s = v; bernoulli:\n" +
			"s = 2v - 1). The inverse temperature (--beta/--T) enters the heat capacity and susceptibility.\n" +
			"Output layout and error bars (integrated autocorrelation time; with several chains at least the\n" +
			"jackknife error over chains) are those of 'isingrbm mc', so an RBM exported by 'isingrbm hs' or\n" +
			"trained by 'isingrbm rbm train' and its Ising model can be compared number for number.",
		Flags:  flags,
		Action: runRBMSample,
	}
}

func runRBMSample(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	path := c.String("model")
	r, err := rbmReadModel("model", path)
	if err != nil {
		return err
	}
	if !r.Visible.Type.Discrete() {
		return fmt.Errorf("--model %s: visible layer is %s: need spin or bernoulli to map units to Ising spins", path, r.Visible.Type)
	}
	m, _, err := modelFromFlags(c)
	if err != nil {
		return err
	}
	n, hid := r.Dims()
	if n != m.N {
		return fmt.Errorf("--model %s: the RBM has %d visible units but the lattice (--lattice %s --size %s) has %d sites: they must match",
			path, n, c.String("lattice"), c.String("size"), m.N)
	}
	betas, err := betasFromFlags(c, nil)
	if err != nil {
		return err
	}
	if len(betas) != 1 {
		return fmt.Errorf("--beta/--T: rbm sample takes one temperature, got %d", len(betas))
	}
	beta := betas[0]
	if err := rbmCheckModelBeta(c, path, r, beta); err != nil {
		return err
	}
	sweeps := c.Int("sweeps")
	if sweeps < 2 || sweeps > rbmSampleMaxSweeps {
		return fmt.Errorf("--sweeps %d: allowed 2..%d", sweeps, rbmSampleMaxSweeps)
	}
	therm := c.Int("thermalize")
	if !c.IsSet("thermalize") {
		therm = sweeps / 10
	}
	if therm < 0 || therm > rbmSampleMaxSweeps {
		return fmt.Errorf("--thermalize %d: allowed 0..%d", therm, rbmSampleMaxSweeps)
	}
	chains := c.Int("chains")
	if chains < 1 || chains > 4096 {
		return fmt.Errorf("--chains %d: allowed 1..4096", chains)
	}
	if int64(chains)*int64(sweeps) > rbmSampleMaxSweeps {
		return fmt.Errorf("--chains %d x --sweeps %d: at most %d measurements in total", chains, sweeps, rbmSampleMaxSweeps)
	}
	every := c.Int("sample-every")
	if every < 1 {
		return fmt.Errorf("--sample-every %d: must be >= 1", every)
	}
	save := c.String("save-samples")
	if c.IsSet("sample-every") && save == "" {
		return fmt.Errorf("--sample-every: only with --save-samples")
	}
	var format string
	if save != "" {
		if format, err = checkExt("save-samples", save, "npy", "csv"); err != nil {
			return err
		}
		if err := checkWritable("save-samples", save); err != nil {
			return err
		}
		snaps := int64(chains) * int64(sweeps/every) * int64(n)
		if snaps > 1<<31 {
			return fmt.Errorf("--save-samples: %d chains x %d snapshots x %d units = %.3g values (at most 2^31): raise --sample-every", chains, sweeps/every, n, float64(snaps))
		}
	}
	cfg := rbm.GibbsConfig{Chains: chains, Thermalize: therm, Sweeps: sweeps, Seed: c.Uint64("seed")}
	if therm == 0 {
		cfg.Thermalize = -1
	}
	if p := c.String("start"); p != "" {
		if cfg.Start, err = rbmLoadData("start", p, n, r.Visible.Type); err != nil {
			return err
		}
	}
	var snaps []int8
	if save != "" {
		_, on := rbmValues(r.Visible.Type)
		cfg.Every = every
		cfg.Sample = func(_ int, v *mat.Dense) error {
			rows, _ := v.Dims()
			for k := 0; k < rows; k++ {
				for _, x := range v.RawRowView(k) {
					s := int8(-1)
					if x == on {
						s = 1
					}
					snaps = append(snaps, s)
				}
			}
			return nil
		}
	}
	start := time.Now()
	tr, err := r.SampleIsing(c.Context, m, beta, cfg)
	if err != nil {
		return err
	}
	if c.Bool("seconds") {
		tr.Seconds = time.Since(start).Seconds()
	}
	if save != "" {
		if err := writeFile(save, func(w io.Writer) error { return mc.WriteSamples(w, format, snaps, n) }); err != nil {
			return fmt.Errorf("--save-samples: %w", err)
		}
	}
	out := mc.Output{Algorithm: "rbm-gibbs", Seed: cfg.Seed, Temperatures: 1, Results: []mc.TempResult{tr}}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	return rbmSamplePrint(c.App.Writer, r, hid, chains, therm, sweeps, tr)
}

// rbmValues returns the (off, on) values of a discrete layer type.
func rbmValues(t rbm.LayerType) (off, on float64) {
	if t == rbm.Spin {
		return -1, 1
	}
	return 0, 1
}

// rbmCheckModelBeta compares --beta with the temperature a model records in
// its metadata (Hubbard–Stratonovich models are built at one beta; trained
// models know the temperature of their data when it was given): a
// Hubbard–Stratonovich model at another beta is refused, a trained one gets
// a warning.
func rbmCheckModelBeta(c *cli.Context, path string, r *rbm.RBM, beta float64) error {
	mb, ok := rbmMetaBeta(r)
	if !ok || math.Abs(mb-beta) <= 1e-12*math.Max(1, math.Abs(beta)) {
		return nil
	}
	if src, _ := r.Metadata["source"].(string); strings.Contains(src, "hs") {
		return fmt.Errorf("--beta %v: the model %s is the Hubbard–Stratonovich RBM of beta = %v; its samples are that temperature's (rebuild it with 'isingrbm hs --beta %v --export')", beta, path, mb, beta)
	}
	fmt.Fprintf(c.App.ErrWriter, "warning: --beta %v differs from the beta = %v the model %s was trained for; the heat capacity and susceptibilities use --beta\n", beta, mb, path)
	return nil
}

// rbmMetaBeta returns the beta recorded in a model's metadata.
func rbmMetaBeta(r *rbm.RBM) (float64, bool) {
	if b, ok := r.Metadata["beta"].(float64); ok {
		return b, true
	}
	if is, ok := r.Metadata["ising"].(map[string]any); ok {
		if b, ok := is["beta"].(float64); ok {
			return b, true
		}
	}
	return 0, false
}

func rbmSamplePrint(w io.Writer, r *rbm.RBM, hid, chains, therm, sweeps int, tr mc.TempResult) error {
	var err error
	p := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, a...)
		}
	}
	p("RBM block Gibbs: %d visible (%s) x %d hidden (%s), %d chain(s), %d thermalization + %d measured sweeps\n",
		r.Visible.Len(), r.Visible.Type, hid, r.Hidden.Type, chains, therm, sweeps)
	p("beta = %g (T = %g), fraction of visible units changed per sweep: %.4f\n", tr.Beta, tr.Temperature, tr.Acceptance)
	p("%-30s %14s %12s %8s\n", "observable", "mean", "error", "tau_int")
	for _, q := range []struct {
		name string
		e    mc.Estimate
	}{
		{"energy_per_site", tr.Energy},
		{"abs_magnetization_per_site", tr.AbsMagnetization},
		{"magnetization_per_site", tr.Magnetization},
		{"m2", tr.M2},
		{"m4", tr.M4},
		{"heat_capacity_per_site", tr.HeatCapacity},
		{"susceptibility_per_site", tr.Susceptibility},
		{"susceptibility_abs_per_site", tr.SusceptibilityAbs},
		{"binder", tr.Binder},
	} {
		p("%-30s %14.8f %12.2e %8.2f\n", q.name, q.e.Mean, q.e.Error, q.e.TauInt)
	}
	for _, wn := range tr.Warnings {
		p("warning: %s\n", wn)
	}
	return err
}
