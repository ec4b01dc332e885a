package lattice

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/internal/quote"
)

// Disorder is the distribution of couplings or fields.
type Disorder int

// Distributions. The zero value Uniform gives every bond (site) the mean value.
const (
	Uniform   Disorder = iota // every value equals the mean
	PlusMinus                 // +mean or -mean with probability 1/2 each
	Gaussian                  // normal with the given mean and width
)

func (d Disorder) String() string {
	switch d {
	case Uniform:
		return "none"
	case PlusMinus:
		return "pm"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("Disorder(%d)", int(d))
}

// ParseDisorder parses "none" (or "uniform"), "pm" (or "+-", "pmj") and "gaussian".
func ParseDisorder(s string) (Disorder, error) {
	switch s {
	case "none", "uniform", "":
		return Uniform, nil
	case "pm", "+-", "pmj", "bimodal":
		return PlusMinus, nil
	case "gaussian", "normal":
		return Gaussian, nil
	}
	return 0, fmt.Errorf("unknown disorder %s: allowed none, pm, gaussian", quote.Q(s))
}

// Dist is a distribution of values: Mean, and Sigma for Gaussian.
// The zero value is the constant 0.
type Dist struct {
	Kind  Disorder
	Mean  float64
	Sigma float64 // width of Gaussian disorder, >= 0; ignored otherwise
}

func (d Dist) validate(what string) error {
	if math.IsNaN(d.Mean) || math.IsInf(d.Mean, 0) {
		return fmt.Errorf("lattice: %s mean %v is not finite", what, d.Mean)
	}
	if math.IsNaN(d.Sigma) || math.IsInf(d.Sigma, 0) || d.Sigma < 0 {
		return fmt.Errorf("lattice: %s width %v: must be finite and >= 0", what, d.Sigma)
	}
	return nil
}

func (d Dist) draw(r *rand.Rand) float64 {
	switch d.Kind {
	case PlusMinus:
		if r.Uint64()&1 == 0 {
			return d.Mean
		}
		return -d.Mean
	case Gaussian:
		return d.Mean + d.Sigma*r.NormFloat64()
	}
	return d.Mean
}

// SetCouplings multiplies every bond's geometric weight (1, or the
// complete-graph scaling) by a value drawn from d, in bond order. src may be
// nil when d is Uniform.
func (m *Model) SetCouplings(d Dist, src rand.Source) error {
	if err := d.validate("coupling"); err != nil {
		return err
	}
	if d.Kind != Uniform && src == nil {
		return fmt.Errorf("lattice: %v couplings need a random source", d.Kind)
	}
	var r *rand.Rand
	if src != nil {
		r = rand.New(src)
	}
	for k := range m.bonds {
		m.bonds[k].Coupling *= d.draw(r)
	}
	m.nb.Store(nil)
	return nil
}

// SetFields sets every field to a value drawn from d, in site order. src may
// be nil when d is Uniform.
func (m *Model) SetFields(d Dist, src rand.Source) error {
	if err := d.validate("field"); err != nil {
		return err
	}
	if d.Kind != Uniform && src == nil {
		return fmt.Errorf("lattice: %v fields need a random source", d.Kind)
	}
	var r *rand.Rand
	if src != nil {
		r = rand.New(src)
	}
	for i := range m.Fields {
		m.Fields[i] = d.draw(r)
	}
	return nil
}
