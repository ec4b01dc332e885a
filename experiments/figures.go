package experiments

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/isingrbm/isingrbm/plots"
)

// modelTitle describes the model for figure titles, e.g.
// "square 4x4 periodic, J = 1".
func (r *run) modelTitle(sizes string) string {
	ls := r.spec.Lattice
	var b strings.Builder
	b.WriteString(ls.Kind + " " + sizes)
	if ls.Kind != "complete" && ls.Kind != "edges" {
		bc := ls.Boundary
		if bc == "" {
			bc = "periodic"
		}
		b.WriteString(" " + bc)
	}
	j := 1.0
	if ls.J != nil {
		j = *ls.J
	}
	switch ls.Disorder {
	case "", "none", "uniform":
		fmt.Fprintf(&b, ", J = %g", j)
	default:
		fmt.Fprintf(&b, ", %s J (mean %g)", ls.Disorder, j)
	}
	if ls.H != 0 {
		fmt.Fprintf(&b, ", h = %g", ls.H)
	}
	return b.String()
}

// tc returns Onsager's T_c for a uniform ferromagnetic square lattice at zero
// field, 0 otherwise.
func (r *run) tc() float64 {
	ls := r.spec.Lattice
	j := 1.0
	if ls.J != nil {
		j = *ls.J
	}
	if ls.Kind == "square" && (ls.Disorder == "" || ls.Disorder == "none") && ls.H == 0 && j > 0 {
		return plots.OnsagerTc * j
	}
	return 0
}

var algName = map[string]string{
	"metropolis": "Metropolis", "heatbath": "heat bath", "heat-bath": "heat bath", "wolff": "Wolff",
	"sw": "Swendsen–Wang", "swendsen-wang": "Swendsen–Wang", "rbm-gibbs": "RBM block Gibbs",
}

var methodName = map[string]string{"enumerate": "exact (enumeration)", "chain": "exact (chain transfer matrix)",
	"kaufman": "exact (Kaufman)", "onsager": "Onsager N = ∞", "transfer": "exact (transfer matrix)", "auto": "exact"}

func mcSeries(rows []mcRow, alg, label string, q plots.Quantity) plots.Series {
	s := plots.Series{Label: label}
	for _, x := range rows {
		if x.algorithm != alg {
			continue
		}
		v, e := mcValue(x.res, q)
		t := x.res.Temperature
		if x.res.Beta == 0 || math.IsNaN(v) || math.IsNaN(e) {
			continue
		}
		s.X, s.Y, s.YErr = append(s.X, t), append(s.Y, v), append(s.YErr, e)
	}
	return s
}

func exactSeries(rows []exactRow, method, label string, q plots.Quantity) plots.Series {
	s := plots.Series{Label: label}
	for _, x := range rows {
		if x.method != method || x.res.Beta == 0 {
			continue
		}
		v := exactValue(x.res, q)
		if math.IsNaN(v) {
			continue
		}
		s.X, s.Y = append(s.X, 1/x.res.Beta), append(s.Y, v)
	}
	return s
}

// thermoFigures draws each quantity of figures.thermo against T: exact
// curves, Monte Carlo points of every algorithm and RBM Gibbs points, for
// every size; and the Binder crossing when there are several sizes.
func (r *run) thermoFigures() error {
	multi := len(r.labels) > 1
	suffix := func(label string) string {
		if multi {
			return ", " + label
		}
		return ""
	}
	title := r.modelTitle(strings.Join(r.labels, ", "))
	for _, qs := range r.spec.Figures.Thermo {
		q, _ := plots.ParseQuantity(qs)
		tp := plots.ThermoPlot{Title: title, Quantity: q, Tc: r.tc()}
		if r.spec.Exact != nil {
			for _, label := range r.labels {
				for _, me := range r.spec.Exact.Methods {
					if me == "onsager" {
						continue
					}
					s := exactSeries(r.exact[label], me, methodName[me]+suffix(label), q)
					if len(s.X) > 0 {
						tp.Exact = append(tp.Exact, s)
					}
				}
			}
			if s := exactSeries(r.exact["infinite"], "onsager", methodName["onsager"], q); len(s.X) > 0 {
				tp.Limit = append(tp.Limit, s)
			}
		}
		for _, label := range r.labels {
			if r.spec.MC != nil {
				for _, a := range r.spec.MC.Algorithms {
					s := mcSeries(r.mc[label], a, algName[a]+suffix(label), q)
					if len(s.X) > 0 {
						tp.MC = append(tp.MC, s)
					}
				}
			}
			if r.spec.RBMSampling != nil {
				s := mcSeries(r.rbms[label], "rbm-gibbs", algName["rbm-gibbs"]+suffix(label), q)
				if len(s.X) > 0 {
					tp.MC = append(tp.MC, s)
				}
			}
		}
		if len(tp.Exact)+len(tp.MC) == 0 {
			continue
		}
		p, err := plots.Thermo(tp)
		if err != nil {
			return fmt.Errorf("figure thermo_%s: %w", qs, err)
		}
		if err := r.saveFigure(p, "thermo_"+qs); err != nil {
			return err
		}
	}
	if !multi {
		return nil
	}
	// Binder crossing: one colour per size, exact curve solid, MC points.
	var curves []plots.Series
	for k, label := range r.labels {
		if r.spec.Exact != nil {
			for _, me := range r.spec.Exact.Methods {
				if me == "onsager" {
					continue
				}
				s := exactSeries(r.exact[label], me, "exact "+label, plots.Binder)
				s.Color = k
				if len(s.X) > 0 {
					curves = append(curves, s)
				}
			}
		}
		if r.spec.MC != nil {
			a := r.spec.MC.Algorithms[0]
			s := mcSeries(r.mc[label], a, algName[a]+" "+label, plots.Binder)
			s.Style = plots.LinePoints
			s.Color = k
			if len(s.X) > 0 {
				curves = append(curves, s)
			}
		}
	}
	if len(curves) == 0 {
		return nil
	}
	p, err := plots.BinderCrossing(r.modelTitle("")+": Binder cumulant crossing", curves, r.tc())
	if err != nil {
		return fmt.Errorf("figure binder_crossing: %w", err)
	}
	return r.saveFigureSize(p, "binder_crossing", plots.DefaultWidth, plots.DefaultHeight+0.5*vg.Inch)
}
