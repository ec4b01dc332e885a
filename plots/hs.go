package plots

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Equivalence draws log p_RBM(s) against log p_Ising(s) over all states,
// with the diagonal y = x. Points closer than 1e-4 of the axis range to an
// already drawn point are drawn once (the figure is unchanged; the files stay
// small for 2^16 states). It panics if the slices differ in length.
func Equivalence(title, xlabel, ylabel string, x, y []float64) (*plot.Plot, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("plots: Equivalence: %d x values but %d y values", len(x), len(y)))
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("plots: Equivalence: no states")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("plots: Equivalence: state %d has non-finite value (%v, %v)", i, x[i], y[i])
		}
		lo = math.Min(lo, math.Min(x[i], y[i]))
		hi = math.Max(hi, math.Max(x[i], y[i]))
	}
	q := (hi - lo) * 1e-4
	if q == 0 {
		q = 1
	}
	type cell struct{ a, b int64 }
	seen := map[cell]bool{}
	var pts plotter.XYs
	for i := range x {
		c := cell{int64(math.Round((x[i] - lo) / q)), int64(math.Round((y[i] - lo) / q))}
		if seen[c] {
			continue
		}
		seen[c] = true
		pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].X < pts[b].X || pts[a].X == pts[b].X && pts[a].Y < pts[b].Y })
	p := newPlot(title, xlabel, ylabel)
	d, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	d.Color = grey
	d.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.Color = colorAt(0)
	sc.Radius = vg.Points(2.5)
	p.Add(d, sc)
	p.Legend.Add(fmt.Sprintf("%d states", len(x)), sc)
	p.Legend.Add("y = x", d)
	p.Legend.Top = true
	p.Legend.Left = true
	return p, nil
}

// DiffHistogram draws the histogram of differences d (for example log p_RBM -
// log p_Ising over all states) in units of machine epsilon, with the maximum
// |d| in the legend. bins <= 0 picks 40.
func DiffHistogram(title, what string, d []float64, bins int) (*plot.Plot, error) {
	if len(d) == 0 {
		return nil, fmt.Errorf("plots: DiffHistogram: no values")
	}
	if bins <= 0 {
		bins = 40
	}
	v := make(plotter.Values, len(d))
	var maxAbs float64
	for i, x := range d {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("plots: DiffHistogram: value %d is %v", i, x)
		}
		v[i] = x / Epsilon
		maxAbs = math.Max(maxAbs, math.Abs(x))
	}
	p := newPlot(title, what+"  (units of ε = 2.2e-16)", "number of states")
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if hi-lo < 1 {
		// All equal (for example all exactly 0): widen to one epsilon so the bars are visible.
		lo, hi = lo-0.5, hi+0.5
		v = append(v, lo, hi) // range anchors, removed below
	}
	h, err := plotter.NewHist(v, bins)
	if err != nil {
		return nil, err
	}
	if len(v) > len(d) {
		// Remove the two anchors from their bins.
		h.Bins[0].Weight--
		h.Bins[len(h.Bins)-1].Weight--
	}
	h.FillColor = colorAt(0)
	h.LineStyle.Width = vg.Points(0.5)
	p.Add(h)
	p.Legend.Add(fmt.Sprintf("%d states, max |Δ| = %.2g", len(d), maxAbs), h)
	p.Legend.Top = true
	p.Y.Min = 0
	var pts [][2]float64
	for _, b := range h.Bins {
		pts = append(pts, [2]float64{b.Min, b.Weight}, [2]float64{b.Max, b.Weight})
	}
	p.Legend.Top, p.Legend.Left = legendCorner(p, pts, 1, len([]rune(fmt.Sprintf("%d states, max |Δ| = %.2g", len(d), maxAbs))), true, false, nil, func(v float64) float64 { return v })
	return p, nil
}
