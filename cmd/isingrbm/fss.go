package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"

	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/plots"
)

func init() { register(fssCommand) }

func fssCommand() *cli.Command {
	return &cli.Command{
		Name:      "fss",
		Usage:     "finite-size scaling: Binder-cumulant crossings and exponent ratios from 'isingrbm mc --reweight' outputs of several lattice sizes",
		ArgsUsage: "MC_JSON_FILE...",
		Description: "Each file is the --out FILE.json of one lattice size (isingrbm mc ... --reweight START:STOP:STEP --out FILE.json).\n" +
			"Reports the crossing temperature of U4 for every pair of sizes (error by propagating the U4 errors through the\n" +
			"slopes dU4/dT) and the exponent ratios from weighted fits against ln L at the crossing of the two largest sizes\n" +
			"(or at --tc): gamma/nu from chi', 1/nu from |dU4/dT|, beta/nu from <|m|>.",
		Flags: []cli.Flag{
			&cli.Float64Flag{Name: "tc", Category: catMC, Usage: "evaluate the exponents at this temperature (> 0) instead of at the crossing of the two largest sizes"},
			&cli.Float64Flag{Name: "omega", Category: catMC, Usage: "add a correction-to-scaling term b L^-omega (omega > 0) to the fits (needs at least 4 sizes)"},
			&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the result as JSON"},
			&cli.StringFlag{Name: "plot", Category: catOutput, Usage: "write the figure (U4 curves with the crossing, chi' against L) to BASE.png and BASE.svg"},
		},
		Action: runFSS,
	}
}

// fssCurve reads the reweighted curve and the size L from an mc JSON output.
func fssCurve(path string) (mc.FSSCurve, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return mc.FSSCurve{}, fmt.Errorf("fss: %w", err)
	}
	var out mc.Output
	if err := json.Unmarshal(b, &out); err != nil {
		return mc.FSSCurve{}, fmt.Errorf("fss: %s: not an 'isingrbm mc' JSON output: %w", path, err)
	}
	if len(out.Dims) == 0 {
		return mc.FSSCurve{}, fmt.Errorf("fss: %s: no lattice dimensions (\"dims\"): write it with a current 'isingrbm mc --out FILE.json'", path)
	}
	for _, d := range out.Dims {
		if d != out.Dims[0] {
			return mc.FSSCurve{}, fmt.Errorf("fss: %s: lattice %v is not L x L (x L): finite-size scaling needs equal lengths", path, out.Dims)
		}
	}
	if len(out.Reweighted) < 2 {
		return mc.FSSCurve{}, fmt.Errorf("fss: %s: %d reweighted temperatures, need at least 2: run mc with --reweight START:STOP:STEP", path, len(out.Reweighted))
	}
	return mc.FSSCurve{L: out.Dims[0], Dim: len(out.Dims), Points: out.Reweighted}, nil
}

func runFSS(c *cli.Context) error {
	paths := c.Args().Slice()
	if len(paths) < 2 {
		return errors.New("fss: give the mc JSON outputs of at least 2 lattice sizes as arguments (after the flags)")
	}
	opt := mc.FSSOptions{Tc: c.Float64("tc"), Omega: c.Float64("omega")}
	if c.IsSet("tc") && !(opt.Tc > 0) {
		return fmt.Errorf("--tc %v: must be > 0", opt.Tc)
	}
	if c.IsSet("omega") && !(opt.Omega > 0) {
		return fmt.Errorf("--omega %v: must be > 0", opt.Omega)
	}
	var curves []mc.FSSCurve
	for _, p := range paths {
		cv, err := fssCurve(p)
		if err != nil {
			return err
		}
		curves = append(curves, cv)
	}
	res, err := mc.FSS(curves, opt)
	if err != nil {
		if opt.Omega > 0 {
			return fmt.Errorf("fss (--omega %g): %w", opt.Omega, err)
		}
		return fmt.Errorf("fss: %w", err)
	}
	if p := c.String("plot"); p != "" {
		if err := fssFigure(p, curves, res); err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, res)
	}
	return writeFSSTable(c.App.Writer, res)
}

