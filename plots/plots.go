package plots

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
)

// Style is how a Series is drawn. The zero value is Solid.
type Style int

// Series styles.
const (
	Solid      Style = iota // a solid line (exact finite-size curves)
	Dashed                  // a dashed line (limits, such as Onsager's N -> infinity curve)
	Points                  // markers, with vertical error bars when YErr is set (Monte Carlo)
	Dotted                  // a dotted line (guides, fits)
	LinePoints              // a solid line through markers
)

// Series is one labelled set of points y(x), with an optional one-sigma error
// bar on each y. X and Y must have the same length; YErr is nil or has that
// length too. Points with a NaN coordinate are skipped (they mark a value that
// is not defined, such as U4 of a state with m = 0).
type Series struct {
	Label string
	X, Y  []float64
	YErr  []float64
	Style Style
	// Color is the index into plotutil.DefaultColors; a negative value picks
	// the next colour in order. The zero value is the first colour.
	Color int
	// Shape is 1 + the index into plotutil.DefaultGlyphShapes of the markers;
	// the zero value picks the shape by the series' position in the figure.
	Shape int
}

// Mark is a labelled reference line at a fixed coordinate, drawn dotted in
// grey: a vertical line at X (for example T_c) or a horizontal line at Y (for
// example the universal Binder value).
type Mark struct {
	Label string
	Value float64
}

// Figure is a two-dimensional line/point figure. Axis labels should carry
// their units, e.g. "temperature T (J/k_B)". The zero value is an empty figure
// with linear axes.
type Figure struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []Series
	VMarks, HMarks        []Mark
	// Legend placement: the zero value puts the legend at the top right;
	// LegendLeft and LegendBottom move it.
	LegendLeft, LegendBottom bool
	// When YMin < YMax the y range is extended to include [YMin, YMax] (it is
	// never shrunk, so no data are clipped); the zero values let the data decide.
	YMin, YMax float64
	// YBounds, when set, are the physical limits of y (for example [0, 1]
	// for <|m|>): room for the legend never extends the axis past them.
	YBounds *[2]float64
}

// hollow are the marker shapes of Points series: open shapes, so that an
// error bar shorter than a marker stays visible through it.
var hollow = []draw.GlyphDrawer{draw.RingGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}

func hollowShape(i int) draw.GlyphDrawer { return hollow[((i%len(hollow))+len(hollow))%len(hollow)] }

// Default figure size for Save.
var (
	DefaultWidth  = 6 * vg.Inch
	DefaultHeight = 4 * vg.Inch
)

// grey is the colour of reference marks.
var grey = color.Gray{Y: 110}

func checkSeries(s Series, logX, logY bool) error {
	if len(s.X) != len(s.Y) {
		return fmt.Errorf("plots: series %q: %d x values but %d y values", s.Label, len(s.X), len(s.Y))
	}
	if s.YErr != nil && len(s.YErr) != len(s.Y) {
		return fmt.Errorf("plots: series %q: %d errors for %d points", s.Label, len(s.YErr), len(s.Y))
	}
	for i := range s.X {
		x, y := s.X[i], s.Y[i]
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		if math.IsInf(x, 0) || math.IsInf(y, 0) {
			return fmt.Errorf("plots: series %q point %d (%v, %v) is infinite", s.Label, i, x, y)
		}
		if logX && x <= 0 {
			return fmt.Errorf("plots: series %q point %d: x = %v on a log axis, must be > 0", s.Label, i, x)
		}
		if logY && y <= 0 {
			return fmt.Errorf("plots: series %q point %d: y = %v on a log axis, must be > 0", s.Label, i, y)
		}
		if s.YErr != nil {
			e := s.YErr[i]
			if math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
				return fmt.Errorf("plots: series %q point %d: error %v must be finite and >= 0", s.Label, i, e)
			}
			if logY && y-e <= 0 {
				return fmt.Errorf("plots: series %q point %d: error bar %v +- %v reaches <= 0 on a log axis", s.Label, i, y, e)
			}
		}
	}
	return nil
}

