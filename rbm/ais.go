package rbm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/rng"
)

// Annealed importance sampling (Neal 2001; Salakhutdinov & Murray 2008) of
// ln Z, and its reverse (Burda, Grosse & Salakhutdinov 2015).
//
// The path of distributions is p_beta(v) ∝ exp(-F_beta(v)) with
//
//	-F_beta(v) = sum_i [(1 - beta) a0_i + beta a_i] v_i + sum_mu K_mu(beta t_mu(v)),
//
// beta from 0 to 1: at beta = 0 the visible units are independent with
// biases a0 (the base rate, Z_0 in closed form), at beta = 1 it is the RBM.
// Each p_beta is itself an RBM (visible biases interpolated, weights beta W,
// hidden layer unchanged), so block Gibbs sampling leaves it invariant.
//
// Forward AIS starts exact samples of p_0 and accumulates
// ln w = sum_k [F_{beta_{k-1}}(v_k) - F_{beta_k}(v_k)]; E[w] = Z/Z_0, and by
// Jensen E[ln (Z_0 mean w)] <= ln Z: a stochastic lower bound. Reverse AIS
// starts from samples of the RBM itself and walks to beta = 0; its estimate
// ln Z_0 - ln mean(w_rev) is a stochastic upper bound when the start samples
// are exact. Here they come from long block Gibbs chains (AISConfig.BurnIn
// sweeps, started at the data when given), so the upper bound is as good as
// that equilibration. The bracket widens each estimate by Sigmas standard
// errors (delta method on the mean of the weights).

// AISConfig sets up AIS. Zero values mean the documented defaults.
type AISConfig struct {
	Runs   int // independent chains; 0 means 100
	Steps  int // intermediate temperatures (linear in beta); 0 means 10000
	BurnIn int // Gibbs sweeps of the RBM before reverse AIS; 0 means 1000, negative none
	// Sweeps per intermediate temperature; 0 means 1.
	Sweeps int
	// BaseBias are the base-rate visible biases a0; nil means the biases of
	// independent units matching Data's means (or zeros without Data).
	BaseBias []float64
	// Data (visible encoding) starts the reverse chains (rows reused
	// cyclically) and sets the base rate; nil starts them from the base rate.
	Data *mat.Dense
	// Sigmas is the half-width of the bracket in standard errors; 0 means 3.
	Sigmas float64
	Seed   uint64
	// SkipReverse runs forward AIS only (the bracket then has Upper = +Inf).
	SkipReverse bool
}

// AISResult is the estimate of ln Z with its bracket.
type AISResult struct {
	LogZ        float64 `json:"estimate"`          // forward AIS estimate (stochastic lower bound)
	StdErr      float64 `json:"std_err"`           // its standard error
	ReverseLogZ float64 `json:"reverse_estimate"`  // reverse AIS estimate (stochastic upper bound)
	ReverseErr  float64 `json:"reverse_std_err"`   // its standard error
	Lower       float64 `json:"lower"`             // LogZ - Sigmas*StdErr
	Upper       float64 `json:"upper"`             // ReverseLogZ + Sigmas*ReverseErr
	Runs        int     `json:"runs"`              // chains per direction
	Steps       int     `json:"steps"`             // intermediate temperatures
	LogZBase    float64 `json:"log_z_base"`        // ln Z_0 of the base-rate model
	ESS         float64 `json:"effective_samples"` // effective sample size of the forward weights
}

// aisChains is a batch of chains on the path p_beta.
type aisChains struct {
	r       *RBM
	a0      []float64
	v, h, t *mat.Dense // chains x N, chains x M, chains x M (t = v W)
	tv      *mat.Dense // chains x N (h W^T)
	rnd     *rand.Rand
	ab      []float64
	hs      []float64 // hidden widths (zeros without widths)
	negF    []float64
}

func newAISChains(r *RBM, a0 []float64, runs int, rnd *rand.Rand) *aisChains {
	n, m := r.Dims()
	return &aisChains{r: r, a0: a0, v: mat.NewDense(runs, n, nil), h: mat.NewDense(runs, m, nil),
		t: mat.NewDense(runs, m, nil), tv: mat.NewDense(runs, n, nil), rnd: rnd,
		ab: make([]float64, n), hs: r.Hidden.widths(), negF: make([]float64, runs)}
}

// computeT updates t = v W.
func (c *aisChains) computeT() { c.t.Mul(c.v, c.r.W) }

