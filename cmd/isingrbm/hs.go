package main

import (
	"fmt"
	"io"
	"math"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/hs"
)

func init() { register(hsCommand) }

func hsCommand() *cli.Command {
	flags := append(latticeFlags(), temperatureFlags(true)...)
	flags = append(flags,
		&cli.StringFlag{Name: "hidden", Value: "gaussian", Category: "RBM",
			Usage: "hidden layer: gaussian (Hubbard–Stratonovich, A = beta J + c I = W W^T) or bond (one ±1 unit per coupled pair)"},
		&cli.StringFlag{Name: "encoding", Value: "spin", Category: "RBM",
			Usage: "visible units: spin ({-1,+1}) or bernoulli ({0,1}, s = 2v - 1 substituted exactly)"},
		&cli.StringFlag{Name: "shift", Value: "auto", Category: "RBM",
			Usage: "diagonal shift c of A = beta J + c I (gaussian hidden): auto (-lambda_min + 1e-6 max(1, max|lambda|)), min (exactly -lambda_min, zero modes dropped; eigen only) or a number >= -lambda_min (> for cholesky)"},
		&cli.StringFlag{Name: "factor", Value: "eigen", Category: "RBM",
			Usage: "factorization A = W W^T (gaussian hidden): eigen (fewest hidden units) or cholesky (N hidden units)"},
		&cli.StringFlag{Name: "export", Category: catOutput,
			Usage: "write the RBM to FILE.json (JSON model format, readable by 'isingrbm rbm sample --model')"},
		&cli.BoolFlag{Name: "check", Category: catOutput,
			Usage: "compare p_RBM and p_Ising state by state (N <= 24): max |log p diff|, KL both ways, total variation, ln Z offset; for N <= 3 also the continuum Gauss–Hermite integral"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print a JSON summary on stdout"},
	)
	return &cli.Command{
		Name:  "hs",
		Usage: "build the RBM whose visible marginal is exactly the Ising model (Hubbard–Stratonovich) and check it",
		Description: "The Gaussian-hidden RBM has visible biases beta h, hidden units N(0,1) and weights W with\n" +
			"W W^T = beta J + c I; its free energy is F(s) = beta H(s) - cN/2, so ln Z_RBM = ln Z_Ising + cN/2.\n" +
			"The bond construction uses one ±1 hidden unit per coupled pair, cosh 2w = exp(2 beta |J|), and\n" +
			"ln Z_RBM = ln Z_Ising + sum |beta J|. ln_z_offset is that predicted constant (plus the exact change\n" +
			"of ln Z of the bernoulli encoding). Z_RBM is the normaliser of exp(-F(v)), see README.md (Hubbard–Stratonovich).",
		Flags:  flags,
		Action: runHS,
	}
}

// hsSummary is the JSON layout of 'isingrbm hs --json'. The check keys are
// present only with --check.
type hsSummary struct {
	Visible      int     `json:"visible"`
	Hidden       int     `json:"hidden"`
	Shift        float64 `json:"shift"`
	Beta         float64 `json:"beta"`
	HiddenType   string  `json:"hidden_type"`
	Encoding     string  `json:"encoding"`
	Factor       string  `json:"factor,omitempty"`
	DroppedModes int     `json:"dropped_modes"`
	LnZOffset    float64 `json:"ln_z_offset"`

	LnZIsing          *float64 `json:"ln_z_ising,omitempty"`
	LnZRBM            *float64 `json:"ln_z_rbm,omitempty"`
	LnZOffsetError    *float64 `json:"ln_z_offset_error,omitempty"`
	MaxAbsLogProbDiff *float64 `json:"max_abs_log_prob_diff,omitempty"`
	KLIsingRBM        *float64 `json:"kl_ising_rbm,omitempty"`
	KLRBMIsing        *float64 `json:"kl_rbm_ising,omitempty"`
	TotalVariation    *float64 `json:"total_variation,omitempty"`
	LnZContinuum      *float64 `json:"ln_z_continuum,omitempty"`
}

// hsQuadratureNodes is the number of Gauss–Hermite nodes per dimension of
// the continuum check.
const hsQuadratureNodes = 100

func runHS(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	m, _, err := modelFromFlags(c)
	if err != nil {
		return err
	}
	betas, err := betasFromFlags(c, nil)
	if err != nil {
		return err
	}
	if len(betas) != 1 {
		return fmt.Errorf("--beta/--T: hs takes one temperature, got %d", len(betas))
	}
	beta := betas[0]
	if err := noEmpty(c, "hidden", "encoding", "shift", "factor", "export"); err != nil {
		return err
	}
	if err := checkOverflow(c, m, betas); err != nil {
		return err
	}
	var cfg hs.Config
	if cfg.Hidden, err = hs.ParseHiddenKind(c.String("hidden")); err != nil {
		return fmt.Errorf("--hidden: %w", err)
	}
	if cfg.Encoding, err = hs.ParseEncoding(c.String("encoding")); err != nil {
		return fmt.Errorf("--encoding: %w", err)
	}
	if cfg.Shift, err = hs.ParseShift(c.String("shift")); err != nil {
		return fmt.Errorf("--shift: %w", err)
	}
	if cfg.Factor, err = hs.ParseFactorization(c.String("factor")); err != nil {
		return fmt.Errorf("--factor: %w", err)
	}
	if cfg.Hidden == hs.BondHidden && (c.IsSet("shift") || c.IsSet("factor")) {
		return fmt.Errorf("--shift and --factor apply to --hidden gaussian only (got --hidden bond)")
	}
	export := c.String("export")
	if export != "" {
		if _, err := checkExt("export", export, "json"); err != nil {
			return err
		}
		if err := checkWritable("export", export); err != nil {
			return err
		}
	}
	if c.Bool("check") && m.N > hs.MaxCheckSites {
		return fmt.Errorf("--check: %d sites: the state-by-state check enumerates 2^N states, allowed N <= %d", m.N, hs.MaxCheckSites)
	}
	res, err := hs.Build(m, beta, cfg)
	if err != nil {
		if cfg.Shift.Mode != hs.ShiftAuto {
			return fmt.Errorf("--shift %s: %w", cfg.Shift, err)
		}
		return err
	}
	n, hid := res.RBM.Dims()
	sum := hsSummary{Visible: n, Hidden: hid, Shift: res.Shift, Beta: beta, HiddenType: cfg.Hidden.String(),
		Encoding: cfg.Encoding.String(), DroppedModes: res.Dropped, LnZOffset: res.LnZOffset}
	if cfg.Hidden == hs.GaussianHidden {
		sum.Factor = cfg.Factor.String()
	}
	if c.Bool("check") {
		rep, err := hs.Check(m, beta, res.RBM, res.LnZOffset)
		if err != nil {
			return err
		}
		sum.LnZIsing, sum.LnZRBM, sum.LnZOffsetError = &rep.LnZIsing, &rep.LnZRBM, &rep.LnZOffsetError
		sum.MaxAbsLogProbDiff, sum.KLIsingRBM, sum.KLRBMIsing, sum.TotalVariation = &rep.MaxAbsLogProbDiff, &rep.KLIsingRBM, &rep.KLRBMIsing, &rep.TotalVariation
		if m.N <= hs.MaxContinuumSites {
			sh := cfg.Shift
			if cfg.Hidden == hs.BondHidden {
				sh = hs.Shift{}
			}
			lz, err := hs.ContinuumLogZ(m, beta, sh, hsQuadratureNodes)
			if err != nil {
				return err
			}
			sum.LnZContinuum = &lz
		}
	}
	if export != "" {
		// Provenance: the Ising model and temperature this RBM stands for.
		res.RBM.Metadata = map[string]any{
			"source": "isingrbm hs", "version": buildVersion(), "beta": beta,
			"lattice": map[string]any{"kind": c.String("lattice"), "size": c.String("size"), "boundary": c.String("boundary"),
				"J": c.Float64("J"), "h": c.Float64("h"), "disorder": c.String("disorder"), "disorder_seed": c.Uint64("disorder-seed"), "edges": c.String("edges")},
			"construction": cfg.Hidden.String(), "encoding": cfg.Encoding.String(), "shift": res.Shift, "ln_z_offset": res.LnZOffset,
		}
		if err := writeFile(export, res.RBM.Write); err != nil {
			return fmt.Errorf("--export: %w", err)
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, sum)
	}
	return hsPrint(c.App.Writer, sum, export)
}

func hsPrint(w io.Writer, s hsSummary, export string) error {
	var err error
	p := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, a...)
		}
	}
	p("RBM: %d visible (%s) x %d hidden (%s)", s.Visible, s.Encoding, s.Hidden, s.HiddenType)
	if s.HiddenType == hs.GaussianHidden.String() {
		p(", factor %s, shift c = %.12g, %d zero modes dropped", s.Factor, s.Shift, s.DroppedModes)
	}
	p("\nbeta = %g\npredicted ln Z_RBM - ln Z_Ising = %.15g\n", s.Beta, s.LnZOffset)
	if s.LnZIsing != nil {
		p("ln Z_Ising = %.15g\nln Z_RBM   = %.15g\noffset error |ln Z_RBM - ln Z_Ising - predicted| = %.3g\n", *s.LnZIsing, *s.LnZRBM, *s.LnZOffsetError)
		p("max_s |ln p_RBM(s) - ln p_Ising(s)| = %.3g\nKL(Ising||RBM) = %.3g  KL(RBM||Ising) = %.3g  total variation = %.3g\n",
			*s.MaxAbsLogProbDiff, *s.KLIsingRBM, *s.KLRBMIsing, *s.TotalVariation)
		if s.LnZContinuum != nil {
			p("continuum (Gauss–Hermite, %d nodes per axis) ln Z = %.15g (rel. diff %.3g)\n", hsQuadratureNodes, *s.LnZContinuum,
				math.Abs(*s.LnZContinuum-*s.LnZIsing)/math.Max(math.Abs(*s.LnZIsing), 1e-300))
		}
	}
	if export != "" {
		p("wrote %s\n", export)
	}
	return err
}
