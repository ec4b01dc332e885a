package rg

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/rbm"
)

// Stacked RBMs on Ising samples (P. Mehta and D. J. Schwab, "An exact mapping
// between the variational renormalization group and deep learning",
// arXiv:1410.3831): layer 1 is an RBM trained on the spin configurations,
// layer l+1 an RBM trained on the hidden activations of layer l. Mehta and
// Schwab trained a 1600-400-100-25 stack (binary units, contrastive
// divergence, L1 penalty) on 40x40 samples at T_c and found that the
// hidden units' receptive fields (layer 1: a column of W; deeper layers: the
// product of the weight matrices below) are local, and grow from layer to
// layer, like Kadanoff blocks. Stack builds that stack, ReceptiveFields and
// Gyration measure the locality, Flow the "RBM flow" of repeated
// reconstructions (S. Iso, S. Shiba and S. Yokoo, PRE 97, 053304 (2018)).

// StackUnits is the type of the hidden units of every layer of a stack.
type StackUnits int

// The hidden-unit types of a stack. The zero value is StackSpin.
const (
	// StackSpin: hidden units in {-1,+1}, Z2-symmetric training (zero
	// biases: p(v) = p(-v), as for the zero-field Ising samples). A
	// Bernoulli unit h = (sigma+1)/2 with free biases is the same model class
	// up to reparametrization; the symmetric constraint removes the biases
	// that a finite sample at T_c, whose magnetization flips sign between
	// samples, cannot determine well.
	StackSpin StackUnits = iota
	// StackBernoulli: hidden units in {0,1} with trained biases, as Mehta
	// and Schwab's binary units (deeper layers then have Bernoulli visible
	// units).
	StackBernoulli
)

// String returns "spin" or "bernoulli".
func (u StackUnits) String() string {
	switch u {
	case StackSpin:
		return "spin"
	case StackBernoulli:
		return "bernoulli"
	}
	return fmt.Sprintf("StackUnits(%d)", int(u))
}

// ParseStackUnits parses "spin" or "bernoulli".
func ParseStackUnits(s string) (StackUnits, error) {
	switch s {
	case "spin":
		return StackSpin, nil
	case "bernoulli", "binary":
		return StackBernoulli, nil
	}
	return 0, fmt.Errorf("hidden units %q: allowed spin or bernoulli", s)
}

func (u StackUnits) layerType() rbm.LayerType {
	if u == StackBernoulli {
		return rbm.Bernoulli
	}
	return rbm.Spin
}

// StackInput is what a layer above the first is trained on.
type StackInput int

// The inputs of the deeper layers. The zero value is StackSample.
const (
	// StackSample: one sample h ~ p(h | v) of the layer below per data row,
	// a configuration of discrete units, so that every layer is an RBM fitted
	// to samples of discrete units (pseudo-likelihood needs that).
	StackSample StackInput = iota
	// StackMean: the conditional means E[h | v] (in [-1,1] or [0,1]), as in
	// Hinton's deep-belief-network code; with the contrastive-divergence
	// methods only (pseudo-likelihood is not defined for fractional units).
	StackMean
)

// String returns "sample" or "mean".
func (s StackInput) String() string {
	switch s {
	case StackSample:
		return "sample"
	case StackMean:
		return "mean"
	}
	return fmt.Sprintf("StackInput(%d)", int(s))
}

// ParseStackInput parses "sample" or "mean".
func ParseStackInput(s string) (StackInput, error) {
	switch s {
	case "sample":
		return StackSample, nil
	case "mean":
		return StackMean, nil
	}
	return 0, fmt.Errorf("layer input %q: allowed sample or mean", s)
}

