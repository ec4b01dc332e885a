package rbm

import (
	"math/rand/v2"

	kernel "github.com/isingrbm/isingrbm/internal/gemm"
	"github.com/isingrbm/isingrbm/internal/rng"
)

// A unit is what the code needs to know about one type of unit: the prior
// q(x) ∝ exp(a(x)) of a lone unit and its conditional given an input t,
// q(x) exp(t x) / normaliser. It is written in the manner of gonum's
// stat/distuv, one type per distribution with small methods, except that the
// parameters (the bias b and, for units with a width, sigma s) are passed in,
// because every unit of a layer has its own: a unit type is a stateless value
// in the registry of layer.go, and Layer's methods look it up by LayerType.
//
// The methods on single numbers serve the exported Layer methods and the code
// that is not hot; the methods on rows (row-major slices, one element per
// unit, results written in place) serve the hot loops of sampling and
// enumeration, so that they dispatch once per row, not once per element.
// Units without a width ignore s; for them the layer's Sigma is nil, so the
// row methods must not index it.
//
// Every formula below is the one the package has always evaluated, operation
// for operation: the tests compare results bit for bit.
type unit interface {
	// discrete reports whether the unit takes two values, values() = (off,
	// on) with on = 1, and has the potential b x: the enumerating code
	// (LogZ, LogProbTable, the exact tables) relies on both.
	discrete() bool
	values() (off, on float64)
	// hasWidth reports whether the layer carries one width sigma per unit.
	hasWidth() bool
	// symmetric reports whether the prior at zero bias is symmetric under
	// x -> -x (the Z2-symmetric models of TrainConfig.Symmetric).
	symmetric() bool
	// polynomialCGF reports whether K(t) is a polynomial (no exp or log per
	// evaluation), for the cost model of the training monitor.
	polynomialCGF() bool

	// potential is a(x) (the unit contributes -a(x) to the energy).
	potential(b, s, x float64) float64
	// logNorm is ln sum_x exp(a(x)) (an integral for continuous units).
	logNorm(b, s float64) float64
	// cgf is K(t) = ln E_q[exp(t x)], and sumCGF is sum_mu K_mu(t[mu]) over
	// a row (b and s the layer's slices).
	cgf(b, s, t float64) float64
	sumCGF(b, s, t []float64) float64
	// km is K(t) up to a constant independent of t, with its derivative
	// E[x | t] (pseudo-likelihood and the exact tables).
	km(b, s, t float64) (k, kp float64)
	// mean is E[x | t] = K'(t); meanRow replaces each input t of row by it.
	mean(b, s, t float64) float64
	meanRow(row, b, s []float64)
	// cumulants returns kappa^(1..n) of the prior.
	cumulants(b, s float64, n int) []float64

	// noise draws the random number sample consumes: a uniform in [0,1)
	// for discrete units, a standard normal for Gaussian ones.
	noise(rnd *rand.Rand) float64
	// sample draws x from the conditional given the input t and u = noise().
	sample(b, s, t, u float64) float64
	// sampleMeanRow replaces each conditional mean of row by a draw from
	// the conditional with that mean (the hidden samples of CD and PCD).
	sampleMeanRow(row, s []float64, d *draws)

	// scaleBiasGrad turns the gradient of the log-likelihood with respect
	// to the bias into the convention of the training code: the average of
	// d(-E)/db over the unit's values (divided by sigma^2 for Gaussian
	// units, whose d(-E)/db is (x - b)/sigma^2).
	scaleBiasGrad(g, s []float64)
	// absorbShift returns the bias nb for which an input t - d on a unit of
	// bias b equals an input t on a unit of bias nb, and dlog, the change
	// of ln Z that the substitution costs (BernoulliVisible).
	absorbShift(b, s, d float64) (nb, dlog float64)
}

// draws is where sampleMeanRow takes its random numbers: the uniforms of
// discrete units from g, a mirror of rnd's PCG that gives the same numbers
// without a call each (rng.Mirror), the normals of Gaussian units from rnd.
type draws struct {
	rnd *rand.Rand
	g   rng.Mirror
}

// twoState holds the methods that every discrete unit type shares; the
// discrete types embed it.
type twoState struct{}

func (twoState) discrete() bool               { return true }
func (twoState) hasWidth() bool               { return false }
func (twoState) polynomialCGF() bool          { return false }
func (twoState) noise(rnd *rand.Rand) float64 { return rnd.Float64() }
func (twoState) scaleBiasGrad(_, _ []float64) {}

// absorbTwoState is absorbShift of a discrete unit type u: the input shift
// moves into the bias, and ln Z changes by the change of the normaliser.
func absorbTwoState(u unit, b, s, d float64) (nb, dlog float64) {
	nb = b - d
	return nb, -(u.logNorm(nb, s) - u.logNorm(b, s))
}

// continuous is implemented by the units that are not discrete: sampleRow
// replaces each input t of row by a draw from the conditional, one random
// number from rnd per element in order. Discrete units are all sampled by
// sampleTwoState from their values.
type continuous interface {
	sampleRow(row, b, s []float64, rnd *rand.Rand)
}

// sampleTwoState replaces each input t of row by a draw from the
// conditional of a discrete unit with values (off, on = 1) and potential
// b x: on with probability sigmoid((on - off)(b + t)), one uniform per
// element in order, from g if not nil (the mirror of rnd's source), else
// from rnd.
func sampleTwoState(row, b []float64, off, on float64, rnd *rand.Rand, g *rng.Mirror) {
	kernel.SigmoidBias(row, b, on-off) // probability of the "on" value
	if g != nil {
		sampleRow(row, off, g)
		return
	}
	for j, p := range row {
		x := off
		if rnd.Float64() < p {
			x = 1
		}
		row[j] = x
	}
}
