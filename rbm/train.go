package rbm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// Training maximises the mean log-likelihood of the data,
//
//	d ln p(v)/d theta = < d(-E)/d theta >_{h|v} - < d(-E)/d theta >_{model},
//
// with d(-E)/dW_{i mu} = v_i h_mu, d(-E)/da_i = v_i (discrete visible units)
// and d(-E)/db_mu = h_mu (discrete hidden) or (h_mu - b_mu)/sigma_mu^2
// (Gaussian hidden; sigma is not trained). The data term uses E[h | v]
// exactly; the model term is estimated by contrastive divergence (CD-k,
// Hinton 2002: k block Gibbs sweeps started at the minibatch) or persistent
// CD (PCD, Tieleman 2008: persistent chains carried across updates, like
// scikit-learn's BernoulliRBM), with E[h | v] of the chains' visible states.

// Method is the estimator of the model term of the gradient.
type Method int

// The estimators. The zero value is CD.
const (
	CD    Method = iota // contrastive divergence: chains start at the minibatch
	PCD                 // persistent contrastive divergence
	PL                  // pseudo-likelihood: exact gradient of sum_i ln p(v_i | v_-i), no sampling
	Exact               // exact likelihood gradient, the model term by enumerating the visible states
)

// String returns "cd" or "pcd".
func (m Method) String() string {
	switch m {
	case CD:
		return "cd"
	case PCD:
		return "pcd"
	case PL:
		return "pl"
	case Exact:
		return "exact"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod parses "cd", "pcd", "pl" or "exact".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "cd":
		return CD, nil
	case "pcd":
		return PCD, nil
	case "pl":
		return PL, nil
	case "exact":
		return Exact, nil
	}
	return 0, fmt.Errorf("unknown training method %q: allowed cd, pcd, pl or exact", s)
}

// ErrDiverged is returned (wrapped) when training produces a non-finite
// gradient or a parameter that is non-finite or larger than DivergenceLimit
// in magnitude; the model is left at its state at the start of the epoch.
var ErrDiverged = errors.New("training diverged")

// DivergenceLimit is the largest |parameter| training accepts: weights and
// biases this large saturate every unit (exp overflows beyond ~700), so a run
// that reaches it has diverged.
const DivergenceLimit = 1e8

// Optimizer is the update rule applied to the gradient.
type Optimizer int

// The optimizers. The zero value is SGD.
const (
	// SGD is stochastic gradient ascent with classical momentum (the rule of
	// scikit-learn's BernoulliRBM when the momentum is zero).
	SGD Optimizer = iota
	// Adam is Kingma and Ba (ICLR 2015), with bias-corrected moments.
	Adam
	// ScaledSGD is SGD with momentum whose weight gradient is multiplied on
	// the right by (W^T W + eps I)^-1, eps = 0.01 + 0.1 tr(W^T W)/M: the
	// preconditioner of scaled gradient descent for factorized models (Tong,
	// Ma and Chi, JMLR 22 (2021) 150). For Gaussian hidden units the marginal
	// depends on W only through the coupling matrix W W^T, and a plain
	// gradient step in W grows the coupling modes at rates proportional to
	// their current size: the long-wavelength (ferromagnetic) modes of an
	// Ising data set are learnt first and the short-range structure last.
	// The preconditioned step moves all modes of W W^T alike. Measured on
	// 8x8 Ising samples at T_c, it is what brings pseudo-likelihood training
	// to the pseudo-likelihood optimum within a few epochs.
	ScaledSGD
	// LBFGS is full-batch L-BFGS (gonum's optimize.LBFGS) on the whole data
	// set, for the deterministic objectives of PL and Exact only; an epoch is
	// one major iteration and LearningRate, LRDecay, BatchSize and Momentum
	// are ignored.
	LBFGS
)

// String returns "sgd", "adam", "scaled-sgd" or "lbfgs".
func (o Optimizer) String() string {
	switch o {
	case SGD:
		return "sgd"
	case Adam:
		return "adam"
	case ScaledSGD:
		return "scaled-sgd"
	case LBFGS:
		return "lbfgs"
	}
	return fmt.Sprintf("Optimizer(%d)", int(o))
}

// ParseOptimizer parses "sgd", "adam", "scaled-sgd" or "lbfgs".
func ParseOptimizer(s string) (Optimizer, error) {
	switch s {
	case "sgd":
		return SGD, nil
	case "adam":
		return Adam, nil
	case "scaled-sgd":
		return ScaledSGD, nil
	case "lbfgs":
		return LBFGS, nil
	}
	return 0, fmt.Errorf("unknown optimizer %q: allowed sgd, adam, scaled-sgd or lbfgs", s)
}