// xyErr adapts a Series (without NaN points) to the plotter interfaces,
// with asymmetric error bars (needed once a log axis is transformed).
type xyErr struct {
	x, y, lo, hi []float64
}

func (p xyErr) Len() int                        { return len(p.x) }
func (p xyErr) XY(i int) (float64, float64)     { return p.x[i], p.y[i] }
func (p xyErr) YError(i int) (float64, float64) { return p.lo[i], p.hi[i] }

// finite drops NaN points and maps log axes to log10 of the values: a log
// axis is drawn as a linear axis of log10(value) with decade labels
// (log10Ticks), which keeps gonum/plot's label placement right (its
// LogScale centres a vertical axis label at the arithmetic mean of the range,
// far from the middle, and pads the plot to fit it).
func finite(s Series, logX, logY bool) xyErr {
	var out xyErr
	for i := range s.X {
		if math.IsNaN(s.X[i]) || math.IsNaN(s.Y[i]) {
			continue
		}
		x, y := s.X[i], s.Y[i]
		if logX {
			x = math.Log10(x)
		}
		if logY {
			y = math.Log10(y)
		}
		out.x = append(out.x, x)
		out.y = append(out.y, y)
		if s.YErr != nil {
			e := s.YErr[i]
			lo, hi := e, e
			if logY {
				lo, hi = y-math.Log10(s.Y[i]-e), math.Log10(s.Y[i]+e)-y
			}
			out.lo = append(out.lo, lo)
			out.hi = append(out.hi, hi)
		}
	}
	return out
}

// newPlot returns a plot with the common look: title, labelled axes, a grid.
func newPlot(title, xl, yl string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xl
	p.Y.Label.Text = yl
	p.Add(plotter.NewGrid())
	return p
}

