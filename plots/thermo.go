package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
)

// Quantity names a per-site thermodynamic observable (conventions of the
// package documentation).
type Quantity string

// The thermodynamic quantities drawn against temperature.
const (
	Energy         Quantity = "u"       // u = <H>/N, in units of J
	HeatCapacity   Quantity = "c"       // c = beta^2 (<H^2> - <H>^2)/N, in units of k_B
	AbsMag         Quantity = "absm"    // <|m|>, m = (1/N) sum_i s_i, dimensionless
	Mag2           Quantity = "m2"      // <m^2>, dimensionless
	Susceptibility Quantity = "chi"     // chi = beta N (<m^2> - <m>^2), in units of 1/J
	SusceptAbs     Quantity = "chi_abs" // chi' = beta N (<m^2> - <|m|>^2), in units of 1/J
	Binder         Quantity = "U4"      // U4 = 1 - <m^4>/(3 <m^2>^2), dimensionless
	FreeEnergy     Quantity = "f"       // f = -T ln Z / N, in units of J
)

// Quantities lists every Quantity.
var Quantities = []Quantity{Energy, HeatCapacity, AbsMag, Mag2, Susceptibility, SusceptAbs, Binder, FreeEnergy}

// ParseQuantity checks that s names a Quantity.
func ParseQuantity(s string) (Quantity, error) {
	for _, q := range Quantities {
		if string(q) == s {
			return q, nil
		}
	}
	return "", fmt.Errorf("unknown quantity %q: allowed u, c, absm, m2, chi, chi_abs, U4, f", s)
}

// Label returns the axis label of q with its unit.
func (q Quantity) Label() string {
	switch q {
	case Energy:
		return "energy per site u = <H>/N  (J)"
	case HeatCapacity:
		return "heat capacity per site c  (k_B)"
	case AbsMag:
		return "magnetization <|m|>"
	case Mag2:
		return "<m²>"
	case Susceptibility:
		return "susceptibility χ = βN(<m²> - <m>²)  (1/J)"
	case SusceptAbs:
		return "susceptibility χ' = βN(<m²> - <|m|>²)  (1/J)"
	case Binder:
		return "Binder cumulant U₄ = 1 - <m⁴>/(3<m²>²)"
	case FreeEnergy:
		return "free energy per site f = -T ln Z/N  (J)"
	}
	return string(q)
}

// TempLabel is the label of a temperature axis.
const TempLabel = "temperature T  (J/k_B)"

// Onsager's critical temperature of the square lattice, T_c = 2/ln(1+sqrt 2) (J = k_B = 1).
const OnsagerTc = 2.269185314213022

// BinderStar is the universal value of U4 at T_c for the square-lattice torus
// (Salas and Sokal 2000).
const BinderStar = 0.61069

// ThermoPlot is a figure of one quantity against temperature T.
// Exact finite-size curves are solid lines, thermodynamic limits dashed, Monte
// Carlo estimates points with one-sigma error bars. The Style of each series
// is set by the group it is in. Tc, when > 0, adds a dotted vertical mark.
type ThermoPlot struct {
	Title    string
	Quantity Quantity
	Exact    []Series // e.g. transfer matrix, Kaufman, enumeration on a finite lattice
	Limit    []Series // e.g. Onsager's infinite-lattice curve
	MC       []Series // Monte Carlo estimates with YErr
	Tc       float64
	// KeepColors keeps the Color (and Shape) of every series, so that the
	// curves and points of one lattice size can share a colour; the zero
	// value gives each series the next colour.
	KeepColors bool
	// NoOffset draws every MC series at its own temperatures; by default
	// series k of K is shifted sideways by (k - (K-1)/2) x 0.8 % of the
	// temperature range, so that points of several samplers at the same
	// temperature do not hide each other's error bars.
	NoOffset bool
}

// OffsetFraction is the sideways shift between Monte Carlo series in a
// ThermoPlot, as a fraction of the temperature range.
const OffsetFraction = 0.008

// Bounds returns the physical range of q (nil when q is unbounded):
// <|m|> and <m^2> lie in [0, 1], U4 of +-1 spins in [0, 2/3], c and chi'
// and chi are >= 0.
func (q Quantity) Bounds() *[2]float64 {
	switch q {
	case AbsMag, Mag2:
		return &[2]float64{0, 1}
	case Binder:
		return &[2]float64{math.Inf(-1), 2.0 / 3}
	case HeatCapacity, Susceptibility, SusceptAbs:
		return &[2]float64{0, math.Inf(1)}
	}
	return nil
}

// Thermo draws a ThermoPlot.
func Thermo(t ThermoPlot) (*plot.Plot, error) {
	f := Figure{Title: t.Title, XLabel: TempLabel, YLabel: t.Quantity.Label(), YBounds: t.Quantity.Bounds()}
	if !t.NoOffset && len(t.MC) > 1 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, ss := range [][]Series{t.Exact, t.Limit, t.MC} {
			for _, s := range ss {
				for _, x := range s.X {
					lo, hi = math.Min(lo, x), math.Max(hi, x)
				}
			}
		}
		mc := make([]Series, len(t.MC))
		for k, s := range t.MC {
			dx := OffsetFraction * (hi - lo) * (float64(k) - float64(len(t.MC)-1)/2)
			s.X = append([]float64(nil), s.X...)
			for i := range s.X {
				s.X[i] += dx
			}
			mc[k] = s
		}
		t.MC = mc
	}
	c := 0
	add := func(ss []Series, st Style) {
		for _, s := range ss {
			s.Style = st
			if !t.KeepColors {
				s.Color = c
			}
			c++
			f.Series = append(f.Series, s)
		}
	}
	add(t.Exact, Solid)
	add(t.Limit, Dashed)
	add(t.MC, Points)
	if t.Tc > 0 {
		f.VMarks = []Mark{{Label: fmt.Sprintf("T_c = %.4g", t.Tc), Value: t.Tc}}
	}
	switch t.Quantity {
	case Energy, FreeEnergy:
		f.LegendBottom = true
		f.LegendLeft = false
	case AbsMag, Binder:
		f.LegendLeft = false
	}
	return XY(f)
}

// BinderCrossing draws U4 against T for several lattice sizes (one series
// each, e.g. labelled "L = 8"), with T_c and the universal value ustar
// marked (BinderStar for the square lattice; 0: no mark, e.g. in three
// dimensions, where U4* is about 0.4655): the curves of different L cross
// near (T_c, U4*). The series keep their Style and Color, so that exact
// curves and Monte Carlo points of one size can share a colour.
func BinderCrossing(title string, curves []Series, tc, ustar float64) (*plot.Plot, error) {
	f := Figure{Title: title, XLabel: TempLabel, YLabel: Binder.Label(), LegendBottom: true, LegendLeft: true}
	f.Series = append(f.Series, curves...)
	if tc > 0 {
		f.VMarks = []Mark{{Label: fmt.Sprintf("T_c = %.4g", tc), Value: tc}}
	}
	if ustar > 0 {
		f.HMarks = []Mark{{Label: fmt.Sprintf("U₄* = %.5g", ustar), Value: ustar}}
	}
	return XY(f)
}
