package plots

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// ZeroFloor is where a relative difference of exactly zero is drawn on a log
// axis (the axis label says so); it is below every non-zero float64 relative
// difference of two numbers of order one (2^-53 = 1.1e-16).
const ZeroFloor = 1e-17

// Epsilon is the float64 machine epsilon 2^-52.
const Epsilon = 2.220446049250313e-16

// ZMethods is ln Z of one model at one temperature by several methods.
// Methods[0] is the reference the others are compared with.
type ZMethods struct {
	Lattice string    // label, e.g. "4x4"
	N       int       // number of sites
	Methods []string  // e.g. "enumeration", "transfer", "kaufman", "dos"
	LnZ     []float64 // one per method
}

// ZAgreement draws, for every method but the reference Methods[0], the
// relative difference |ln Z_method - ln Z_ref| / |ln Z_ref| against the number
// of sites N on a log scale, with machine epsilon marked. A difference of
// exactly 0 is drawn at ZeroFloor and the title says so.
func ZAgreement(title string, rows []ZMethods) (*plot.Plot, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("plots: ZAgreement: no rows")
	}
	ref := rows[0].Methods[0]
	var names []string
	byName := map[string]*Series{}
	zero := false
	for _, r := range rows {
		if len(r.Methods) != len(r.LnZ) || len(r.Methods) == 0 {
			return nil, fmt.Errorf("plots: ZAgreement %s: %d methods but %d values", r.Lattice, len(r.Methods), len(r.LnZ))
		}
		if r.Methods[0] != ref {
			return nil, fmt.Errorf("plots: ZAgreement %s: reference method %q, want %q as in the first row", r.Lattice, r.Methods[0], ref)
		}
		for k := 1; k < len(r.Methods); k++ {
			m := r.Methods[k]
			s, ok := byName[m]
			if !ok {
				s = &Series{Label: m + " vs " + ref, Style: Points}
				byName[m] = s
				names = append(names, m)
			}
			d := numeric.RelDiff(r.LnZ[k], r.LnZ[0])
			if math.IsNaN(d) {
				return nil, fmt.Errorf("plots: ZAgreement %s: ln Z of %s is NaN", r.Lattice, m)
			}
			if d == 0 {
				d = ZeroFloor
				zero = true
			}
			s.X = append(s.X, float64(r.N))
			s.Y = append(s.Y, d)
		}
	}
	yl := "relative difference of ln Z"
	if zero {
		title += fmt.Sprintf("  (a difference of 0 is drawn at %g)", ZeroFloor)
	}
	f := Figure{Title: title, XLabel: "number of sites N", YLabel: yl, LogX: true, LogY: true,
		HMarks: []Mark{{Label: "machine ε = 2.2e-16", Value: Epsilon}}, YMin: ZeroFloor / 2, YMax: 1e-13}
	for i, n := range names {
		s := *byName[n]
		s.Color = i
		f.Series = append(f.Series, s)
	}
	return XY(f)
}

// Convergence draws |q(L) - q_inf| against L on log-log axes for each series
// (X = L, Y = q(L) - q_inf, sign ignored): the approach of finite tori to the
// infinite lattice. Exact zeros are dropped with a note in the title. A
// series with Style Dotted is drawn as given (a guide such as ln 2/L^2).
func Convergence(title, xlabel, ylabel string, series []Series) (*plot.Plot, error) {
	f := Figure{Title: title, XLabel: xlabel, YLabel: ylabel, LogX: true, LogY: true, LegendBottom: true, LegendLeft: true}
	dropped := false
	for i, s := range series {
		if s.Style == Dotted {
			f.Series = append(f.Series, s)
			continue
		}
		t := Series{Label: s.Label, Style: LinePoints, Color: i}
		idx := make([]int, len(s.X))
		for k := range idx {
			idx[k] = k
		}
		sort.SliceStable(idx, func(a, b int) bool { return s.X[idx[a]] < s.X[idx[b]] })
		for _, k := range idx {
			y := math.Abs(s.Y[k])
			if y == 0 {
				dropped = true
				continue
			}
			t.X = append(t.X, s.X[k])
			t.Y = append(t.Y, y)
		}
		f.Series = append(f.Series, t)
	}
	if dropped {
		f.Title += "  (exact zeros omitted)"
	}
	return XY(f)
}
