package rbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// Automatic training choices. A user who names only the data and the number
// of hidden units gets these defaults, chosen by measurement on Ising Monte
// Carlo samples (8x8 torus at T = 1.8, 2.27, 3.0 with 64 hidden units; 4x4
// torus at T_c with 32) and documented with each field of Plan:
//
//   - visible units spin when the data contain -1, else Bernoulli;
//   - hidden units Gaussian for spin data: a spin model with pairwise
//     couplings is exactly such an RBM (Hubbard–Stratonovich, package hs),
//     with as many hidden units as the rank of beta J + c I; spin or
//     Bernoulli hidden units need about one unit per bond to be exact, and 64
//     spin hidden units on the 8x8 torus at T_c give a heat capacity 25 %
//     low. Bernoulli hidden units for 0/1 data, as scikit-learn;
//   - a Z2-symmetric model (zero biases) when the data are spins whose mean
//     magnetization is zero within 4 standard errors (Ising samples at zero
//     field), so that the ordered phase costs nothing;
//   - the exact likelihood gradient when the table of all visible states is
//     small (2^N x M <= 2^22 cells), else pseudo-likelihood; CD and PCD only
//     on request (their negative phase lags and oscillates near T_c);
//   - for exact: L-BFGS to convergence (at most 500 iterations; in coupling
//     space for gaussian hidden units, all samples); Adam with learning rate
//     0.01 decaying as 1/(1 + 0.01 e) and 1000 updates when Adam is asked
//     for; for pseudo-likelihood with spin visible and at least N
//     Gaussian hidden units: L-BFGS in coupling space to convergence (at
//     most 300 iterations; pairwise.go), all samples, no held-out set, an L1
//     penalty 0.07/sqrt(samples) on the couplings; for fewer gaussian
//     hidden units: ScaledSGD with momentum 0.9, learning rate 0.005
//     decaying as 1/(1 + 0.2 e), batch 500, 20 epochs; for discrete hidden
//     units: Adam, learning rate 0.01 decaying as 1/(1 + 0.2 e), batch 500,
//     20 epochs;
//     for CD and PCD: plain SGD, learning rate 0.01, batch 100, 10 epochs
//     (scikit-learn's BernoulliRBM);
//   - identity initial weights (Init.Identity = 1) for spin data;
//   - 10 % of the samples (at most 5000) held out for the stochastic
//     optimizers and exact training: the model returned is the one with the
//     best held-out score (pseudo-likelihood, or exact likelihood), and
//     training stops after 5 epochs (100 exact updates) without improvement.
//     Not for CD and PCD, where the held-out pseudo-likelihood would cost
//     more than the training (opt in with Options.Validation), nor for
//     L-BFGS in coupling space (a concave objective run to convergence,
//     where the held-out score's noise would stop it early: measured on 8x8
//     at T_c, stopping at the best held-out score left the nearest-neighbour
//     coupling 1.5 % low and u 0.9 % off).

// maxAutoExactCells bounds 2^N x M for the automatic choice of Exact (about
// 50 ms per update on one core).
const maxAutoExactCells = 1 << 22

// Options are the user's choices for AutoPlan; nil pointers and zero values
// mean "choose automatically".
type Options struct {
	Hidden      int        // number of hidden units, >= 1 (required)
	VisibleType *LayerType // nil: spin if the data contain -1, else Bernoulli
	HiddenType  *LayerType // nil: Gaussian for spin data, else Bernoulli
	Symmetric   *bool      // nil: true for spin data with zero mean magnetization and non-Bernoulli hidden units
	Method      *Method    // nil: Exact when 2^N x M <= 2^22, else PL
	Optimizer   *Optimizer // nil: Adam for Exact, ScaledSGD for PL, SGD for CD and PCD
	Identity    *float64   // nil: 1 for spin visible units, 0 otherwise
	// Validation is the fraction of the samples held out for the stopping
	// rule; nil: 0.1 (at most 5000 samples) for Exact and PL, none for CD and
	// PCD. 0 disables.
	Validation *float64
}

// Plan is the result of AutoPlan: the layer types, the initial weights, the
// training configuration without its monitoring fields, and one line per
// automatic choice saying what was chosen and why.
type Plan struct {
	Visible, Hidden LayerType
	Init            Init
	Config          TrainConfig
	// ValidationRows is the number of samples (the last ones, after a
	// seeded shuffle by SplitValidation) held out.
	ValidationRows int
	Reasons        []string
}

