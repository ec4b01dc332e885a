package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func colorAt(i int) color.Color { return plotutil.Color(i) }

// Cells is a plot.Plotter of a Rows x Cols grid of unit squares, cell (r, c)
// centred at (c, r) with colour Col(r, c): crisp in every format, unlike a
// resampled image. A lattice map of lx x ly sites, site x + lx*y, is
// Cells{Rows: ly, Cols: lx, Col: func(y, x int) color.Color {...}}.
type Cells struct {
	Rows, Cols int
	Col        func(r, c int) color.Color
}

func (g Cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for r := 0; r < g.Rows; r++ {
		for k := 0; k < g.Cols; k++ {
			x0, x1 := trX(float64(k)-0.5), trX(float64(k)+0.5)
			y0, y1 := trY(float64(r)-0.5), trY(float64(r)+0.5)
			var path vg.Path
			path.Move(vg.Point{X: x0, Y: y0})
			path.Line(vg.Point{X: x1, Y: y0})
			path.Line(vg.Point{X: x1, Y: y1})
			path.Line(vg.Point{X: x0, Y: y1})
			path.Close()
			c.SetColor(g.Col(r, k))
			c.Fill(path)
		}
	}
}

// DataRange implements plot.DataRanger.
func (g Cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(g.Cols) - 0.5, -0.5, float64(g.Rows) - 0.5
}

// integerTicks labels integer positions only (site or unit indices).
type integerTicks struct{}

func (integerTicks) Ticks(min, max float64) []plot.Tick {
	return intTicks(min, max, func(v int) int { return v })
}

// intTicks marks the integer positions v in [min, max] whose label(v) is a
// multiple of a step chosen to give at most about 8 labels.
func intTicks(min, max float64, label func(int) int) []plot.Tick {
	lo, hi := int(math.Ceil(min)), int(math.Floor(max))
	step := 1
	for (hi-lo)/step > 8 {
		switch {
		case step == 1:
			step = 2
		case step == 2:
			step = 4
		case step%10 == 0 || step == 5:
			step *= 2
		default:
			step = ((step + 4) / 5) * 5
		}
	}
	var t []plot.Tick
	for v := lo; v <= hi; v++ {
		if label(v)%step == 0 {
			t = append(t, plot.Tick{Value: float64(v), Label: fmt.Sprint(label(v))})
		}
	}
	return t
}

// Heatmap draws the matrix m (row i at the top, as printed) with a diverging
// blue-white-red scale symmetric about zero, and a colour bar labelled
// valueLabel. It is meant for weight matrices W_{i mu} and coupling matrices
// J_ij. Non-finite entries are an error.
func Heatmap(title, xlabel, ylabel, valueLabel string, m mat.Matrix) (*Panel, error) {
	r, c := m.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("plots: Heatmap: empty %dx%d matrix", r, c)
	}
	var amax float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: Heatmap: entry (%d,%d) is %v", i, j, v)
			}
			amax = math.Max(amax, math.Abs(v))
		}
	}
	if amax == 0 {
		amax = 1
	}
	cm := moreland.SmoothBlueRed()
	cm.SetMin(-amax)
	cm.SetMax(amax)
	colorOf := func(v float64) color.Color {
		col, err := cm.At(v)
		if err != nil { // only for v outside [-amax, amax], which cannot happen
			return color.Black
		}
		return col
	}
	p := newPlot(title, xlabel, ylabel)
	p.Add(Cells{Rows: r, Cols: c, Col: func(row, k int) color.Color {
		return colorOf(m.At(r-1-row, k)) // row 0 drawn at the top
	}})
	p.X.Tick.Marker = integerTicks{}
	p.Y.Tick.Marker = flippedTicks{n: r}
	p.X.Padding, p.Y.Padding = 0, 0

	bar := plot.New()
	cb := &plotter.ColorBar{ColorMap: cm, Vertical: true}
	bar.Add(cb)
	bar.HideX()
	bar.Y.Label.Text = valueLabel
	bar.Title.Text = ""
	bar.X.Padding, bar.Y.Padding = 0, 0
	return &Panel{Plots: []*plot.Plot{p, bar}, Widths: []float64{5, 1.2}}, nil
}

// flippedTicks labels row positions so that row 0 is at the top.
type flippedTicks struct{ n int }

