package rbm

import (
	"context"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/par"
)

// Pseudo-likelihood training (method PL) maximises
//
//	PL = (1/B) sum_v sum_i ln p(v_i | v_{-i}) = (1/B) sum_v sum_i ln sigmoid(x_i),
//	x_i = F(v^(i)) - F(v) = -a_i d_i + sum_mu [K_mu(t_mu) - K_mu(t_mu + d_i W_{i mu})],
//
// with t = v W, v^(i) = v with unit i flipped and d_i = v^(i)_i - v_i
// (Besag 1975). It needs no Monte Carlo: the gradient
//
//	dx_i/dW_{k mu} = v_k [K'(t_mu) - K'(t^(i)_mu)] - delta_{ki} d_i K'(t^(i)_mu),
//	dx_i/da_i = -d_i,   dx_i/db_mu = K'(t_mu) - K'(t^(i)_mu)  (divided by sigma^2
//	for Gaussian units, the convention of the likelihood gradient),
//
// weighted by sigmoid(-x_i), is exact for the minibatch. Pseudo-likelihood is
// a consistent estimator (it recovers the true parameters as the data grow
// when the model class contains the data's distribution) and, unlike the
// likelihood's Monte Carlo negative phase, its curvature is that of the
// local conditionals: it does not slow down near a critical point, where
// CD and PCD chains mix slowly and the likelihood's stiff "temperature"
// direction makes persistent chains lag and oscillate (Aurell and Ekeberg,
// PRL 108, 090201 (2012) for the inverse Ising problem; Marlin et al., AISTATS
// 2010 for RBMs). Cost O(B N M) transcendental functions per update.

// plChunk is the number of minibatch rows per parallel chunk.
const plChunk = 16

// plScratch is one worker's scratch space.
type plScratch struct {
	kp0, k0, s []float64 // per hidden unit: K'(t), K(t), sum_i w_i (K'(t) - K'(t^(i)))
	q          []float64 // N x M: K'(t^(i)_mu)
}

// plPartial is one chunk's share of the gradient.
type plPartial struct {
	gW     []float64 // N x M row-major
	ga, gb []float64
	pl     float64
}

// plWorkspace holds the per-chunk partial sums and per-worker scratch of
// plAccumulate, reused across calls.
type plWorkspace struct {
	parts []plPartial
	work  []plScratch
	tb    mat.Dense
}

// plAccumulate computes the pseudo-log-likelihood terms of the rows of vb:
// it returns their sum and, if grad, writes the sums of the gradient into
// gW (N x M, row-major raw data with stride), ga and gb (Gaussian hidden
// biases divided by sigma^2). The rows are cut into chunks of plChunk rows
// processed in parallel; the chunks' sums are combined in chunk order, so
// the result does not depend on GOMAXPROCS.
func plAccumulate(r *RBM, vb *mat.Dense, ws *plWorkspace, grad bool, gW *mat.Dense, ga, gb []float64) float64 {
	n, m := r.Dims()
	B, _ := vb.Dims()
	ws.tb.Reset()
	ws.tb.ReuseAs(B, m)
	r.hiddenInput(&ws.tb, vb)
	tb := &ws.tb
	nch := (B + plChunk - 1) / plChunk
	if len(ws.parts) < nch {
		ws.parts = append(ws.parts, make([]plPartial, nch-len(ws.parts))...)
	}
	workers := par.Workers(nch)
	if len(ws.work) < workers {
		ws.work = make([]plScratch, workers)
	}
	pm := newPLModel(r)
	par.Chunks(context.Background(), nch, func(w, c int) error {
		sc := &ws.work[w]
		if len(sc.q) != n*m {
			sc.kp0, sc.k0, sc.s, sc.q = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, n*m)
		}
		p := &ws.parts[c]
		if grad {
			if len(p.gW) != n*m {
				p.gW, p.ga, p.gb = make([]float64, n*m), make([]float64, n), make([]float64, m)
			}
			clear(p.gW)
			clear(p.ga)
			clear(p.gb)
		}
		p.pl = 0
		for row := c * plChunk; row < min(B, (c+1)*plChunk); row++ {
			sc.addRow(pm, p, vb.RawRowView(row), tb.RawRowView(row), grad)
		}
		return nil
	})
	var pl float64
	for c := 0; c < nch; c++ {
		pl += ws.parts[c].pl
	}
	if !grad {
		return pl
	}
	sumPartials(ws.parts[:nch], n, m, gW, ga, gb)
	r.Hidden.scaleBiasGrad(gb)
	return pl
}

