package rg

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/isingrbm/isingrbm/plots"
)

// flowLine draws an RG trajectory: the iterates as small dots joined by
// straight segments, each long enough segment carrying an arrowhead at its
// middle pointing in the direction of the flow.
type flowLine struct {
	x, y  []float64
	color color.Color
}

func (f flowLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ls := draw.LineStyle{Color: f.color, Width: vg.Points(1)}
	gs := draw.GlyphStyle{Color: f.color, Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}
	for i := range f.x {
		a := vg.Point{X: trX(f.x[i]), Y: trY(f.y[i])}
		if c.Contains(a) {
			c.DrawGlyph(gs, a)
		}
		if i == 0 {
			continue
		}
		o := vg.Point{X: trX(f.x[i-1]), Y: trY(f.y[i-1])}
		c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{o, a})...)
		d := a.Sub(o)
		n := vg.Length(math.Hypot(float64(d.X), float64(d.Y)))
		if n < vg.Points(12) {
			continue
		}
		u := d.Scale(1 / n)
		perp := vg.Point{X: -u.Y, Y: u.X}
		mid := o.Add(d.Scale(0.5))
		tip := mid.Add(u.Scale(vg.Points(3.5)))
		back := mid.Sub(u.Scale(vg.Points(3.5)))
		head := []vg.Point{tip, back.Add(perp.Scale(vg.Points(3))), back.Sub(perp.Scale(vg.Points(3)))}
		if c.Contains(mid) {
			c.FillPolygon(f.color, head)
		}
	}
}

// flowView is the visible part of the flows; plot.Add uses it for the axis
// ranges (the flows themselves run off to infinity).
type flowView struct{ xmin, xmax, ymin, ymax float64 }

func (v flowView) Plot(draw.Canvas, *plot.Plot)                {}
func (v flowView) DataRange() (xmin, xmax, ymin, ymax float64) { return v.xmin, v.xmax, v.ymin, v.ymax }

func newFlowPlot(title, xl, yl string, v flowView) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xl
	p.Y.Label.Text = yl
	p.Add(plotter.NewGrid(), v)
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(2)
	p.Legend.TextStyle.Font.Size = vg.Points(8.5)
	return p
}

