package rbm

import (
	"context"
	"math"

	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

// randomData returns rows x n random values of a discrete type.
func randomData(rows, n int, typ LayerType, seed uint64) *mat.Dense {
	rnd := rng.NewRand(seed, 77)
	off, on := typ.values()
	x := mat.NewDense(rows, n, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < n; j++ {
			if rnd.IntN(2) == 1 {
				x.Set(i, j, on)
			} else {
				x.Set(i, j, off)
			}
		}
	}
	return x
}

// newTestTrainer returns a trainer for direct calls of its gradient methods.
func newTestTrainer(r *RBM, cfg TrainConfig) *trainer {
	n, m := r.Dims()
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 64
	}
	if cfg.Chains == 0 {
		cfg.Chains = 1
	}
	t := &trainer{r: r, cfg: cfg, n: n, m: m}
	t.alloc()
	return t
}

// The pseudo-likelihood gradient equals the finite-difference derivative of
// PseudoLogLikelihood, for every visible/hidden type combination, weights,
// visible biases and hidden biases.
func TestPLGradientFiniteDifferences(t *testing.T) {
	for _, vis := range []LayerType{Spin, Bernoulli} {
		for _, hid := range []LayerType{Bernoulli, Spin, Gaussian} {
			r := expRandomRBM(t, 31, 5, 3, vis, hid, 0.5, 0.4)
			data := randomData(37, 5, vis, 3) // 37 rows: several parallel chunks, one partial
			tr := newTestTrainer(r, TrainConfig{})
			pl := tr.plGradient(data)
			ref, _ := r.PseudoLogLikelihood(data)
			if math.Abs(pl-ref) > 1e-12*math.Abs(ref) {
				t.Fatalf("%s/%s: PL from the gradient pass %v, PseudoLogLikelihood %v", vis, hid, pl, ref)
			}
			const h = 1e-6
			check := func(what string, p *float64, g float64) {
				t.Helper()
				old := *p
				*p = old + h
				up, _ := r.PseudoLogLikelihood(data)
				*p = old - h
				dn, _ := r.PseudoLogLikelihood(data)
				*p = old
				fd := (up - dn) / (2 * h)
				if math.Abs(fd-g) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s/%s: d PL/d %s = %v, finite difference %v", vis, hid, what, g, fd)
				}
			}
			w := r.W.RawMatrix()
			for i := 0; i < 5; i++ {
				for mu := 0; mu < 3; mu++ {
					check("W", &w.Data[i*w.Stride+mu], tr.gW.At(i, mu))
				}
				check("a", &r.Visible.Bias[i], tr.ga[i])
			}
			for mu := 0; mu < 3; mu++ {
				check("b", &r.Hidden.Bias[mu], tr.gb[mu])
			}
		}
	}
}

// The exact-method gradient (one pass over the table of all states) equals
// ExactGradient (the trainer's weighted gradient with the model term from
// LogProbTable): two independent computations of the same quantity.
func TestExactMethodGradient(t *testing.T) {
	for _, hid := range []LayerType{Bernoulli, Spin, Gaussian} {
		r := expRandomRBM(t, 41, 6, 4, Spin, hid, 0.5, 0.3)
		data := randomData(50, 6, Spin, 4)
		gW, ga, gb, err := ExactGradient(r, data)
		if err != nil {
			t.Fatal(err)
		}
		tr := newTestTrainer(r, TrainConfig{Method: Exact})
		tr.exact = newExactState(Spin, 6, 4, data)
		ll := tr.exactGradient()
		if d := math.Abs(ll - meanLL(t, r, data)); d > 1e-12 {
			t.Errorf("%s: log-likelihood %v, exact %v", hid, ll, meanLL(t, r, data))
		}
		var d mat.Dense
		d.Sub(tr.gW, gW)
		if mat.Norm(&d, math.Inf(1)) > 1e-12 {
			t.Errorf("%s: gW differs by %g", hid, mat.Norm(&d, math.Inf(1)))
		}
		for i := range ga {
			if math.Abs(tr.ga[i]-ga[i]) > 1e-12 {
				t.Errorf("%s: ga[%d] = %v, want %v", hid, i, tr.ga[i], ga[i])
			}
		}
		for mu := range gb {
			if math.Abs(tr.gb[mu]-gb[mu]) > 1e-12 {
				t.Errorf("%s: gb[%d] = %v, want %v", hid, mu, tr.gb[mu], gb[mu])
			}
		}
	}
}