// negFree writes -F_beta of each chain (from t) into c.negF.
func (c *aisChains) negFree(beta float64) {
	rows, n := c.v.Dims()
	_, m := c.t.Dims()
	for i := 0; i < n; i++ {
		c.ab[i] = (1-beta)*c.a0[i] + beta*c.r.Visible.Bias[i]
	}
	for k := 0; k < rows; k++ {
		var s float64
		for i, x := range c.v.RawRowView(k) {
			s += c.ab[i] * x
		}
		tr := c.t.RawRowView(k)
		for mu := 0; mu < m; mu++ {
			s += c.r.Hidden.CGF(mu, beta*tr[mu])
		}
		c.negF[k] = s
	}
}

// sweep does one block Gibbs sweep h | v, v | h at beta; t must be current on
// entry and is current on return.
func (c *aisChains) sweep(beta float64) {
	rows, n := c.v.Dims()
	_, m := c.h.Dims()
	hu, hb, hs := c.r.Hidden.Type.unit(), c.r.Hidden.Bias, c.hs
	for k := 0; k < rows; k++ {
		tr, hr := c.t.RawRowView(k), c.h.RawRowView(k)
		for mu := 0; mu < m; mu++ {
			hr[mu] = hu.sample(hb[mu], hs[mu], beta*tr[mu], hu.noise(c.rnd))
		}
	}
	c.tv.Mul(c.h, c.r.W.T())
	for i := 0; i < n; i++ {
		c.ab[i] = (1-beta)*c.a0[i] + beta*c.r.Visible.Bias[i]
	}
	for k := 0; k < rows; k++ {
		c.drawVisible(c.v.RawRowView(k), c.ab, c.tv.RawRowView(k), beta)
	}
	c.computeT()
}

// drawVisible draws the visible units vr of one chain from the conditional
// of unit i with bias bias[i] and input beta tv[i] (no input when tv is nil):
// on with probability sigmoid(f), f = bias[i] + beta tv[i], sigmoid(2f) for
// spin units (whose values differ by 2), else off.
func (c *aisChains) drawVisible(vr, bias, tv []float64, beta float64) {
	u := c.r.Visible.Type.unit()
	for i := range vr {
		var t float64
		if tv != nil {
			t = beta * tv[i]
		}
		vr[i] = u.sample(bias[i], 0, t, c.rnd.Float64())
	}
}

// baseSample draws each chain from the independent base-rate model.
func (c *aisChains) baseSample() {
	rows, _ := c.v.Dims()
	for k := 0; k < rows; k++ {
		c.drawVisible(c.v.RawRowView(k), c.a0, nil, 0)
	}
	c.computeT()
}

// logMeanExp returns ln mean(exp(x)) and the delta-method standard error of
// that logarithm, sqrt(var(w)/n)/mean(w), and the effective sample size.
func logMeanExp(x []float64) (lme, se, ess float64) {
	n := float64(len(x))
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	var s, s2 float64
	for _, v := range x {
		w := math.Exp(v - mx)
		s += w
		s2 += w * w
	}
	mean := s / n
	lme = mx + math.Log(mean)
	if len(x) > 1 {
		variance := (s2/n - mean*mean) * n / (n - 1)
		se = math.Sqrt(math.Max(variance, 0)/n) / mean
	}
	ess = s * s / s2
	return
}

// defaults fills in the documented defaults and checks the configuration.
func (cfg *AISConfig) defaults() error {
	if cfg.Runs == 0 {
		cfg.Runs = 100
	}
	if cfg.Steps == 0 {
		cfg.Steps = 10000
	}
	if cfg.BurnIn == 0 {
		cfg.BurnIn = 1000
	}
	if cfg.Sweeps == 0 {
		cfg.Sweeps = 1
	}
	if cfg.Sigmas == 0 {
		cfg.Sigmas = 3
	}
	if cfg.Runs < 2 || cfg.Steps < 1 || cfg.Sweeps < 1 || !(cfg.Sigmas > 0) {
		return fmt.Errorf("rbm: AIS: runs %d (>= 2), steps %d (>= 1), sweeps %d (>= 1), sigmas %v (> 0)",
			cfg.Runs, cfg.Steps, cfg.Sweeps, cfg.Sigmas)
	}
	return nil
}

