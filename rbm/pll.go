package rbm

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// PseudoLogLikelihood returns the mean over the rows of data (B x N, values
// in the visible encoding) of the exact pseudo-log-likelihood
//
//	PL(v) = sum_i ln p(v_i | v_{-i}) = sum_i ln sigmoid(F(v^(i)) - F(v)),
//
// where v^(i) is v with unit i flipped (Besag 1975). Unlike scikit-learn's
// score_samples, which flips one random unit and multiplies by N, every unit
// is flipped, so the value is deterministic. Cost O(B N M). The visible
// layer must be discrete; it panics if data has the wrong number of columns.
func (r *RBM) PseudoLogLikelihood(data *mat.Dense) (float64, error) {
	n, m := r.Dims()
	if !r.Visible.Type.Discrete() {
		return 0, fmt.Errorf("rbm: pseudo-likelihood needs a discrete visible layer, have %s", r.Visible.Type)
	}
	rows, cols := data.Dims()
	if cols != n {
		panic(fmt.Sprintf("rbm: PseudoLogLikelihood: data has %d columns for %d visible units", cols, n))
	}
	off, on := r.Visible.Type.values()
	t := make([]float64, m)
	kt := make([]float64, m)
	v := make([]float64, n)
	wraw := r.W.RawMatrix()
	var total float64
	for s := 0; s < rows; s++ {
		mat.Row(v, s, data)
		r.HiddenInput(t, v)
		for mu, x := range t {
			kt[mu] = r.Hidden.CGF(mu, x)
		}
		for i, x := range v {
			y := on
			if x == on {
				y = off
			}
			// dF = F(v^(i)) - F(v)
			dF := -(r.Visible.Potential(i, y) - r.Visible.Potential(i, x))
			row := wraw.Data[i*wraw.Stride : i*wraw.Stride+m]
			d := y - x
			for mu, w := range row {
				dF -= r.Hidden.CGF(mu, t[mu]+d*w) - kt[mu]
			}
			total += numeric.LogSigmoid(dF)
		}
	}
	return total / float64(rows), nil
}

// ReconstructionError returns the mean over rows and units of
// (v - E[v | h = E[h | v]])^2, the usual one-step mean-field reconstruction
// error (a rough progress indicator, not a likelihood).
func (r *RBM) ReconstructionError(data *mat.Dense) float64 {
	rows, n := data.Dims()
	var h, rec mat.Dense
	r.HiddenMean(&h, data)
	r.VisibleMean(&rec, &h)
	var s float64
	for i := 0; i < rows; i++ {
		for j := 0; j < n; j++ {
			d := data.At(i, j) - rec.At(i, j)
			s += d * d
		}
	}
	return s / float64(rows*n)
}
