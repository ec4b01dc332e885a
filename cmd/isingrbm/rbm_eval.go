package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

func init() { registerRBM(rbmEvalCommand) }

const catEval = "Evaluation"

func rbmEvalCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "model", Required: true, Category: catEval, Usage: "RBM model FILE.json"},
		&cli.StringFlag{Name: "data", Category: catEval, Usage: "samples FILE.npy or FILE.csv (±1 or 0/1) for log_likelihood, pseudo_log_likelihood and recon_error"},
		&cli.StringFlag{Name: "log-z", Value: "auto", Category: catEval,
			Usage: "ln Z method: auto (exact when the enumerated layer has <= --exact-max units, else AIS), exact or ais"},
		&cli.IntFlag{Name: "exact-max", Value: 24, Category: catEval, Usage: "largest enumerated layer for the exact ln Z with --log-z auto, 0..30"},
		&cli.IntFlag{Name: "ais-runs", Value: 100, Category: catEval, Usage: "AIS chains per direction, >= 2"},
		&cli.IntFlag{Name: "ais-steps", Value: 10000, Category: catEval, Usage: "AIS intermediate temperatures, >= 1"},
		&cli.IntFlag{Name: "ais-burn-in", Value: 1000, Category: catEval, Usage: "Gibbs sweeps of the RBM before reverse AIS, >= 0"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catEval, Usage: "seed of AIS and of the Gibbs chains"},
		&cli.IntFlag{Name: "sweeps", Value: 2000, Category: catEval,
			Usage: "N > 24 with --beta: measured block Gibbs sweeps per chain for the RBM's observables, >= 2"},
		&cli.IntFlag{Name: "chains", Value: 200, Category: catEval, Usage: "N > 24 with --beta: independent Gibbs chains, 1..4096 (started from --data when given)"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the results as JSON on stdout"},
	}
	flags = append(flags, latticeFlags()...)
	flags = append(flags, temperatureFlags(false)...)
	return &cli.Command{
		Name:  "eval",
		Usage: "evaluate an RBM: ln Z (exact or AIS bracket), log-likelihood of data, KL to the exact Ising model, observables",
		Description: "log_z is ln sum_v exp(-F(v)), the normaliser of the visible marginal p(v) = exp(-F(v))/Z with\n" +
			"F(v) = -sum_i a_i(v_i) - sum_mu K_mu(sum_i v_i W_i_mu) (K the cumulant generating function of hidden unit\n" +
			"mu's prior, K(0) = 0); log_z_joint is ln sum_{v,h} exp(-E(v,h)) (an integral for gaussian units), the\n" +
			"convention of other RBM libraries and of published AIS values: log_z_joint = log_z + sum_mu ln sum_h\n" +
			"exp(b_mu(h)).\n" +
			"With --beta (or --T) the lattice flags give an Ising model: for N <= 24 eval reports kl_exact_model =\n" +
			"KL(p_Ising || p_RBM) and the exact observables of both distributions (visible {0,1} units are mapped to\n" +
			"spins s = 2v - 1); for larger N the RBM's observables are sampled by --chains block Gibbs chains (started\n" +
			"from --data when given) and compared with the exact values where a transfer matrix gives them. Without an\n" +
			"exact ln Z, log_z is an object with the forward AIS estimate (a stochastic lower bound), the reverse AIS\n" +
			"estimate (an upper bound when its chains are equilibrated) and the bracket [estimate - 3 se, reverse + 3 se].",
		Flags:  flags,
		Action: runRBMEval,
	}
}

// rbmObservables are exact per-site observables of a distribution over spin
// states under a lattice Hamiltonian (keys as in isingrbm exact).
type rbmObservables struct {
	Energy           float64 `json:"energy_per_site"`
	HeatCapacity     float64 `json:"heat_capacity_per_site"`
	Magnetization    float64 `json:"magnetization_per_site"`
	AbsMagnetization float64 `json:"abs_magnetization_per_site"`
	M2               float64 `json:"m2"`
	M4               float64 `json:"m4"`
	Binder           float64 `json:"binder"`
	Susceptibility   float64 `json:"susceptibility_per_site"`
}

