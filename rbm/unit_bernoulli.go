package rbm

import (
	"math"

	kernel "github.com/isingrbm/isingrbm/internal/gemm"
	"github.com/isingrbm/isingrbm/internal/numeric"
)

// bernoulli units take the values {0, 1} with the potential a(x) = b x: the
// prior is Bernoulli with P(1) = sigmoid(b), K(t) = softplus(b + t) -
// softplus(b), E[x | t] = sigmoid(b + t).
type bernoulli struct{ twoState }

func (bernoulli) values() (off, on float64) { return 0, 1 }
func (bernoulli) symmetric() bool           { return false }

func (bernoulli) potential(b, _, x float64) float64 { return b * x }
func (bernoulli) logNorm(b, _ float64) float64      { return numeric.Softplus(b) }

func (bernoulli) cgf(b, _, t float64) float64 { return numeric.Softplus(b+t) - numeric.Softplus(b) }

func (bernoulli) sumCGF(b, _, t []float64) float64 {
	var s float64
	b = b[:len(t)]
	for mu, x := range t {
		s += numeric.Softplus(b[mu]+x) - numeric.Softplus(b[mu])
	}
	return s
}

// km is softplus(b+t) and sigmoid(b+t) from one exponential and one log1p.
func (bernoulli) km(b, _, t float64) (float64, float64) {
	z := b + t
	e := math.Exp(-math.Abs(z))
	k := math.Max(z, 0) + math.Log1p(e)
	if z >= 0 {
		return k, 1 / (1 + e)
	}
	return k, e / (1 + e)
}

func (bernoulli) mean(b, _, t float64) float64 { return numeric.Sigmoid(b + t) }

// meanRow goes through the vectorised kernel.SigmoidBias (bit for bit the
// scalar sigmoid).
func (bernoulli) meanRow(row, b, _ []float64) { kernel.SigmoidBias(row, b, 1) }

func (bernoulli) cumulants(b, _ float64, n int) []float64 { return BernoulliCumulants(b, n) }

// sample is 1 if u < sigmoid(b + t), else 0.
func (bernoulli) sample(b, _, t, u float64) float64 {
	if u < numeric.Sigmoid(b+t) {
		return 1
	}
	return 0
}

// sampleMeanRow draws 1 with probability p, the mean. Discrete units always
// draw from the mirror.
func (bernoulli) sampleMeanRow(row, _ []float64, d *draws) { sampleRow(row, 0, &d.g) }

func (u bernoulli) absorbShift(b, s, d float64) (nb, dlog float64) {
	return absorbTwoState(u, b, s, d)
}