// TrainConfig sets up Train. Every zero value means the documented default.
type TrainConfig struct {
	Method Method // CD (zero value), PCD, PL or Exact
	K      int    // Gibbs sweeps per update (CD, PCD); 0 means 1
	// Epochs is the number of passes over the data; 0 means 1. For Exact an
	// epoch is one full-batch update.
	Epochs    int
	BatchSize int // samples per minibatch (not Exact); 0 means min(100, samples)
	Chains    int // PCD persistent chains; 0 means BatchSize

	LearningRate float64 // eta; 0 means 0.01
	// LRDecay sets the schedule eta_e = eta / (1 + LRDecay * e) at epoch
	// e = 0, 1, ...; 0 keeps eta constant.
	LRDecay float64
	// Optimizer is the update rule; the zero value is SGD.
	Optimizer Optimizer
	Momentum  float64 // classical momentum in [0, 1) for SGD and ScaledSGD; 0 means none
	// Beta1, Beta2, Epsilon are Adam's constants; 0 means 0.9, 0.999, 1e-8.
	Beta1, Beta2, Epsilon float64

	L1, L2 float64 // penalties lambda1 |W|_1 + lambda2 |W|^2/2 on the weights; 0 means none

	// Centered uses the centered gradient (Montavon & Müller 2012; Melchior,
	// Fischer & Wiskott 2016) with visible offsets the data means and hidden
	// offsets a running mean (rate 0.01) of E[h | v] on the data. CD and PCD
	// only.
	Centered bool

	// Symmetric trains a Z2-symmetric model, p(v) = p(-v): both layers'
	// biases are set to zero and not trained. It needs spin visible units
	// and spin or Gaussian hidden units. For such a model the likelihood of
	// the data equals that of the data symmetrized by the global flip, and
	// the weight gradient <v_i h_mu> is invariant under (v, h) -> (-v, -h), so
	// that chains trapped in one ordered phase still estimate it without
	// bias: the right model class for Ising samples at zero field.
	Symmetric bool

	Seed uint64 // seed of the shuffles, chains and initial hidden samples

	// Validation, if non-nil, holds held-out samples (visible encoding).
	// After every epoch (every 10 epochs for Exact, and after the last) their
	// score is computed: the mean pseudo-log-
	// likelihood, or for Exact the exact mean log-likelihood. Train keeps
	// the parameters of the best score and returns with them; with Patience
	// > 0 it stops once the score has not improved for Patience epochs.
	Validation *mat.Dense
	Patience   int

	// Monitor, if non-nil, is called after every MonitorEvery epochs and
	// after the last one with the epoch's statistics; an error stops
	// training and is returned. The statistics are computed on the first
	// MonitorSamples rows of the data (0 means 1000). MonitorEvery 0 means
	// the smallest interval whose estimated cost is at most MonitorBudget
	// (0 means 0.1, negative: every epoch) of the training's: the estimate
	// comes from operation counts (monitorEvery), not from clocks, so the
	// log is as reproducible as the model.
	Monitor        func(EpochStats) error
	MonitorEvery   int
	MonitorSamples int
	MonitorBudget  float64
	cheapHidden    bool // set by Train for the cost model: K of the hidden units is a polynomial
	// ExactMaxUnits enables the exact log-likelihood in the statistics when
	// the smaller discrete layer has at most this many units (0 means 16;
	// negative disables).
	ExactMaxUnits int
	// TargetLogProb, if non-nil, is ln p_target(s) over the 2^N visible
	// states (state k: unit i up iff bit i of k is set, as
	// transfer.LogProbabilities returns it); the statistics then include
	// KL(p_target || p_RBM).
	TargetLogProb []float64

	// AIS, if non-nil, estimates ln Z by forward and reverse AIS (started
	// from the monitored samples) at every monitoring point where the exact
	// ln Z is not affordable (see ExactMaxUnits); the statistics then hold
	// the forward estimate and the bracket. nil means no AIS.
	AIS *AISConfig

	// OnBatch, if non-nil, is called after every update with the number of
	// updates done and the total (for progress bars).
	OnBatch func(done, total int)
}

// EpochStats are the monitoring statistics after an epoch. Fields that were
// not computed are NaN.
type EpochStats struct {
	Epoch        int     `json:"epoch"` // 1-based
	LearningRate float64 `json:"learning_rate"`
	ReconError   float64 `json:"recon_error"`    // mean squared one-step reconstruction error
	PseudoLogLik float64 `json:"pseudo_log_lik"` // mean exact pseudo-log-likelihood
	LogZ         float64 `json:"log_z"`          // exact ln Z when affordable, else the AIS estimate
	LogZLower    float64 `json:"log_z_lower"`    // AIS bracket (NaN when exact or not computed)
	LogZUpper    float64 `json:"log_z_upper"`
	LogLik       float64 `json:"log_likelihood"`  // mean exact ln p(v) on the monitored samples
	KL           float64 `json:"kl_target_model"` // KL(p_target || p_RBM)
	// Validation is the score of the held-out samples (TrainConfig.Validation):
	// mean pseudo-log-likelihood, or exact mean log-likelihood for Exact.
	Validation float64 `json:"validation_score"`
	BestEpoch  int     `json:"best_epoch"` // epoch of the best validation score so far (0: no validation)
	Seconds    float64 `json:"seconds"`    // wall time since the start
}

