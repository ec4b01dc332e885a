package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rg"
)

func init() { register(rgCommand) }

// rgSubcommands holds the 'isingrbm rg' subcommands (decimate, flow, mcrg, stack),
// registered by rgRegister in init functions.
var rgSubcommands []func() *cli.Command

func rgRegister(f func() *cli.Command) { rgSubcommands = append(rgSubcommands, f) }

func init() { rgRegister(rgDecimateCommand) }

func rgCommand() *cli.Command {
	subs := make([]*cli.Command, 0, len(rgSubcommands))
	for _, f := range rgSubcommands {
		subs = append(subs, f())
	}
	slices.SortFunc(subs, func(a, b *cli.Command) int { return strings.Compare(a.Name, b.Name) })
	return &cli.Command{
		Name:        "rg",
		Usage:       "renormalization group: exact decimation as an RBM marginal, RG flows, Monte Carlo RG",
		Subcommands: subs,
	}
}

func rgDecimateCommand() *cli.Command {
	flags := append(latticeFlags(), temperatureFlags(true)...)
	flags = append(flags,
		&cli.BoolFlag{Name: "json", Category: catOutput,
			Usage: `print {"kept": [sites], "constant": c_0, "couplings": [{"sites": [...], "value": c_S}]} on stdout`},
	)
	return &cli.Command{
		Name:  "decimate",
		Usage: "sum out one sublattice exactly: the effective couplings of the kept spins",
		Description: "Sums out the odd sites of a chain, or the sites with x+y odd of a square lattice, exactly. The\n" +
			"decimated spins are the hidden units of an RBM whose visible units are the kept spins (weights\n" +
			"beta J on the bonds, hidden biases beta h of the decimated sites, visible biases beta h of the kept\n" +
			"ones); its marginal is the effective weight\n" +
			"  ln w(s) = ln sum_{decimated} exp(-beta H) = c_0 + sum_S c_S prod_{i in S} s_i,\n" +
			"the exact Walsh expansion, one hidden unit at a time. c_S are dimensionless (a pair: K' = beta J');\n" +
			"sites are the original site indices; terms with |c_S| <= 1e-14 are omitted. Z = sum_s w(s).\n" +
			"A periodic axis must have even length (else two decimated sites are bonded).",
		Flags:  flags,
		Action: runRGDecimate,
	}
}

// rgModel builds the model of the lattice flags for the rg commands, which
// take chains and square lattices only; the size is checked before anything
// is allocated.
func rgModel(c *cli.Context, maxSites int) (*lattice.Model, error) {
	kind := c.String("lattice")
	if kind != "chain" && kind != "square" {
		return nil, fmt.Errorf("--lattice %s: rg needs chain or square", kind)
	}
	if dims, err := lattice.ParseSize(c.String("size")); err == nil {
		n := 1
		for _, d := range dims {
			if d > maxSites || n > maxSites/d {
				return nil, fmt.Errorf("--size %s: more than %d sites", c.String("size"), maxSites)
			}
			n *= d
		}
		if kind == "square" && len(dims) == 1 && n > maxSites/n {
			return nil, fmt.Errorf("--size %s: more than %d sites", c.String("size"), maxSites)
		}
	}
	m, _, err := modelFromFlags(c)
	return m, err
}

// oneBeta returns the single inverse temperature of --beta/--T.
func oneBeta(c *cli.Context, cmd string) (float64, error) {
	betas, err := betasFromFlags(c, nil)
	if err != nil {
		return 0, err
	}
	if len(betas) != 1 {
		return 0, fmt.Errorf("--beta/--T: %s takes one temperature, got %d", cmd, len(betas))
	}
	return betas[0], nil
}

func runRGDecimate(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	m, err := rgModel(c, rg.MaxSites)
	if err != nil {
		return err
	}
	beta, err := oneBeta(c, "rg decimate")
	if err != nil {
		return err
	}
	dec, err := rg.Sublattice(m)
	if err != nil {
		return fmt.Errorf("--lattice: %w", err)
	}
	d, err := rg.Decimate(m, beta, dec)
	if err != nil {
		return fmt.Errorf("--size/--boundary: %w", err)
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, d)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "# %s %v, beta = %v: %d kept sites, %d summed out (RBM: %d visible x %d hidden spin units)\n",
		m.Geometry.Kind, m.Geometry.Dims, beta, len(d.Kept), len(d.Decimated), len(d.Kept), len(d.Decimated))
	fmt.Fprintf(w, "# ln w(s) = c_0 + sum_S c_S prod_{i in S} s_i; c_0 = %s\n", ftoa(d.Constant))
	fmt.Fprintf(w, "%-6s %-24s %s\n", "order", "sites", "c_S")
	for _, t := range d.Couplings {
		s := make([]string, len(t.Sites))
		for i, x := range t.Sites {
			s[i] = strconv.Itoa(x)
		}
		fmt.Fprintf(w, "%-6d %-24s %s\n", len(t.Sites), strings.Join(s, " "), ftoa(t.Value))
	}
	return nil
}

