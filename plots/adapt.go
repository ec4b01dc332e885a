package plots

import (
	"math"

	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

// ExactValue returns quantity q of an exact result, NaN when the method did
// not compute it. SusceptAbs, chi' = beta N (<m^2> - <|m|>^2), is derived from
// <m^2> and <|m|> of a finite lattice (NaN for the infinite lattice).
func ExactValue(res *transfer.Result, q Quantity) float64 {
	get := func(h transfer.Quantity) float64 {
		v, ok := res.Get(h)
		if !ok {
			return math.NaN()
		}
		return v
	}
	switch q {
	case Energy:
		return get(transfer.HasEnergy)
	case HeatCapacity:
		return get(transfer.HasHeatCapacity)
	case AbsMag:
		return get(transfer.HasAbsMagnetization)
	case Mag2:
		return get(transfer.HasM2)
	case Susceptibility:
		return get(transfer.HasSusceptibility)
	case SusceptAbs:
		if res.Sites == 0 {
			return math.NaN()
		}
		m2, am := get(transfer.HasM2), get(transfer.HasAbsMagnetization)
		return res.Beta * float64(res.Sites) * (m2 - am*am)
	case Binder:
		return get(transfer.HasBinder)
	case FreeEnergy:
		return get(transfer.HasFreeEnergy)
	}
	return math.NaN()
}

// MCValue returns quantity q of a Monte Carlo result and its one-sigma error
// (NaN, NaN for the free energy, which Monte Carlo does not give).
func MCValue(res mc.TempResult, q Quantity) (mean, err float64) {
	var e mc.Estimate
	switch q {
	case Energy:
		e = res.Energy
	case HeatCapacity:
		e = res.HeatCapacity
	case AbsMag:
		e = res.AbsMagnetization
	case Mag2:
		e = res.M2
	case Susceptibility:
		e = res.Susceptibility
	case SusceptAbs:
		e = res.SusceptibilityAbs
	case Binder:
		e = res.Binder
	default:
		return math.NaN(), math.NaN()
	}
	return e.Mean, e.Error
}

// ExactSeries returns quantity q of exact results against T = 1/beta as a
// solid-line Series, skipping beta = 0 and quantities the method lacks.
func ExactSeries(label string, res []*transfer.Result, q Quantity) Series {
	s := Series{Label: label}
	for _, x := range res {
		if x.Beta == 0 {
			continue
		}
		v := ExactValue(x, q)
		if math.IsNaN(v) {
			continue
		}
		s.X, s.Y = append(s.X, 1/x.Beta), append(s.Y, v)
	}
	return s
}

// MCSeries returns quantity q of Monte Carlo results against T as a Points
// Series with error bars, skipping beta = 0 and undefined estimates.
func MCSeries(label string, res []mc.TempResult, q Quantity) Series {
	s := Series{Label: label, Style: Points}
	for _, x := range res {
		v, e := MCValue(x, q)
		if x.Beta == 0 || math.IsNaN(v) || math.IsNaN(e) {
			continue
		}
		s.X, s.Y, s.YErr = append(s.X, 1/x.Beta), append(s.Y, v), append(s.YErr, e)
	}
	return s
}
