package rbm

import (
	"fmt"
	"math"
	"slices"
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

// The registry of unit types: LayerType indexes it. A new unit type is a
// constant above, an entry here and a file implementing unit (unit.go; see
// unit_bernoulli.go, unit_spin.go, unit_gaussian.go).
var registry = [...]struct {
	name    string   // JSON and command-line name, String's result
	aliases []string // also accepted by ParseLayerType
	u       unit
}{
	Bernoulli: {"bernoulli", []string{"binary"}, bernoulli{}},
	Spin:      {"spin", []string{"ising"}, spin{}},
	Gaussian:  {"gaussian", nil, gaussian{}},
}

// valid reports whether t is in the registry.
func (t LayerType) valid() bool { return t >= 0 && int(t) < len(registry) }

// unit returns t's unit type; t must be valid.
func (t LayerType) unit() unit { return registry[t].u }

// allowedTypes is the list of names for error messages:
// "bernoulli, spin or gaussian".
func allowedTypes() string {
	var s string
	for k, e := range registry {
		switch {
		case k == 0:
		case k == len(registry)-1:
			s += " or "
		default:
			s += ", "
		}
		s += e.name
	}
	return s
}

// String returns "bernoulli", "spin" or "gaussian".
func (t LayerType) String() string {
	if t.valid() {
		return registry[t].name
	}
	return fmt.Sprintf("LayerType(%d)", int(t))
}

// Discrete reports whether the units take finitely many values (Bernoulli or spin).
func (t LayerType) Discrete() bool { return t.valid() && t.unit().discrete() }

// ParseLayerType parses "bernoulli" (also "binary"), "spin" (also "ising") or "gaussian".
func ParseLayerType(s string) (LayerType, error) {
	for t, e := range registry {
		if s == e.name || slices.Contains(e.aliases, s) {
			return LayerType(t), nil
		}
	}
	return 0, fmt.Errorf("unknown layer type %q: allowed %s", s, allowedTypes())
}

// MarshalText implements encoding.TextMarshaler.
func (t LayerType) MarshalText() ([]byte, error) {
	if !t.valid() {
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
	if !l.Type.valid() {
		return fmt.Errorf("rbm: %s.type %d: allowed %s", name, int(l.Type), allowedTypes())
	}
	if len(l.Bias) == 0 {
		return fmt.Errorf("rbm: %s layer has no units: need at least 1", name)
	}
	for i, b := range l.Bias {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return fmt.Errorf("rbm: %s.bias[%d] = %v: must be finite", name, i, b)
		}
	}
	if !l.Type.unit().hasWidth() {
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

// sigma returns the width of unit mu, 0 for units without one.
func (l *Layer) sigma(mu int) float64 {
	if mu < len(l.Sigma) {
		return l.Sigma[mu]
	}
	return 0
}

// widths returns Sigma, or n zeros for a layer without widths, so that hot
// loops can index it whatever the unit type.
func (l *Layer) widths() []float64 {
	if l.Sigma != nil {
		return l.Sigma
	}
	return make([]float64, len(l.Bias))
}

// Potential returns the energy term a_mu(x) of unit mu at value x (the unit
// contributes -a_mu(x) to E): bias*x for Bernoulli and spin units,
// -(x - bias)^2/(2 sigma^2) for Gaussian ones.
func (l *Layer) Potential(mu int, x float64) float64 {
	return l.Type.unit().potential(l.Bias[mu], l.sigma(mu), x)
}

// LogNorm returns ln of the normaliser of the prior of unit mu,
// ln sum_x exp(Potential(mu, x)) (an integral for Gaussian units):
// softplus(b) for Bernoulli, ln 2cosh(b) for spin, ln(sigma sqrt(2 pi)) for Gaussian.
func (l *Layer) LogNorm(mu int) float64 {
	return l.Type.unit().logNorm(l.Bias[mu], l.sigma(mu))
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
	return l.Type.unit().cgf(l.Bias[mu], l.sigma(mu), t)
}

// sumCGF returns sum_mu CGF(mu, t[mu]) with one dispatch for the row.
func (l *Layer) sumCGF(t []float64) float64 {
	return l.Type.unit().sumCGF(l.Bias, l.Sigma, t)
}

// Mean returns E[x] for unit mu when it feels the input t (the sum of
// weights times the other layer's values), that is the derivative K_mu'(t):
// sigmoid(b + t) for Bernoulli, tanh(b + t) for spin, b + sigma^2 t for Gaussian.
func (l *Layer) Mean(mu int, t float64) float64 {
	return l.Type.unit().mean(l.Bias[mu], l.sigma(mu), t)
}

// sample draws unit mu's value given its input t from the conditional
// q_mu(x) exp(t x) / normaliser, using u = noise(): a uniform draw in [0,1)
// (discrete units) or a standard normal draw (Gaussian units).
//
//	Bernoulli: 1 if u < sigmoid(b + t), else 0
//	spin:      +1 if u < sigmoid(2 (b + t)), else -1
//	Gaussian:  b + sigma^2 t + sigma u
func (l *Layer) sample(mu int, t float64, u float64) float64 {
	return l.Type.unit().sample(l.Bias[mu], l.sigma(mu), t, u)
}

// Cumulants returns kappa_mu^(1..order) of unit mu's prior (index 0 holds
// kappa^(1)); see BernoulliCumulants, SpinCumulants and GaussianCumulants.
func (l *Layer) Cumulants(mu, order int) []float64 {
	return l.Type.unit().cumulants(l.Bias[mu], l.sigma(mu), order)
}

// scaleBiasGrad divides the bias gradient g of a Gaussian layer by sigma^2
// (see unit.scaleBiasGrad); it leaves other layers' alone.
func (l *Layer) scaleBiasGrad(g []float64) { l.Type.unit().scaleBiasGrad(g, l.Sigma) }

// values returns the two values of a discrete unit: (off, on) = (0, 1) or (-1, +1).
func (t LayerType) values() (off, on float64) { return t.unit().values() }