func init() { rgRegister(rgFlowCommand) }

func rgFlowCommand() *cli.Command {
	return &cli.Command{
		Name:  "flow",
		Usage: "RG flows: the exact chain recursion and the truncated square-lattice (K, L) maps, fixed points, nu",
		Description: "Square lattice, b = sqrt 2, nearest (K) and next-nearest (L) couplings, truncated maps:\n" +
			"  lowest: K' = 2K^2 + L, L' = K^2 (Maris and Kadanoff 1978);\n" +
			"  lncosh: K' = (1/4) ln cosh 4K + L, L' = (1/8) ln cosh 4K (the exact decimation couplings of\n" +
			"          'rg decimate' with the plaquette term dropped).\n" +
			"For each: the non-trivial fixed point, the Jacobian eigenvalues, y_t = ln lambda_t / ln b, nu = 1/y_t,\n" +
			"k_c (the point of the L = 0 axis on the critical surface of the map) and k_c_lin (the linearised\n" +
			"critical line through the fixed point), against Onsager's K_c = 0.4406868. With --K (and --B) the\n" +
			"exact chain trajectory (K_n, B_n) of K' = (1/4) ln[cosh(2K+B) cosh(2K-B)/cosh^2 B],\n" +
			"B' = B + (1/2) ln[cosh(2K+B)/cosh(2K-B)] is listed too.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "rule", Value: "all", Usage: "square-lattice map: lowest, lncosh or all"},
			&cli.Float64Flag{Name: "K", Usage: "chain: start the exact trajectory at K = beta J (finite, |K| <= 50)"},
			&cli.Float64Flag{Name: "B", Usage: "chain: start field B = beta h of the trajectory (finite, |B| <= 50)"},
			&cli.IntFlag{Name: "steps", Value: 10, Usage: "chain: number of decimation steps of the trajectory, 1..1000"},
			&cli.StringFlag{Name: "figure", Category: catOutput, Usage: "write the flow figure to BASE.png and BASE.svg"},
			&cli.BoolFlag{Name: "json", Category: catOutput, Usage: `print {"square": [fixed points], "chain": [{"K", "L" (= B)}]} on stdout`},
		},
		Action: runRGFlow,
	}
}

func runRGFlow(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	rules := rg.SquareRules
	if r := c.String("rule"); r != "all" {
		rule, err := rg.ParseSquareRule(r)
		if err != nil {
			return fmt.Errorf("--rule: %w (or all)", err)
		}
		rules = []rg.SquareRule{rule}
	}
	var out struct {
		Square []rg.FixedPointResult `json:"square"`
		Chain  []rg.Point            `json:"chain,omitempty"`
	}
	for _, r := range rules {
		fp, err := r.FixedPoint()
		if err != nil {
			return err
		}
		out.Square = append(out.Square, fp)
	}
	if c.IsSet("K") || c.IsSet("B") {
		k, b, steps := c.Float64("K"), c.Float64("B"), c.Int("steps")
		for _, v := range []struct {
			name string
			x    float64
		}{{"K", k}, {"B", b}} {
			if !(math.Abs(v.x) <= 50) {
				return fmt.Errorf("--%s %v: must be finite with |%s| <= 50", v.name, v.x, v.name)
			}
		}
		if steps < 1 || steps > 1000 {
			return fmt.Errorf("--steps %d: allowed 1..1000", steps)
		}
		out.Chain = rg.ChainFlow(k, b, steps)
	}
	if base := c.String("figure"); base != "" {
		paths, err := rg.SaveFlowFigure(base)
		if err != nil {
			return fmt.Errorf("--figure: %w", err)
		}
		fmt.Fprintf(c.App.ErrWriter, "wrote %s\n", strings.Join(paths, ", "))
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "square lattice, b = sqrt 2, truncated (K, L) maps; Onsager K_c = %.7f, nu = 1\n", rg.KcExact)
	fmt.Fprintf(w, "%-7s %-10s %-10s %-9s %-9s %-8s %-8s %-8s %-8s\n", "rule", "K*", "L*", "lambda_t", "lambda_2", "y_t", "nu", "k_c", "k_c_lin")
	for _, f := range out.Square {
		fmt.Fprintf(w, "%-7s %-10.6f %-10.6f %-9.5f %-9.5f %-8.4f %-8.4f %-8.4f %-8.4f\n",
			f.Rule, f.Fixed.K, f.Fixed.L, f.LambdaT, f.Lambda2, f.YT, f.Nu, f.KcNN, f.KcLinear)
	}
	if out.Chain != nil {
		fmt.Fprintf(w, "\nchain, exact decimation (b = 2)\n%-5s %-22s %-22s\n", "step", "K", "B")
		for n, p := range out.Chain {
			fmt.Fprintf(w, "%-5d %-22s %-22s\n", n, ftoa(p.K), ftoa(p.L))
		}
	}
	return nil
}