func (f flippedTicks) Ticks(min, max float64) []plot.Tick {
	return intTicks(min, max, func(v int) int { return f.n - 1 - v })
}

var _ palette.ColorMap = moreland.SmoothBlueRed()

// Snapshot draws a spin configuration of an lx x ly lattice (site index
// x + lx*y, y increasing upwards): s = +1 black, s = -1 white. It panics if
// len(s) != lx*ly.
func Snapshot(title string, s []int8, lx, ly int) (*plot.Plot, error) {
	if len(s) != lx*ly {
		panic(fmt.Sprintf("plots: Snapshot: %d spins for a %dx%d lattice", len(s), lx, ly))
	}
	for i, v := range s {
		if v != 1 && v != -1 {
			return nil, fmt.Errorf("plots: Snapshot: spin %d is %d, want -1 or +1", i, v)
		}
	}
	// The colour key: black and white squares in the title's second line.
	p := newPlot(title+"\n■ s = +1    □ s = −1", "x", "y")
	p.Add(Cells{Rows: ly, Cols: lx, Col: func(y, x int) color.Color {
		if s[x+lx*y] > 0 {
			return color.Gray{Y: 20}
		}
		return color.Gray{Y: 245}
	}})
	p.X.Tick.Marker = integerTicks{}
	p.Y.Tick.Marker = integerTicks{}
	p.X.Padding, p.Y.Padding = 0, 0
	return p, nil
}

// SnapshotSize returns a figure size for Snapshot with square cells and
// the given width.
func SnapshotSize(lx, ly int, width vg.Length) (w, h vg.Length) {
	// About 0.6 inch of the width and 0.55 inch of the height go to axes and title.
	plotW := width - 0.6*vg.Inch
	return width, plotW*vg.Length(float64(ly)/float64(lx)) + 0.55*vg.Inch
}

// Training draws learning curves (X = epoch) such as the log-likelihood or
// the KL divergence to the exact distribution; logY puts y on a log scale
// (values must then be > 0).
func Training(title, ylabel string, logY bool, curves []Series) (*plot.Plot, error) {
	f := Figure{Title: title, XLabel: "epoch", YLabel: ylabel, LogY: logY}
	for i, s := range curves {
		s.Color = i
		f.Series = append(f.Series, s)
	}
	return XY(f)
}

// OrderNorms is the size of the k-body couplings J_S, |S| = k, of one model by
// order: Exact from the Walsh/Möbius transform of the marginal energy,
// Predicted from the truncated cumulant series (NaN where not predicted).
type OrderNorms struct {
	Label     string
	Order     []int
	Exact     []float64
	Predicted []float64
}

// CouplingsByOrder draws, on a log scale, the exact norms (points) and the
// cumulant predictions (dashed, same colour) against the order k; the
// legend names the sets and the title says which is which. Orders whose exact value
// is 0 (for example odd orders at zero field) are omitted, as the title
// says.
func CouplingsByOrder(title, ylabel string, sets []OrderNorms) (*plot.Plot, error) {
	f := Figure{Title: title + "\npoints: exact; dashed: cumulant series", XLabel: "order k = |S|", YLabel: ylabel, LogY: true}
	omitted := false
	for i, o := range sets {
		if len(o.Exact) != len(o.Order) || len(o.Predicted) != len(o.Order) {
			return nil, fmt.Errorf("plots: CouplingsByOrder %q: lengths %d, %d, %d differ", o.Label, len(o.Order), len(o.Exact), len(o.Predicted))
		}
		ex := Series{Label: o.Label, Style: Points, Color: i}
		pr := Series{Style: Dashed, Color: i}
		for k, ord := range o.Order {
			if v := math.Abs(o.Exact[k]); v > 0 {
				ex.X = append(ex.X, float64(ord))
				ex.Y = append(ex.Y, v)
			} else {
				omitted = true
			}
			if v := math.Abs(o.Predicted[k]); v > 0 && !math.IsNaN(v) {
				pr.X = append(pr.X, float64(ord))
				pr.Y = append(pr.Y, v)
			}
		}
		f.Series = append(f.Series, ex)
		if len(pr.X) > 0 {
			f.Series = append(f.Series, pr)
		}
	}
	if omitted {
		f.Title += "  (zero orders omitted)"
	}
	p, err := XY(f)
	if err != nil {
		return nil, err
	}
	p.X.Tick.Marker = integerTicks{}
	return p, nil
}
