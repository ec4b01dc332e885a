package rbm

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	kernel "github.com/isingrbm/isingrbm/internal/gemm"
	"github.com/isingrbm/isingrbm/internal/rng"
)

// The block Gibbs methods work on batches: each row of v (B x N) or h (B x M)
// is one independent chain. dst must be empty (it is then allocated) or of
// the right shape (B x M for the hidden methods, B x N for the visible ones);
// it must not share memory with the input. The methods panic on a shape
// mismatch (a programmer error). Sampling methods draw from rnd element by
// element in row-major order, so a given seed gives the same chains whatever
// the batch is used for.
//
// The conditionals follow from the joint energy E(v,h): given the input
// t_mu = sum_i v_i W_{i mu} (or t_i = sum_mu W_{i mu} h_mu for the visible
// layer), a unit with bias b is
//
//	Bernoulli: 1 with probability sigmoid(b + t)
//	spin:      +1 with probability sigmoid(2 (b + t))
//	Gaussian:  N(b + sigma^2 t, sigma^2)

func checkBatch(what string, dst, in *mat.Dense, inCols, outCols int) {
	r, c := in.Dims()
	if c != inCols {
		panic(fmt.Sprintf("rbm: %s: input has %d columns, want %d", what, c, inCols))
	}
	if !dst.IsEmpty() {
		dr, dc := dst.Dims()
		if dr != r || dc != outCols {
			panic(fmt.Sprintf("rbm: %s: dst is %d x %d, want %d x %d", what, dr, dc, r, outCols))
		}
	}
}

// hiddenInput computes t = v W (B x M) into dst.
func (r *RBM) hiddenInput(dst, v *mat.Dense) {
	n, m := r.Dims()
	checkBatch("hidden", dst, v, n, m)
	gemm(dst, v, r.W, blas.NoTrans)
}

// visibleInput computes t = h W^T (B x N) into dst.
func (r *RBM) visibleInput(dst, h *mat.Dense) {
	n, m := r.Dims()
	checkBatch("visible", dst, h, m, n)
	gemm(dst, h, r.W, blas.Trans)
}

// gemm sets dst = a op(b) with one internal/gemm call (AVX-512/AVX2 assembly where
// available) and no allocation (dst is sized first if empty). dst must not
// share memory with a or b.
func gemm(dst, a, b *mat.Dense, tb blas.Transpose) {
	rows, _ := a.Dims()
	br, bc := b.Dims()
	cols := bc
	if tb == blas.Trans {
		cols = br
	}
	if dst.IsEmpty() {
		dst.ReuseAs(rows, cols)
	}
	if dst == a || dst == b {
		panic("rbm: dst aliases an input")
	}
	mulAdd(dst, 1, a, blas.NoTrans, b, tb, 0)
}

// mulAdd sets c = alpha op(a) op(b) + beta c (c already sized; c is not
// read when beta is zero). c must not share memory with a or b.
func mulAdd(c *mat.Dense, alpha float64, a *mat.Dense, ta blas.Transpose, b *mat.Dense, tb blas.Transpose, beta float64) {
	ra, rb, rc := a.RawMatrix(), b.RawMatrix(), c.RawMatrix()
	k := ra.Cols
	if ta == blas.Trans {
		k = ra.Rows
	}
	kernel.Dgemm(ta, tb, rc.Rows, rc.Cols, k, alpha, ra.Data, ra.Stride, rb.Data, rb.Stride, beta, rc.Data, rc.Stride)
}

// applyMean replaces each input t in d by l.Mean(col, t) (bit for bit; the
// Bernoulli case goes through the vectorised kernel.SigmoidBias).
func applyMean(l *Layer, d *mat.Dense) {
	u := l.Type.unit()
	raw := d.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		u.meanRow(raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols], l.Bias, l.Sigma)
	}
}

// sampleRow sets row[j] to 1 with probability row[j], else to off, drawing
// one uniform per element in order (branch-free: the outcome is random).
func sampleRow(row []float64, off float64, g *rng.Mirror) {
	span := 1 - off
	for j, p := range row {
		var on int
		if g.Float64() < p {
			on = 1
		}
		row[j] = off + span*float64(on)
	}
}

// applySample replaces each input t in d by a draw from the conditional
// (Bernoulli: 1 if u < sigmoid(b+t); spin: +1 if u < sigmoid(2(b+t));
// Gaussian: b + sigma^2 t + sigma z), one random number per element in
// row-major order: sampleTwoState for the discrete units, the unit's own
// sampleRow for the others. These loops are the hot path of training. src, if non-nil, must be the source of rnd: the uniforms are then
// drawn from a mirror of it (the same numbers, without a call each).
func applySample(l *Layer, d *mat.Dense, rnd *rand.Rand, src *rand.PCG) {
	u := l.Type.unit()
	raw := d.RawMatrix()
	if c, ok := u.(continuous); ok {
		for i := 0; i < raw.Rows; i++ {
			c.sampleRow(raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols], l.Bias, l.Sigma, rnd)
		}
		return
	}
	off, on := u.values()
	var g *rng.Mirror
	if src != nil {
		g = new(rng.Mirror)
		g.Load(src)
		defer g.Store(src)
	}
	for i := 0; i < raw.Rows; i++ {
		sampleTwoState(raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols], l.Bias, off, on, rnd, g)
	}
}

// HiddenMean writes E[h | v] for each row of v (B x N) into dst (B x M):
// sigmoid(b + t), tanh(b + t) or b + sigma^2 t with t = v W.
func (r *RBM) HiddenMean(dst, v *mat.Dense) {
	r.hiddenInput(dst, v)
	applyMean(&r.Hidden, dst)
}

// VisibleMean writes E[v | h] for each row of h (B x M) into dst (B x N).
func (r *RBM) VisibleMean(dst, h *mat.Dense) {
	r.visibleInput(dst, h)
	applyMean(&r.Visible, dst)
}

// SampleHidden draws h ~ p(h | v) for each row of v (B x N) into dst (B x M).
func (r *RBM) SampleHidden(dst, v *mat.Dense, rnd *rand.Rand) {
	r.hiddenInput(dst, v)
	applySample(&r.Hidden, dst, rnd, nil)
}

// SampleVisible draws v ~ p(v | h) for each row of h (B x M) into dst (B x N).
func (r *RBM) SampleVisible(dst, h *mat.Dense, rnd *rand.Rand) {
	r.visibleInput(dst, h)
	applySample(&r.Visible, dst, rnd, nil)
}

// Gibbs runs k full block Gibbs sweeps v -> h -> v on the batch v (B x N) in
// place; h (B x M, or empty) is scratch space and holds the last hidden
// sample on return.
func (r *RBM) Gibbs(v, h *mat.Dense, k int, rnd *rand.Rand) {
	for range k {
		r.SampleHidden(h, v, rnd)
		r.SampleVisible(v, h, rnd)
	}
}