// rbmEvalResult is the JSON of 'isingrbm rbm eval --json'.
type rbmEvalResult struct {
	Visible     int    `json:"visible"`
	Hidden      int    `json:"hidden"`
	VisibleType string `json:"visible_type"`
	HiddenType  string `json:"hidden_type"`
	LogZMethod  string `json:"log_z_method"`
	LogZ        any    `json:"log_z"`
	// LogZJoint is ln sum_{v,h} exp(-E(v,h)) = log_z + sum_mu LogNorm_mu
	// (the AIS estimate shifted by the same constant).
	LogZJoint float64  `json:"log_z_joint"`
	Samples   int      `json:"samples,omitempty"`
	LogLik    *float64 `json:"log_likelihood,omitempty"`
	// With AIS, the log-likelihood bracket implied by the ln Z bracket.
	LogLikLower  *float64 `json:"log_likelihood_lower,omitempty"`
	LogLikUpper  *float64 `json:"log_likelihood_upper,omitempty"`
	PseudoLogLik *float64 `json:"pseudo_log_likelihood,omitempty"`
	ReconError   *float64 `json:"recon_error,omitempty"`
	Beta         *float64 `json:"beta,omitempty"`
	KL           *float64 `json:"kl_exact_model,omitempty"`
	KLReverse    *float64 `json:"kl_model_exact,omitempty"`
	Observables  *struct {
		Ising rbmObservables `json:"ising"`
		RBM   rbmObservables `json:"rbm"`
	} `json:"observables,omitempty"`
	// Sampled holds, for N > 24 with --beta, the RBM's observables from block
	// Gibbs chains (the layout of 'isingrbm mc'), the exact Ising values where
	// a transfer matrix gives them, and the deviations in error bars.
	Sampled *rbmSampledEval `json:"sampled,omitempty"`
}

// rbmSampledEval compares sampled RBM observables with the exact Ising ones.
type rbmSampledEval struct {
	RBM            mc.TempResult      `json:"rbm"`
	Ising          *rbmObservables    `json:"ising,omitempty"`
	IsingMethod    string             `json:"ising_method,omitempty"`
	DeviationSigma map[string]float64 `json:"deviation_sigma,omitempty"`
}

// rbmExactObservables computes the observables of the distribution with
// log-probabilities lp over the 2^N spin states of m at inverse temperature beta.
func rbmExactObservables(m *lattice.Model, lp []float64, beta float64) rbmObservables {
	n := m.N
	s := make([]int8, n)
	var e1, e2, mm, ma, m2, m4 float64
	for k, l := range lp {
		p := math.Exp(l)
		if p == 0 {
			continue
		}
		var sum int
		for i := range s {
			if k>>i&1 == 1 {
				s[i] = 1
			} else {
				s[i] = -1
			}
			sum += int(s[i])
		}
		e := m.Energy(s)
		x := float64(sum) / float64(n)
		e1 += p * e
		e2 += p * e * e
		mm += p * x
		ma += p * math.Abs(x)
		m2 += p * x * x
		m4 += p * x * x * x * x
	}
	o := rbmObservables{Energy: e1 / float64(n), HeatCapacity: beta * beta * (e2 - e1*e1) / float64(n),
		Magnetization: mm, AbsMagnetization: ma, M2: m2, M4: m4, Susceptibility: beta * float64(n) * (m2 - mm*mm)}
	if m2 > 0 {
		o.Binder = 1 - m4/(3*m2*m2)
	}
	return o
}

