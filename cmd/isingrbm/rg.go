package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rg"
)

func init() { register(rgCommand) }

// rgSubcommands holds the 'isingrbm rg' subcommands (decimate, flow, mcrg),
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
