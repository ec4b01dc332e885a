package rbm

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// LayerType is the kind of the units of a layer.
type LayerType int

// The unit types. The zero value is Bernoulli.
const (
	// Bernoulli units take the values {0, 1}; their energy term is a(x) = bias*x.
	Bernoulli LayerType = iota
	// Spin units take the values {-1, +1}; their energy term is a(x) = bias*x.
	Spin
	// Gaussian units are real; their energy term is a(x) = -(x - bias)^2/(2 sigma^2),
	// so that the prior of a lone unit is N(bias, sigma^2).
	Gaussian
)

// String returns "bernoulli", "spin" or "gaussian".
func (t LayerType) String() string {
	switch t {
	case Bernoulli:
		return "bernoulli"
	case Spin:
		return "spin"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("LayerType(%d)", int(t))
}

// Discrete reports whether the units take finitely many values (Bernoulli or spin).
func (t LayerType) Discrete() bool { return t == Bernoulli || t == Spin }

// ParseLayerType parses "bernoulli" (also "binary"), "spin" (also "ising") or "gaussian".
func ParseLayerType(s string) (LayerType, error) {
	switch s {
	case "bernoulli", "binary":
		return Bernoulli, nil
	case "spin", "ising":
		return Spin, nil
	case "gaussian":
		return Gaussian, nil
	}
	return 0, fmt.Errorf("unknown layer type %q: allowed bernoulli, spin or gaussian", s)
}

// MarshalText implements encoding.TextMarshaler.
func (t LayerType) MarshalText() ([]byte, error) {
	if t < Bernoulli || t > Gaussian {
		return nil, fmt.Errorf("rbm: invalid layer type %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *LayerType) UnmarshalText(b []byte) error {
	v, err := ParseLayerType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Layer is one layer of units: their type, one bias per unit and, for
// Gaussian layers only, one width sigma > 0 per unit (Sigma must be empty for
// discrete layers).
//
// The energy term of unit mu with value x is Potential(mu, x): bias*x for
// discrete units, -(x - bias)^2/(2 sigma^2) for Gaussian ones. The prior of a
// lone unit is q_mu(x) ∝ exp(Potential(mu, x)).
type Layer struct {
	Type  LayerType
	Bias  []float64
	Sigma []float64
}

// Len returns the number of units.
func (l *Layer) Len() int { return len(l.Bias) }

// validate checks the layer; name ("visible", "hidden") prefixes errors.
func (l *Layer) validate(name string) error {
	if l.Type < Bernoulli || l.Type > Gaussian {
		return fmt.Errorf("rbm: %s.type %d: allowed bernoulli, spin or gaussian", name, int(l.Type))
	}
	if len(l.Bias) == 0 {
		return fmt.Errorf("rbm: %s layer has no units: need at least 1", name)
	}
	for i, b := range l.Bias {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return fmt.Errorf("rbm: %s.bias[%d] = %v: must be finite", name, i, b)
		}
	}
	if l.Type != Gaussian {
		if len(l.Sigma) != 0 {
			return fmt.Errorf("rbm: %s.sigma given for a %s layer: sigma is for gaussian layers only", name, l.Type)
		}
		return nil
	}
	if len(l.Sigma) != len(l.Bias) {
		return fmt.Errorf("rbm: %s.sigma has %d entries for %d units: need one per unit", name, len(l.Sigma), len(l.Bias))
	}
	for i, s := range l.Sigma {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("rbm: %s.sigma[%d] = %v: must be finite and > 0", name, i, s)
		}
	}
	return nil
}

// clone returns a deep copy.
func (l *Layer) clone() Layer {
	c := Layer{Type: l.Type, Bias: append([]float64(nil), l.Bias...)}
	if l.Sigma != nil {
		c.Sigma = append([]float64(nil), l.Sigma...)
	}
	return c
}

// Potential returns the energy term a_mu(x) of unit mu at value x (the unit
// contributes -a_mu(x) to E): bias*x for Bernoulli and spin units,
// -(x - bias)^2/(2 sigma^2) for Gaussian ones.
func (l *Layer) Potential(mu int, x float64) float64 {
	if l.Type == Gaussian {
		d := x - l.Bias[mu]
		return -d * d / (2 * l.Sigma[mu] * l.Sigma[mu])
	}
	return l.Bias[mu] * x
}

// LogNorm returns ln of the normaliser of the prior of unit mu,
// ln sum_x exp(Potential(mu, x)) (an integral for Gaussian units):
// softplus(b) for Bernoulli, ln 2cosh(b) for spin, ln(sigma sqrt(2 pi)) for Gaussian.
func (l *Layer) LogNorm(mu int) float64 {
	switch l.Type {
	case Bernoulli:
		return numeric.Softplus(l.Bias[mu])
	case Spin:
		return numeric.Log2Cosh(l.Bias[mu])
	}
	return math.Log(l.Sigma[mu]) + 0.5*math.Log(2*math.Pi)
}

// CGF returns K_mu(t) = ln E_q[exp(t x)], the cumulant generating function of
// the prior q_mu(x) ∝ exp(Potential(mu, x)) of unit mu:
//
//	Bernoulli: softplus(b + t) - softplus(b)
//	spin:      ln cosh(b + t) - ln cosh(b)
//	Gaussian:  b t + sigma^2 t^2 / 2
//
// K_mu(0) = 0, and sum_x exp(Potential(mu, x) + t x) = exp(LogNorm(mu) + K_mu(t)).
func (l *Layer) CGF(mu int, t float64) float64 {
	b := l.Bias[mu]
	switch l.Type {
	case Bernoulli:
		return numeric.Softplus(b+t) - numeric.Softplus(b)
	case Spin:
		return numeric.LogCosh(b+t) - numeric.LogCosh(b)
	}
	s := l.Sigma[mu]
	return b*t + 0.5*s*s*t*t
}

// sumCGF returns sum_mu CGF(mu, t[mu]) with the type switch outside the loop.
func (l *Layer) sumCGF(t []float64) float64 {
	var s float64
	b := l.Bias[:len(t)]
	switch l.Type {
	case Bernoulli:
		for mu, x := range t {
			s += numeric.Softplus(b[mu]+x) - numeric.Softplus(b[mu])
		}
	case Spin:
		for mu, x := range t {
			s += numeric.LogCosh(b[mu]+x) - numeric.LogCosh(b[mu])
		}
	default:
		sg := l.Sigma[:len(t)]
		for mu, x := range t {
			s += x * (b[mu] + 0.5*sg[mu]*sg[mu]*x)
		}
	}
	return s
}

// Mean returns E[x] for unit mu when it feels the input t (the sum of
// weights times the other layer's values), that is the derivative K_mu'(t):
// sigmoid(b + t) for Bernoulli, tanh(b + t) for spin, b + sigma^2 t for Gaussian.
func (l *Layer) Mean(mu int, t float64) float64 {
	b := l.Bias[mu]
	switch l.Type {
	case Bernoulli:
		return numeric.Sigmoid(b + t)
	case Spin:
		return math.Tanh(b + t)
	}
	s := l.Sigma[mu]
	return b + s*s*t
}

// sample draws unit mu's value given its input t from the conditional
// q_mu(x) exp(t x) / normaliser, using u, a uniform draw in [0,1) (discrete
// units), or z, a standard normal draw (Gaussian units).
//
//	Bernoulli: 1 if u < sigmoid(b + t), else 0
//	spin:      +1 if u < sigmoid(2 (b + t)), else -1
//	Gaussian:  b + sigma^2 t + sigma z
func (l *Layer) sample(mu int, t float64, u float64) float64 {
	b := l.Bias[mu]
	switch l.Type {
	case Bernoulli:
		if u < numeric.Sigmoid(b+t) {
			return 1
		}
		return 0
	case Spin:
		if u < numeric.Sigmoid(2*(b+t)) {
			return 1
		}
		return -1
	}
	s := l.Sigma[mu]
	return b + s*s*t + s*u
}

// values returns the two values of a discrete unit: (off, on) = (0, 1) or (-1, +1).
func (t LayerType) values() (off, on float64) {
	if t == Spin {
		return -1, 1
	}
	return 0, 1
}
