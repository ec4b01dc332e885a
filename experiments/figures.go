package experiments

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/transfer"
)

// modelTitle describes the model for figure titles, e.g.
// "square 4x4 periodic, J = 1".
func (r *run) modelTitle(sizes string) string {
	ls := r.spec.Lattice
	var b strings.Builder
	b.WriteString(ls.Kind)
	if sizes != "" {
		b.WriteString(" " + sizes)
	}
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
	"sw": "Swendsen–Wang", "swendsen-wang": "Swendsen–Wang", "rbm-gibbs": "HS RBM block Gibbs",
	"rbm-trained": "trained RBM, Gibbs",
}

var methodName = map[string]string{"enumerate": "exact (enumeration)", "chain": "exact (chain transfer matrix)",
	"kaufman": "exact (Kaufman)", "onsager": "Onsager N = ∞", "transfer": "exact (transfer matrix)", "dos": "exact (density of states)", "auto": "exact"}

// samplerChecks records, for every sampler, the largest deviation of u and c
// from the exact value at the same size and beta, in units of the error bar:
// the manifest's checks "max_sigma_u_ALG" and "max_sigma_c_ALG".
func (r *run) samplerChecks() {
	for _, label := range r.labels {
		exact := map[float64]*transfer.Result{}
		for _, x := range r.exact[label] {
			if _, ok := exact[x.res.Beta]; !ok {
				exact[x.res.Beta] = x.res
			}
		}
		rows := append(append([]mcRow(nil), r.mc[label]...), r.rbms[label]...)
		for _, x := range rows {
			ex, ok := exact[x.res.Beta]
			if !ok {
				continue
			}
			for _, q := range []plots.Quantity{plots.Energy, plots.HeatCapacity} {
				v, e := mcValue(x.res, q)
				want := exactValue(ex, q)
				if math.IsNaN(v) || math.IsNaN(want) || !(e > 0) {
					continue
				}
				key := fmt.Sprintf("max_sigma_%s_%s", q, x.algorithm)
				r.man.Checks[key] = math.Max(r.man.Checks[key], math.Abs(v-want)/e)
			}
		}
	}
}

// exactLabel names the method actually used for rows of the spec method me
// ("auto" and "a|b" resolve per size).
func exactLabel(rows []exactRow, me string) string {
	for _, x := range rows {
		if x.method == me {
			if n, ok := methodName[x.res.Method]; ok {
				return n
			}
		}
	}
	return methodName[me]
}

func mcSeries(rows []mcRow, alg, label string, q plots.Quantity) plots.Series {
	s := plots.Series{Label: label}
	for _, x := range rows {
		if x.algorithm != alg {
			continue
		}
		v, e := mcValue(x.res, q)
		t := temperature(x.res.Beta)
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
		s.X, s.Y = append(s.X, temperature(x.res.Beta)), append(s.Y, v)
	}
	return s
}

// thermoFigures draws each quantity of figures.thermo against T: exact
// curves, Monte Carlo points of every algorithm and RBM Gibbs points, for
// every size; and the Binder crossing when there are several sizes.
func (r *run) thermoFigures() error {
	r.samplerChecks()
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
		tp := plots.ThermoPlot{Title: title, Quantity: q, Tc: r.tc(), KeepColors: true}
		// One colour per size; one marker shape per sampler.
		if r.spec.Exact != nil {
			for si, label := range r.labels {
				for _, me := range r.spec.Exact.Methods {
					if me == "onsager" {
						continue
					}
					s := exactSeries(r.exact[label], me, exactLabel(r.exact[label], me)+suffix(label), q)
					s.Color = si
					if !multi {
						s.Color = len(tp.Exact)
					}
					if len(s.X) > 0 {
						tp.Exact = append(tp.Exact, s)
					}
				}
			}
			if s := exactSeries(r.exact["infinite"], "onsager", methodName["onsager"], q); len(s.X) > 0 {
				s.Color = max(len(r.labels), len(tp.Exact))
				tp.Limit = append(tp.Limit, s)
			}
		}
		for si, label := range r.labels {
			var samplers []plots.Series
			if r.spec.MC != nil {
				for _, a := range r.spec.MC.Algorithms {
					samplers = append(samplers, mcSeries(r.mc[label], a, algName[a]+suffix(label), q))
				}
			}
			if r.spec.RBMSampling != nil {
				samplers = append(samplers, mcSeries(r.rbms[label], "rbm-gibbs", algName["rbm-gibbs"]+suffix(label), q))
			}
			if r.spec.Learning != nil {
				// Training data and trained RBMs share their temperatures:
				// plots.Thermo offsets every sampler's points sideways.
				for _, a := range learnAlgs(r.rbms[label]) {
					samplers = append(samplers, mcSeries(r.rbms[label], a, learnLabel(a)+suffix(label), q))
				}
			}
			for ai, s := range samplers {
				s.Shape = ai + 1
				s.Color = si
				if !multi {
					s.Color = len(tp.Exact) + len(tp.Limit) + ai
				}
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
		w, h := plots.DefaultWidth, plots.DefaultHeight
		if multi {
			w, h = 7*vg.Inch, 5.5*vg.Inch
		}
		if err := r.saveFigureSize(p, "thermo_"+qs, w, h); err != nil {
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
				s := exactSeries(r.exact[label], me, exactLabel(r.exact[label], me)+" "+label, plots.Binder)
				s.Color = k
				if len(s.X) > 0 {
					curves = append(curves, s)
				}
			}
		}
		if r.spec.MC != nil {
			a := r.spec.MC.Algorithms[0]
			for _, pref := range []string{"sw", "wolff"} { // the cluster algorithms have the smallest errors
				if slices.Contains(r.spec.MC.Algorithms, pref) {
					a = pref
				}
			}
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
	p, err := plots.BinderCrossing(r.modelTitle("")+": Binder cumulant crossing", curves, r.tc(), r.binderStar())
	if err != nil {
		return fmt.Errorf("figure binder_crossing: %w", err)
	}
	return r.saveFigureSize(p, "binder_crossing", plots.DefaultWidth, plots.DefaultHeight+0.5*vg.Inch)
}

// binderStar is the universal Binder value to mark in the crossing figure:
// the square lattice's, or none for other lattices.
func (r *run) binderStar() float64 {
	if r.spec.Lattice.Kind == "square" {
		return plots.BinderStar
	}
	return 0
}
