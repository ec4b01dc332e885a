package rg

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/isingrbm/isingrbm/plots"
)

// fieldGrid is a figure of many small maps in a grid, a title line on top
// and a colour key on the right.
type fieldGrid struct {
	title string
	tiles [][]*plot.Plot
	bar   *plot.Plot
}

func (f *fieldGrid) Draw(c draw.Canvas) {
	sty := text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(12)), Handler: plot.DefaultTextHandler,
		XAlign: draw.XCenter, YAlign: draw.YBottom}
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(18)}, f.title)
	body := c
	body.Max.Y -= vg.Points(26)
	barW := vg.Inch * 0.9
	grid, key := body, body
	grid.Max.X -= barW
	key.Min.X = grid.Max.X + vg.Points(6)
	key.Min.Y += (body.Max.Y - body.Min.Y) * 0.1
	key.Max.Y -= (body.Max.Y - body.Min.Y) * 0.1
	al := plot.Align(f.tiles, draw.Tiles{Rows: len(f.tiles), Cols: len(f.tiles[0]), PadX: vg.Points(3), PadY: vg.Points(3)}, grid)
	for r, row := range f.tiles {
		for k, p := range row {
			if p != nil {
				p.Draw(al[r][k])
			}
		}
	}
	f.bar.Draw(key)
}

// FieldsFigure draws the receptive fields of one layer: the columns of
// fields (N x M) as lx x ly maps in a grid, each scaled by its own largest
// |weight| (a blue-white-red scale from -1 to 1), titled with the unit index
// and its radius of gyration; the bottom-left map carries the lattice axes.
func FieldsFigure(title string, fields *mat.Dense, lx, ly int) (plots.Drawer, error) {
	n, m := fields.Dims()
	if n != lx*ly || m == 0 {
		return nil, fmt.Errorf("rg: fields figure: %dx%d fields for a %dx%d lattice", n, m, lx, ly)
	}
	cm := moreland.SmoothBlueRed()
	cm.SetMin(-1)
	cm.SetMax(1)
	cols := int(math.Ceil(math.Sqrt(float64(m))))
	rows := (m + cols - 1) / cols
	g := &fieldGrid{title: title, tiles: make([][]*plot.Plot, rows)}
	for r := range g.tiles {
		g.tiles[r] = make([]*plot.Plot, cols)
	}
	small := vg.Points(7)
	for mu := 0; mu < m; mu++ {
		w := mat.Col(nil, mu, fields)
		var amax float64
		for _, v := range w {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("rg: fields figure: unit %d has weight %v", mu, v)
			}
			amax = math.Max(amax, math.Abs(v))
		}
		if amax == 0 {
			amax = 1
		}
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%d: Rg %.1f", mu, Gyration(w, lx, ly))
		p.Title.TextStyle.Font.Size = small
		p.Title.Padding = vg.Points(1)
		p.Add(plots.Cells{Rows: ly, Cols: lx, Col: func(y, x int) color.Color {
			c, err := cm.At(w[x+lx*y] / amax)
			if err != nil {
				return color.Black
			}
			return c
		}})
		p.X.Padding, p.Y.Padding = 0, 0
		r, k := mu/cols, mu%cols
		if mu == (rows-1)*cols {
			p.X.Label.Text, p.Y.Label.Text = "x (site)", "y (site)"
			for _, a := range []*plot.Axis{&p.X, &p.Y} {
				a.Label.TextStyle.Font.Size = small
				a.Tick.Label.Font.Size = small
				a.Label.Padding = vg.Points(1)
			}
			p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: float64(lx - 1), Label: fmt.Sprint(lx - 1)}})
			p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: float64(ly - 1), Label: fmt.Sprint(ly - 1)}})
		} else {
			p.HideAxes()
		}
		g.tiles[r][k] = p
	}
	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.HideX()
	bar.Y.Label.Text = "weight / max |weight| of the unit"
	bar.Y.Label.TextStyle.Font.Size = vg.Points(9)
	g.bar = bar
	return g, nil
}

// StackFlowFigure draws the RBM flow: <|m|>, u and the correlation at distance
// L/2 against the number of reconstructions, one curve per starting
// temperature, with the values of the training samples (at T_c) as grey
// reference lines.
func StackFlowFigure(title string, flows []FlowTrajectory, ref FlowPoint) (*plots.Panel, error) {
	type q struct {
		label string
		get   func(FlowPoint) (float64, float64)
		ref   float64
	}
	qs := []q{
		{"<|m|> (magnetization per site)", func(p FlowPoint) (float64, float64) { return p.AbsM, p.AbsMErr }, ref.AbsM},
		{"u (energy per site, J)", func(p FlowPoint) (float64, float64) { return p.U, p.UErr }, ref.U},
		{"<s(r) s(r + L/2)> (correlation at L/2)", func(p FlowPoint) (float64, float64) { return p.CHalf, p.CHalfErr }, ref.CHalf},
	}
	var ps []*plot.Plot
	for k, qq := range qs {
		f := plots.Figure{XLabel: "reconstructions v -> h -> v", YLabel: qq.label,
			HMarks: []plots.Mark{{Label: "training samples (T_c)", Value: qq.ref}}}
		if k == 0 {
			f.Title = title
		}
		for i, fl := range flows {
			s := plots.Series{Label: fmt.Sprintf("start T = %.3g", fl.T), Style: plots.LinePoints, Color: i}
			for _, p := range fl.Points {
				y, e := qq.get(p)
				s.X, s.Y, s.YErr = append(s.X, float64(p.Step)), append(s.Y, y), append(s.YErr, e)
			}
			f.Series = append(f.Series, s)
		}
		f.LegendBottom = k == 0
		p, err := plots.XY(f)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return &plots.Panel{Plots: ps}, nil
}

// LocalityFigure draws the mean radius of gyration of each layer's
// receptive fields (error bars: the spread over the units) against the
// layer, with the same for maps of random Gaussian weights and the uniform
// map.
func LocalityFigure(title string, locs []Locality, shuffled []Locality) (*plot.Plot, error) {
	var learned, random, uniform plots.Series
	learned = plots.Series{Label: "trained stack (mean ± sd over units)", Style: plots.Points, Color: 0}
	random = plots.Series{Label: "random Gaussian weights (mean ± sd)", Style: plots.Points, Color: 1}
	uniform = plots.Series{Label: "uniform map", Style: plots.Dashed, Color: 2}
	for _, l := range locs {
		x := float64(l.Layer)
		learned.X, learned.Y, learned.YErr = append(learned.X, x), append(learned.Y, l.Mean), append(learned.YErr, l.SD)
		random.X, random.Y, random.YErr = append(random.X, x), append(random.Y, l.Random), append(random.YErr, l.RandSD)
		uniform.X, uniform.Y = append(uniform.X, x), append(uniform.Y, l.Uniform)
	}
	series := []plots.Series{learned, random, uniform}
	if len(shuffled) > 0 {
		sh := plots.Series{Label: "control: trained on the samples with the sites permuted", Style: plots.Points, Color: 3}
		for _, l := range shuffled {
			sh.X, sh.Y, sh.YErr = append(sh.X, float64(l.Layer)+0.05), append(sh.Y, l.Mean), append(sh.YErr, l.SD)
		}
		series = append(series, sh)
	}
	return plots.XY(plots.Figure{Title: title, XLabel: "layer", YLabel: "radius of gyration of |weight| map (sites)",
		Series: series, LegendBottom: true, YMin: 0, YMax: locs[0].Uniform * 1.1})
}
