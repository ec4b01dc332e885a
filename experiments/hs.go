package experiments

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/hs"
	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/transfer"
)

// MaxStateRows is the largest number of states written row by row to
// data/hs_*_states.csv (2^16, a 4x4 lattice); larger models get only the
// summary and the figures.
const MaxStateRows = 1 << 16

func (r *run) runHS() error {
	p := r.spec.HS
	beta := 1 / p.T
	type item struct {
		label string
		m     *lattice.Model
		title string
	}
	var items []item
	for k, m := range r.models {
		items = append(items, item{r.labels[k], m, r.modelTitle(r.labels[k])})
	}
	for i, ls := range p.Extra {
		m, err := ls.Build()
		if err != nil {
			return fmt.Errorf("hs.extra model %d: %w", i+1, err)
		}
		desc := ls.Kind + " " + ls.Size
		if ls.Scale != "" && ls.Scale != "none" {
			desc += " scale " + ls.Scale
		}
		if ls.Disorder != "" && ls.Disorder != "none" {
			desc += ", " + ls.Disorder + " J"
		}
		items = append(items, item{fmt.Sprintf("extra%d", i+1), m, desc})
	}
	sum := newTable("hs", "model", "sites", "hidden", "hidden_units", "temperature", "beta", "shift", "ln_z_ising", "ln_z_rbm",
		"ln_z_offset", "ln_z_offset_error", "max_abs_log_prob_diff", "kl_ising_rbm", "total_variation")
	worst := 0.0
	for _, it := range items {
		pi, err := isingLogProbs(r, it.m, beta)
		if err != nil {
			return err
		}
		for _, kind := range p.Hidden {
			hk, err := hs.ParseHiddenKind(kind)
			if err != nil {
				return err
			}
			hr, err := hs.Build(it.m, beta, hs.Config{Hidden: hk})
			if err != nil {
				return fmt.Errorf("%s %s: %w", it.label, kind, err)
			}
			rep, err := hs.Check(it.m, beta, hr.RBM, hr.LnZOffset)
			if err != nil {
				return fmt.Errorf("%s %s: %w", it.label, kind, err)
			}
			pr, _, err := hr.RBM.LogProbTable()
			if err != nil {
				return err
			}
			_, nh := hr.RBM.Dims()
			sum.add(it.label, it.m.N, kind, nh, p.T, beta, hr.Shift, rep.LnZIsing, rep.LnZRBM, rep.LnZOffset,
				rep.LnZOffsetError, rep.MaxAbsLogProbDiff, rep.KLIsingRBM, rep.TotalVariation)
			worst = math.Max(worst, rep.MaxAbsLogProbDiff)
			diff := make([]float64, len(pi))
			for k := range pi {
				diff[k] = pr[k] - pi[k]
			}
			name := fmt.Sprintf("hs_%s_%s", it.label, kind)
			if len(pi) <= MaxStateRows {
				st := newTable(name+"_states", "state", "temperature", "beta", "log_p_ising", "log_p_rbm", "log_p_diff")
				for k := range pi {
					st.add(k, p.T, beta, pi[k], pr[k], diff[k])
				}
				if _, err := st.save(r.dataDir, false); err != nil {
					return err
				}
				r.man.Data = append(r.man.Data, "data/"+name+"_states.csv")
			}
			ttl := fmt.Sprintf("%s, T = %g: %s-hidden RBM (%d hidden)", it.title, p.T, kind, nh)
			sc, err := plots.Equivalence(ttl, "ln p_Ising(s)", "ln p_RBM(s)", pi, pr)
			if err != nil {
				return err
			}
			if err := r.saveFigure(sc, name+"_scatter"); err != nil {
				return err
			}
			hg, err := plots.DiffHistogram(ttl, "ln p_RBM(s) - ln p_Ising(s)", diff, 41)
			if err != nil {
				return err
			}
			if err := r.saveFigure(hg, name+"_diff"); err != nil {
				return err
			}
			if kind == "gaussian" && it.label == r.labels[0] {
				hm, err := plots.Heatmap(fmt.Sprintf("HS weights W (A = βJ + cI = WWᵀ, c = %.3g)", hr.Shift),
					"hidden unit μ", "visible unit (site) i", "W_iμ", hr.RBM.W)
				if err != nil {
					return err
				}
				if err := r.saveFigure(hm, name+"_weights"); err != nil {
					return err
				}
			}
		}
	}
	r.man.Checks["hs_max_abs_log_prob_diff"] = worst
	if err := r.saveTable(sum); err != nil {
		return err
	}
	if p.Continuum != nil {
		return r.continuum(beta)
	}
	return nil
}

// isingLogProbs returns ln p_Ising(s) for every state (transfer.LogProbabilities).
func isingLogProbs(r *run, m *lattice.Model, beta float64) ([]float64, error) {
	return transfer.LogProbabilities(m, beta)
}

// continuum compares ln Z from the continuum HS integral (Gauss–Hermite) with
// enumeration as the number of nodes grows.
func (r *run) continuum(beta float64) error {
	p := r.spec.HS
	m, err := p.Continuum.Build()
	if err != nil {
		return err
	}
	ex, err := transfer.Enumerate(r.ctx, m, beta, transfer.EnumOptions{Workers: 1})
	if err != nil {
		return err
	}
	t := newTable("hs_continuum", "nodes", "temperature", "beta", "ln_z_quadrature", "ln_z_exact", "rel_diff")
	s := plots.Series{Label: fmt.Sprintf("%s %s, T = %g", p.Continuum.Kind, p.Continuum.Size, p.T)}
	for _, n := range p.ContinuumNodes {
		lz, err := hs.ContinuumLogZ(m, beta, hs.Shift{}, n)
		if err != nil {
			return err
		}
		d := numeric.RelDiff(lz, ex.LnZ)
		t.add(n, p.T, beta, lz, ex.LnZ, d)
		s.X, s.Y = append(s.X, float64(n)), append(s.Y, d)
		r.man.Checks["hs_continuum_rel_diff"] = d
	}
	if err := r.saveTable(t); err != nil {
		return err
	}
	pl, err := plots.Convergence("continuum HS integral: Gauss–Hermite vs enumeration",
		"Gauss–Hermite nodes per dimension", "relative difference of ln Z", []plots.Series{s})
	if err != nil {
		return err
	}
	return r.saveFigure(pl, "hs_continuum")
}
