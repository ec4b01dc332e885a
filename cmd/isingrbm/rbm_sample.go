package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
)

func init() { registerRBM(rbmSampleCommand) }

// rbmSampleStream is the random stream of 'isingrbm rbm sample' ("rbmsampl").
const rbmSampleStream uint64 = 0x72626d73616d706c

// rbmSampleMaxSweeps bounds --sweeps and --thermalize (the series are kept in memory).
const rbmSampleMaxSweeps = 100_000_000

func rbmSampleCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "model", Required: true, Category: "RBM",
			Usage: "RBM in the JSON model format (e.g. from 'isingrbm hs --export FILE.json'); visible layer spin or bernoulli (v = 1 means s = +1)"},
	}
	flags = append(flags, latticeFlags()...)
	flags = append(flags, temperatureFlags(true)...)
	flags = append(flags,
		&cli.IntFlag{Name: "sweeps", Value: 10000, Category: "Sampling",
			Usage: "measured block Gibbs sweeps (v -> h -> v) per chain, 1.." + fmt.Sprint(rbmSampleMaxSweeps)},
		&cli.IntFlag{Name: "thermalize", Value: -1, Category: "Sampling",
			Usage: "sweeps discarded before measuring, >= 0; default sweeps/10"},
		&cli.IntFlag{Name: "chains", Value: 1, Category: "Sampling",
			Usage: "independent chains run as one batch, 1..4096; their series are analysed one after the other"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: "Sampling", Usage: "random seed; the same seed gives the same numbers"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the results as JSON (the layout of 'isingrbm mc --json')"},
	)
	return &cli.Command{
		Name:  "sample",
		Usage: "block Gibbs sampling of an RBM, measuring the Ising observables of its visible units",
		Description: "Runs the RBM's block Gibbs chain and measures, after every sweep, the energy H(s) of the given\n" +
			"lattice model and the magnetization of the visible units mapped to spins (spin: s = v; bernoulli:\n" +
			"s = 2v - 1). The inverse temperature (--beta/--T) enters the heat capacity and susceptibility.\n" +
			"Output layout and error bars (integrated autocorrelation time) are those of 'isingrbm mc', so an\n" +
			"RBM exported by 'isingrbm hs' and its Ising model can be compared number for number.",
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
	sweeps := c.Int("sweeps")
	if sweeps < 1 || sweeps > rbmSampleMaxSweeps {
		return fmt.Errorf("--sweeps %d: allowed 1..%d", sweeps, rbmSampleMaxSweeps)
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
	seed := c.Uint64("seed")

	start := time.Now()
	es, ms, flips, err := rbmSampleRun(c, m, r, chains, therm, sweeps, seed)
	if err != nil {
		return err
	}
	tr := mc.Analyze(beta, m.N, es, ms, mc.AnalysisOptions{})
	tr.Updates = int64(chains) * int64(sweeps) * int64(n)
	tr.Acceptance = float64(flips) / float64(tr.Updates)
	tr.Seconds = time.Since(start).Seconds()
	if chains > 1 {
		tr.Warnings = append(tr.Warnings, fmt.Sprintf("%d chains analysed as one concatenated series of %d measurements", chains, len(es)))
	}
	out := mc.Output{Algorithm: "rbm-gibbs", Seed: seed, Temperatures: 1, Results: []mc.TempResult{tr}}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	return rbmSamplePrint(c.App.Writer, r, hid, chains, therm, sweeps, tr)
}

// rbmSampleRun runs the chains and returns, chain after chain, H(s) and
// sum_i s_i after every measured sweep, and the number of visible units that
// changed value during the measured sweeps.
func rbmSampleRun(c *cli.Context, m *lattice.Model, r *rbm.RBM, chains, therm, sweeps int, seed uint64) (es, ms []float64, flips int64, err error) {
	n, hid := r.Dims()
	rnd := rng.NewRand(seed, rbmSampleStream)
	off, on := 0.0, 1.0
	if r.Visible.Type == rbm.Spin {
		off = -1
	}
	v := mat.NewDense(chains, n, nil)
	for k := range chains {
		for i := range n {
			x := off
			if rnd.IntN(2) == 1 {
				x = on
			}
			v.Set(k, i, x)
		}
	}
	h := mat.NewDense(chains, hid, nil)
	prev := mat.NewDense(chains, n, nil)
	es, ms = make([]float64, chains*sweeps), make([]float64, chains*sweeps)
	s := make([]int8, n)
	ctx := c.Context
	for t := 0; t < therm+sweeps; t++ {
		if t%256 == 0 && ctx != nil {
			if err := ctx.Err(); err != nil {
				return nil, nil, 0, err
			}
		}
		if t >= therm {
			prev.Copy(v)
		}
		r.Gibbs(v, h, 1, rnd)
		if t < therm {
			continue
		}
		for k := range chains {
			row, pr := v.RawRowView(k), prev.RawRowView(k)
			for i, x := range row {
				s[i] = -1
				if x == on {
					s[i] = 1
				}
				if x != pr[i] {
					flips++
				}
			}
			idx := k*sweeps + (t - therm)
			es[idx] = m.Energy(s)
			ms[idx] = float64(lattice.Magnetization(s))
		}
	}
	return es, ms, flips, nil
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