func (c *TrainConfig) defaults(rows, n, m, enumerated, other int) error {
	if c.K == 0 {
		c.K = 1
	}
	if c.Epochs == 0 {
		c.Epochs = 1
	}
	if c.BatchSize == 0 {
		c.BatchSize = min(100, rows)
	}
	if c.Chains == 0 {
		c.Chains = c.BatchSize
	}
	if c.Optimizer < SGD || c.Optimizer > LBFGS {
		return fmt.Errorf("rbm: train: optimizer %d: allowed sgd, adam, scaled-sgd or lbfgs", int(c.Optimizer))
	}
	if c.Optimizer == LBFGS && c.Method != PL && c.Method != Exact {
		return fmt.Errorf("rbm: train: optimizer lbfgs with method %s: L-BFGS needs a deterministic objective (pl or exact)", c.Method)
	}
	if c.Momentum != 0 && c.Optimizer == Adam {
		return fmt.Errorf("rbm: train: momentum %v with adam: momentum is for sgd and scaled-sgd (adam has beta1)", c.Momentum)
	}
	if c.Centered && (c.Method == PL || c.Method == Exact) {
		return fmt.Errorf("rbm: train: centered gradient with method %s: centering is for cd and pcd", c.Method)
	}
	if c.Patience < 0 {
		return fmt.Errorf("rbm: train: patience %d: must be >= 0", c.Patience)
	}
	if c.LearningRate == 0 {
		c.LearningRate = 0.01
	}
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Epsilon == 0 {
		c.Epsilon = 1e-8
	}
	autoSamples := c.MonitorSamples == 0
	if autoSamples {
		c.MonitorSamples = 1000
	}
	if c.ExactMaxUnits == 0 {
		c.ExactMaxUnits = 16
	}
	if c.MonitorBudget == 0 {
		c.MonitorBudget = 0.1
	}
	if c.MonitorEvery == 0 {
		c.MonitorEvery = 1
		if c.Monitor != nil && c.MonitorBudget > 0 {
			every, samples := c.monitorEvery(rows, n, m, enumerated, other)
			c.MonitorEvery = every
			if autoSamples {
				c.MonitorSamples = samples
			}
		}
	}
	switch {
	case c.Method < CD || c.Method > Exact:
		return fmt.Errorf("rbm: train: method %d: allowed cd, pcd, pl or exact", int(c.Method))
	case c.K < 1:
		return fmt.Errorf("rbm: train: k = %d: must be >= 1", c.K)
	case c.Epochs < 1:
		return fmt.Errorf("rbm: train: epochs = %d: must be >= 1", c.Epochs)
	case c.BatchSize < 1:
		return fmt.Errorf("rbm: train: batch size %d: must be >= 1", c.BatchSize)
	case c.Chains < 1:
		return fmt.Errorf("rbm: train: chains %d: must be >= 1", c.Chains)
	case !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0):
		return fmt.Errorf("rbm: train: learning rate %v: must be finite and > 0", c.LearningRate)
	case !(c.LRDecay >= 0) || math.IsInf(c.LRDecay, 0):
		return fmt.Errorf("rbm: train: lr decay %v: must be finite and >= 0", c.LRDecay)
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return fmt.Errorf("rbm: train: momentum %v: allowed [0, 1)", c.Momentum)
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("rbm: train: Adam betas %v, %v: allowed [0, 1)", c.Beta1, c.Beta2)
	case !(c.Epsilon > 0):
		return fmt.Errorf("rbm: train: Adam epsilon %v: must be > 0", c.Epsilon)
	case !(c.L1 >= 0) || !(c.L2 >= 0) || math.IsInf(c.L1, 0) || math.IsInf(c.L2, 0):
		return fmt.Errorf("rbm: train: penalties l1 = %v, l2 = %v: must be finite and >= 0", c.L1, c.L2)
	case c.MonitorEvery < 1 || c.MonitorSamples < 1:
		return fmt.Errorf("rbm: train: monitor every %d epochs on %d samples: both must be >= 1", c.MonitorEvery, c.MonitorSamples)
	}
	return nil
}

// Init sets the initial weights of InitRBMWith. The zero value gives
// InitRBM's small random weights.
type Init struct {
	// Identity, if > 0, adds Identity to W_{mu mod N, mu}: hidden unit mu
	// starts connected to visible unit mu mod N alone (on top of the small
	// random weights). For spin visible units ln cosh(w v_i), softplus and
	// the Gaussian w^2 v_i^2/2 do not depend on v_i = ±1, so this start is
	// still the model of independent units; but the weight gradient is then
	// the data-minus-model correlation itself rather than its product with
	// weights of order 0.01, so training neither waits to leave the saddle at
	// W = 0 nor learns the long-wavelength modes of a lattice first (measured
	// on 4x4 Ising samples at T_c, 32 spin hidden units, exact gradient, Adam:
	// KL 0.001 nats after 1000 updates with Identity = 1, 0.05 without).
	Identity float64
	Seed     uint64 // seed of the random weights
}

// InitRBM returns an RBM for training with n visible units of type vis and m
// hidden units of type hid: weights N(0, 0.01^2), zero hidden biases (sigma
// 1 for Gaussian hidden units), visible biases zero, or, when data (rows of
// visible values in vis's encoding) is given, the maximum-likelihood biases of
// independent units (Hinton 2010, "A practical guide", sec. 8), clamped so
// that the data means stay within [1e-3, 1 - 1e-3] of the range.
func InitRBM(n, m int, vis, hid LayerType, data *mat.Dense, seed uint64) (*RBM, error) {
	return InitRBMWith(n, m, vis, hid, data, Init{Seed: seed})
}

// InitRBMWith is InitRBM with the weights set by init.
func InitRBMWith(n, m int, vis, hid LayerType, data *mat.Dense, init Init) (*RBM, error) {
	if !(init.Identity >= 0) || math.IsInf(init.Identity, 0) {
		return nil, fmt.Errorf("rbm: identity initial weight %v: must be finite and >= 0", init.Identity)
	}
	seed := init.Seed
	if n < 1 || m < 1 {
		return nil, fmt.Errorf("rbm: %d visible and %d hidden units: need at least 1 of each", n, m)
	}
	if !vis.Discrete() {
		return nil, fmt.Errorf("rbm: visible type %s: training needs bernoulli or spin visible units", vis)
	}
	rnd := rng.NewRand(seed, rng.StreamTrainInit)
	w := mat.NewDense(n, m, nil)
	raw := w.RawMatrix()
	for i := range raw.Data {
		raw.Data[i] = 0.01 * rnd.NormFloat64()
	}
	if init.Identity > 0 {
		for mu := 0; mu < m; mu++ {
			raw.Data[(mu%n)*raw.Stride+mu] += init.Identity
		}
	}
	lv := Layer{Type: vis, Bias: make([]float64, n)}
	lh := Layer{Type: hid, Bias: make([]float64, m)}
	if hid.valid() && hid.unit().hasWidth() {
		lh.Sigma = make([]float64, m)
		for i := range lh.Sigma {
			lh.Sigma[i] = 1
		}
	}
	if data != nil {
		_, cols := data.Dims()
		if cols != n {
			return nil, fmt.Errorf("rbm: data has %d columns for %d visible units", cols, n)
		}
		independentBiases(lv.Bias, data, vis)
	}
	return New(lv, lh, w)
}

// independentBiases writes into dst the biases of independent units of the
// discrete type typ whose means are the column means of data, clamped so
// that the fraction of "on" values stays within [1e-3, 1 - 1e-3]: the
// logit of that fraction, divided by on - off (2 for spins, whose
// P(+1) = sigmoid(2b)).
func independentBiases(dst []float64, data *mat.Dense, typ LayerType) {
	off, on := typ.values()
	rows, _ := data.Dims()
	for i := range dst {
		var s float64
		for k := 0; k < rows; k++ {
			s += data.At(k, i)
		}
		p := (s/float64(rows) - off) / (on - off) // fraction "on"
		p = math.Min(math.Max(p, 1e-3), 1-1e-3)
		dst[i] = math.Log(p/(1-p)) / (on - off)
	}
}