// fixedMark draws fixed points as large filled glyphs with a legend entry.
func fixedMark(p *plot.Plot, label string, shape draw.GlyphDrawer, col color.Color, x, y []float64) error {
	xy := make(plotter.XYs, len(x))
	for i := range x {
		xy[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return err
	}
	s.Shape, s.Color, s.Radius = shape, col, vg.Points(4.5)
	p.Add(s)
	p.Legend.Add(label, s)
	return nil
}

// FlowFigure draws three panels: the exact chain flow in the (tanh K, tanh B)
// plane, and the truncated square-lattice flows (K, L) of the Lowest and
// LnCosh rules with their non-trivial fixed points, the critical lines of
// the truncated maps, and Onsager's K_c on the L = 0 axis.
func FlowFigure() (*plots.Panel, error) {
	black := color.Gray{Y: 0}
	red := color.RGBA{R: 200, A: 255}
	// Chain.
	pc := newFlowPlot("chain: exact decimation (K, B) -> (K', B')", "tanh K  (K = J/T, dimensionless)", "tanh B  (B = h/T, dimensionless)",
		flowView{0, 1, -1, 1})
	col := 0
	for _, tk := range []float64{0.999, 0.99, 0.95, 0.8} {
		for _, tb := range []float64{-0.3, -0.05, 0, 0.05, 0.3} {
			tr := ChainFlow(math.Atanh(tk), math.Atanh(tb), 40)
			x, y := make([]float64, len(tr)), make([]float64, len(tr))
			for i, q := range tr {
				x[i], y[i] = math.Tanh(q.K), math.Tanh(q.L)
			}
			pc.Add(flowLine{x, y, plotutil.Color(col % 3)})
		}
		col++
	}
	line, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -1}, {X: 0, Y: 1}})
	if err != nil {
		return nil, err
	}
	line.Color, line.Width = black, vg.Points(4)
	pc.Add(line)
	pc.Legend.Add("stable fixed line K = 0 (T = ∞)", line)
	if err := fixedMark(pc, "unstable fixed point K = ∞, B = 0 (T = 0)", draw.BoxGlyph{}, red, []float64{1}, []float64{0}); err != nil {
		return nil, err
	}
	// Headroom above tanh B = 1 for the legend.
	pc.X.Min, pc.X.Max, pc.Y.Min, pc.Y.Max = -0.02, 1.02, -1.02, 1.3

	panels := []*plot.Plot{pc}
	for _, r := range SquareRules {
		fp, err := r.FixedPoint()
		if err != nil {
			return nil, err
		}
		title := "square, b = √2: K' = 2K² + L, L' = K²"
		kmax, lmax := 0.7, 0.3
		if r == LnCosh {
			title = "square, b = √2: K' = ¼ ln cosh 4K + L, L' = ⅛ ln cosh 4K"
			kmax, lmax = 1.0, 0.4
		}
		p := newFlowPlot(title, "nearest-neighbour K = J1/T (dimensionless)", "next-nearest L = J2/T (dimensionless)",
			flowView{0, kmax, 0, lmax})
		// Critical line of the truncated map.
		var crit plotter.XYs
		for l := 0.0; l <= 1.2*lmax+1e-9; l += lmax / 20 {
			if k := r.CriticalK(l); k <= kmax {
				crit = append(crit, plotter.XY{X: k, Y: l})
			}
		}
		cl, err := plotter.NewLine(crit)
		if err != nil {
			return nil, err
		}
		cl.Color, cl.Width, cl.Dashes = color.Gray{Y: 90}, vg.Points(1.2), []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(cl)
		p.Legend.Add("critical line of the truncated map", cl)
		col := 0
		starts := []Point{}
		for _, dk := range []float64{-0.12, -0.05, -0.015, -0.003, 0.003, 0.015, 0.05} {
			starts = append(starts, Point{fp.KcNN + dk, 0})
		}
		for _, q := range []Point{{0.05 * kmax / 0.7, 0.25 * lmax / 0.3}, {0.15 * kmax / 0.7, 0.28 * lmax / 0.3}, {fp.Fixed.K * 0.6, lmax * 0.95}} {
			starts = append(starts, q)
		}
		for _, s := range starts {
			tr := r.Flow(s, 30)
			var x, y []float64
			for _, q := range tr {
				x, y = append(x, q.K), append(y, q.L)
				if q.K > 2*kmax || q.L > 2*lmax {
					break
				}
			}
			p.Add(flowLine{x, y, plotutil.Color(col % 6)})
			col++
		}
		if err := fixedMark(p, fmt.Sprintf("fixed point (%.4f, %.4f): y_t = %.3f, ν = %.3f", fp.Fixed.K, fp.Fixed.L, fp.YT, fp.Nu),
			draw.BoxGlyph{}, red, []float64{fp.Fixed.K}, []float64{fp.Fixed.L}); err != nil {
			return nil, err
		}
		if err := fixedMark(p, fmt.Sprintf("K_c of the map on L = 0: %.4f", fp.KcNN), draw.TriangleGlyph{}, color.RGBA{B: 200, A: 255},
			[]float64{fp.KcNN}, []float64{0}); err != nil {
			return nil, err
		}
		if err := fixedMark(p, fmt.Sprintf("Onsager K_c = %.4f", KcExact), draw.CrossGlyph{}, black,
			[]float64{KcExact}, []float64{0}); err != nil {
			return nil, err
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, kmax, -0.01, 1.3*lmax
		panels = append(panels, p)
	}
	return &plots.Panel{Plots: panels}, nil
}

// SaveFlowFigure writes FlowFigure to base.png and base.svg and returns the paths.
func SaveFlowFigure(base string) ([]string, error) {
	pn, err := FlowFigure()
	if err != nil {
		return nil, err
	}
	return plots.SaveSize(pn, base, 18*vg.Inch, 5.5*vg.Inch, "png", "svg")
}
