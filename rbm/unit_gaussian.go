package rbm

import (
	"math"
	"math/rand/v2"
)

// gaussian units are real with the potential a(x) = -(x - b)^2/(2 sigma^2):
// the prior is N(b, sigma^2), K(t) = b t + sigma^2 t^2/2, and the
// conditional given t is N(b + sigma^2 t, sigma^2).
type gaussian struct{}

func (gaussian) discrete() bool { return false }

func (gaussian) values() (off, on float64) {
	panic("rbm: gaussian units do not take two values")
}

func (gaussian) hasWidth() bool      { return true }
func (gaussian) symmetric() bool     { return true }
func (gaussian) polynomialCGF() bool { return true }

func (gaussian) potential(b, s, x float64) float64 {
	d := x - b
	return -d * d / (2 * s * s)
}

func (gaussian) logNorm(_, s float64) float64 { return math.Log(s) + 0.5*math.Log(2*math.Pi) }

func (gaussian) cgf(b, s, t float64) float64 { return b*t + 0.5*s*s*t*t }

func (gaussian) sumCGF(b, s, t []float64) float64 {
	var sum float64
	b, s = b[:len(t)], s[:len(t)]
	for mu, x := range t {
		sum += x * (b[mu] + 0.5*s[mu]*s[mu]*x)
	}
	return sum
}

func (gaussian) km(b, s, t float64) (float64, float64) {
	s2 := s * s
	return t * (b + 0.5*s2*t), b + s2*t
}

func (gaussian) mean(b, s, t float64) float64 { return b + s*s*t }

func (gaussian) meanRow(row, b, s []float64) {
	b, s = b[:len(row)], s[:len(row)]
	for j, t := range row {
		row[j] = b[j] + s[j]*s[j]*t
	}
}

func (gaussian) cumulants(b, s float64, n int) []float64 { return GaussianCumulants(b, s, n) }

func (gaussian) noise(rnd *rand.Rand) float64 { return rnd.NormFloat64() }

// sample is b + sigma^2 t + sigma u, u a standard normal draw.
func (gaussian) sample(b, s, t, u float64) float64 { return b + s*s*t + s*u }

// sampleRow implements continuous.
func (gaussian) sampleRow(row, b, s []float64, rnd *rand.Rand) {
	b, s = b[:len(row)], s[:len(row)]
	for j, t := range row {
		sj := s[j]
		row[j] = b[j] + sj*sj*t + sj*rnd.NormFloat64()
	}
}

func (gaussian) sampleMeanRow(row, s []float64, d *draws) {
	s = s[:len(row)]
	for j, x := range row {
		row[j] = x + s[j]*d.rnd.NormFloat64()
	}
}

func (gaussian) scaleBiasGrad(g, s []float64) {
	for mu := range g {
		sm := s[mu]
		g[mu] /= sm * sm
	}
}

func (gaussian) absorbShift(b, s, d float64) (nb, dlog float64) {
	s2 := s * s
	nb = b - s2*d
	return nb, (b*b - nb*nb) / (2 * s2)
}