// trainer holds the scratch state of one Train call.
type trainer struct {
	r          *RBM
	cfg        TrainConfig
	n, m       int
	gibbs      *rand.Rand
	src        *rand.PCG  // gibbs's source, for the uniforms of the hot loops
	vb, hp     *mat.Dense // minibatch and E[h|v] on it (full batch size)
	vn, hn, hs *mat.Dense // chain visible, E[h|v] of chains, hidden samples
	persist    *mat.Dense // PCD persistent hidden samples
	gW         *mat.Dense
	ga, gb     []float64
	dv, dh     []float64
	// optimizer state
	vW      *mat.Dense
	va, vb2 []float64
	mW      *mat.Dense
	ma, mb  []float64
	step    int
	// centering offsets
	mu, lambda []float64
	// pseudo-likelihood scratch
	pl plWorkspace
	// exact-gradient tables
	exact *exactState
	// ScaledSGD scratch
	wtw  *mat.SymDense
	chol mat.Cholesky
	pre  mat.Dense
}

// Train fits r to data (rows are samples in the encoding of r's visible
// layer, see ConvertData) and modifies r in place. It returns the
// statistics reported to cfg.Monitor. Training is deterministic for a given
// cfg.Seed, whatever GOMAXPROCS is.
//
// If ctx is cancelled, Train returns after the current update with ctx's
// error (wrapped); r is then a consistent model trained up to that update, so
// the caller can save it. If a gradient or parameter becomes non-finite,
// Train restores the parameters of the start of the epoch and returns an
// error wrapping ErrDiverged that names the epoch and update.
func Train(ctx context.Context, r *RBM, data *mat.Dense, cfg TrainConfig) ([]EpochStats, error) {
	t, err := newTrainer(r, data, cfg)
	if err != nil {
		return nil, err
	}
	es, err := t.newEpochEnd(ctx, data)
	if err != nil {
		return nil, err
	}
	if pairwiseApplies(r, &t.cfg) {
		return es.finish(t.trainPairwise(ctx, data, es))
	}
	if t.cfg.Optimizer == LBFGS {
		return es.finish(t.trainLBFGS(ctx, data, es))
	}
	return t.minibatchEpochs(ctx, data, es)
}

// newTrainer checks the data and the configuration against r, sets the
// defaults, and prepares the training state: the random sources, the
// scratch matrices, the centering offsets, PCD's persistent chains and the
// exact method's tables. Symmetric training zeroes r's biases here.
func newTrainer(r *RBM, data *mat.Dense, cfg TrainConfig) (*trainer, error) {
	n, m := r.Dims()
	rows, cols := data.Dims()
	if cols != n {
		return nil, fmt.Errorf("rbm: train: data has %d columns for %d visible units", cols, n)
	}
	if !r.Visible.Type.Discrete() {
		return nil, fmt.Errorf("rbm: train: visible layer is %s: need bernoulli or spin", r.Visible.Type)
	}
	enumerated, other := r.EnumeratedUnits(), m
	if enumerated == m {
		other = n
	}
	cfg.cheapHidden = r.Hidden.Type.unit().polynomialCGF()
	if err := cfg.defaults(rows, n, m, enumerated, other); err != nil {
		return nil, err
	}
	if cfg.Symmetric {
		if r.Visible.Type != Spin || !r.Hidden.Type.unit().symmetric() {
			return nil, fmt.Errorf("rbm: train: symmetric training needs spin visible and spin or gaussian hidden units, have %s and %s", r.Visible.Type, r.Hidden.Type)
		}
		clear(r.Visible.Bias)
		clear(r.Hidden.Bias)
	}
	if cfg.BatchSize > rows {
		cfg.BatchSize = rows
	}
	if cfg.TargetLogProb != nil && (n > MaxTable || len(cfg.TargetLogProb) != 1<<n) {
		return nil, fmt.Errorf("rbm: train: target table has %d entries, want 2^%d (N <= %d)", len(cfg.TargetLogProb), n, MaxTable)
	}
	src := rng.New(cfg.Seed, rng.StreamTrainGibbs)
	t := &trainer{r: r, cfg: cfg, n: n, m: m, gibbs: rand.New(src), src: src}
	t.alloc()
	if cfg.Centered {
		t.initCentering(data)
	}
	if cfg.Method == PCD {
		// Persistent chains start from hidden samples given random data rows.
		init := mat.NewDense(cfg.Chains, n, nil)
		for c := 0; c < cfg.Chains; c++ {
			init.SetRow(c, data.RawRowView(t.gibbs.IntN(rows)))
		}
		t.persist = mat.NewDense(cfg.Chains, m, nil)
		r.HiddenMean(t.persist, init)
		t.sampleFromMean(t.persist)
	}
	if cfg.Method == Exact {
		if err := checkExact(n, m); err != nil {
			return nil, err
		}
		t.exact = newExactState(r.Visible.Type, n, m, data)
	}
	return t, nil
}

// initCentering sets the centering offsets: mu the visible means of the
// data, lambda the mean of E[h | v] over its first 1000 rows.
func (t *trainer) initCentering(data *mat.Dense) {
	r, n, m := t.r, t.n, t.m
	rows, _ := data.Dims()
	t.mu = make([]float64, n)
	for i := 0; i < n; i++ {
		var s float64
		for k := 0; k < rows; k++ {
			s += data.At(k, i)
		}
		t.mu[i] = s / float64(rows)
	}
	t.lambda = make([]float64, m)
	var h mat.Dense
	r.HiddenMean(&h, data.Slice(0, min(rows, 1000), 0, n).(*mat.Dense))
	hr, _ := h.Dims()
	for mu := 0; mu < m; mu++ {
		var s float64
		for k := 0; k < hr; k++ {
			s += h.At(k, mu)
		}
		t.lambda[mu] = s / float64(hr)
	}
}