func runRBMEval(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	r, err := rbmReadDiscreteModel("model", c.String("model"), "eval needs bernoulli or spin visible units")
	if err != nil {
		return err
	}
	n, m := r.Dims()
	method := c.String("log-z")
	switch method {
	case "auto", "exact", "ais":
	default:
		return fmt.Errorf("--log-z %q: allowed auto, exact or ais", method)
	}
	exactMax := c.Int("exact-max")
	if exactMax < 0 || exactMax > rbm.MaxEnumerate {
		return fmt.Errorf("--exact-max %d: allowed 0..%d", exactMax, rbm.MaxEnumerate)
	}
	aisCfg := rbm.AISConfig{Runs: c.Int("ais-runs"), Steps: c.Int("ais-steps"), BurnIn: c.Int("ais-burn-in"), Seed: c.Uint64("seed")}
	if aisCfg.Runs < 2 {
		return fmt.Errorf("--ais-runs %d: must be >= 2", aisCfg.Runs)
	}
	if aisCfg.Steps < 1 {
		return fmt.Errorf("--ais-steps %d: must be >= 1", aisCfg.Steps)
	}
	if aisCfg.BurnIn < 0 {
		return fmt.Errorf("--ais-burn-in %d: must be >= 0", aisCfg.BurnIn)
	}
	if aisCfg.BurnIn == 0 {
		aisCfg.BurnIn = -1 // AISConfig: 0 is the default, negative is none
	}
	res := rbmEvalResult{Visible: n, Hidden: m, VisibleType: r.Visible.Type.String(), HiddenType: r.Hidden.Type.String()}

	// Data.
	var data *mat.Dense
	if p := c.String("data"); p != "" {
		d, err := rbmLoadData("data", p, n, r.Visible.Type)
		if err != nil {
			return err
		}
		data = d
		res.Samples, _ = d.Dims()
		aisCfg.Data = d
	}

	// Exact Ising model.
	var model *lattice.Model
	var beta float64
	if !c.IsSet("beta") && !c.IsSet("T") && rbmLatticeFlagsSet(c) {
		return fmt.Errorf("lattice flags without --beta or --T: they describe the Ising model to compare with; give the temperature too")
	}
	if c.IsSet("beta") || c.IsSet("T") {
		betas, err := betasFromFlags(c, nil)
		if err != nil {
			return err
		}
		if len(betas) != 1 {
			return fmt.Errorf("--beta/--T: give one temperature, got %d", len(betas))
		}
		beta = betas[0]
		if model, _, err = modelFromFlags(c); err != nil {
			return err
		}
		if model.N != n {
			return fmt.Errorf("the lattice has %d sites but the model has %d visible units: check --size/--lattice", model.N, n)
		}
		res.Beta = &beta
	}

	sweeps, chains := c.Int("sweeps"), c.Int("chains")
	if sweeps < 2 {
		return fmt.Errorf("--sweeps %d: must be >= 2", sweeps)
	}
	if chains < 1 || chains > 4096 {
		return fmt.Errorf("--chains %d: allowed 1..4096", chains)
	}

	// ln Z.
	var logZ float64
	var ais *rbm.AISResult
	enumerated := r.EnumeratedUnits()
	useExact := method == "exact" || (method == "auto" && enumerated >= 0 && enumerated <= exactMax)
	var lq []float64
	if useExact {
		if model != nil {
			lq, logZ, err = r.LogProbTable()
		} else {
			logZ, err = r.LogZ()
		}
		if err != nil {
			if errors.Is(err, rbm.ErrTooLarge) {
				return fmt.Errorf("--log-z exact: %w (use --log-z ais)", err)
			}
			return err
		}
		res.LogZMethod, res.LogZ = "exact", logZ
	} else {
		ais, err = r.AIS(c.Context, aisCfg)
		if err != nil {
			return err
		}
		res.LogZMethod, res.LogZ, logZ = "ais", ais, ais.LogZ
	}
	res.LogZJoint = logZ
	for mu := 0; mu < m; mu++ {
		res.LogZJoint += r.Hidden.LogNorm(mu)
	}
	if data != nil {
		ll := r.MeanLogLikelihood(data, logZ)
		res.LogLik = &ll
		if ais != nil {
			lo, hi := ll+ais.LogZ-ais.Upper, ll+ais.LogZ-ais.Lower
			res.LogLikLower, res.LogLikUpper = &lo, &hi
		}
		pl, err := r.PseudoLogLikelihood(data)
		if err != nil {
			return err
		}
		re := r.ReconstructionError(data)
		res.PseudoLogLik, res.ReconError = &pl, &re
	}
	if model != nil && n > rbm.MaxWalshUnits {
		sr, err := r.SampleIsing(c.Context, model, beta, rbm.GibbsConfig{Chains: chains, Sweeps: sweeps, Start: data, Seed: c.Uint64("seed")})
		if err != nil {
			return err
		}
		sr.Seconds = 0
		res.Sampled = &rbmSampledEval{RBM: sr}
		if ex, err := transfer.Compute(c.Context, model, []float64{beta}, "auto", transfer.Options{}); err == nil && len(ex) == 1 {
			e := ex[0]
			res.Sampled.IsingMethod = e.Method
			res.Sampled.Ising = &rbmObservables{Energy: e.Energy, HeatCapacity: e.HeatCapacity, Magnetization: e.Magnetization,
				AbsMagnetization: e.AbsMagnetization, M2: e.M2, M4: e.M4, Binder: e.Binder, Susceptibility: e.Susceptibility}
			dev := map[string]float64{}
			for _, q := range []struct {
				name  string
				est   mc.Estimate
				exact float64
			}{{"energy_per_site", sr.Energy, e.Energy}, {"heat_capacity_per_site", sr.HeatCapacity, e.HeatCapacity},
				{"abs_magnetization_per_site", sr.AbsMagnetization, e.AbsMagnetization}, {"m2", sr.M2, e.M2}, {"binder", sr.Binder, e.Binder}} {
				if !math.IsNaN(q.exact) && q.est.Error > 0 {
					dev[q.name] = (q.est.Mean - q.exact) / q.est.Error
				}
			}
			res.Sampled.DeviationSigma = dev
		}
	}
	if model != nil && n <= rbm.MaxWalshUnits {
		lp, err := transfer.LogProbabilities(model, beta)
		if err != nil {
			return err
		}
		if lq == nil {
			if lq, _, err = r.LogProbTable(); err != nil {
				return err
			}
		}
		kl, klr := rbm.KLDivergence(lp, lq), rbm.KLDivergence(lq, lp)
		res.KL, res.KLReverse = &kl, &klr
		res.Observables = &struct {
			Ising rbmObservables `json:"ising"`
			RBM   rbmObservables `json:"rbm"`
		}{rbmExactObservables(model, lp, beta), rbmExactObservables(model, lq, beta)}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, res)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "RBM %d visible (%s) x %d hidden (%s)\n", n, r.Visible.Type, m, r.Hidden.Type)
	if ais != nil {
		fmt.Fprintf(w, "log_z (AIS)       %.8g ± %.2g, reverse %.8g ± %.2g, bracket [%.8g, %.8g]\n",
			ais.LogZ, ais.StdErr, ais.ReverseLogZ, ais.ReverseErr, ais.Lower, ais.Upper)
	} else {
		fmt.Fprintf(w, "log_z (exact)     %.12g\n", logZ)
	}
	fmt.Fprintf(w, "log_z_joint       %.12g\n", res.LogZJoint)
	if res.LogLik != nil {
		fmt.Fprintf(w, "log_likelihood    %.8g (mean over %d samples)\npseudo_log_lik    %.8g\nrecon_error       %.6g\n",
			*res.LogLik, res.Samples, *res.PseudoLogLik, *res.ReconError)
	}
	if res.KL != nil {
		fmt.Fprintf(w, "KL(Ising || RBM)  %.6g\nKL(RBM || Ising)  %.6g\n", *res.KL, *res.KLReverse)
		o := res.Observables
		fmt.Fprintf(w, "%-28s %14s %14s\n", "observable", "ising", "rbm")
		rows := []struct {
			name string
			a, b float64
		}{
			{"energy_per_site", o.Ising.Energy, o.RBM.Energy},
			{"heat_capacity_per_site", o.Ising.HeatCapacity, o.RBM.HeatCapacity},
			{"magnetization_per_site", o.Ising.Magnetization, o.RBM.Magnetization},
			{"abs_magnetization_per_site", o.Ising.AbsMagnetization, o.RBM.AbsMagnetization},
			{"m2", o.Ising.M2, o.RBM.M2},
			{"m4", o.Ising.M4, o.RBM.M4},
			{"binder", o.Ising.Binder, o.RBM.Binder},
			{"susceptibility_per_site", o.Ising.Susceptibility, o.RBM.Susceptibility},
		}
		for _, row := range rows {
			fmt.Fprintf(w, "%-28s %14.8g %14.8g\n", row.name, row.a, row.b)
		}
	}
	if sp := res.Sampled; sp != nil {
		fmt.Fprintf(w, "RBM observables from %d chains x %d sweeps (block Gibbs)", chains, sweeps)
		if sp.Ising != nil {
			fmt.Fprintf(w, ", exact Ising by %s", sp.IsingMethod)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%-28s %14s %10s %14s %8s\n", "observable", "rbm", "error", "ising", "sigma")
		ex := sp.Ising
		if ex == nil {
			ex = &rbmObservables{Energy: math.NaN(), HeatCapacity: math.NaN(), AbsMagnetization: math.NaN(), M2: math.NaN(), Binder: math.NaN()}
		}
		for _, q := range []struct {
			name  string
			est   mc.Estimate
			exact float64
		}{{"energy_per_site", sp.RBM.Energy, ex.Energy}, {"heat_capacity_per_site", sp.RBM.HeatCapacity, ex.HeatCapacity},
			{"abs_magnetization_per_site", sp.RBM.AbsMagnetization, ex.AbsMagnetization}, {"m2", sp.RBM.M2, ex.M2}, {"binder", sp.RBM.Binder, ex.Binder}} {
			fmt.Fprintf(w, "%-28s %14.8g %10.2g %14.8g %8.2f\n", q.name, q.est.Mean, q.est.Error, q.exact, sp.DeviationSigma[q.name])
		}
	}
	return nil
}
