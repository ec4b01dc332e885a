package rbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// EnumeratedUnits returns the number of units LogZ enumerates (the
// smaller discrete layer), or -1 if no layer is discrete.
func (r *RBM) EnumeratedUnits() int {
	n, m := r.Dims()
	k := -1
	if r.Visible.Type.Discrete() {
		k = n
	}
	if r.Hidden.Type.Discrete() && (k < 0 || m < k) {
		k = m
	}
	return k
}

// MeanLogLikelihood returns the mean of ln p(v) = -F(v) - logZ over the rows
// of data (visible encoding), given ln Z.
func (r *RBM) MeanLogLikelihood(data *mat.Dense, logZ float64) float64 {
	rows, n := data.Dims()
	v := make([]float64, n)
	var s float64
	for k := 0; k < rows; k++ {
		mat.Row(v, k, data)
		s -= r.FreeEnergy(v)
	}
	return s/float64(rows) - logZ
}

// KLDivergence returns KL(p || q) = sum_k p_k (ln p_k - ln q_k) from two
// tables of log-probabilities over the same states (terms with p_k = 0 count
// zero). It panics if the lengths differ.
func KLDivergence(logp, logq []float64) float64 {
	if len(logp) != len(logq) {
		panic(fmt.Sprintf("rbm: KLDivergence: tables of length %d and %d", len(logp), len(logq)))
	}
	var s float64
	for k, lp := range logp {
		if math.IsInf(lp, -1) {
			continue
		}
		s += math.Exp(lp) * (lp - logq[k])
	}
	return math.Max(s, 0)
}

// Evaluate returns monitoring statistics of r on data (rows in the visible
// encoding): the one-step reconstruction error and exact pseudo-log-likelihood
// always; ln Z and the mean log-likelihood when the layer LogZ enumerates has
// at most exactMaxUnits units (negative disables); and, when target (ln p
// over the 2^N visible states, state k having unit i up iff bit i is set) is
// non-nil, KL(p_target || p_RBM). Missing values are NaN; Epoch, LearningRate
// and Seconds are left zero.
func Evaluate(r *RBM, data *mat.Dense, exactMaxUnits int, target []float64) (EpochStats, error) {
	st := EpochStats{ReconError: math.NaN(), PseudoLogLik: math.NaN(), LogZ: math.NaN(), LogZLower: math.NaN(),
		LogZUpper: math.NaN(), LogLik: math.NaN(), KL: math.NaN(), Validation: math.NaN()}
	n, _ := r.Dims()
	if _, c := data.Dims(); c != n {
		return st, fmt.Errorf("rbm: evaluate: data has %d columns for %d visible units", c, n)
	}
	st.ReconError = r.ReconstructionError(data)
	pl, err := r.PseudoLogLikelihood(data)
	if err != nil {
		return st, err
	}
	st.PseudoLogLik = pl
	if target != nil {
		if n > MaxTable || len(target) != 1<<n {
			return st, fmt.Errorf("rbm: evaluate: target table has %d entries, want 2^%d (N <= %d)", len(target), n, MaxTable)
		}
		lq, lz, err := r.LogProbTable()
		if err != nil {
			return st, err
		}
		st.LogZ = lz
		st.KL = KLDivergence(target, lq)
	} else if k := r.EnumeratedUnits(); k >= 0 && k <= exactMaxUnits {
		lz, err := r.LogZ()
		if err != nil {
			return st, err
		}
		st.LogZ = lz
	}
	if !math.IsNaN(st.LogZ) {
		st.LogLik = r.MeanLogLikelihood(data, st.LogZ)
	}
	return st, nil
}
