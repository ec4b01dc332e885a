package hs

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

// MaxCheckSites is the largest N for which Check compares every state.
const MaxCheckSites = transfer.MaxLogProbSites

// Report is the state-by-state comparison of an RBM's visible marginal with
// the Ising distribution; its JSON keys are those of 'isingrbm hs --check --json'.
type Report struct {
	Visible int `json:"visible"`
	Hidden  int `json:"hidden"`
	// LnZIsing is ln Z of the Ising model, LnZRBM the RBM's ln Z (normaliser
	// of exp(-F(v)), rbm.RBM.LogZ).
	LnZIsing float64 `json:"ln_z_ising"`
	LnZRBM   float64 `json:"ln_z_rbm"`
	// LnZOffset is the predicted ln Z_RBM - ln Z_Ising (Result.LnZOffset);
	// LnZOffsetError is |LnZRBM - LnZIsing - LnZOffset|.
	LnZOffset      float64 `json:"ln_z_offset"`
	LnZOffsetError float64 `json:"ln_z_offset_error"`
	// MaxAbsLogProbDiff is max_s |ln p_RBM(s) - ln p_Ising(s)|.
	MaxAbsLogProbDiff float64 `json:"max_abs_log_prob_diff"`
	// KLIsingRBM = sum_s p_Ising ln(p_Ising/p_RBM), KLRBMIsing the reverse.
	KLIsingRBM float64 `json:"kl_ising_rbm"`
	KLRBMIsing float64 `json:"kl_rbm_ising"`
	// TotalVariation = (1/2) sum_s |p_RBM(s) - p_Ising(s)|.
	TotalVariation float64 `json:"total_variation"`
}

// Check compares the visible marginal of r (spin or Bernoulli visible units,
// unit i being site i, Bernoulli v_i = 1 meaning s_i = +1) with the Ising
// distribution of m at beta over all 2^N states; offset is the predicted
// ln Z_RBM - ln Z_Ising. It returns an error if N > MaxCheckSites or the
// sizes do not match.
func Check(m *lattice.Model, beta float64, r *rbm.RBM, offset float64) (*Report, error) {
	n, hid := r.Dims()
	if n != m.N {
		return nil, fmt.Errorf("hs: check: RBM has %d visible units for a model of %d sites", n, m.N)
	}
	if m.N > MaxCheckSites {
		return nil, fmt.Errorf("hs: check: %d sites: the state-by-state check enumerates 2^N states, at most N = %d", m.N, MaxCheckSites)
	}
	if !r.Visible.Type.Discrete() {
		return nil, fmt.Errorf("hs: check: visible layer is %s: need spin or bernoulli", r.Visible.Type)
	}
	pi, err := transfer.LogProbabilities(m, beta)
	if err != nil {
		return nil, err
	}
	pr, lzr, err := r.LogProbTable()
	if err != nil {
		return nil, err
	}
	// ln Z_Ising is read off the table itself (its normalisation is a
	// compensated sum, accurate to ~1e-15 relative at N = 24).
	lzi := lnZFromTable(m, beta, pi)
	rep := &Report{Visible: n, Hidden: hid, LnZIsing: lzi, LnZRBM: lzr, LnZOffset: offset}
	rep.LnZOffsetError = math.Abs(lzr - lzi - offset)
	var tv float64
	for k := range pi {
		a, b := pi[k], pr[k]
		d := a - b
		rep.MaxAbsLogProbDiff = math.Max(rep.MaxAbsLogProbDiff, math.Abs(d))
		p, q := math.Exp(a), math.Exp(b)
		// KL(p||q) = sum p (d + e^{-d} - 1) since both sum to 1: every
		// term is >= 0 and keeps its precision when d is tiny.
		rep.KLIsingRBM += p * (d + math.Expm1(-d))
		rep.KLRBMIsing += q * (-d + math.Expm1(d))
		// |p - q| = p |1 - e^{b-a}|, accurate when p and q are close.
		tv += p * math.Abs(math.Expm1(b-a))
	}
	rep.TotalVariation = tv / 2
	return rep, nil
}

// lnZFromTable returns ln Z of m at beta from its exact log-probabilities
// (state k has s_i = +1 iff bit i of k is set): ln Z = -beta H(s_k) - ln p(s_k)
// at the most probable state k.
func lnZFromTable(m *lattice.Model, beta float64, pi []float64) float64 {
	best := 0
	for k, v := range pi {
		if v > pi[best] {
			best = k
		}
	}
	s := make([]int8, m.N)
	for i := range s {
		s[i] = -1
		if best>>uint(i)&1 == 1 {
			s[i] = 1
		}
	}
	return -beta*m.Energy(s) - pi[best]
}