// newEpochEnd checks the validation data and returns the end-of-epoch
// bookkeeping, its clock started.
func (t *trainer) newEpochEnd(ctx context.Context, data *mat.Dense) (*epochEnd, error) {
	cfg := &t.cfg
	// The validation score costs as much as a training epoch for Exact (one
	// table of all states), a fraction of one otherwise.
	valEvery := 1
	if cfg.Method == Exact {
		valEvery = 10
	}
	if cfg.Validation != nil {
		if _, c := cfg.Validation.Dims(); c != t.n {
			return nil, fmt.Errorf("rbm: train: validation data have %d columns for %d visible units", c, t.n)
		}
	}
	return &epochEnd{t: t, ctx: ctx, data: data, start: time.Now(), best: t.r.Clone(), bestScore: math.Inf(-1), valEvery: valEvery}, nil
}

// minibatchEpochs is the training loop of the gradient methods with SGD,
// ScaledSGD or Adam: every epoch shuffles the data (Exact: one full-batch
// update), steps through the minibatches and ends with es.end. It returns
// at once, without restoring the best parameters, when ctx is cancelled, an
// update diverges (the parameters are restored to the start of the epoch)
// or the monitor fails.
func (t *trainer) minibatchEpochs(ctx context.Context, data *mat.Dense, es *epochEnd) ([]EpochStats, error) {
	r, cfg, n := t.r, &t.cfg, t.n
	rows, _ := data.Dims()
	shuffle := rng.NewRand(cfg.Seed, rng.StreamTrainShuffle)
	perm := make([]int, rows)
	for i := range perm {
		perm[i] = i
	}
	nb := (rows + cfg.BatchSize - 1) / cfg.BatchSize
	if cfg.Method == Exact {
		nb = 1 // one full-batch update per epoch
	}
	total := nb * cfg.Epochs
	snap := r.Clone()
	done := 0
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		snapshotInto(snap, r)
		shuffle.Shuffle(rows, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		lr := cfg.LearningRate / (1 + cfg.LRDecay*float64(epoch))
		for b := 0; b < nb; b++ {
			if err := ctx.Err(); err != nil {
				return es.stats, fmt.Errorf("rbm: training stopped at epoch %d, update %d: %w", epoch+1, b, err)
			}
			lo, hi := b*cfg.BatchSize, min((b+1)*cfg.BatchSize, rows)
			vb := t.vb.Slice(0, hi-lo, 0, n).(*mat.Dense)
			if cfg.Method != Exact {
				for k := lo; k < hi; k++ {
					vb.SetRow(k-lo, data.RawRowView(perm[k]))
				}
			}
			if err := t.update(vb, lr); err != nil {
				snapshotInto(r, snap)
				return es.stats, fmt.Errorf("rbm: %w at epoch %d, update %d of %d (learning rate %g): %v; parameters restored to the start of the epoch (lower the learning rate or add an L2 penalty)",
					ErrDiverged, epoch+1, b+1, nb, lr, err)
			}
			done++
			if cfg.OnBatch != nil {
				cfg.OnBatch(done, total)
			}
		}
		stop, err := es.end(epoch, lr)
		if err != nil {
			return es.stats, err
		}
		if stop {
			break
		}
	}
	return es.finish(nil)
}

// epochEnd does what follows every epoch: the validation score and the
// best parameters, the stopping rule, the monitor.
type epochEnd struct {
	t         *trainer
	ctx       context.Context
	data      *mat.Dense
	start     time.Time
	stats     []EpochStats
	best      *RBM
	bestScore float64
	bestEpoch int
	sinceBest int
	valEvery  int
}

// end is called after epoch (0-based) with its learning rate; it reports
// whether training stops.
func (es *epochEnd) end(epoch int, lr float64) (bool, error) {
	t, r, cfg := es.t, es.t.r, &es.t.cfg
	score := math.NaN()
	stop := false
	if cfg.Validation != nil && ((epoch+1)%es.valEvery == 0 || epoch == cfg.Epochs-1) {
		score = t.validationScore(cfg.Validation)
		if score > es.bestScore {
			es.bestScore, es.bestEpoch, es.sinceBest = score, epoch+1, 0
			snapshotInto(es.best, r)
		} else {
			es.sinceBest += es.valEvery
			stop = cfg.Patience > 0 && es.sinceBest >= cfg.Patience
		}
	}
	last := epoch == cfg.Epochs-1 || stop
	if cfg.Monitor == nil || ((epoch+1)%cfg.MonitorEvery != 0 && !last) {
		return stop, nil
	}
	if last && es.bestEpoch > 0 && es.bestEpoch != epoch+1 {
		snapshotInto(r, es.best) // report the model that is returned
	}
	rows, _ := es.data.Dims()
	mon := es.data.Slice(0, min(rows, cfg.MonitorSamples), 0, t.n).(*mat.Dense)
	st, err := Evaluate(r, mon, cfg.ExactMaxUnits, cfg.TargetLogProb)
	if err != nil {
		return true, err
	}
	if math.IsNaN(st.LogZ) && cfg.AIS != nil {
		ac := *cfg.AIS
		ac.Data = mon
		res, err := r.AIS(es.ctx, ac)
		if err != nil {
			return true, fmt.Errorf("rbm: training monitor at epoch %d: %w", epoch+1, err)
		}
		st.LogZ, st.LogZLower, st.LogZUpper = res.LogZ, res.Lower, res.Upper
		st.LogLik = r.MeanLogLikelihood(mon, res.LogZ)
	}
	st.Epoch, st.LearningRate, st.Seconds = epoch+1, lr, time.Since(es.start).Seconds()
	st.Validation, st.BestEpoch = score, es.bestEpoch
	es.stats = append(es.stats, st)
	if err := cfg.Monitor(st); err != nil {
		return true, err
	}
	return stop, nil
}