func init() { rgRegister(rgMCRGCommand) }

func rgMCRGCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "size", Value: "64", Category: catLattice,
			Usage: "side L (or LxL, or LxLxL with --lattice cubic) of the periodic lattice, J = 1, h = 0; 8 <= L <= 4096 (256 cubic), divisible by 2^levels, L/2^levels >= 4"},
		&cli.StringFlag{Name: "lattice", Value: "square", Category: catLattice,
			Usage: "square (2D) or cubic (3D simple cubic: 2x2x2 majority blocks, default at beta_c = 0.221654626)"},
	}
	flags = append(flags, temperatureFlags(false)...)
	flags = append(flags,
		&cli.IntFlag{Name: "levels", Value: 3, Usage: "majority-rule blocking levels (b = 2 each), 1..10"},
		&cli.IntFlag{Name: "sweeps", Value: 10000, Usage: "measured Wolff sweeps (each flips about N spins), bins..1e9"},
		&cli.IntFlag{Name: "thermalize", Value: 1000, Usage: "discarded Wolff sweeps, 0..1e9"},
		&cli.IntFlag{Name: "bins", Value: 20, Usage: "jackknife bins, 2..1000"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed (Monte Carlo stream 0, tie-break stream 1)"},
		&cli.BoolFlag{Name: "json", Category: catOutput,
			Usage: `print {"levels": [{"level": n, "y_t": {"mean", "error"}, "y_h": {...}, ...}], ...} on stdout`},
	)
	return &cli.Command{
		Name:  "mcrg",
		Usage: "Monte Carlo renormalization group (Swendsen 1979): y_t and y_h of the 2D and 3D Ising models",
		Description: "Samples the periodic L x L square lattice (J = 1, h = 0; default at Onsager's T_c) with Wolff\n" +
			"updates, blocks every configuration by the b = 2 majority rule (ties broken by a fair coin) levels\n" +
			"times, and records 6 even (nn, nnn, third neighbour, plaquette, knight, (2,2) diagonal) and 3 odd\n" +
			"(magnetization, plaquette three-spin, straight three-spin) interaction sums per level. The\n" +
			"linearised RG matrix T^(n) = B^-1 A from the correlations A = <S^(n) S^(n-1)>_c and\n" +
			"B = <S^(n) S^(n)>_c gives y = ln(lambda_max)/ln 2 per level and sector: y_t (even; exact 1) and\n" +
			"y_h (odd; exact 15/8). Errors are jackknife errors over --bins bins.\n" +
			"--lattice cubic: the L x L x L simple cubic lattice (default at beta_c = 0.221654626), 2x2x2\n" +
			"majority blocks (8 spins, ties by a fair coin), 6 even (nn, face diagonal, body diagonal, (2,0,0),\n" +
			"plaquette, (2,1,0)) and the same 3 odd interactions; 3D Ising: y_t = 1/nu = 1.5874, y_h = 2.4819.",
		Flags:  flags,
		Action: runRGMCRG,
	}
}

