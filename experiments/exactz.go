package experiments

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/transfer"
)

// runExactZ compares ln Z of the exact methods on every size, and Kaufman's
// ln Z/N with Onsager's limit as L grows.
func (r *run) runExactZ() error {
	z := r.spec.ExactZ
	j := 1.0
	if r.spec.Lattice.J != nil {
		j = *r.spec.Lattice.J
	}
	t := newTable("exact_z", "size", "N", "T", "beta", "method", "ln_z", "rel_diff_vs_"+z.Methods[0])
	worst := 0.0
	betas := make([]float64, len(z.T))
	for i, temp := range z.T {
		betas[i] = 1 / temp
	}
	// res[k][mi][ti]: model k, method mi, temperature ti.
	res := make([][][]*transfer.Result, len(r.models))
	for k, m := range r.models {
		for _, me := range z.Methods {
			x, err := transfer.Compute(r.ctx, m, betas, me, transfer.Options{Enum: transfer.EnumOptions{Workers: r.opt.Workers}})
			if err != nil {
				return err
			}
			res[k] = append(res[k], x)
		}
	}
	for ti, temp := range z.T {
		beta := 1 / temp
		var rows []plots.ZMethods
		for k, m := range r.models {
			row := plots.ZMethods{Lattice: r.labels[k], N: m.N}
			for mi, me := range z.Methods {
				row.Methods = append(row.Methods, me)
				row.LnZ = append(row.LnZ, res[k][mi][ti].LnZ)
			}
			for i, me := range row.Methods {
				d := numeric.RelDiff(row.LnZ[i], row.LnZ[0])
				worst = math.Max(worst, d)
				t.add(r.labels[k], m.N, temp, beta, me, row.LnZ[i], d)
			}
			rows = append(rows, row)
		}
		p, err := plots.ZAgreement(fmt.Sprintf("square tori, J = %g, T = %.6g", j, temp), rows)
		if err != nil {
			return err
		}
		if err := r.saveFigure(p, fmt.Sprintf("exact_z_agreement_T%.4g", temp)); err != nil {
			return err
		}
	}
	r.man.Checks["exact_z_max_rel_diff"] = worst
	if err := r.saveTable(t); err != nil {
		return err
	}
	if len(z.ConvergenceL) == 0 {
		return nil
	}
	ct := newTable("exact_z_convergence", "L", "T", "beta", "ln_z_per_site_kaufman", "ln_z_per_site_onsager", "diff")
	var series []plots.Series
	for _, temp := range z.T {
		beta := 1 / temp
		ons, err := transfer.Onsager(j, beta)
		if err != nil {
			return err
		}
		s := plots.Series{Label: fmt.Sprintf("T = %.6g", temp)}
		for _, l := range z.ConvergenceL {
			res, err := transfer.Kaufman(l, l, j, j, beta)
			if err != nil {
				return err
			}
			perSite := res.LnZ / float64(l*l)
			d := perSite - ons.LnZ
			ct.add(l, temp, beta, perSite, ons.LnZ, d)
			s.X, s.Y = append(s.X, float64(l)), append(s.Y, d)
		}
		series = append(series, s)
	}
	if err := r.saveTable(ct); err != nil {
		return err
	}
	// Below T_c the torus keeps both ordered states: ln Z_L/N - ln Z_inf/N -> ln 2/L^2.
	guide := plots.Series{Label: "ln 2 / L²", Style: plots.Dotted, Color: len(series)}
	for _, l := range z.ConvergenceL {
		guide.X = append(guide.X, float64(l))
		guide.Y = append(guide.Y, math.Ln2/float64(l*l))
	}
	series = append(series, guide)
	p, err := plots.Convergence("Kaufman's L x L torus → Onsager: Δ = ln Z_L/N - ln Z_∞/N", "linear size L",
		"|Δ ln Z/N|", series)
	if err != nil {
		return err
	}
	return r.saveFigure(p, "exact_z_convergence")
}
