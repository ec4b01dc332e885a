package rbm

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/rng"
)

// randomRBM returns an RBM with random biases, widths and weights.
func randomRBM(t *testing.T, vt, ht LayerType, n, m int, seed uint64) *RBM {
	t.Helper()
	rnd := rng.NewRand(seed, 7)
	mk := func(tp LayerType, k int) Layer {
		l := Layer{Type: tp, Bias: make([]float64, k)}
		for i := range l.Bias {
			l.Bias[i] = rnd.NormFloat64() * 0.7
		}
		if tp == Gaussian {
			l.Sigma = make([]float64, k)
			for i := range l.Sigma {
				l.Sigma[i] = 0.3 + 0.5*rnd.Float64()
			}
		}
		return l
	}
	w := mat.NewDense(n, m, nil)
	for i := range n {
		for j := range m {
			w.Set(i, j, rnd.NormFloat64()*0.5)
		}
	}
	r, err := New(mk(vt, n), mk(ht, m), w)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// states returns the discrete values of state k of an n-unit layer.
func states(tp LayerType, n int, k uint64) []float64 {
	off, on := tp.values()
	v := make([]float64, n)
	for i := range v {
		v[i] = off
		if k>>uint(i)&1 == 1 {
			v[i] = on
		}
	}
	return v
}

// bruteLogZJoint sums exp(-E) over both discrete layers.
func bruteLogZJoint(r *RBM) float64 {
	n, m := r.Dims()
	var terms []float64
	for kv := uint64(0); kv < 1<<uint(n); kv++ {
		v := states(r.Visible.Type, n, kv)
		for kh := uint64(0); kh < 1<<uint(m); kh++ {
			terms = append(terms, -r.Energy(v, states(r.Hidden.Type, m, kh)))
		}
	}
	return numeric.LogSumExp(terms)
}

func TestLogZDiscreteBruteForce(t *testing.T) {
	for _, vt := range []LayerType{Bernoulli, Spin} {
		for _, ht := range []LayerType{Bernoulli, Spin} {
			for _, nm := range [][2]int{{3, 5}, {6, 2}, {4, 4}} {
				r := randomRBM(t, vt, ht, nm[0], nm[1], uint64(nm[0]*10+nm[1]))
				want := bruteLogZJoint(r)
				got, err := r.LogZJoint()
				if err != nil {
					t.Fatal(err)
				}
				if d := numeric.RelDiff(got, want); d > 1e-12 {
					t.Errorf("%v/%v %v: LogZJoint %v, brute force %v (rel %g)", vt, ht, nm, got, want, d)
				}
				lz, _ := r.LogZ()
				if d := math.Abs(lz + sumLogNorm(&r.Hidden) - got); d > 1e-12*math.Abs(got)+1e-13 {
					t.Errorf("LogZ + hidden lognorm != LogZJoint: %g", d)
				}
				// FreeEnergy is -ln sum_h exp(-E(v,h)) up to sum LogNorm(hidden).
				tab, lz2, err := r.LogProbTable()
				if err != nil {
					t.Fatal(err)
				}
				if numeric.RelDiff(lz, lz2) > 1e-12 {
					t.Errorf("LogZ %v vs table %v", lz, lz2)
				}
				var ps []float64
				for kv := uint64(0); kv < 1<<uint(nm[0]); kv++ {
					v := states(vt, nm[0], kv)
					var terms []float64
					for kh := uint64(0); kh < 1<<uint(nm[1]); kh++ {
						terms = append(terms, -r.Energy(v, states(ht, nm[1], kh)))
					}
					lp := numeric.LogSumExp(terms) - want
					ps = append(ps, lp)
					if d := math.Abs(lp - tab[kv]); d > 1e-12 {
						t.Errorf("%v/%v state %d: log p %v, table %v", vt, ht, kv, lp, tab[kv])
					}
					f := r.FreeEnergy(v)
					if d := math.Abs(-f + sumLogNorm(&r.Hidden) - numeric.LogSumExp(terms)); d > 1e-12 {
						t.Errorf("FreeEnergy mismatch %g", d)
					}
				}
				if d := math.Abs(numeric.LogSumExp(ps)); d > 1e-12 {
					t.Errorf("probabilities sum to exp(%g)", d)
				}
			}
		}
	}
}

// TestLogZGaussian checks both enumeration directions against each other and
// against numerical integration on a single Gaussian unit.
func TestLogZGaussian(t *testing.T) {
	// Gaussian hidden: enumerate visible. Gaussian visible: enumerate hidden.
	for _, c := range []struct{ vt, ht LayerType }{{Spin, Gaussian}, {Bernoulli, Gaussian}, {Gaussian, Spin}, {Gaussian, Bernoulli}} {
		r := randomRBM(t, c.vt, c.ht, 2, 1, 3)
		if c.vt == Gaussian {
			r = randomRBM(t, c.vt, c.ht, 1, 2, 3)
		}
		got, err := r.LogZJoint()
		if err != nil {
			t.Fatal(err)
		}
		// Trapezoid integral over the single Gaussian unit, sum over the other layer.
		var terms []float64
		n, m := r.Dims()
		nd := n
		if c.vt == Gaussian {
			nd = m
		}
		const lo, hi, steps = -30.0, 30.0, 600000
		dx := (hi - lo) / steps
		for k := uint64(0); k < 1<<uint(nd); k++ {
			d := states(map[bool]LayerType{true: c.ht, false: c.vt}[c.vt == Gaussian], nd, k)
			var s float64
			for j := 0; j <= steps; j++ {
				x := lo + float64(j)*dx
				var e float64
				if c.vt == Gaussian {
					e = r.Energy([]float64{x}, d)
				} else {
					e = r.Energy(d, []float64{x})
				}
				wt := 1.0
				if j == 0 || j == steps {
					wt = 0.5
				}
				s += wt * math.Exp(-e)
			}
			terms = append(terms, math.Log(s*dx))
		}
		want := numeric.LogSumExp(terms)
		if d := numeric.RelDiff(got, want); d > 1e-9 {
			t.Errorf("%v/%v: LogZJoint %v, quadrature %v (rel %g)", c.vt, c.ht, got, want, d)
		}
	}
}

// TestLogZDirections: spin/Bernoulli both discrete, enumerating either layer agrees.
func TestLogZDirections(t *testing.T) {
	r := randomRBM(t, Spin, Bernoulli, 5, 7, 11)
	a, _ := r.LogZJoint()
	rt := &RBM{Visible: r.Hidden, Hidden: r.Visible, W: mat.DenseCopyOf(r.W.T())}
	b, _ := rt.LogZJoint()
	if numeric.RelDiff(a, b) > 1e-12 {
		t.Errorf("LogZJoint %v vs transposed %v", a, b)
	}
}

// TestConditionalsMatchJoint checks every conditional sampler against ratios
// of exact joint probabilities exp(-E(v,h)), by estimating P(unit = on) (or
// the Gaussian mean and variance) from many draws, and the closed form Mean
// against the exact ratio.
func TestConditionalsMatchJoint(t *testing.T) {
	for _, vt := range []LayerType{Bernoulli, Spin, Gaussian} {
		for _, ht := range []LayerType{Bernoulli, Spin, Gaussian} {
			r := randomRBM(t, vt, ht, 3, 4, 5)
			rnd := rng.NewRand(1, 2)
			v := []float64{1, 0, 1}
			if vt == Spin {
				v = []float64{1, -1, 1}
			}
			if vt == Gaussian {
				v = []float64{0.3, -0.7, 1.1}
			}
			h := []float64{0, 1, 1, 0}
			if ht == Spin {
				h = []float64{-1, 1, 1, -1}
			}
			if ht == Gaussian {
				h = []float64{0.2, -0.4, 0.9, 0.1}
			}
			check := func(name string, l *Layer, unit int, set func(float64) float64, mean func() float64, draw func() float64) {
				// exact conditional from the joint
				if l.Type.Discrete() {
					off, on := l.Type.values()
					eOn, eOff := set(on), set(off)
					pOn := 1 / (1 + math.Exp(eOn-eOff))
					want := off + (on-off)*pOn
					if d := math.Abs(mean() - want); d > 1e-12 {
						t.Errorf("%v/%v %s unit %d: Mean %v, joint ratio %v", vt, ht, name, unit, mean(), want)
					}
					const n = 40000
					c := 0
					for range n {
						if draw() == on {
							c++
						}
					}
					se := math.Sqrt(pOn * (1 - pOn) / n)
					if math.Abs(float64(c)/n-pOn) > 5*se+1e-9 {
						t.Errorf("%v/%v %s unit %d: sampled P(on) %v, joint %v (5 sigma %v)", vt, ht, name, unit, float64(c)/n, pOn, 5*se)
					}
					return
				}
				// Gaussian: -E is quadratic in x; read its curvature and peak from three points.
				e0, e1, em := set(0), set(1), set(-1)
				curv := (e1 + em - 2*e0) // = 1/sigma^2
				lin := (e1 - em) / 2     // = -mean/sigma^2
				mu := -lin / curv
				sig2 := 1 / curv
				if math.Abs(mean()-mu) > 1e-9 {
					t.Errorf("%v/%v %s unit %d: Mean %v, joint %v", vt, ht, name, unit, mean(), mu)
				}
				const n = 40000
				var s, s2 float64
				for range n {
					x := draw()
					s += x
					s2 += x * x
				}
				m := s / n
				vr := s2/n - m*m
				if math.Abs(m-mu) > 5*math.Sqrt(sig2/n) {
					t.Errorf("%v/%v %s unit %d: sampled mean %v, joint %v", vt, ht, name, unit, m, mu)
				}
				if math.Abs(vr-sig2) > 5*sig2*math.Sqrt(2.0/n) {
					t.Errorf("%v/%v %s unit %d: sampled var %v, joint %v", vt, ht, name, unit, vr, sig2)
				}
			}
			vm := mat.NewDense(1, 3, v)
			hm := mat.NewDense(1, 4, h)
			for mu := range 4 {
				hh := append([]float64(nil), h...)
				set := func(x float64) float64 { hh[mu] = x; return r.Energy(v, hh) }
				dst := mat.NewDense(1, 4, nil)
				mean := func() float64 { r.HiddenMean(dst, vm); return dst.At(0, mu) }
				draw := func() float64 { r.SampleHidden(dst, vm, rnd); return dst.At(0, mu) }
				check("hidden", &r.Hidden, mu, set, mean, draw)
			}
			for i := range 3 {
				vv := append([]float64(nil), v...)
				set := func(x float64) float64 { vv[i] = x; return r.Energy(vv, h) }
				dst := mat.NewDense(1, 3, nil)
				mean := func() float64 { r.VisibleMean(dst, hm); return dst.At(0, i) }
				draw := func() float64 { r.SampleVisible(dst, hm, rnd); return dst.At(0, i) }
				check("visible", &r.Visible, i, set, mean, draw)
			}
		}
	}
}

func TestCGF(t *testing.T) {
	// K(t) = ln E_q[e^{t x}] by direct sum for discrete layers, K(0) = 0.
	for _, tp := range []LayerType{Bernoulli, Spin} {
		l := Layer{Type: tp, Bias: []float64{0.37, -800, 800}}
		off, on := tp.values()
		for mu := range 1 {
			for _, x := range []float64{-3, 0, 0.5, 10} {
				b := l.Bias[mu]
				want := math.Log((math.Exp(b*on+x*on) + math.Exp(b*off+x*off)) / (math.Exp(b*on) + math.Exp(b*off)))
				if d := math.Abs(l.CGF(mu, x) - want); d > 1e-14*math.Max(1, math.Abs(want)) {
					t.Errorf("%v CGF(%v) = %v, want %v", tp, x, l.CGF(mu, x), want)
				}
			}
		}
		for mu := 1; mu < 3; mu++ {
			if v := l.CGF(mu, 5); math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%v CGF with huge bias not finite: %v", tp, v)
			}
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, c := range []struct{ vt, ht LayerType }{{Spin, Gaussian}, {Bernoulli, Bernoulli}, {Gaussian, Spin}} {
		r := randomRBM(t, c.vt, c.ht, 4, 3, 9)
		var buf bytes.Buffer
		if err := r.Write(&buf); err != nil {
			t.Fatal(err)
		}
		r2, err := Read(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		if !mat.Equal(r.W, r2.W) || r2.Visible.Type != c.vt || r2.Hidden.Type != c.ht {
			t.Errorf("round trip changed the model")
		}
		for i := range r.Visible.Bias {
			if r.Visible.Bias[i] != r2.Visible.Bias[i] {
				t.Errorf("bias changed")
			}
		}
		if len(r.Hidden.Sigma) != len(r2.Hidden.Sigma) {
			t.Errorf("sigma changed")
		}
	}
}

func TestReadErrors(t *testing.T) {
	good := `{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2]]}`
	if _, err := Read(strings.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{`{"visible": {"type": "spin", "bias": [0, 0]}`, "unexpected EOF"},
		{`not json`, "invalid character"},
		{good + `{}`, "trailing data"},
		{`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2], [3]]}`, "weights has 3 rows: need one per visible unit (2)"},
		{`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1, 2], [2]]}`, "weights[0] has 2 entries: need one per hidden unit (1)"},
		{`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [0]}, "weights": [[1], [2]]}`, "hidden.sigma[0] = 0: must be finite and > 0"},
		{`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0]}, "weights": [[1], [2]]}`, "hidden.sigma has 0 entries for 1 units"},
		{`{"visible": {"type": "spin", "bias": [0, 0], "sigma": [1, 1]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2]]}`, "sigma is for gaussian layers only"},
		{`{"visible": {"type": "potts", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2]]}`, "allowed bernoulli, spin or gaussian"},
		{`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}}`, "weights missing"},
		{`{"hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2]]}`, `"visible" missing`},
		{`{"visible": {"type": "spin", "bias": []}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": []}`, "no units"},
		{`{"visible": {"type": "spin", "bias": [0, 0]}, "hidden": {"type": "gaussian", "bias": [0], "sigma": [1]}, "weights": [[1], [2]], "extra": 1}`, "unknown field"},
	} {
		_, err := Read(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Read(%s): error %v, want containing %q", c.in, err, c.want)
		}
	}
}

func TestLogZErrors(t *testing.T) {
	r := randomRBM(t, Gaussian, Gaussian, 2, 2, 1)
	if _, err := r.LogZ(); err == nil || !strings.Contains(err.Error(), "both layers are gaussian") {
		t.Errorf("gaussian-gaussian LogZ error: %v", err)
	}
	w := mat.NewDense(31, 1, nil)
	r2, err := New(Layer{Type: Spin, Bias: make([]float64, 31)}, Layer{Type: Gaussian, Bias: []float64{0}, Sigma: []float64{1}}, w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r2.LogZ(); err == nil || !strings.Contains(err.Error(), "at most 30") {
		t.Errorf("LogZ on 31 spins: %v", err)
	}
	if _, err := New(Layer{Type: Spin, Bias: []float64{0}}, Layer{Type: Spin, Bias: []float64{0}}, mat.NewDense(2, 1, nil)); err == nil || !strings.Contains(err.Error(), "need visible x hidden = 1 x 1") {
		t.Errorf("shape error: %v", err)
	}
}

// TestBernoulliVisible: the {0,1} RBM gives every state the same probability
// as the spin RBM, and the returned delta is ln Z' - ln Z.
func TestBernoulliVisible(t *testing.T) {
	for _, ht := range []LayerType{Bernoulli, Spin, Gaussian} {
		r := randomRBM(t, Spin, ht, 5, 3, 21)
		b, delta, err := r.BernoulliVisible()
		if err != nil {
			t.Fatal(err)
		}
		ts, lzs, _ := r.LogProbTable()
		tb, lzb, _ := b.LogProbTable()
		for k := range ts {
			if d := math.Abs(ts[k] - tb[k]); d > 1e-12 {
				t.Errorf("%v hidden: state %d: ln p spin %v, bernoulli %v", ht, k, ts[k], tb[k])
			}
			v := states(Bernoulli, 5, uint64(k))
			s := states(Spin, 5, uint64(k))
			if d := math.Abs(b.FreeEnergy(v) - (r.FreeEnergy(s) - delta)); d > 1e-12 {
				t.Errorf("%v hidden: F'(v) - F(s) + delta = %g", ht, d)
			}
		}
		if d := math.Abs(lzb - lzs - delta); d > 1e-12 {
			t.Errorf("%v hidden: ln Z' - ln Z = %v, delta %v", ht, lzb-lzs, delta)
		}
	}
	if _, _, err := randomRBM(t, Bernoulli, Spin, 2, 2, 1).BernoulliVisible(); err == nil {
		t.Error("BernoulliVisible of a bernoulli RBM: no error")
	}
}

// TestLogZWorkerIndependent: the parallel enumeration gives the same bits
// for any GOMAXPROCS.
func TestLogZWorkerIndependent(t *testing.T) {
	r := randomRBM(t, Spin, Gaussian, 16, 5, 8)
	old := runtime.GOMAXPROCS(1)
	a, _ := r.LogZ()
	ta, _, _ := r.LogProbTable()
	runtime.GOMAXPROCS(4)
	b, _ := r.LogZ()
	tb, _, _ := r.LogProbTable()
	runtime.GOMAXPROCS(old)
	if a != b {
		t.Errorf("LogZ with 1 and 4 workers: %v vs %v", a, b)
	}
	for k := range ta {
		if ta[k] != tb[k] {
			t.Fatalf("table entry %d differs: %v vs %v", k, ta[k], tb[k])
		}
	}
}