// Magnetization summarizes spin data: the mean over samples of the mean
// spin and its standard error. Samples from a Markov chain are correlated
// (a cluster algorithm in the ordered phase flips the sign of m only every
// few samples), so the error is the larger of the i.i.d. one and that of 32
// contiguous blocks (when there are at least 64 samples).
func Magnetization(data *mat.Dense) (mean, stderr float64) {
	rows, n := data.Dims()
	if rows == 0 || n == 0 {
		return 0, 0
	}
	ms := make([]float64, rows)
	for k := range ms {
		var m float64
		for _, x := range data.RawRowView(k) {
			m += x
		}
		ms[k] = m / float64(n)
	}
	mean, sd := stat.MeanStdDev(ms, nil)
	stderr = sd / math.Sqrt(float64(rows))
	if rows >= 64 {
		const blocks = 32
		bm := make([]float64, blocks)
		for b := range bm {
			bm[b] = stat.Mean(ms[b*rows/blocks:(b+1)*rows/blocks], nil)
		}
		_, bsd := stat.MeanStdDev(bm, nil)
		stderr = math.Max(stderr, bsd/math.Sqrt(blocks))
	}
	if math.IsNaN(stderr) {
		stderr = 0
	}
	return mean, stderr
}

// HasNegative reports whether any value of data is negative (spin data).
func HasNegative(data *mat.Dense) bool {
	rows, _ := data.Dims()
	for k := 0; k < rows; k++ {
		for _, x := range data.RawRowView(k) {
			if x < 0 {
				return true
			}
		}
	}
	return false
}