// StackConfig configures Stack. Every zero value is the documented default.
type StackConfig struct {
	// Lx, Ly are the sides of the periodic lattice of the data (site
	// x + Lx*y); zero: a square lattice, Lx = Ly = sqrt(N). Lx*Ly must be N.
	Lx, Ly int
	// Layers holds the number of hidden units of each layer; nil:
	// [N/4, N/16] (Mehta and Schwab's 1600-400-100 ratios), each at least 1.
	Layers []int
	// Units is the hidden-unit type of every layer; zero: StackSpin.
	Units StackUnits
	// Input is what the layers above the first are trained on; zero:
	// StackSample.
	Input StackInput
	// Method is rbm.Train's estimator: "cd" (CD-1, plain SGD with momentum
	// 0.5, batch 100, as Mehta and Schwab; the zero value ""), "pcd" or "pl"
	// (pseudo-likelihood, ScaledSGD, batch 500). Measured on 5000 Wolff
	// samples of the 16x16 torus at T_c, 64 spin hidden units: CD-1, 30
	// epochs: 4 s, pseudo-log-likelihood per spin -0.291 (independent spins
	// -0.693); PCD-1: 6 s, -0.326; PL, 20 epochs: 96 s and -1.35, worse than
	// independent spins (the scaled gradient of 'rbm train' is tuned for
	// Gaussian hidden units).
	Method string
	// Epochs per layer; zero: 30.
	Epochs int
	// LearningRate; zero: 0.01 (0.005 for pl).
	LearningRate float64
	// L1 penalty lambda |W|_1 on the weights; zero: 0.02; negative: none.
	// Mehta and Schwab trained with an L1 penalty, and the locality of the
	// receptive fields comes largely from it (same data, CD-1: radius of
	// gyration / random weights 0.91 without a penalty, 0.86 at 1e-3, 0.59
	// at 0.01, 0.40 at 0.02, with the pseudo-log-likelihood unchanged within
	// 0.01; with the lattice sites permuted, 0.86 at 0.02: sparsity alone is
	// not locality).
	L1 float64
	// Seed of the training (every layer gets its own stream) and of the
	// layer-input samples.
	Seed uint64
	// Log, if not nil, receives a line per trained layer.
	Log func(string)

	method rbm.Method
}

// StackLayer is one trained layer of a stack.
type StackLayer struct {
	RBM *rbm.RBM
	// PseudoLogLik is the mean pseudo-log-likelihood per unit of the
	// layer's training data at the end (NaN for StackMean inputs).
	PseudoLogLik float64
	// Independent is the same for independent units with the data's
	// marginals: the gain PseudoLogLik - Independent is what the layer's
	// weights explain.
	Independent float64
	Seconds     float64
}

// StackResult is the result of Stack.
type StackResult struct {
	Lx, Ly       int
	Layers       []StackLayer
	Units        StackUnits
	Input        StackInput
	Method       rbm.Method
	Optimizer    rbm.Optimizer
	Epochs       int
	LearningRate float64
	L1           float64
}

// RBMs returns the trained RBMs, bottom first.
func (s *StackResult) RBMs() []*rbm.RBM {
	out := make([]*rbm.RBM, len(s.Layers))
	for i, l := range s.Layers {
		out[i] = l.RBM
	}
	return out
}

// Stream ids of the stack's random sources.
const (
	streamStackTrain  uint64 = 0x73747472 // "sttr"
	streamStackSample uint64 = 0x73747361 // "stsa"
)

// MaxStackLayers bounds the depth of a stack.
const MaxStackLayers = 8