// XY draws a Figure. It returns an error (and no plot) when a series is
// inconsistent: mismatched lengths, infinite values, negative error bars, or
// non-positive values on a log axis (which gonum/plot cannot draw).
func XY(f Figure) (*plot.Plot, error) {
	p := newPlot(f.Title, f.XLabel, f.YLabel)
	p.X.Tick.Marker, p.Y.Tick.Marker = precTicks{}, precTicks{}
	if f.LogX {
		p.X.Tick.Marker = log10Ticks{}
	}
	if f.LogY {
		p.Y.Tick.Marker = log10Ticks{}
	}
	tx := func(v float64) float64 {
		if f.LogX {
			return math.Log10(v)
		}
		return v
	}
	ty := func(v float64) float64 {
		if f.LogY {
			return math.Log10(v)
		}
		return v
	}
	next, entries := 0, 0
	var any bool
	var pts [][2]float64 // every drawn point, for the legend's corner
	maxLabel := 0
	for k, s := range f.Series {
		if err := checkSeries(s, f.LogX, f.LogY); err != nil {
			return nil, err
		}
		d := finite(s, f.LogX, f.LogY)
		if d.Len() == 0 {
			continue
		}
		any = true
		for i := range d.x {
			pts = append(pts, [2]float64{d.x[i], d.y[i]})
		}
		maxLabel = max(maxLabel, len([]rune(s.Label)))
		ci := s.Color
		if ci < 0 {
			ci = next
		}
		next = ci + 1
		col := plotutil.Color(ci)
		var thumbs []plot.Thumbnailer
		switch s.Style {
		case Solid, Dashed, Dotted:
			l, err := plotter.NewLine(d)
			if err != nil {
				return nil, fmt.Errorf("plots: series %q: %w", s.Label, err)
			}
			l.Color = col
			l.Width = vg.Points(1.5)
			switch s.Style {
			case Dashed:
				l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			case Dotted:
				l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
			}
			p.Add(l)
			thumbs = append(thumbs, l)
		case Points, LinePoints:
			if s.Style == LinePoints {
				l, err := plotter.NewLine(d)
				if err != nil {
					return nil, fmt.Errorf("plots: series %q: %w", s.Label, err)
				}
				l.Color = col
				l.Width = vg.Points(1)
				p.Add(l)
				thumbs = append(thumbs, l)
			}
			sc, err := plotter.NewScatter(d)
			if err != nil {
				return nil, fmt.Errorf("plots: series %q: %w", s.Label, err)
			}
			sc.Color = col
			sc.Shape = hollowShape(k)
			if s.Shape > 0 {
				sc.Shape = hollowShape(s.Shape - 1)
			}
			sc.Radius = vg.Points(2.2)
			p.Add(sc)
			if d.lo != nil {
				// Drawn over the open marker, with caps wider than it (4.4 pt),
				// so that a bar shorter than the marker still shows.
				eb, err := plotter.NewYErrorBars(d)
				if err != nil {
					return nil, fmt.Errorf("plots: series %q: %w", s.Label, err)
				}
				eb.Color = col
				eb.CapWidth = vg.Points(8)
				eb.LineStyle.Width = vg.Points(1)
				p.Add(eb)
			}
			thumbs = append(thumbs, sc)
		default:
			return nil, fmt.Errorf("plots: series %q: unknown style %d", s.Label, s.Style)
		}
		if s.Label != "" {
			p.Legend.Add(s.Label, thumbs...)
			entries++
		}
	}
	if !any {
		return nil, errors.New("plots: figure has no data points")
	}
	// Marks span the final ranges: p.Add has grown the axes to the union of
	// the data ranges; extend for YMin/YMax and the legend first.
	if f.YMin < f.YMax && (!f.LogY || f.YMin > 0) {
		p.Y.Min, p.Y.Max = math.Min(p.Y.Min, ty(f.YMin)), math.Max(p.Y.Max, ty(f.YMax))
	}
	nMarks := 0
	for _, m := range append(append([]Mark(nil), f.VMarks...), f.HMarks...) {
		if m.Label != "" {
			nMarks++
		}
	}
	for _, m := range f.HMarks {
		if f.LogY && m.Value <= 0 {
			continue
		}
		p.Y.Min, p.Y.Max = math.Min(p.Y.Min, ty(m.Value)), math.Max(p.Y.Max, ty(m.Value))
	}
	for _, m := range f.VMarks {
		maxLabel = max(maxLabel, len([]rune(m.Label)))
	}
	for _, m := range f.HMarks {
		maxLabel = max(maxLabel, len([]rune(m.Label)))
	}
	top, left := legendCorner(p, pts, entries+nMarks, maxLabel, !f.LegendBottom, f.LegendLeft, f.YBounds, ty)
	xmin, xmax, ymin, ymax := p.X.Min, p.X.Max, p.Y.Min, p.Y.Max
	for _, m := range f.VMarks {
		if f.LogX && m.Value <= 0 {
			continue
		}
		l := markLine([]float64{tx(m.Value), tx(m.Value)}, []float64{ymin, ymax}, f.LogY)
		if l == nil {
			continue
		}
		p.Add(l)
		if m.Label != "" {
			p.Legend.Add(m.Label, l)
		}
	}
	for _, m := range f.HMarks {
		if f.LogY && m.Value <= 0 {
			continue
		}
		l := markLine([]float64{xmin, xmax}, []float64{ty(m.Value), ty(m.Value)}, f.LogX)
		if l == nil {
			continue
		}
		p.Add(l)
		if m.Label != "" {
			p.Legend.Add(m.Label, l)
		}
	}
	p.Legend.Top = top
	p.Legend.Left = left
	p.Legend.Padding = vg.Points(2)
	if entries+nMarks > 7 {
		p.Legend.TextStyle.Font.Size = vg.Points(9)
		p.Legend.Padding = vg.Points(1)
	}
	p.Legend.ThumbnailWidth = vg.Points(22)
	return p, nil
}

func markLine(x, y []float64, _ bool) *plotter.Line {
	if math.IsInf(x[0], 0) || math.IsInf(y[0], 0) || math.IsInf(x[1], 0) || math.IsInf(y[1], 0) {
		return nil
	}
	l, err := plotter.NewLine(plotter.XYs{{X: x[0], Y: y[0]}, {X: x[1], Y: y[1]}})
	if err != nil {
		return nil
	}
	l.Color = grey
	l.Width = vg.Points(1)
	l.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
	return l
}

