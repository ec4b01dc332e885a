package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/rbm"
)

func init() { registerRBM(rbmCouplingsCommand) }

func rbmCouplingsCommand() *cli.Command {
	return &cli.Command{
		Name:  "couplings",
		Usage: "effective k-body couplings of an RBM's visible marginal: exact (Walsh/Möbius) vs the cumulant series",
		Description: "Writes -F(v) = const + sum_S J_S prod_{i in S} v_i (s_i^2 = 1 for spin units, v_i^2 = v_i for\n" +
			"{0,1} units) for every subset S with 1 <= |S| <= K: 'exact' from the fast Walsh-Hadamard (spins) or\n" +
			"Möbius ({0,1}) transform of -F over all 2^N visible states (N <= 24), 'cumulant' from the cumulant\n" +
			"expansion K_mu(t) = sum_{n <= K} kappa_mu^(n) t^n/n! of the hidden priors, truncated at order K.\n" +
			"For a Hubbard-Stratonovich RBM (isingrbm hs --export) the pair terms are beta J_ij. order_error gives,\n" +
			"per |S| = k, the largest |exact - cumulant| and the Euclidean norm of the exact couplings.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Required: true, Usage: "RBM model FILE.json (discrete visible units, N <= 24)"},
			&cli.IntFlag{Name: "order", Value: 2, Usage: "truncation order K of the cumulant series, 1..150; terms with |S| <= K are listed"},
			&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print {\"terms\": [...], \"order_error\": [...]} as JSON on stdout"},
			&cli.StringFlag{Name: "out", Category: catOutput, Usage: "write the terms to FILE.csv (columns order, sites, exact, cumulant, difference; sites separated by spaces) or FILE.json (the --json output)"},
		},
		Action: runRBMCouplings,
	}
}

// rbmReadModel reads an RBM JSON model file; errors name the flag.
func rbmReadModel(flag, path string) (*rbm.RBM, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	defer f.Close()
	r, err := rbm.Read(f)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", flag, path, err)
	}
	if err := rbmCheckFinite(r); err != nil {
		return nil, fmt.Errorf("--%s %s: %w", flag, path, err)
	}
	return r, nil
}

// rbmCheckFinite refuses a model whose free energy can overflow: finite
// parameters (1e308 each) can still give an infinite sum_i |a_i| or hidden
// input sum_i |W_i_mu| (times sigma^2 for gaussian units), and then ln Z
// and every probability are meaningless.
func rbmCheckFinite(r *rbm.RBM) error {
	n, m := r.Dims()
	var sa float64
	for _, a := range r.Visible.Bias {
		sa += math.Abs(a)
	}
	if math.IsInf(sa, 0) {
		return fmt.Errorf("visible biases: sum of |a_i| overflows float64")
	}
	for mu := 0; mu < m; mu++ {
		t := math.Abs(r.Hidden.Bias[mu])
		for i := 0; i < n; i++ {
			t += math.Abs(r.W.At(i, mu))
		}
		k := t
		if r.Hidden.Type == rbm.Gaussian {
			s := r.Hidden.Sigma[mu]
			k = s * s * t * t
		}
		if math.IsInf(t, 0) || math.IsInf(k, 0) {
			return fmt.Errorf("hidden unit %d: its largest input (bias plus sum_i |W_i_mu|) overflows the free energy", mu)
		}
	}
	return nil
}

// rbmReadDiscreteModel is rbmReadModel for a command that needs a discrete
// (bernoulli or spin) visible layer; need completes the error message
// "--flag: visible layer is gaussian: need".
func rbmReadDiscreteModel(flag, path, need string) (*rbm.RBM, error) {
	r, err := rbmReadModel(flag, path)
	if err != nil {
		return nil, err
	}
	if !r.Visible.Type.Discrete() {
		return nil, fmt.Errorf("--%s: visible layer is %s: %s", flag, r.Visible.Type, need)
	}
	return r, nil
}

func runRBMCouplings(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	order := c.Int("order")
	if order < 1 || order > rbm.MaxCumulantOrder {
		return fmt.Errorf("--order %d: allowed 1..%d", order, rbm.MaxCumulantOrder)
	}
	var outFormat string
	if p := c.String("out"); p != "" {
		var err error
		if outFormat, err = checkExt("out", p, "csv", "json"); err != nil {
			return err
		}
		if err := checkWritable("out", p); err != nil {
			return err
		}
	}
	r, err := rbmReadDiscreteModel("model", c.String("model"), "couplings need bernoulli or spin visible units")
	if err != nil {
		return err
	}
	n, m := r.Dims()
	if n > rbm.MaxWalshUnits {
		return fmt.Errorf("--model: %d visible units: the exact couplings allow at most %d (table of 2^N values)", n, rbm.MaxWalshUnits)
	}
	ex, err := r.CouplingExpansion(c.Context, order)
	if err != nil {
		return err
	}
	if p := c.String("out"); p != "" {
		err := writeFile(p, func(w io.Writer) error {
			if outFormat == "json" {
				return writeJSON(w, ex)
			}
			cw := csv.NewWriter(w)
			cw.Write([]string{"order", "sites", "exact", "cumulant", "difference"})
			for _, t := range ex.Terms {
				s := make([]string, len(t.Sites))
				for i, x := range t.Sites {
					s[i] = strconv.Itoa(x)
				}
				cw.Write([]string{strconv.Itoa(len(t.Sites)), strings.Join(s, " "), ftoa(t.Exact), ftoa(t.Cumulant), ftoa(t.Exact - t.Cumulant)})
			}
			cw.Flush()
			return cw.Error()
		})
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, ex)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "RBM %d visible (%s) x %d hidden (%s); cumulant series truncated at order %d\n",
		n, r.Visible.Type, m, r.Hidden.Type, order)
	fmt.Fprintf(w, "%5s %8s %14s %14s\n", "|S|", "terms", "norm_exact", "max_abs_error")
	counts := make([]int, len(ex.OrderError)+1)
	for _, t := range ex.Terms {
		counts[len(t.Sites)]++
	}
	for _, oe := range ex.OrderError {
		fmt.Fprintf(w, "%5d %8d %14.6g %14.6g\n", oe.Order, counts[oe.Order], oe.NormExact, oe.MaxAbsError)
	}
	return nil
}