// finish restores the parameters of the best validation score and returns
// the statistics with err.
func (es *epochEnd) finish(err error) ([]EpochStats, error) {
	if es.bestEpoch > 0 {
		snapshotInto(es.t.r, es.best)
	}
	return es.stats, err
}

// validationScore returns the mean pseudo-log-likelihood of the held-out
// rows (the exact mean log-likelihood for method Exact) under the current
// parameters.
func (t *trainer) validationScore(val *mat.Dense) float64 {
	rows, _ := val.Dims()
	if t.cfg.Method == Exact {
		return t.exactLogLik(val)
	}
	return plAccumulate(t.r, val, &t.pl, false, nil, nil, nil) / float64(rows)
}

// snapshotInto copies the parameters of src into dst (same shapes).
func snapshotInto(dst, src *RBM) {
	copy(dst.Visible.Bias, src.Visible.Bias)
	copy(dst.Hidden.Bias, src.Hidden.Bias)
	dst.W.Copy(src.W)
}

func (t *trainer) alloc() {
	n, m, B, C := t.n, t.m, t.cfg.BatchSize, t.cfg.Chains
	t.vb = mat.NewDense(B, n, nil)
	t.hp = mat.NewDense(B, m, nil)
	nc := B
	if t.cfg.Method == PCD {
		nc = C
	}
	t.vn = mat.NewDense(nc, n, nil)
	t.hn = mat.NewDense(nc, m, nil)
	t.hs = mat.NewDense(nc, m, nil)
	t.gW = mat.NewDense(n, m, nil)
	t.ga = make([]float64, n)
	t.dv = make([]float64, n)
	t.dh = make([]float64, m)
	t.gb = make([]float64, m)
	t.vW = mat.NewDense(n, m, nil)
	t.va = make([]float64, n)
	t.vb2 = make([]float64, m)
	if t.cfg.Optimizer == Adam {
		t.mW = mat.NewDense(n, m, nil)
		t.ma = make([]float64, n)
		t.mb = make([]float64, m)
	}
}

// sampleFromMean replaces conditional means of the hidden layer by samples:
// Bernoulli u < p, spin u < (1 + m)/2, Gaussian mean + sigma z. Discrete
// units draw their uniforms from the mirror of t.src, Gaussian ones their
// normals from t.gibbs.
func (t *trainer) sampleFromMean(h *mat.Dense) {
	l := &t.r.Hidden
	u := l.Type.unit()
	dr := draws{rnd: t.gibbs}
	if u.discrete() {
		dr.g.Load(t.src)
		defer dr.g.Store(t.src)
	}
	raw := h.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		u.sampleMeanRow(raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols], l.Sigma, &dr)
	}
}

// colMeans writes the column means of a into dst.
func colMeans(dst []float64, a *mat.Dense) {
	clear(dst)
	raw := a.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		for j, x := range row {
			dst[j] += x
		}
	}
	inv := 1 / float64(raw.Rows)
	for j := range dst {
		dst[j] *= inv
	}
}

func finiteAll(x []float64) bool {
	var s float64
	for _, v := range x {
		s += v * 0
	}
	return s == 0
}

// boundedAll reports whether every |x_i| <= DivergenceLimit (false for NaN).
func boundedAll(x []float64) bool {
	for _, v := range x {
		if !(math.Abs(v) <= DivergenceLimit) {
			return false
		}
	}
	return true
}

// sampledGradient writes the CD-k or PCD estimate of the log-likelihood
// gradient on the minibatch vb into gW, ga, gb.
func (t *trainer) sampledGradient(vb *mat.Dense) {
	r, n, m := t.r, t.n, t.m
	B, _ := vb.Dims()
	hp := t.hp.Slice(0, B, 0, m).(*mat.Dense)
	var vn, hn, hs *mat.Dense
	r.HiddenMean(hp, vb)

	// Negative phase.
	if t.cfg.Method == PCD {
		vn, hn, hs = t.vn, t.hn, t.persist
	} else {
		vn = t.vn.Slice(0, B, 0, n).(*mat.Dense)
		hn = t.hn.Slice(0, B, 0, m).(*mat.Dense)
		hs = t.hs.Slice(0, B, 0, m).(*mat.Dense)
		hs.Copy(hp)
		t.sampleFromMean(hs)
	}
	for k := 0; k < t.cfg.K; k++ {
		r.visibleInput(vn, hs)
		applySample(&r.Visible, vn, t.gibbs, t.src)
		r.HiddenMean(hn, vn)
		if t.cfg.Method == PCD || k+1 < t.cfg.K {
			hs.Copy(hn)
			t.sampleFromMean(hs)
		}
	}
	t.gradient(vb, hp, vn, hn, nil)
}

// update performs one gradient step on the minibatch vb.
func (t *trainer) update(vb *mat.Dense, lr float64) error {
	r := t.r
	switch t.cfg.Method {
	case PL:
		t.plGradient(vb)
	case Exact:
		t.exactGradient()
	default:
		t.sampledGradient(vb)
	}
	if t.cfg.Symmetric {
		clear(t.ga)
		clear(t.gb)
	}
	t.penalize()
	if t.cfg.Optimizer == ScaledSGD {
		t.precondition()
	}
	gw := t.gW.RawMatrix()
	if !finiteAll(gw.Data) || !finiteAll(t.ga) || !finiteAll(t.gb) {
		return errors.New("non-finite gradient")
	}
	t.step++
	t.apply(lr)
	if !boundedAll(r.W.RawMatrix().Data) || !boundedAll(r.Visible.Bias) || !boundedAll(r.Hidden.Bias) {
		return fmt.Errorf("a parameter is non-finite or beyond ±%g", float64(DivergenceLimit))
	}
	return nil
}