// legendFrac is the approximate fraction of the data area's height and
// width that a legend of n entries, the longest label maxLabel runes, covers
// (one 12 pt line per entry, 9 pt for more than 7; a data area of about
// 370 x 250 pt, a 6 x 4 inch figure).
func legendFrac(n, maxLabel int) (h, w float64) {
	per, ch := 0.058, 5.6
	if n > 7 {
		per, ch = 0.04, 4.3
	}
	h = math.Min(per*float64(n)+0.03, 0.6)
	w = math.Min((30+ch*float64(maxLabel))/370, 0.8)
	return h, w
}

// legendCorner chooses where the legend of n entries goes: the corner whose
// legend box covers the fewest data points, the preferred corner (top,
// left) first among equals. Only when every corner covers data is the y
// range grown on that side, and never past bounds (the physical limits of
// the quantity, in data units before ty): an axis that runs past what the
// quantity can be is worse than a legend over a few points.
func legendCorner(p *plot.Plot, pts [][2]float64, n, maxLabel int, top, left bool, bounds *[2]float64, ty func(float64) float64) (bool, bool) {
	if n == 0 {
		return top, left
	}
	hf, wf := legendFrac(n, maxLabel)
	xr, yr := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	if xr <= 0 || yr <= 0 {
		return top, left
	}
	// Points are inset by the axis padding; a small margin keeps markers
	// and error caps near the box out of it.
	covered := func(t, l bool) int {
		c := 0
		for _, q := range pts {
			x, y := (q[0]-p.X.Min)/xr, (q[1]-p.Y.Min)/yr
			inX := l && x <= wf+0.03 || !l && x >= 1-wf-0.03
			inY := t && y >= 1-hf-0.03 || !t && y <= hf+0.03
			if inX && inY {
				c++
			}
		}
		return c
	}
	type corner struct{ t, l bool }
	order := []corner{{top, left}, {top, !left}, {!top, left}, {!top, !left}}
	best, bestN := order[0], covered(top, left)
	for _, c := range order[1:] {
		if k := covered(c.t, c.l); k < bestN {
			best, bestN = c, k
		}
	}
	if bestN == 0 {
		return best.t, best.l
	}
	ext := yr * hf / (1 - hf)
	if best.t {
		hi := p.Y.Max + ext
		if bounds != nil {
			hi = math.Min(hi, math.Max(p.Y.Max, ty(bounds[1])))
		}
		p.Y.Max = hi
	} else {
		lo := p.Y.Min - ext
		if bounds != nil {
			lo = math.Max(lo, math.Min(p.Y.Min, ty(bounds[0])))
		}
		p.Y.Min = lo
	}
	return best.t, best.l
}

// logTicks marks every decade (labelled 1e-15, 0.01, 10, ...) with minor
// ticks at 2..9 when the range spans at most 4.5 decades; when it spans at
// most two, 2 and 5 are labelled too.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= 0 || max < min {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	span := math.Log10(max) - math.Log10(min)
	few, minor := span <= 2, span <= 4.5
	step := 1
	for (hi-lo)/step > 8 {
		step++
	}
	var t []plot.Tick
	for e := lo; e <= hi; e++ {
		d := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			v := float64(m) * d
			if v < min*(1-1e-9) || v > max*(1+1e-9) || (m > 1 && !minor) {
				continue
			}
			lab := ""
			if (m == 1 && e%step == 0) || (few && (m == 2 || m == 5)) {
				lab = decade(m, e)
			}
			t = append(t, plot.Tick{Value: v, Label: lab})
		}
	}
	return t
}

// log10Ticks labels a linear axis of log10(value) like a log axis (see
// logTicks).
type log10Ticks struct{}

