package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/rg"
)

func init() { rgRegister(rgHopfieldCommand) }

func rgHopfieldCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.IntFlag{Name: "size", Value: 100, Category: catLattice,
			Usage: fmt.Sprintf("number N of neurons, 2..%d", lattice.MaxHopfieldNeurons)},
		&cli.StringFlag{Name: "patterns-list", Value: "1,5,10,14", Category: catLattice,
			Usage: fmt.Sprintf("numbers P of stored patterns, comma separated, each 1..%d", lattice.MaxHopfieldPatterns)},
		&cli.Uint64Flag{Name: "disorder-seed", Value: 1, Category: catLattice,
			Usage: "seed of the random ±1 patterns (realization r uses disorder-seed + r; r = 0 is the network of --lattice hopfield --disorder-seed)"},
	}
	flags = append(flags, temperatureFlags(false)...)
	flags = append(flags,
		&cli.IntFlag{Name: "sweeps", Value: 2000, Usage: fmt.Sprintf("measured Metropolis sweeps per (P, T), 10..%d", rg.MaxHopfieldSweeps)},
		&cli.IntFlag{Name: "thermalize", Value: 500, Usage: fmt.Sprintf("discarded sweeps, 0..%d", rg.MaxHopfieldSweeps)},
		&cli.IntFlag{Name: "realizations", Value: 1, Usage: fmt.Sprintf("independent pattern sets averaged over, 1..%d", rg.MaxHopfieldRealizations)},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed of the Monte Carlo chains"},
		&cli.StringFlag{Name: "figure", Category: catOutput, Usage: "write the figure <max |m_mu|> vs T to BASE.png and BASE.svg"},
		&cli.BoolFlag{Name: "json", Category: catOutput,
			Usage: `print {"neurons", "points": [{"patterns", "load", "temperature", "max_abs_overlap": {"mean", "error", "tau_int"}, ...}], ...} on stdout`},
	)
	return &cli.Command{
		Name:  "hopfield",
		Usage: "Hopfield retrieval: Monte Carlo of the pattern overlaps m_mu against T and P/N",
		Description: "Draws P random ±1 patterns xi^mu (the network of --lattice hopfield --patterns P, J_ij =\n" +
			"(1/N) sum_mu xi_i^mu xi_j^mu) and runs, at each temperature (default --T 0.1:1.5:0.1), a Metropolis\n" +
			"chain started in pattern 1, measuring every sweep the overlaps m_mu = (1/N) sum_i xi_i^mu s_i:\n" +
			"max_mu |m_mu| (retrieval), |m_1| (the starting pattern) and u = H/N, with Monte Carlo errors\n" +
			"sqrt(2 tau_int Var/n) (with --realizations > 1: the standard error over the pattern sets).\n" +
			"For N -> infinity (Amit, Gutfreund and Sompolinsky 1985) retrieval holds below T_M(P/N), with\n" +
			"T_M -> 1 as P/N -> 0 (m = tanh(m/T)) and P/N up to about 0.138 at T = 0; a finite network shows\n" +
			"smooth crossovers, and max_mu |m_mu| of a paramagnet stays at the O(1/sqrt N) fluctuation level.",
		Flags:  flags,
		Action: runRGHopfield,
	}
}

func runRGHopfield(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	cfg := rg.HopfieldConfig{N: c.Int("size"), Sweeps: c.Int("sweeps"), Thermalize: c.Int("thermalize"),
		Realizations: c.Int("realizations"), DisorderSeed: c.Uint64("disorder-seed"), Seed: c.Uint64("seed")}
	var err error
	if cfg.Patterns, err = parseIntList("patterns-list", c.String("patterns-list")); err != nil {
		return err
	}
	betas := []float64{}
	for k := 1; k <= 15; k++ {
		betas = append(betas, 1/(0.1*float64(k)))
	}
	if betas, err = betasFromFlags(c, betas); err != nil {
		return err
	}
	for _, b := range betas {
		if !(b > 0) {
			return fmt.Errorf("--beta/--T: beta = %v (T = infinity): rg hopfield needs temperatures > 0", b)
		}
		cfg.Temps = append(cfg.Temps, 1/b)
	}
	if err := rgCounts(&cfg.Thermalize, intFlag{"size", cfg.N}, intFlag{"sweeps", cfg.Sweeps},
		intFlag{"realizations", cfg.Realizations}); err != nil {
		return err
	}
	res, err := rg.HopfieldRetrieval(c.Context, cfg)
	if err != nil {
		msg := err.Error()
		for _, f := range []struct{ key, flag string }{{"neurons =", "--size"}, {"patterns", "--patterns-list"},
			{"sweeps =", "--sweeps"}, {"thermalize =", "--thermalize"}, {"realizations =", "--realizations"},
			{"temperature", "--beta/--T"}} {
			if strings.Contains(msg, f.key) {
				return fmt.Errorf("%s: %w", f.flag, err)
			}
		}
		return err
	}
	if base := c.String("figure"); base != "" {
		fig, err := rg.HopfieldFigure(res)
		if err != nil {
			return err
		}
		paths, err := plots.Save(fig, base, "png", "svg")
		if err != nil {
			return fmt.Errorf("--figure: %w", err)
		}
		fmt.Fprintf(c.App.ErrWriter, "wrote %s\n", strings.Join(paths, ", "))
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, res)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "# Hopfield network, N = %d, %d realization(s) (disorder seed %d), Metropolis from pattern 1, %d sweeps after %d, seed %d, %.1f s\n",
		res.N, res.Realizations, res.DisorderSeed, res.Sweeps, res.Thermalize, res.Seed, res.Seconds)
	fmt.Fprintf(w, "%-8s %-7s %-8s %-20s %-20s %-20s %s\n", "patterns", "load", "T", "max|m_mu|", "|m_1|", "u", "acceptance")
	for _, p := range res.Points {
		fmt.Fprintf(w, "%-8d %-7.4g %-8.4g %-20s %-20s %-20s %.3f\n", p.Patterns, p.Load, p.Temperature,
			fmt.Sprintf("%.4f ± %.4f", p.MaxOverlap.Mean, p.MaxOverlap.Error), fmt.Sprintf("%.4f ± %.4f", p.Overlap.Mean, p.Overlap.Error),
			fmt.Sprintf("%.4f ± %.4f", p.Energy.Mean, p.Energy.Error), p.Acceptance)
	}
	return nil
}
