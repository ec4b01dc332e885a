package rbm

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/par"
)

// Exact training (method Exact) follows the exact gradient of the mean
// log-likelihood of the whole data set,
//
//	d<ln p>/d theta = sum_v [p_data(v) - p_model(v)] <d(-E)/d theta>_{h|v},
//
// with both expectations summed over the 2^N visible states: p_data is the
// histogram of the samples, p_model = exp(-F(v))/Z is computed exactly at
// every update. No sampling, no minibatch noise: an update is one
// deterministic step, an epoch one update. It is the reference the stochastic
// methods are checked against, and the method of choice for N <= MaxExactTrain.

// MaxExactTrain is the largest number of visible units Exact trains
// (2^20 states per update).
const MaxExactTrain = 20

// maxExactCells bounds 2^N x max(N, M), the size of the state and hidden
// tables of exact training (2^27 float64 = 1 GiB in total for the two).
const maxExactCells = 1 << 26

// exactChunk is the number of states per parallel chunk.
const exactChunk = 4096

// exactState is the scratch state of exact training.
type exactState struct {
	v     *mat.Dense // 2^N x N visible states, state k: unit i on iff bit i of k
	h     *mat.Dense // 2^N x M hidden input, then E[h | v]
	pData []float64  // histogram of the data
	g     []float64  // p_data - p_model
	negF  []float64
	sums  []float64 // per chunk log-sum-exp
}

// checkExact reports whether exact training of n visible and m hidden units is affordable.
func checkExact(n, m int) error {
	if n > MaxExactTrain {
		return fmt.Errorf("rbm: train: exact method: %d visible units, at most %d (2^%d states per update): %w", n, MaxExactTrain, MaxExactTrain, ErrTooLarge)
	}
	if (1<<n)*max(n, m) > maxExactCells {
		return fmt.Errorf("rbm: train: exact method: 2^%d states x %d units exceeds %d table cells: %w", n, max(n, m), maxExactCells, ErrTooLarge)
	}
	return nil
}

// newExactState enumerates the visible states and the histogram of data.
func newExactState(typ LayerType, n, m int, data *mat.Dense) *exactState {
	ns := 1 << n
	e := &exactState{v: mat.NewDense(ns, n, nil), h: mat.NewDense(ns, m, nil),
		pData: make([]float64, ns), g: make([]float64, ns), negF: make([]float64, ns),
		sums: make([]float64, (ns+exactChunk-1)/exactChunk)}
	for k := 0; k < ns; k++ {
		stateVector(e.v.RawRowView(k), uint64(k), typ)
	}
	_, on := typ.values()
	rows, _ := data.Dims()
	for r := 0; r < rows; r++ {
		k := 0
		for i, x := range data.RawRowView(r) {
			if x == on {
				k |= 1 << i
			}
		}
		e.pData[k]++
	}
	for k := range e.pData {
		e.pData[k] /= float64(rows)
	}
	return e
}

// exactGradient writes the exact gradient of the mean log-likelihood of the
// data (through its histogram) into gW, ga, gb and returns the mean
// log-likelihood before the step.
func (t *trainer) exactGradient() float64 {
	e := t.exact
	logZ := t.negFreeTable()
	var ll float64
	for k, lf := range e.negF {
		pm := math.Exp(lf - logZ)
		e.g[k] = e.pData[k] - pm
		if e.pData[k] > 0 {
			ll += e.pData[k] * (lf - logZ)
		}
	}
	ns, _ := e.v.Dims()
	r := t.r
	// gW = V^T diag(g) H: scale the rows of H by g, then one product.
	for k, gk := range e.g {
		row := e.h.RawRowView(k)
		for mu := range row {
			row[mu] *= gk
		}
	}
	mulAdd(t.gW, 1, e.v, blas.Trans, e.h, blas.NoTrans, 0)
	clear(t.ga)
	for k, gk := range e.g {
		if gk == 0 {
			continue
		}
		for i, x := range e.v.RawRowView(k) {
			t.ga[i] += gk * x
		}
	}
	clear(t.gb)
	for k := 0; k < ns; k++ {
		for mu, x := range e.h.RawRowView(k) {
			t.gb[mu] += x // rows already scaled by g
		}
	}
	r.Hidden.scaleBiasGrad(t.gb)
	return ll
}

// negFreeTable fills the exact tables with -F(v) and E[h | v] for every
// visible state and returns ln Z.
func (t *trainer) negFreeTable() float64 {
	r, e := t.r, t.exact
	ns, _ := e.v.Dims()
	r.hiddenInput(e.h, e.v)
	hu, hb, hs := r.Hidden.Type.unit(), r.Hidden.Bias, r.Hidden.widths()
	nch := len(e.sums)
	par.Chunks(context.Background(), nch, func(w, c int) error {
		lo, hi := c*exactChunk, min(ns, (c+1)*exactChunk)
		for k := lo; k < hi; k++ {
			v, row := e.v.RawRowView(k), e.h.RawRowView(k)
			var s float64
			for i, x := range v {
				s += r.Visible.Bias[i] * x
			}
			for mu, x := range row {
				kk, kp := hu.km(hb[mu], hs[mu], x)
				s += kk
				row[mu] = kp
			}
			e.negF[k] = s
		}
		e.sums[c] = numeric.LogSumExp(e.negF[lo:hi])
		return nil
	})
	return numeric.LogSumExp(e.sums)
}

// exactLogLik returns the exact mean log-likelihood of the rows of data under
// the current parameters, from a fresh table of -F over all visible states.
func (t *trainer) exactLogLik(data *mat.Dense) float64 {
	r, e := t.r, t.exact
	lz := t.negFreeTable()
	_, on := r.Visible.Type.values()
	rows, _ := data.Dims()
	var s float64
	for k := 0; k < rows; k++ {
		idx := 0
		for i, x := range data.RawRowView(k) {
			if x == on {
				idx |= 1 << i
			}
		}
		s += e.negF[idx]
	}
	return s/float64(rows) - lz
}