func (c *StackConfig) defaults(n int) error {
	if c.Lx == 0 && c.Ly == 0 {
		l := int(math.Round(math.Sqrt(float64(n))))
		c.Lx, c.Ly = l, l
	}
	if c.Lx < 1 || c.Ly < 1 || c.Lx*c.Ly != n {
		return fmt.Errorf("rg: stack: lattice %dx%d for %d visible units: need Lx*Ly = N", c.Lx, c.Ly, n)
	}
	if c.Layers == nil {
		c.Layers = []int{max(1, n/4), max(1, n/16)}
	}
	if len(c.Layers) < 1 || len(c.Layers) > MaxStackLayers {
		return fmt.Errorf("rg: stack: %d layers: allowed 1..%d", len(c.Layers), MaxStackLayers)
	}
	for i, m := range c.Layers {
		if m < 1 || m > 1<<16 {
			return fmt.Errorf("rg: stack: layer %d has %d hidden units: allowed 1..65536", i+1, m)
		}
	}
	if c.Units != StackSpin && c.Units != StackBernoulli {
		return fmt.Errorf("rg: stack: hidden units %d: allowed spin or bernoulli", int(c.Units))
	}
	if c.Input != StackSample && c.Input != StackMean {
		return fmt.Errorf("rg: stack: layer input %d: allowed sample or mean", int(c.Input))
	}
	if c.Method == "" {
		c.Method = "cd"
	}
	var err error
	if c.method, err = rbm.ParseMethod(c.Method); err != nil || c.method == rbm.Exact {
		return fmt.Errorf("rg: stack: method %q: allowed pl, pcd or cd", c.Method)
	}
	if c.method == rbm.PL && c.Input == StackMean && len(c.Layers) > 1 {
		return fmt.Errorf("rg: stack: method pl with layer input mean: pseudo-likelihood needs discrete units (use sample, or cd/pcd)")
	}
	if c.Epochs == 0 {
		c.Epochs = 30
	}
	if c.Epochs < 1 || c.Epochs > 100000 {
		return fmt.Errorf("rg: stack: epochs = %d: allowed 1..100000", c.Epochs)
	}
	if c.LearningRate == 0 {
		c.LearningRate = 0.01
		if c.method == rbm.PL {
			c.LearningRate = 0.005
		}
	}
	if !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0) {
		return fmt.Errorf("rg: stack: learning rate %v: must be finite and > 0", c.LearningRate)
	}
	switch {
	case c.L1 == 0:
		c.L1 = 0.02
	case c.L1 < 0:
		c.L1 = 0
	}
	if math.IsNaN(c.L1) || math.IsInf(c.L1, 0) {
		return fmt.Errorf("rg: stack: l1 = %v: must be finite", c.L1)
	}
	return nil
}

// Stack trains a stack of RBMs on data (rows are samples of N spins ±1, or
// 0/1 values, read as s = 2v - 1; site x + Lx*y of the Lx x Ly lattice):
// layer 1 on the spins, layer l+1 on the hidden activations of layer l
// (cfg.Input). Each layer is an RBM with small random initial weights
// N(0, 0.01^2) (not the identity start of 'rbm train', which would tie
// hidden unit mu to site mu and make locality an artifact of the start),
// trained by rbm.Train with cfg.Method; with StackSpin both layers' biases
// are zero and fixed (Symmetric). The result is deterministic for cfg.Seed,
// whatever GOMAXPROCS.
func Stack(ctx context.Context, data *mat.Dense, cfg StackConfig) (*StackResult, error) {
	rows, n := data.Dims()
	if rows < 2 || n < 1 {
		return nil, fmt.Errorf("rg: stack: %d samples of %d units: need at least 2 samples", rows, n)
	}
	if err := cfg.defaults(n); err != nil {
		return nil, err
	}
	spins, err := rbm.ConvertData(data, n, rbm.Spin)
	if err != nil {
		return nil, fmt.Errorf("rg: stack: %w", err)
	}
	res := &StackResult{Lx: cfg.Lx, Ly: cfg.Ly, Units: cfg.Units, Input: cfg.Input, Method: cfg.method,
		Epochs: cfg.Epochs, LearningRate: cfg.LearningRate, L1: cfg.L1}
	res.Optimizer = rbm.SGD
	if cfg.method == rbm.PL {
		res.Optimizer = rbm.ScaledSGD
	}
	seeds := rng.NewRand(cfg.Seed, streamStackTrain)
	sampler := rng.NewRand(cfg.Seed, streamStackSample)
	vis := rbm.Spin
	in := spins
	hid := cfg.Units.layerType()
	for l, m := range cfg.Layers {
		start := time.Now()
		_, nin := in.Dims()
		r, err := rbm.InitRBMWith(nin, m, vis, hid, nil, rbm.Init{Seed: seeds.Uint64()})
		if err != nil {
			return nil, fmt.Errorf("rg: stack: layer %d: %w", l+1, err)
		}
		if cfg.Units == StackBernoulli && (l == 0 || cfg.Input == StackSample) {
			setIndependentBiases(r, in)
		}
		tc := rbm.TrainConfig{
			Method: cfg.method, Optimizer: res.Optimizer, Epochs: cfg.Epochs,
			LearningRate: cfg.LearningRate, L1: cfg.L1, Seed: seeds.Uint64(),
			Symmetric: cfg.Units == StackSpin,
		}
		switch cfg.method {
		case rbm.PL:
			tc.BatchSize, tc.Momentum, tc.LRDecay = 500, 0.9, 0.2
		default:
			tc.BatchSize, tc.Momentum = 100, 0.5
		}
		if _, err := rbm.Train(ctx, r, in, tc); err != nil {
			return nil, fmt.Errorf("rg: stack: layer %d (%d -> %d): %w", l+1, nin, m, err)
		}
		sl := StackLayer{RBM: r, PseudoLogLik: math.NaN(), Independent: math.NaN()}
		if l == 0 || cfg.Input == StackSample {
			if pl, err := r.PseudoLogLikelihood(in); err == nil {
				sl.PseudoLogLik = pl / float64(nin)
			}
			sl.Independent = independentPLL(in, vis) / float64(nin)
		}
		sl.Seconds = time.Since(start).Seconds()
		res.Layers = append(res.Layers, sl)
		if cfg.Log != nil {
			cfg.Log(fmt.Sprintf("layer %d: %d -> %d %s hidden units, %s, %d epochs, %.1f s; pseudo-log-likelihood per unit %.4f (independent units %.4f)",
				l+1, nin, m, cfg.Units, cfg.Method, cfg.Epochs, sl.Seconds, sl.PseudoLogLik, sl.Independent))
		}
		if l == len(cfg.Layers)-1 {
			break
		}
		next := mat.NewDense(rows, m, nil)
		if cfg.Input == StackMean {
			r.HiddenMean(next, in)
		} else {
			r.SampleHidden(next, in, sampler)
		}
		in, vis = next, hid
	}
	return res, nil
}