// AutoPlan makes the automatic choices for training on raw (samples as read,
// ±1 or 0/1) with the user's options; the Config it returns still needs
// Seed and, optionally, the monitoring fields. Epochs, LearningRate,
// LRDecay, BatchSize, Momentum and Patience are set to the defaults of the
// chosen method; the caller may override them.
func AutoPlan(raw *mat.Dense, o Options) (*Plan, error) {
	rows, n := raw.Dims()
	if rows < 1 || n < 1 {
		return nil, fmt.Errorf("rbm: auto: data have %d samples of %d units: need at least 1 of each", rows, n)
	}
	if o.Hidden < 1 {
		return nil, fmt.Errorf("rbm: auto: %d hidden units: need at least 1", o.Hidden)
	}
	m := o.Hidden
	p := &Plan{}
	say := func(format string, a ...any) { p.Reasons = append(p.Reasons, fmt.Sprintf(format, a...)) }
	if o.VisibleType != nil {
		p.Visible = *o.VisibleType
	} else if HasNegative(raw) {
		p.Visible = Spin
		say("visible units: spin (the data contain -1)")
	} else {
		p.Visible = Bernoulli
		say("visible units: bernoulli (the data are 0/1)")
	}
	if !p.Visible.Discrete() {
		return nil, fmt.Errorf("rbm: auto: visible type %s: training needs bernoulli or spin visible units", p.Visible)
	}
	if o.HiddenType != nil {
		p.Hidden = *o.HiddenType
	} else if p.Visible == Spin {
		p.Hidden = Gaussian
		say("hidden units: gaussian (a pairwise spin model is exactly an RBM with gaussian hidden units; use spin or bernoulli hidden units for higher-order couplings)")
	} else {
		p.Hidden = Bernoulli
		say("hidden units: bernoulli")
	}
	cfg := &p.Config
	if o.Symmetric != nil {
		cfg.Symmetric = *o.Symmetric
	} else if p.Visible == Spin && p.Hidden != Bernoulli {
		conv, err := ConvertData(raw, n, Spin)
		if err != nil {
			return nil, err
		}
		mean, se := Magnetization(conv)
		cfg.Symmetric = math.Abs(mean) <= 4*se
		if cfg.Symmetric {
			say("symmetric: yes, zero biases (mean magnetization %.4g is zero within 4 standard errors, %.2g)", mean, se)
		} else {
			say("symmetric: no, biases trained (mean magnetization %.4g is not zero within 4 standard errors, %.2g)", mean, se)
		}
	}
	if o.Method != nil {
		cfg.Method = *o.Method
	} else if n <= MaxExactTrain && math.Ldexp(float64(m), n) <= maxAutoExactCells {
		cfg.Method = Exact
		say("method: exact (the likelihood gradient summed over all 2^%d visible states at every update)", n)
	} else {
		cfg.Method = PL
		say("method: pl (pseudo-likelihood: no Monte Carlo, no critical slowing down; 2^%d x %d exceeds the exact method's table)", n, m)
	}
	switch cfg.Method {
	case Exact:
		if err := checkExact(n, m); err != nil {
			return nil, err
		}
		// A deterministic objective: L-BFGS (in coupling space for gaussian
		// hidden units, where it is concave).
		cfg.Optimizer, cfg.Epochs, cfg.Patience = LBFGS, 500, 50
		if o.Optimizer != nil && *o.Optimizer != LBFGS {
			cfg.LearningRate, cfg.LRDecay, cfg.Epochs, cfg.Patience = 0.01, 0.01, 1000, 100
		}
		if p.Visible == Spin && p.Hidden == Gaussian && m >= n && o.Validation == nil {
			zero := 0.0
			o.Validation = &zero
		}
		say("optimizer: lbfgs on the exact likelihood%s, at most %d iterations", map[bool]string{true: " in coupling space (concave)", false: ""}[p.Hidden == Gaussian && m >= n], cfg.Epochs)
	case PL:
		if p.Visible == Spin && p.Hidden == Gaussian && m >= n && (o.Optimizer == nil || *o.Optimizer == LBFGS) {
			// Coupling space (pairwise.go): concave, L-BFGS to convergence on
			// all the samples; a held-out set would only cost data.
			cfg.Optimizer, cfg.Epochs = LBFGS, 300
			if o.Validation == nil {
				zero := 0.0
				o.Validation = &zero
			}
			// An L1 penalty on the couplings: with N(N-1)/2 couplings the
			// estimate's noise (0.03 per coupling on 8x8 at T = 1.8 from 50000
			// samples) adds energy fluctuations; lambda = 0.07/sqrt(samples)
			// removes them (8x8, 50000 samples, 64 hidden: c +7.8 % -> +2.0 %
			// at T = 1.8, within 1 % at 2.27 and 3.0; u and <|m|> within 0.6 %).
			cfg.L1 = 0.07 / math.Sqrt(float64(rows))
			say("optimizer: lbfgs in coupling space (the pseudo-likelihood of a gaussian-hidden RBM is a concave function of J = W W^T; W from J with the minimal shift), at most 300 iterations, all samples, L1 penalty %.3g on the couplings (0.07/sqrt(samples))", cfg.L1)
			break
		}
		if p.Hidden == Gaussian {
			// Fewer gaussian hidden units than visible ones: steps in W,
			// preconditioned so that all modes of W W^T move alike.
			cfg.Optimizer, cfg.LearningRate, cfg.LRDecay, cfg.Epochs, cfg.BatchSize, cfg.Momentum, cfg.Patience = ScaledSGD, 0.005, 0.2, 20, 500, 0.9, 5
			break
		}
		// Discrete hidden units: Adam. Measured (held-out pseudo-likelihood):
		// 8x8 Ising at T_c, 64 spin hidden units, -14.95 (Adam) vs -15.33
		// (ScaledSGD); 10000 x 64 binary prototype data, 32 Bernoulli hidden
		// units, -20.7 vs -23.5 (scikit-learn's PCD: -21.5).
		cfg.Optimizer, cfg.LearningRate, cfg.LRDecay, cfg.Epochs, cfg.BatchSize, cfg.Momentum, cfg.Patience = Adam, 0.01, 0.2, 20, 500, 0, 5
	default:
		cfg.Optimizer, cfg.LearningRate, cfg.Epochs, cfg.BatchSize = SGD, 0.01, 10, 100
	}
	if o.Optimizer != nil && *o.Optimizer != cfg.Optimizer {
		cfg.Optimizer = *o.Optimizer
		if cfg.Optimizer == Adam {
			cfg.Momentum = 0
		}
	}
	if o.Identity != nil {
		p.Init.Identity = *o.Identity
	} else if p.Visible == Spin {
		p.Init.Identity = 1
		say("initial weights: identity (hidden unit mu tied to visible unit mu mod N with weight 1, plus N(0, 0.01^2))")
	}
	frac := 0.0
	if o.Validation != nil {
		frac = *o.Validation
	} else if cfg.Method == Exact || cfg.Method == PL {
		frac = 0.1
	}
	if !(frac >= 0 && frac < 1) {
		return nil, fmt.Errorf("rbm: auto: validation fraction %v: allowed [0, 1)", frac)
	}
	if frac > 0 {
		v := int(math.Round(frac * float64(rows)))
		if o.Validation == nil {
			v = min(v, 5000)
		}
		if v >= 1 && rows-v >= 1 {
			p.ValidationRows = v
			say("stopping rule: %d samples held out; the model with the best held-out %s is kept, training stops after %d epochs without improvement",
				v, map[bool]string{true: "log-likelihood", false: "pseudo-likelihood"}[cfg.Method == Exact], cfg.Patience)
		}
	}
	if p.ValidationRows == 0 {
		cfg.Patience = 0
	}
	return p, nil
}

// SplitValidation shuffles the rows of data with a seeded stream and
// returns the first rows-v as training data and the last v as validation
// data (views of one shuffled copy). v = 0 returns data itself and nil.
func SplitValidation(data *mat.Dense, v int, seed uint64) (train, val *mat.Dense) {
	rows, n := data.Dims()
	if v <= 0 || v >= rows {
		return data, nil
	}
	perm := rng.NewRand(seed, rng.StreamValidation).Perm(rows)
	sh := mat.NewDense(rows, n, nil)
	for k, j := range perm {
		sh.SetRow(k, data.RawRowView(j))
	}
	return sh.Slice(0, rows-v, 0, n).(*mat.Dense), sh.Slice(rows-v, rows, 0, n).(*mat.Dense)
}
