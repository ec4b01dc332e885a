package rbm

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// PseudoLogLikelihood returns the mean over the rows of data (B x N, values
// in the visible encoding) of the exact pseudo-log-likelihood
//
//	PL(v) = sum_i ln p(v_i | v_{-i}) = sum_i ln sigmoid(F(v^(i)) - F(v)),
//
// where v^(i) is v with unit i flipped (Besag 1975). Unlike scikit-learn's
// score_samples, which flips one random unit and multiplies by N, every unit
// is flipped, so the value is deterministic. Cost O(B N M), on all cores
// (the code of pseudo-likelihood training, plAccumulate). The visible
// layer must be discrete; it panics if data has the wrong number of columns.
func (r *RBM) PseudoLogLikelihood(data *mat.Dense) (float64, error) {
	n, _ := r.Dims()
	if !r.Visible.Type.Discrete() {
		return 0, fmt.Errorf("rbm: pseudo-likelihood needs a discrete visible layer, have %s", r.Visible.Type)
	}
	rows, cols := data.Dims()
	if cols != n {
		panic(fmt.Sprintf("rbm: PseudoLogLikelihood: data has %d columns for %d visible units", cols, n))
	}
	if rows == 0 {
		return 0, nil
	}
	var ws plWorkspace
	return plAccumulate(r, data, &ws, false, nil, nil, nil) / float64(rows), nil
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