// setIndependentBiases sets the visible biases of r to those of independent
// units with the column means of data (Bernoulli stacks).
func setIndependentBiases(r *rbm.RBM, data *mat.Dense) {
	off, on := 0.0, 1.0
	if r.Visible.Type == rbm.Spin {
		off = -1
	}
	rows, n := data.Dims()
	for i := 0; i < n; i++ {
		var s float64
		for k := 0; k < rows; k++ {
			s += data.At(k, i)
		}
		p := (s/float64(rows) - off) / (on - off)
		p = math.Min(math.Max(p, 1e-3), 1-1e-3)
		r.Visible.Bias[i] = math.Log(p/(1-p)) / (on - off)
	}
}

// independentPLL is the mean (over rows) sum over units of ln p(v_i) for
// independent units with the data's marginals: the pseudo-log-likelihood of
// the best model without weights.
func independentPLL(data *mat.Dense, typ rbm.LayerType) float64 {
	rows, n := data.Dims()
	off := 0.0
	if typ == rbm.Spin {
		off = -1
	}
	var tot float64
	for i := 0; i < n; i++ {
		var on float64
		for k := 0; k < rows; k++ {
			if data.At(k, i) > (off+1)/2 {
				on++
			}
		}
		p := on / float64(rows)
		if p > 0 {
			tot += on * math.Log(p)
		}
		if p < 1 {
			tot += (float64(rows) - on) * math.Log(1-p)
		}
	}
	return tot / float64(rows)
}

// ReceptiveFields returns the effective weight maps of the hidden units of
// each layer on the visible lattice: layer 1 its weight matrix W1 (N x M1),
// layer l the product W1 W2 ... Wl (N x Ml), as Mehta and Schwab did. Column
// mu of fields[l] is the map of hidden unit mu of layer l+1.
func ReceptiveFields(rbms []*rbm.RBM) ([]*mat.Dense, error) {
	var out []*mat.Dense
	var prod *mat.Dense
	for l, r := range rbms {
		if prod == nil {
			prod = mat.DenseCopyOf(r.W)
		} else {
			_, pc := prod.Dims()
			if n, _ := r.Dims(); n != pc {
				return nil, fmt.Errorf("rg: receptive fields: layer %d has %d visible units, layer %d %d hidden units", l+1, n, l, pc)
			}
			var p mat.Dense
			p.Mul(prod, r.W)
			prod = &p
		}
		out = append(out, prod)
	}
	return out, nil
}