// apply ascends the gradient (gW, ga, gb) with SGD+momentum or Adam.
func (t *trainer) apply(lr float64) {
	r := t.r
	w := r.W.RawMatrix()
	gw := t.gW.RawMatrix()
	if t.cfg.Optimizer != Adam {
		mom := t.cfg.Momentum
		sgd := func(p, g, v []float64) {
			for k := range p {
				v[k] = mom*v[k] + lr*g[k]
				p[k] += v[k]
			}
		}
		vw := t.vW.RawMatrix()
		for i := 0; i < t.n; i++ {
			sgd(w.Data[i*w.Stride:i*w.Stride+t.m], gw.Data[i*gw.Stride:i*gw.Stride+t.m], vw.Data[i*vw.Stride:i*vw.Stride+t.m])
		}
		sgd(r.Visible.Bias, t.ga, t.va)
		sgd(r.Hidden.Bias, t.gb, t.vb2)
		return
	}
	b1, b2, eps := t.cfg.Beta1, t.cfg.Beta2, t.cfg.Epsilon
	c1 := 1 - math.Pow(b1, float64(t.step))
	c2 := 1 - math.Pow(b2, float64(t.step))
	adam := func(p, g, m1, m2 []float64) {
		for k := range p {
			m1[k] = b1*m1[k] + (1-b1)*g[k]
			m2[k] = b2*m2[k] + (1-b2)*g[k]*g[k]
			p[k] += lr * (m1[k] / c1) / (math.Sqrt(m2[k]/c2) + eps)
		}
	}
	mw, vw := t.mW.RawMatrix(), t.vW.RawMatrix()
	for i := 0; i < t.n; i++ {
		adam(w.Data[i*w.Stride:i*w.Stride+t.m], gw.Data[i*gw.Stride:i*gw.Stride+t.m],
			mw.Data[i*mw.Stride:i*mw.Stride+t.m], vw.Data[i*vw.Stride:i*vw.Stride+t.m])
	}
	adam(r.Visible.Bias, t.ga, t.ma, t.va)
	adam(r.Hidden.Bias, t.gb, t.mb, t.vb2)
}

// gradient writes the log-likelihood gradient (without penalties) into gW,
// ga, gb: data term from the minibatch vb and its hidden means hp, model term
// from the chain states vn and their hidden means hn, uniformly weighted (wn
// nil) or with the probabilities wn (exact expectations over enumerated
// states).
func (t *trainer) gradient(vb, hp, vn, hn *mat.Dense, wn []float64) {
	r, n, m := t.r, t.n, t.m
	B, _ := vb.Dims()

	// Gradient of the mean log-likelihood: gW = vb^T hp / B - vn^T hn / C.
	mulAdd(t.gW, 1/float64(B), vb, blas.Trans, hp, blas.NoTrans, 0)
	if wn == nil {
		C, _ := vn.Dims()
		mulAdd(t.gW, -1/float64(C), vn, blas.Trans, hn, blas.NoTrans, 1)
		colMeans(t.ga, vn)
		colMeans(t.gb, hn)
	} else {
		// Weighted negative phase: scale the rows of hn by wn first.
		var hw mat.Dense
		hw.CloneFrom(hn)
		for k, w := range wn {
			row := hw.RawRowView(k)
			for j := range row {
				row[j] *= w
			}
		}
		mulAdd(t.gW, -1, vn, blas.Trans, &hw, blas.NoTrans, 1)
		weightedMeans(t.ga, vn, wn)
		weightedMeans(t.gb, hn, wn)
	}
	dv, dh := t.dv, t.dh
	colMeans(dv, vb)
	for i := range dv {
		dv[i] -= t.ga[i]
	}
	colMeans(dh, hp)
	for j := range dh {
		dh[j] -= t.gb[j]
	}
	if t.cfg.Centered {
		// dW_c = dW - mu dh^T - dv lambda^T; da = dv - dW_c lambda; db = dh - dW_c^T mu.
		gw := t.gW.RawMatrix()
		for i := 0; i < n; i++ {
			row := gw.Data[i*gw.Stride : i*gw.Stride+m]
			for j := range row {
				row[j] -= t.mu[i]*dh[j] + dv[i]*t.lambda[j]
			}
		}
		for i := 0; i < n; i++ {
			row := gw.Data[i*gw.Stride : i*gw.Stride+m]
			s := dv[i]
			for j, g := range row {
				s -= g * t.lambda[j]
			}
			t.ga[i] = s
		}
		for j := 0; j < m; j++ {
			s := dh[j]
			for i := 0; i < n; i++ {
				s -= gw.Data[i*gw.Stride+j] * t.mu[i]
			}
			t.gb[j] = s
		}
		// Running mean of the hidden offsets.
		colMeans(dh, hp)
		for j := range t.lambda {
			t.lambda[j] += 0.01 * (dh[j] - t.lambda[j])
		}
	} else {
		copy(t.ga, dv)
		copy(t.gb, dh)
	}
	r.Hidden.scaleBiasGrad(t.gb)
}

// weightedMeans writes sum_k w_k a_k (a_k the rows of a) into dst.
func weightedMeans(dst []float64, a *mat.Dense, w []float64) {
	clear(dst)
	for k, wk := range w {
		for j, x := range a.RawRowView(k) {
			dst[j] += wk * x
		}
	}
}

// ExactGradient returns the exact gradient of the mean log-likelihood of
// data (rows in the visible encoding) with respect to the weights, the
// visible biases and the hidden biases, computing the model term by
// enumerating the 2^N visible states (N <= 20). It is the gradient Train
// estimates by sampling, computed by the same code; tests use it against
// finite differences.
func ExactGradient(r *RBM, data *mat.Dense) (gW *mat.Dense, ga, gb []float64, err error) {
	n, m := r.Dims()
	if !r.Visible.Type.Discrete() || n > 20 {
		return nil, nil, nil, fmt.Errorf("rbm: exact gradient needs <= 20 discrete visible units, have %d %s", n, r.Visible.Type)
	}
	if _, c := data.Dims(); c != n {
		return nil, nil, nil, fmt.Errorf("rbm: exact gradient: data has %d columns for %d visible units", c, n)
	}
	lp, _, err := r.LogProbTable()
	if err != nil {
		return nil, nil, nil, err
	}
	rows, _ := data.Dims()
	t := &trainer{r: r, cfg: TrainConfig{BatchSize: rows, Chains: 1}, n: n, m: m}
	t.alloc()
	vn := mat.NewDense(1<<n, n, nil)
	for k := range lp {
		stateVector(vn.RawRowView(k), uint64(k), r.Visible.Type)
		lp[k] = math.Exp(lp[k])
	}
	var hp, hn mat.Dense
	r.HiddenMean(&hp, data)
	r.HiddenMean(&hn, vn)
	t.gradient(data, &hp, vn, &hn, lp)
	return t.gW, t.ga, t.gb, nil
}