// Coupling space: the pairwise objective equals the RBM's pseudo-likelihood
// after setCouplings, W Sigma^2 W^T reproduces J off the diagonal, and the
// gradient in J matches finite differences.
func TestPairwiseCouplingSpace(t *testing.T) {
	n := 6
	rnd := rng.NewRand(5, 5)
	j := mat.NewDense(n, n, nil)
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			v := 0.6 * rnd.NormFloat64()
			j.Set(a, b, v)
			j.Set(b, a, v)
		}
	}
	hid := Layer{Type: Gaussian, Bias: make([]float64, n+1), Sigma: make([]float64, n+1)}
	for mu := range hid.Sigma {
		hid.Sigma[mu] = 0.5 + 0.25*float64(mu)
	}
	r, err := New(Layer{Type: Spin, Bias: []float64{0.1, -0.2, 0.3, 0, 0.05, -0.4}}, hid, mat.NewDense(n, n+1, nil))
	if err != nil {
		t.Fatal(err)
	}
	c, err := setCouplings(r, j)
	if err != nil {
		t.Fatal(err)
	}
	back := couplingsOf(r)
	var d mat.Dense
	d.Sub(back, j)
	if e := mat.Norm(&d, math.Inf(1)); e > 1e-12 || !(c > 0) {
		t.Fatalf("couplings round trip off by %g (shift %v)", e, c)
	}
	data := randomData(40, n, Spin, 6)
	p := &pairwiseState{n: n, z: mat.NewDense(40, n, nil), g: mat.NewDense(n, n, nil), sums: make([]float64, 3), ga: [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}}
	g, ga := mat.NewDense(n, n, nil), make([]float64, n)
	obj := p.objective(data, j, r.Visible.Bias, g, ga) / 40
	pl, _ := r.PseudoLogLikelihood(data)
	if math.Abs(obj-pl) > 1e-12*math.Abs(pl) {
		t.Fatalf("pairwise objective %v, RBM pseudo-likelihood %v", obj, pl)
	}
	const h = 1e-6
	at := func(jj *mat.Dense, a []float64) float64 {
		return p.objective(data, jj, a, mat.NewDense(n, n, nil), make([]float64, n))
	}
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			jp, jm := mat.DenseCopyOf(j), mat.DenseCopyOf(j)
			jp.Set(a, b, j.At(a, b)+h)
			jp.Set(b, a, j.At(a, b)+h)
			jm.Set(a, b, j.At(a, b)-h)
			jm.Set(b, a, j.At(a, b)-h)
			fd := (at(jp, r.Visible.Bias) - at(jm, r.Visible.Bias)) / (2 * h)
			if math.Abs(fd-g.At(a, b)) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("dPL/dJ[%d,%d] = %v, finite difference %v", a, b, g.At(a, b), fd)
			}
		}
		ap, am := append([]float64(nil), r.Visible.Bias...), append([]float64(nil), r.Visible.Bias...)
		ap[a] += h
		am[a] -= h
		if fd := (at(j, ap) - at(j, am)) / (2 * h); math.Abs(fd-ga[a]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("dPL/da[%d] = %v, finite difference %v", a, ga[a], fd)
		}
	}
}