func runRGMCRG(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	dims, err := lattice.ParseSize(c.String("size"))
	if err != nil {
		return fmt.Errorf("--size: %w", err)
	}
	dim := 2
	switch c.String("lattice") {
	case "square":
	case "cubic":
		dim = 3
	default:
		return fmt.Errorf("--lattice %s: rg mcrg needs square or cubic", c.String("lattice"))
	}
	if len(dims) != 1 && len(dims) != dim || slices.ContainsFunc(dims, func(d int) bool { return d != dims[0] }) {
		if dim == 3 {
			return fmt.Errorf("--size %s: give L or LxLxL (a cubic lattice)", c.String("size"))
		}
		return fmt.Errorf("--size %s: give L or LxL (a square lattice)", c.String("size"))
	}
	cfg := rg.MCRGConfig{L: dims[0], Dim: dim, Levels: c.Int("levels"), Sweeps: c.Int("sweeps"),
		Thermalize: c.Int("thermalize"), Bins: c.Int("bins"), Seed: c.Uint64("seed")}
	if c.IsSet("beta") || c.IsSet("T") {
		if cfg.Beta, err = oneBeta(c, "rg mcrg"); err != nil {
			return err
		}
		if cfg.Beta == 0 {
			return fmt.Errorf("--beta 0: must be > 0")
		}
	}
	if err := rgCounts(&cfg.Thermalize, intFlag{"levels", cfg.Levels}, intFlag{"sweeps", cfg.Sweeps},
		intFlag{"bins", cfg.Bins}); err != nil {
		return err
	}
	res, err := rgRunMCRG(c, cfg)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, res)
	}
	w := c.App.Writer
	if res.Dim == 3 {
		fmt.Fprintf(w, "# MCRG, %dx%dx%d periodic simple cubic, beta = %.10g, %d Wolff sweeps (%d clusters each), %d bins, seed %d, %.1f s\n",
			res.L, res.L, res.L, res.Beta, res.Sweeps, res.Clusters, res.Bins, res.Seed, res.Seconds)
		fmt.Fprintf(w, "# 3D Ising: y_t = 1/nu = %.4f, y_h = %.4f\n", rg.YT3D, rg.YH3D)
	} else {
		fmt.Fprintf(w, "# MCRG, %dx%d torus, beta = %.10g, %d Wolff sweeps (%d clusters each), %d bins, seed %d, %.1f s\n",
			res.L, res.L, res.Beta, res.Sweeps, res.Clusters, res.Bins, res.Seed, res.Seconds)
		fmt.Fprintf(w, "# exact 2D Ising: y_t = 1, y_h = 15/8 = 1.875\n")
	}
	fmt.Fprintf(w, "%-6s %-6s %-22s %-22s\n", "level", "side", "y_t", "y_h")
	for _, l := range res.Levels {
		fmt.Fprintf(w, "%-6d %-6d %-22s %-22s\n", l.Level, l.Side,
			fmt.Sprintf("%.4f ± %.4f", l.YT.Mean, l.YT.Error), fmt.Sprintf("%.4f ± %.4f", l.YH.Mean, l.YH.Error))
	}
	return nil
}

// rgRunMCRG maps the config errors of rg.MCRG to flag names.
func rgRunMCRG(c *cli.Context, cfg rg.MCRGConfig) (*rg.MCRGResult, error) {
	res, err := rg.MCRG(c.Context, cfg)
	if err == nil {
		return res, nil
	}
	msg := err.Error()
	for _, f := range []struct{ key, flag string }{{"L =", "--size"}, {"levels =", "--levels"}, {"sweeps =", "--sweeps"},
		{"bins =", "--bins"}, {"beta =", "--beta/--T"}, {"dim =", "--lattice"}, {"thermalize =", "--thermalize"}} {
		if strings.Contains(msg, f.key) {
			return nil, fmt.Errorf("%s: %w", f.flag, err)
		}
	}
	return nil, err
}

// intFlag is an integer flag's name and value, for rgCounts.
type intFlag struct {
	name string
	v    int
}

// rgCounts refuses a count flag <= 0 and a --thermalize < 0, and maps
// --thermalize 0 (no thermalization) onto the rg configs' -1, since their
// zero value means the default.
func rgCounts(thermalize *int, counts ...intFlag) error {
	for _, f := range counts {
		if f.v <= 0 {
			return fmt.Errorf("--%s %d: must be > 0", f.name, f.v)
		}
	}
	switch {
	case *thermalize < 0:
		return fmt.Errorf("--thermalize %d: must be >= 0", *thermalize)
	case *thermalize == 0:
		*thermalize = -1
	}
	return nil
}