// plModel is what addRow reads of the RBM, looked up once per call of
// plAccumulate.
type plModel struct {
	hu      unit      // hidden unit type: K and K' up to a constant (unit.km)
	hb, hs  []float64 // hidden biases and widths (zeros without widths)
	a       []float64 // visible biases
	off, on float64   // visible values
	wraw    blas64.General
}

func newPLModel(r *RBM) *plModel {
	off, on := r.Visible.Type.values()
	return &plModel{hu: r.Hidden.Type.unit(), hb: r.Hidden.Bias, hs: r.Hidden.widths(), a: r.Visible.Bias,
		off: off, on: on, wraw: r.W.RawMatrix()}
}

// addRow adds the pseudo-log-likelihood terms of one sample v, whose hidden
// inputs are tr, to p.pl and, if grad, their gradient to p.
func (sc *plScratch) addRow(pm *plModel, p *plPartial, v, tr []float64, grad bool) {
	m := len(tr)
	hu, hb, hs, off, on, wraw := pm.hu, pm.hb, pm.hs, pm.off, pm.on, pm.wraw
	for mu, x := range tr {
		sc.k0[mu], sc.kp0[mu] = hu.km(hb[mu], hs[mu], x)
	}
	clear(sc.s)
	for i, vi := range v {
		d := on - vi
		if vi == on {
			d = off - vi
		}
		wrow := wraw.Data[i*wraw.Stride : i*wraw.Stride+m]
		q := sc.q[i*m : i*m+m]
		x := -pm.a[i] * d
		for mu, wv := range wrow {
			k, kp := hu.km(hb[mu], hs[mu], tr[mu]+d*wv)
			x += sc.k0[mu] - k
			q[mu] = kp
		}
		p.pl += numeric.LogSigmoid(x)
		if !grad {
			continue
		}
		wi := numeric.Sigmoid(-x)
		p.ga[i] -= wi * d
		g := p.gW[i*m : i*m+m]
		for mu, kp := range q {
			sc.s[mu] += wi * (sc.kp0[mu] - kp)
			g[mu] -= wi * d * kp
		}
	}
	if !grad {
		return
	}
	for i, vi := range v {
		if vi == 0 {
			continue
		}
		g := p.gW[i*m : i*m+m]
		for mu, s := range sc.s {
			g[mu] += vi * s
		}
	}
	for mu, s := range sc.s {
		p.gb[mu] += s
	}
}

// sumPartials writes the sums of the chunks' gradients, in chunk order, into
// gW (n x m), ga and gb.
func sumPartials(parts []plPartial, n, m int, gW *mat.Dense, ga, gb []float64) {
	gw := gW.RawMatrix()
	for i := 0; i < n; i++ {
		clear(gw.Data[i*gw.Stride : i*gw.Stride+m])
	}
	clear(ga)
	clear(gb)
	for c := range parts {
		p := &parts[c]
		for i := 0; i < n; i++ {
			g := gw.Data[i*gw.Stride : i*gw.Stride+m]
			for mu, x := range p.gW[i*m : i*m+m] {
				g[mu] += x
			}
		}
		for i, x := range p.ga {
			ga[i] += x
		}
		for mu, x := range p.gb {
			gb[mu] += x
		}
	}
}

// plGradient writes the gradient of the mean pseudo-log-likelihood of the
// minibatch vb into gW, ga, gb and returns the mean pseudo-log-likelihood.
func (t *trainer) plGradient(vb *mat.Dense) float64 {
	B, _ := vb.Dims()
	pl := plAccumulate(t.r, vb, &t.pl, true, t.gW, t.ga, t.gb)
	inv := 1 / float64(B)
	t.gW.Scale(inv, t.gW)
	for i := range t.ga {
		t.ga[i] *= inv
	}
	for mu := range t.gb {
		t.gb[mu] *= inv
	}
	return pl * inv
}