// AIS estimates ln Z (the normaliser of exp(-F), as LogZ) by forward and
// reverse annealed importance sampling and returns the bracket. The visible
// layer must be discrete. ctx is checked every 100 temperatures.
func (r *RBM) AIS(ctx context.Context, cfg AISConfig) (*AISResult, error) {
	n, _ := r.Dims()
	if !r.Visible.Type.Discrete() {
		return nil, fmt.Errorf("rbm: AIS needs a discrete visible layer, have %s", r.Visible.Type)
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	off, on := r.Visible.Type.values()
	a0 := cfg.BaseBias
	if a0 == nil {
		a0 = make([]float64, n)
		if cfg.Data != nil {
			if _, cols := cfg.Data.Dims(); cols != n {
				return nil, fmt.Errorf("rbm: AIS: data has %d columns for %d visible units", cols, n)
			}
			independentBiases(a0, cfg.Data, r.Visible.Type)
		}
	}
	if len(a0) != n {
		return nil, fmt.Errorf("rbm: AIS: %d base biases for %d visible units", len(a0), n)
	}
	// ln Z_0 = sum_i ln(e^{a0 off} + e^{a0 on}).
	var lz0 float64
	for i := 0; i < n; i++ {
		lz0 += numeric.LogAddExp(a0[i]*off, a0[i]*on)
	}
	res := &AISResult{Runs: cfg.Runs, Steps: cfg.Steps, LogZBase: lz0, Upper: math.Inf(1), ReverseLogZ: math.NaN(), ReverseErr: math.NaN()}
	betas := make([]float64, cfg.Steps+1)
	for k := range betas {
		betas[k] = float64(k) / float64(cfg.Steps)
	}

	logw, err := r.forwardAIS(ctx, &cfg, a0, betas)
	if err != nil {
		return nil, err
	}
	lme, se, ess := logMeanExp(logw)
	res.LogZ, res.StdErr, res.ESS = lz0+lme, se, ess
	res.Lower = res.LogZ - cfg.Sigmas*se
	if cfg.SkipReverse {
		return res, nil
	}
	if logw, err = r.reverseAIS(ctx, &cfg, a0, betas); err != nil {
		return nil, err
	}
	lme, se, _ = logMeanExp(logw)
	res.ReverseLogZ, res.ReverseErr = lz0-lme, se
	res.Upper = res.ReverseLogZ + cfg.Sigmas*se
	return res, nil
}

// forwardAIS returns the log weights ln w of cfg.Runs chains started at exact
// samples of the base-rate model and walked from beta = 0 to 1.
func (r *RBM) forwardAIS(ctx context.Context, cfg *AISConfig, a0, betas []float64) ([]float64, error) {
	c := newAISChains(r, a0, cfg.Runs, rng.NewRand(cfg.Seed, rng.StreamAISForward))
	c.baseSample()
	logw := make([]float64, cfg.Runs)
	prev := make([]float64, cfg.Runs)
	for k := 1; k <= cfg.Steps; k++ {
		if k%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c.negFree(betas[k-1])
		copy(prev, c.negF)
		c.negFree(betas[k])
		for j := range logw {
			logw[j] += c.negF[j] - prev[j]
		}
		if k < cfg.Steps {
			for range cfg.Sweeps {
				c.sweep(betas[k])
			}
		}
	}
	return logw, nil
}

// reverseAIS equilibrates cfg.Runs chains of the RBM (cfg.BurnIn sweeps,
// started at the data or the base rate), walks them from beta = 1 to 0 and
// returns their log weights ln w_rev, E[w_rev] = Z_0/Z.
func (r *RBM) reverseAIS(ctx context.Context, cfg *AISConfig, a0, betas []float64) ([]float64, error) {
	c := newAISChains(r, a0, cfg.Runs, rng.NewRand(cfg.Seed, rng.StreamAISReverse))
	if cfg.Data != nil {
		rows, _ := cfg.Data.Dims()
		for k := 0; k < cfg.Runs; k++ {
			c.v.SetRow(k, cfg.Data.RawRowView(k%rows))
		}
		c.computeT()
	} else {
		c.baseSample()
	}
	for s := 0; s < cfg.BurnIn; s++ {
		if s%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c.sweep(1)
	}
	logw := make([]float64, cfg.Runs)
	prev := make([]float64, cfg.Runs)
	for k := cfg.Steps; k >= 1; k-- {
		if k%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if k < cfg.Steps {
			for range cfg.Sweeps {
				c.sweep(betas[k])
			}
		}
		c.negFree(betas[k])
		copy(prev, c.negF)
		c.negFree(betas[k-1])
		// w_rev = prod p*_{k-1}(v_k)/p*_k(v_k); E[w_rev] = Z_0/Z.
		for j := range logw {
			logw[j] += c.negF[j] - prev[j]
		}
	}
	return logw, nil
}
