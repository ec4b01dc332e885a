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
	t := newTable("exact_z", "size", "sites", "temperature", "beta", "method", "ln_z", "reference_method", "ln_z_rel_diff")
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
				t.add(r.labels[k], m.N, temp, beta, me, row.LnZ[i], z.Methods[0], d)
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
	ct := newTable("exact_z_convergence", "L", "temperature", "beta", "ln_z_per_site", "ln_z_per_site_infinite",
		"free_energy_per_site", "free_energy_per_site_infinite", "free_energy_per_site_diff", "l2_free_energy_per_site_diff")
	var series []plots.Series
	var marks []plots.Mark
	for ti, temp := range z.T {
		beta := 1 / temp
		ons, err := transfer.Onsager(j, beta)
		if err != nil {
			return err
		}
		fInf := -ons.LnZ / beta
		s := plots.Series{Label: fmt.Sprintf("T = %.6g", temp), Style: plots.LinePoints, Color: ti, Shape: ti + 1}
		for _, l := range z.ConvergenceL {
			res, err := transfer.Kaufman(l, l, j, j, beta)
			if err != nil {
				return err
			}
			perSite := res.LnZ / float64(l*l)
			f := -perSite / beta
			d := f - fInf
			l2 := float64(l*l) * d
			ct.add(l, temp, beta, perSite, ons.LnZ, f, fInf, d, l2)
			s.X, s.Y = append(s.X, float64(l)), append(s.Y, l2)
		}
		series = append(series, s)
		// Below T_c the torus keeps both ordered states: f_L - f_inf -> -T ln 2/L^2.
		if temp < plots.OnsagerTc*j {
			marks = append(marks, plots.Mark{Label: fmt.Sprintf("-T ln 2 at T = %.6g", temp), Value: -temp * math.Ln2})
		}
	}
	if err := r.saveTable(ct); err != nil {
		return err
	}
	p, err := plots.XY(plots.Figure{Title: "Kaufman's L x L torus → Onsager: finite-size amplitude of f",
		XLabel: "linear size L", YLabel: "L² (f_L - f_∞)  (J)", LogX: true, Series: series, HMarks: marks})
	if err != nil {
		return err
	}
	return r.saveFigure(p, "exact_z_convergence")
}