func writeFSSTable(w io.Writer, r *mc.FSSResult) error {
	pm := func(e mc.MeanErr) string { return fmt.Sprintf("%.6g ± %.2g", e.Mean, e.Error) }
	fmt.Fprintf(w, "# Binder-cumulant crossings\n%-12s %-24s %-24s\n", "sizes", "temperature", "binder")
	for _, c := range r.Crossings {
		fmt.Fprintf(w, "%-12s %-24s %-24s\n", fmt.Sprintf("%d/%d", c.Sizes[0], c.Sizes[1]), pm(c.Temperature), pm(c.Binder))
	}
	fmt.Fprintf(w, "# exponent ratios at T = %.6g", r.Temperature)
	if r.Omega > 0 {
		fmt.Fprintf(w, " (with correction L^-%g)", r.Omega)
	}
	fmt.Fprintf(w, "\ngamma_over_nu %s\none_over_nu   %s\nbeta_over_nu  %s\n", pm(r.Exponents.GammaOverNu), pm(r.Exponents.OneOverNu), pm(r.Exponents.BetaOverNu))
	return nil
}

// fssFigure draws the U4 curves (error bars) with the crossing of the two
// largest sizes, and chi' at the evaluation temperature against L (log-log)
// with the fitted power law.
func fssFigure(base string, curves []mc.FSSCurve, r *mc.FSSResult) error {
	var ser []plots.Series
	for i, c := range curves {
		s := plots.Series{Label: fmt.Sprintf("L = %d", c.L), Style: plots.LinePoints, Color: i, Shape: i + 1}
		for _, p := range c.Points {
			s.X, s.Y, s.YErr = append(s.X, p.Temperature), append(s.Y, p.Binder.Mean), append(s.YErr, p.Binder.Error)
		}
		ser = append(ser, s)
	}
	// The universal U4* is the 2D square-lattice one: mark it only there.
	ustar := plots.BinderStar
	for _, c := range curves {
		if c.Dim != 2 {
			ustar = 0
		}
	}
	left, err := plots.BinderCrossing("Binder cumulant (reweighted)", ser, r.Temperature, ustar)
	if err != nil {
		return err
	}
	// Zoom on the crossing, where the error bars are visible.
	var zs []plots.Series
	for _, s := range ser {
		z := s
		z.X, z.Y, z.YErr = nil, nil, nil
		for i, x := range s.X {
			if math.Abs(x-r.Temperature) <= 0.0061 {
				z.X, z.Y, z.YErr = append(z.X, x), append(z.Y, s.Y[i]), append(z.YErr, s.YErr[i])
			}
		}
		zs = append(zs, z)
	}
	mid, err := plots.XY(plots.Figure{Title: "near the crossing (one-sigma error bars)", XLabel: plots.TempLabel, YLabel: "U4",
		Series: zs, VMarks: []plots.Mark{{Label: fmt.Sprintf("T = %.5g", r.Temperature), Value: r.Temperature}}, LegendBottom: true, LegendLeft: true})
	if err != nil {
		return err
	}
	pts := plots.Series{Label: "χ' at T", Style: plots.Points}
	for _, f := range r.Fits {
		pts.X, pts.Y, pts.YErr = append(pts.X, float64(f.L)), append(pts.Y, f.SusceptibilityAbs.Mean), append(pts.YErr, f.SusceptibilityAbs.Error)
	}
	last := r.Fits[len(r.Fits)-1]
	g := r.Exponents.GammaOverNu.Mean
	fit := plots.Series{Label: fmt.Sprintf("L^%.3f", g), Style: plots.Dotted, Color: 1}
	for _, f := range r.Fits {
		fit.X = append(fit.X, float64(f.L))
		fit.Y = append(fit.Y, last.SusceptibilityAbs.Mean*math.Pow(float64(f.L)/float64(last.L), g))
	}
	right, err := plots.XY(plots.Figure{Title: fmt.Sprintf("γ/ν = %.3f ± %.3f", g, r.Exponents.GammaOverNu.Error),
		XLabel: "L", YLabel: "χ' per site", LogX: true, LogY: true, Series: []plots.Series{pts, fit}, LegendLeft: true})
	if err != nil {
		return err
	}
	_, err = plots.SaveSize(&plots.Panel{Plots: []*plot.Plot{left, mid, right}}, base, 3*plots.DefaultWidth, plots.DefaultHeight)
	return err
}