// penalize subtracts the gradient of the weight penalties
// lambda1 |W|_1 + lambda2 |W|^2/2 from gW and returns their value.
func (t *trainer) penalize() float64 {
	if t.cfg.L1 == 0 && t.cfg.L2 == 0 {
		return 0
	}
	var pen float64
	gw, w := t.gW.RawMatrix(), t.r.W.RawMatrix()
	for i := 0; i < t.n; i++ {
		grow := gw.Data[i*gw.Stride : i*gw.Stride+t.m]
		wrow := w.Data[i*w.Stride : i*w.Stride+t.m]
		for j, x := range wrow {
			pv, g := t.cfg.penalty(x)
			pen += pv
			grow[j] -= g
		}
	}
	return pen
}

// penalty returns the weight penalty lambda1 |x| + lambda2 x^2/2 of one
// weight or coupling x and its derivative (a subgradient, 0 at x = 0 for
// the L1 part).
func (c *TrainConfig) penalty(x float64) (pen, d float64) {
	d = c.L2 * x
	if x > 0 {
		d += c.L1
	} else if x < 0 {
		d -= c.L1
	}
	return c.L1*math.Abs(x) + 0.5*c.L2*x*x, d
}

// precondition multiplies the weight gradient on the right by
// (W^T W + eps I)^-1 with eps = 0.01 + 0.1 tr(W^T W)/M (ScaledSGD). The
// damping keeps the step bounded where W^T W is singular (M > N, or hidden
// units not yet used).
func (t *trainer) precondition() {
	m := t.m
	if t.wtw == nil {
		t.wtw = mat.NewSymDense(m, nil)
	}
	t.wtw.SymOuterK(1, t.r.W.T())
	var tr float64
	for j := 0; j < m; j++ {
		tr += t.wtw.At(j, j)
	}
	eps := 1e-2 + 0.1*tr/float64(m)
	for j := 0; j < m; j++ {
		t.wtw.SetSym(j, j, t.wtw.At(j, j)+eps)
	}
	if !t.chol.Factorize(t.wtw) {
		return // not positive definite only for non-finite weights; the finiteness check follows
	}
	// gW <- gW A^-1, i.e. gW^T <- A^-1 gW^T.
	t.pre.Reset()
	t.chol.SolveTo(&t.pre, t.gW.T())
	t.gW.Copy(t.pre.T())
}

// Rough CPU costs, in nanoseconds on a current x86 core with AVX-512, of the
// operations that dominate training and monitoring; only their ratios
// matter. Measured: PCD-1 784 x 128 at 16.6 us per sample (the model says
// 19); a pseudo-likelihood term (one unit pair of one sample) 23 ns of CPU
// for Bernoulli hidden units (an exp and a log1p), a few for Gaussian ones.
const (
	costFlop = 0.025 // one multiply-add inside a matrix product
	costFunc = 20    // one exp/log evaluation of a free energy or pseudo-likelihood term
)

// monitorEvery returns the smallest interval in epochs for which the
// estimated monitoring cost stays within MonitorBudget of the training cost,
// and the number of samples to monitor: MonitorSamples, or fewer (at least
// 16) when even one monitoring point, at the end, would exceed the budget of
// the whole run. Called by defaults, after K, BatchSize and Chains are set.
func (c *TrainConfig) monitorEvery(rows, n, m, enumerated, other int) (every, samples int) {
	fn, fm, fr := float64(n), float64(m), float64(rows)
	costFunc := float64(costFunc)
	if c.cheapHidden {
		costFunc = 3 // Gaussian b t + sigma^2 t^2/2: no transcendental function
	}
	var epoch float64
	switch c.Method {
	case PL:
		epoch = fr * fn * fm * costFunc * 1.5
	case Exact:
		ns := math.Ldexp(1, n)
		epoch = ns*fm*costFunc + 2*ns*fn*fm*costFlop
	default:
		k := float64(c.K)
		epoch = fr * ((4+2*k)*fn*fm*costFlop + (2*k+1)*(fn+fm)*costFunc/4)
	}
	s := float64(min(rows, c.MonitorSamples))
	perSample := fn*fm*costFunc + 4*fn*fm*costFlop // pseudo-likelihood, reconstruction
	var mon float64                                // the costs that do not depend on the samples
	if enumerated >= 0 && enumerated <= c.ExactMaxUnits {
		mon += math.Ldexp(1, enumerated) * float64(other) * costFunc
	}
	if c.TargetLogProb != nil {
		mon += math.Ldexp(1, n) * fm * costFunc
	}
	if c.AIS != nil {
		runs, steps := c.AIS.Runs, c.AIS.Steps
		if runs == 0 {
			runs = 100
		}
		if steps == 0 {
			steps = 10000
		}
		mon += float64(runs) * float64(steps) * 2 * (4*fn*fm*costFlop + (fn+fm)*costFunc/4)
	}
	epochs := float64(max(1, c.Epochs))
	e := math.Ceil((mon + s*perSample) / (c.MonitorBudget * epoch))
	if e > epochs {
		// Only the final point: fit its samples into the budget of the run.
		e = epochs
		s = math.Max(16, math.Min(s, math.Floor((c.MonitorBudget*epochs*epoch-mon)/perSample)))
	}
	return int(math.Max(1, e)), int(math.Min(s, float64(rows)))
}