// Gyration returns the radius of gyration on the periodic lx x ly torus of
// the map |w| (site x + lx*y):
//
//	R_g = sqrt( min_c sum_i p_i d(i, c)^2 ),  p_i = |w_i| / sum_j |w_j|,
//
// with d the periodic (minimum-image) distance and the centre c ranging over
// the sites (a torus has no unique centre of mass). A map on one site has
// R_g = 0; a uniform map sqrt((lx^2 + ly^2)/12 + 1/6) for even sides
// (6.54 on 16x16). A zero map gives NaN.
func Gyration(w []float64, lx, ly int) float64 {
	if len(w) != lx*ly {
		panic(fmt.Sprintf("rg: Gyration: %d weights for a %dx%d lattice", len(w), lx, ly))
	}
	var tot float64
	for _, v := range w {
		tot += math.Abs(v)
	}
	if tot == 0 {
		return math.NaN()
	}
	// Per-axis second moments about each centre coordinate, from the
	// marginals of |w| along x and along y.
	px, py := make([]float64, lx), make([]float64, ly)
	for y := 0; y < ly; y++ {
		for x := 0; x < lx; x++ {
			a := math.Abs(w[x+lx*y]) / tot
			px[x] += a
			py[y] += a
		}
	}
	best := func(p []float64, l int) float64 {
		b := math.Inf(1)
		for c := 0; c < l; c++ {
			var s float64
			for x, q := range p {
				d := (x - c + l) % l
				if d > l-d {
					d = l - d
				}
				s += q * float64(d*d)
			}
			b = math.Min(b, s)
		}
		return b
	}
	// The sum over both axes separates: min over (cx, cy) is the sum of
	// the per-axis minima.
	return math.Sqrt(best(px, lx) + best(py, ly))
}

// Locality summarizes the radii of gyration of one layer's maps.
type Locality struct {
	Layer   int     `json:"layer"`
	Units   int     `json:"units"`
	Mean    float64 `json:"rg_mean"`   // mean R_g over the layer's hidden units
	SD      float64 `json:"rg_sd"`     // their standard deviation
	Random  float64 `json:"rg_random"` // mean R_g of maps of i.i.d. Gaussian weights (same lattice)
	RandSD  float64 `json:"rg_random_sd"`
	Uniform float64 `json:"rg_uniform"` // R_g of a uniform map
	// Ratio is Mean / Random: below 1 more local than random weights.
	Ratio float64 `json:"ratio"`
}

// LayerLocality returns the Locality of the columns of fields (N x M) on the
// lx x ly torus, with the random-weight reference from randomMaps maps of
// i.i.d. N(0,1) weights drawn from the seed.
func LayerLocality(layer int, fields *mat.Dense, lx, ly, randomMaps int, seed uint64) Locality {
	n, m := fields.Dims()
	loc := Locality{Layer: layer, Units: m}
	col := make([]float64, n)
	var rs []float64
	for mu := 0; mu < m; mu++ {
		mat.Col(col, mu, fields)
		if g := Gyration(col, lx, ly); !math.IsNaN(g) {
			rs = append(rs, g)
		}
	}
	loc.Mean, loc.SD = meanSD(rs)
	loc.Random, loc.RandSD = RandomGyration(lx, ly, randomMaps, seed)
	uni := make([]float64, n)
	for i := range uni {
		uni[i] = 1
	}
	loc.Uniform = Gyration(uni, lx, ly)
	loc.Ratio = loc.Mean / loc.Random
	return loc
}

// RandomGyration returns the mean and standard deviation of R_g over count
// maps of i.i.d. N(0,1) weights on the lx x ly torus.
func RandomGyration(lx, ly, count int, seed uint64) (mean, sd float64) {
	r := rng.NewRand(seed, 0x7267726e64) // "rgrnd"
	w := make([]float64, lx*ly)
	rs := make([]float64, count)
	for k := range rs {
		for i := range w {
			w[i] = r.NormFloat64()
		}
		rs[k] = Gyration(w, lx, ly)
	}
	return meanSD(rs)
}

func meanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

// Reconstruct replaces every row of v (B x N, in the visible encoding of r)
// by one reconstruction v -> h ~ p(h|v) -> v' ~ p(v|h), steps times; h is
// scratch (B x M, or empty). It is block Gibbs sampling of r: the
// distribution of the rows is left invariant exactly when it is r's visible
// marginal.
func Reconstruct(r *rbm.RBM, v, h *mat.Dense, steps int, rnd *rand.Rand) {
	r.Gibbs(v, h, steps, rnd)
}