// The penalties pull the weights towards zero: the penalty gradient has the
// opposite sign of the weight, L1 by lambda1 and L2 by lambda2 times the
// weight; and training a model on uninformative data with a strong L2
// penalty shrinks its weights.
func TestPenaltySign(t *testing.T) {
	r := expRandomRBM(t, 51, 3, 2, Spin, Spin, 0.5, 0)
	tr := newTestTrainer(r, TrainConfig{L1: 0.01, L2: 0.1})
	tr.gW.Zero()
	pen := tr.penalize()
	var want float64
	for i := 0; i < 3; i++ {
		for mu := 0; mu < 2; mu++ {
			w := r.W.At(i, mu)
			g := -(0.1*w + 0.01*math.Copysign(1, w))
			if math.Abs(tr.gW.At(i, mu)-g) > 1e-15 {
				t.Errorf("penalty gradient at W[%d,%d] = %v: want %v (pulls towards zero)", i, mu, tr.gW.At(i, mu), g)
			}
			want += 0.01*math.Abs(w) + 0.05*w*w
		}
	}
	if math.Abs(pen-want) > 1e-15 {
		t.Errorf("penalty value %v, want %v", pen, want)
	}
	// End to end: weights of 2 shrink under a strong L2 penalty.
	w := mat.NewDense(4, 2, []float64{2, 2, 2, 2, 2, 2, 2, 2})
	big, _ := New(Layer{Type: Spin, Bias: make([]float64, 4)}, Layer{Type: Spin, Bias: make([]float64, 2)}, w)
	data := randomData(200, 4, Spin, 8)
	if _, err := Train(context.Background(), big, data, TrainConfig{Method: PL, L2: 1, Epochs: 20, LearningRate: 0.05, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if mat.Max(big.W) > 1.5 {
		t.Errorf("weights after L2 training: max %v, want < 1.5 (started at 2)", mat.Max(big.W))
	}
}

// One and two Adam steps from zero moments, and SGD with momentum, against
// the formulas of Kingma and Ba (bias-corrected first and second moments)
// and classical momentum.
func TestOptimizerSteps(t *testing.T) {
	lr := 0.1
	g1, g2 := 0.3, -0.7
	step := func(opt Optimizer, mom float64, grads ...float64) float64 {
		r := expRandomRBM(t, 61, 1, 1, Spin, Spin, 0, 0)
		r.W.Set(0, 0, 0)
		tr := newTestTrainer(r, TrainConfig{Optimizer: opt, Momentum: mom, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8})
		for _, g := range grads {
			tr.gW.Set(0, 0, g)
			tr.ga[0], tr.gb[0] = 0, 0
			tr.step++
			tr.apply(lr)
		}
		return r.W.At(0, 0)
	}
	// Adam, first step: m = (1-b1) g, v = (1-b2) g^2; corrected m/(1-b1) = g, v/(1-b2) = g^2.
	want1 := lr * g1 / (math.Abs(g1) + 1e-8)
	if got := step(Adam, 0, g1); math.Abs(got-want1) > 1e-15 {
		t.Errorf("Adam first step %v, want %v (bias correction)", got, want1)
	}
	m1, v1 := 0.1*g1, 0.001*g1*g1
	m2, v2 := 0.9*m1+0.1*g2, 0.999*v1+0.001*g2*g2
	want2 := want1 + lr*(m2/(1-0.81))/(math.Sqrt(v2/(1-0.999*0.999))+1e-8)
	if got := step(Adam, 0, g1, g2); math.Abs(got-want2) > 1e-15 {
		t.Errorf("Adam two steps %v, want %v", got, want2)
	}
	wantM := lr*g1 + (0.5*lr*g1 + lr*g2)
	if got := step(SGD, 0.5, g1, g2); math.Abs(got-wantM) > 1e-15 {
		t.Errorf("SGD with momentum %v, want %v", got, wantM)
	}
}

// AIS is unbiased for Z at any number of intermediate temperatures: with
// only 3 of them and many chains, the forward estimate agrees with the exact
// ln Z within its error bar, and the error bar itself is small. Dropping the
// base-rate ln Z_0, or a transition at the wrong temperature, breaks this.
func TestAISUnbiasedFewSteps(t *testing.T) {
	for _, hid := range []LayerType{Bernoulli, Gaussian} {
		r := expRandomRBM(t, 71, 8, 5, Spin, hid, 0.5, 0.3)
		exact, err := r.LogZ()
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.AIS(context.Background(), AISConfig{Runs: 40000, Steps: 3, Seed: 9, SkipReverse: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.StdErr > 0.02 || !(res.StdErr > 0) {
			t.Fatalf("%s: AIS standard error %v: want (0, 0.02] for the test to have power", hid, res.StdErr)
		}
		if d := math.Abs(res.LogZ - exact); d > 4*res.StdErr {
			t.Errorf("%s: AIS ln Z %v ± %v with 3 steps, exact %v (%.1f sigma)", hid, res.LogZ, res.StdErr, exact, d/res.StdErr)
		}
	}
}

// The default training of 'rbm train' (AutoPlan) on exact samples of the
// 3x3 torus at beta = 0.4: exact-likelihood training with gaussian hidden
// units reaches KL(p_Ising || p_RBM) < 0.01 nats, and so does training with
// spin hidden units.
func TestAutoTrainSmallTorus(t *testing.T) {
	m := torus3x3(t)
	data, lp := exactIsingSamples(t, m, 0.4, 20000, 3)
	for _, ht := range []*LayerType{nil, ptr(Spin)} {
		p, err := AutoPlan(data, Options{Hidden: 18, HiddenType: ht})
		if err != nil {
			t.Fatal(err)
		}
		if p.Config.Method != Exact || !p.Config.Symmetric || p.Visible != Spin || p.Init.Identity != 1 {
			t.Fatalf("plan %+v", p)
		}
		r, err := InitRBMWith(9, 18, p.Visible, p.Hidden, data, Init{Identity: p.Init.Identity, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		train, val := SplitValidation(data, p.ValidationRows, 1)
		cfg := p.Config
		cfg.Validation, cfg.Seed, cfg.Epochs = val, 2, 400
		if _, err := Train(context.Background(), r, train, cfg); err != nil {
			t.Fatal(err)
		}
		lq, _, err := r.LogProbTable()
		if err != nil {
			t.Fatal(err)
		}
		if kl := KLDivergence(lp, lq); kl > 0.01 {
			t.Errorf("hidden %s: KL %v after exact training, want < 0.01", r.Hidden.Type, kl)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Pseudo-likelihood in coupling space on exact samples of a 4x4 torus at
// T_c recovers the couplings (nearest neighbours K, all others 0) within
// their statistical error, and the trained RBM's exact energy and <|m|>
// agree with the Ising model's.
func TestPairwisePLRecoversTorus(t *testing.T) {
	m, err := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	beta := transfer.KCritical
	data, lp := exactIsingSamples(t, m, beta, 40000, 7)
	p, err := AutoPlan(data, Options{Hidden: 16, Method: ptr(PL)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Config.Optimizer != LBFGS || p.ValidationRows != 0 || p.Hidden != Gaussian {
		t.Fatalf("plan: %+v", p)
	}
	r, _ := InitRBMWith(16, 16, Spin, Gaussian, data, Init{Identity: 1, Seed: 1})
	cfg := p.Config
	cfg.Seed = 1
	if _, err := Train(context.Background(), r, data, cfg); err != nil {
		t.Fatal(err)
	}
	j := couplingsOf(r)
	for _, b := range m.BondList() {
		// Both bonds of a pair are listed once each here (L = 4 > 2).
		if d := j.At(b.I, b.J) - beta; math.Abs(d) > 0.03 {
			t.Errorf("J[%d,%d] = %v, want K = %v", b.I, b.J, j.At(b.I, b.J), beta)
		}
	}
	if far := j.At(0, 10); math.Abs(far) > 0.03 { // (0,0)-(2,2)
		t.Errorf("J[0,10] = %v, want 0", far)
	}
	lq, _, _ := r.LogProbTable()
	if kl := KLDivergence(lp, lq); kl > 0.01 {
		t.Errorf("KL %v, want < 0.01", kl)
	}
}
