package rbm

import (
	"math"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// spin units take the values {-1, +1} with the potential a(x) = b x: the
// prior has P(+1) = sigmoid(2b), K(t) = ln cosh(b + t) - ln cosh(b),
// E[x | t] = tanh(b + t); the values differ by 2, hence the factor 2 in the
// probability of +1, sigmoid(2 (b + t)).
type spin struct{ twoState }

func (spin) values() (off, on float64) { return -1, 1 }
func (spin) symmetric() bool           { return true }

func (spin) potential(b, _, x float64) float64 { return b * x }
func (spin) logNorm(b, _ float64) float64      { return numeric.Log2Cosh(b) }

func (spin) cgf(b, _, t float64) float64 { return numeric.LogCosh(b+t) - numeric.LogCosh(b) }

func (spin) sumCGF(b, _, t []float64) float64 {
	var s float64
	b = b[:len(t)]
	for mu, x := range t {
		s += numeric.LogCosh(b[mu]+x) - numeric.LogCosh(b[mu])
	}
	return s
}

// km is ln cosh(b+t) + ln 2 and tanh(b+t) from one exponential and one log1p.
func (spin) km(b, _, t float64) (float64, float64) {
	z := b + t
	a := math.Abs(z)
	e := math.Exp(-2 * a)
	return a + math.Log1p(e), math.Copysign((1-e)/(1+e), z)
}

func (spin) mean(b, _, t float64) float64 { return math.Tanh(b + t) }

func (spin) meanRow(row, b, _ []float64) {
	b = b[:len(row)]
	for j, t := range row {
		row[j] = math.Tanh(b[j] + t)
	}
}

func (spin) cumulants(b, _ float64, n int) []float64 { return SpinCumulants(b, n) }

// sample is +1 if u < sigmoid(2 (b + t)), else -1.
func (spin) sample(b, _, t, u float64) float64 {
	if u < numeric.Sigmoid(2*(b+t)) {
		return 1
	}
	return -1
}

// sampleMeanRow draws +1 with probability (1 + m)/2, m the mean. Discrete
// units always draw from the mirror.
func (spin) sampleMeanRow(row, _ []float64, d *draws) {
	for j, p := range row {
		x := -1.0
		if d.g.Float64() < (1+p)/2 {
			x = 1
		}
		row[j] = x
	}
}

func (u spin) absorbShift(b, s, d float64) (nb, dlog float64) {
	return absorbTwoState(u, b, s, d)
}
