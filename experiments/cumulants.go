package experiments

import (
	"fmt"
	"math"
	"math/bits"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/rbm"
)

// randomRBM draws the RBM of the cumulant experiment: spin visible units,
// hidden units of type ht, weights N(0, ws^2), visible and hidden biases
// N(0, bs^2), Gaussian widths 1, from the experiment seed.
func (r *run) randomRBM(c *CumulantSpec, ht string) (*rbm.RBM, error) {
	what := "cumulants/" + ht
	r.man.Seeds = append(r.man.Seeds, SeedRecord{What: what, Seed: r.spec.Seed, Stream: streamID(what)})
	rnd := rng.NewRand(r.spec.Seed, streamID(what))
	lt, err := rbm.ParseLayerType(ht)
	if err != nil {
		return nil, err
	}
	vis := rbm.Layer{Type: rbm.Spin, Bias: make([]float64, c.Visible)}
	hid := rbm.Layer{Type: lt, Bias: make([]float64, c.Hidden)}
	for i := range vis.Bias {
		vis.Bias[i] = c.BiasSigma * rnd.NormFloat64()
	}
	for i := range hid.Bias {
		hid.Bias[i] = c.BiasSigma * rnd.NormFloat64()
	}
	if lt == rbm.Gaussian {
		hid.Sigma = make([]float64, c.Hidden)
		for i := range hid.Sigma {
			hid.Sigma[i] = 1
		}
	}
	w := mat.NewDense(c.Visible, c.Hidden, nil)
	for i := 0; i < c.Visible; i++ {
		for mu := 0; mu < c.Hidden; mu++ {
			w.Set(i, mu, c.WeightSigma*rnd.NormFloat64())
		}
	}
	return rbm.New(vis, hid, w)
}

func (r *run) runCumulants() error {
	c := r.spec.Cumulants
	norms := newTable("cumulant_orders", "hidden_type", "order", "norm_exact", "norm_cumulant", "max_abs_error")
	trunc := newTable("cumulant_truncation", "hidden_type", "truncation_order", "max_abs_error_all_orders")
	var sets []plots.OrderNorms
	var tseries []plots.Series
	omitted := false
	for k, ht := range c.HiddenTypes {
		m, err := r.randomRBM(c, ht)
		if err != nil {
			return err
		}
		exact, err := m.ExactCouplings(r.ctx)
		if err != nil {
			return err
		}
		// Largest |J_S| of each order |S| (the error of a series truncated below it).
		maxByOrder := make([]float64, c.Visible+1)
		for s, v := range exact {
			o := bits.OnesCount(uint(s))
			maxByOrder[o] = math.Max(maxByOrder[o], math.Abs(v))
		}
		top := min(c.Order, c.Visible)
		ce, err := m.CouplingExpansion(r.ctx, top)
		if err != nil {
			return err
		}
		pred := make([]float64, top+1)
		for _, t := range ce.Terms {
			pred[len(t.Sites)] += t.Cumulant * t.Cumulant
		}
		o := plots.OrderNorms{Label: ht + " hidden"}
		for _, oe := range ce.OrderError {
			pn := math.Sqrt(pred[oe.Order])
			norms.add(ht, oe.Order, oe.NormExact, pn, oe.MaxAbsError)
			o.Order = append(o.Order, oe.Order)
			o.Exact = append(o.Exact, oe.NormExact)
			o.Predicted = append(o.Predicted, pn)
		}
		sets = append(sets, o)
		ts := plots.Series{Label: ht + " hidden", Style: plots.LinePoints, Color: k}
		for kk := 1; kk <= top; kk++ {
			e, err := m.CouplingExpansion(r.ctx, kk)
			if err != nil {
				return err
			}
			worst := 0.0
			for _, oe := range e.OrderError {
				worst = math.Max(worst, oe.MaxAbsError)
			}
			for ord := kk + 1; ord <= c.Visible; ord++ {
				worst = math.Max(worst, maxByOrder[ord])
			}
			trunc.add(ht, kk, worst)
			if worst > 0 {
				ts.X, ts.Y = append(ts.X, float64(kk)), append(ts.Y, worst)
			} else {
				omitted = true
			}
		}
		tseries = append(tseries, ts)
		if k == 0 {
			if err := r.cumulantHeatmaps(m, exact, ht); err != nil {
				return err
			}
		}
	}
	if err := r.saveTable(norms); err != nil {
		return err
	}
	if err := r.saveTable(trunc); err != nil {
		return err
	}
	title := fmt.Sprintf("RBM %d spin visible, %d hidden, W ~ N(0, %g²)", c.Visible, c.Hidden, c.WeightSigma)
	p, err := plots.CouplingsByOrder(title, "√(Σ J_S² over sets S of k sites)", sets)
	if err != nil {
		return err
	}
	if err := r.saveFigure(p, "cumulant_orders"); err != nil {
		return err
	}
	yl := "max_S |ΔJ_S|"
	ttl := title + "\nerror of the cumulant series truncated at order K"
	if omitted {
		ttl += "  (exact zeros omitted)"
	}
	tp, err := plots.XY(plots.Figure{Title: ttl, XLabel: "truncation order K of the cumulant series",
		YLabel: yl, LogY: true, Series: tseries, HMarks: []plots.Mark{{Label: "machine ε", Value: plots.Epsilon}}})
	if err != nil {
		return err
	}
	return r.saveFigure(tp, "cumulant_truncation")
}

// cumulantHeatmaps draws the weights of m and its exact pairwise couplings J_ij.
func (r *run) cumulantHeatmaps(m *rbm.RBM, exact []float64, ht string) error {
	hm, err := plots.Heatmap(fmt.Sprintf("weights W of the %s-hidden RBM", ht), "hidden unit μ", "visible unit i", "W_iμ", m.W)
	if err != nil {
		return err
	}
	if err := r.saveFigure(hm, "cumulant_weights"); err != nil {
		return err
	}
	n, _ := m.Dims()
	j := mat.NewDense(n, n, nil)
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			v := exact[1<<a|1<<b]
			j.Set(a, b, v)
			j.Set(b, a, v)
		}
	}
	jm, err := plots.Heatmap(fmt.Sprintf("exact pair couplings J_ij of -F(s), %s hidden", ht), "site j", "site i", "J_ij", j)
	if err != nil {
		return err
	}
	return r.saveFigure(jm, "cumulant_pair_couplings")
}