func (log10Ticks) Ticks(min, max float64) []plot.Tick {
	t := logTicks{}.Ticks(math.Pow(10, min), math.Pow(10, max))
	for i := range t {
		t[i].Value = math.Log10(t[i].Value)
	}
	return t
}

// decade formats m * 10^e compactly: 0.01, 500, 1e-15.
func decade(m, e int) string {
	if e >= -3 && e <= 4 {
		return strconv.FormatFloat(float64(m)*math.Pow(10, float64(e)), 'f', max(0, -e), 64)
	}
	return fmt.Sprintf("%de%d", m, e)
}

// Drawer is anything that draws itself on a canvas: a *plot.Plot or a Panel.
type Drawer interface {
	Draw(c draw.Canvas)
}

// Panel draws several plots side by side, plot k taking the fraction
// Widths[k]/sum(Widths) of the width (equal widths when Widths is nil).
type Panel struct {
	Plots  []*plot.Plot
	Widths []float64
}

// Draw implements Drawer. The data areas of the plots are aligned vertically.
func (pn *Panel) Draw(c draw.Canvas) {
	w := pn.Widths
	if w == nil {
		w = make([]float64, len(pn.Plots))
		for i := range w {
			w[i] = 1
		}
	}
	var tot float64
	for _, v := range w {
		tot += v
	}
	// plot.Align pads every plot so that their data areas line up; use its
	// vertical extents with our own horizontal split.
	al := plot.Align([][]*plot.Plot{pn.Plots}, draw.Tiles{Rows: 1, Cols: len(pn.Plots)}, c)
	x := c.Min.X
	width := c.Max.X - c.Min.X
	for i, p := range pn.Plots {
		dx := width * vg.Length(w[i]/tot)
		sub := al[0][i]
		sub.Min.X = x
		sub.Max.X = x + dx
		p.Draw(sub)
		x += dx
	}
}

// Formats are the file formats Save can write.
var Formats = []string{"png", "svg", "pdf"}

// Save writes d to basePath.FORMAT for each format (png, svg or pdf; png and
// svg when none is given) at the default size, each file atomically. It
// returns the paths written.
func Save(d Drawer, basePath string, formats ...string) ([]string, error) {
	return SaveSize(d, basePath, DefaultWidth, DefaultHeight, formats...)
}

// SaveSize is Save with an explicit size.
func SaveSize(d Drawer, basePath string, w, h vg.Length, formats ...string) ([]string, error) {
	if len(formats) == 0 {
		formats = []string{"png", "svg"}
	}
	var paths []string
	for _, f := range formats {
		f = strings.ToLower(f)
		ok := false
		for _, a := range Formats {
			ok = ok || a == f
		}
		if !ok {
			return paths, fmt.Errorf("plots: format %q: allowed %s", f, strings.Join(Formats, ", "))
		}
		c, err := draw.NewFormattedCanvas(w, h, f)
		if err != nil {
			return paths, fmt.Errorf("plots: %w", err)
		}
		d.Draw(draw.New(c))
		path := basePath + "." + f
		if err := atomicfile.Write(path, func(wr io.Writer) error {
			_, err := c.WriteTo(wr)
			return err
		}); err != nil {
			return paths, err
		}
		paths = append(paths, filepath.Clean(path))
	}
	return paths, nil
}

// precTicks are gonum's default linear ticks, relabelled with as many
// decimals as the spacing of the labelled ticks needs (the default labels
// of a narrow range such as 4.49-4.53 all read "4.5").
type precTicks struct{}

func (precTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	var major []float64
	for _, t := range ts {
		if t.Label != "" {
			major = append(major, t.Value)
		}
	}
	if len(major) < 2 {
		return ts
	}
	step := math.Abs(major[1] - major[0])
	dec := 0
	if step > 0 && step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	for i, t := range ts {
		if t.Label == "" {
			continue
		}
		v := t.Value
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		if math.Abs(v) >= 1e5 || (math.Abs(v) < 1e-4 && v != 0) {
			continue // leave scientific labels alone
		}
		ts[i].Label = strconv.FormatFloat(v, 'f', dec, 64)
	}
	return ts
}
