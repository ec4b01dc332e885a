package experiments

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/vg"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rg"
)

// The renormalization-group study ([rg], package rg): the flow diagram of
// the exact chain recursion and the truncated square-lattice maps, Monte
// Carlo RG at T_c on the spec's lattice, a stack of RBMs trained on Ising
// samples at T_c (receptive fields, their locality, the RBM flow) and the
// retrieval of a Hopfield network.

// The columns of the rg tables, added to the schema here (they belong to
// this study only).
func init() {
	for k, v := range map[string]string{
		"level":                         "MCRG blocking level n >= 1 (b = 2 each)",
		"side":                          "side L/2^n of the blocked lattice",
		"y_t":                           "thermal eigenvalue exponent ln lambda_t / ln b",
		"y_t_error":                     "one sigma (jackknife) of y_t",
		"y_h":                           "magnetic eigenvalue exponent ln lambda_h / ln b",
		"y_h_error":                     "one sigma (jackknife) of y_h",
		"patterns":                      "number P of stored Hopfield patterns",
		"load":                          "Hopfield load P/N",
		"max_abs_overlap":               "<max_mu |m_mu|>, m_mu = (1/N) sum_i xi_i^mu s_i",
		"max_abs_overlap_error":         "one sigma of max_abs_overlap",
		"overlap_start_pattern":         "<|m_1|>, the overlap with the starting pattern",
		"overlap_start_pattern_error":   "one sigma of overlap_start_pattern",
		"step":                          "number of RBM reconstructions v -> h -> v",
		"correlation_half_length":       "<s(r) s(r + L/2)> along the axes",
		"correlation_half_length_error": "one sigma of correlation_half_length",
		"realizations":                  "number of independent disorder (pattern) realizations",
	} {
		SchemaColumns[k] = v
	}
}

func (r *run) runRG() error {
	g := r.spec.RG
	m := r.models[0]
	l := m.Geometry.Dims[0]
	// Flow diagram.
	flow, err := rg.FlowFigure()
	if err != nil {
		return err
	}
	if err := r.saveFigureSize(flow, "rg_flow", 18*vg.Inch, 5.5*vg.Inch); err != nil {
		return err
	}
	for _, rule := range rg.SquareRules {
		fp, err := rule.FixedPoint()
		if err != nil {
			return err
		}
		r.man.Checks["rg_flow_"+rule.String()+"_K_star"] = fp.Fixed.K
		r.man.Checks["rg_flow_"+rule.String()+"_L_star"] = fp.Fixed.L
		r.man.Checks["rg_flow_"+rule.String()+"_nu"] = fp.Nu
	}
	if err := r.rgMCRG(g, m, l); err != nil {
		return err
	}
	if err := r.rgStack(g); err != nil {
		return err
	}
	return r.rgHopfield(g)
}

func (r *run) rgMCRG(g *RGSpec, m *lattice.Model, l int) error {
	seed := r.spec.Seed ^ streamID("rg/mcrg")
	r.man.Seeds = append(r.man.Seeds, SeedRecord{What: "rg/mcrg (Wolff)", Seed: seed, Stream: 0},
		SeedRecord{What: "rg/mcrg (block ties)", Seed: seed, Stream: 1})
	res, err := rg.MCRG(r.ctx, rg.MCRGConfig{L: l, Levels: g.Levels, Sweeps: g.Sweeps, Bins: g.Bins, Seed: seed})
	if err != nil {
		return err
	}
	t := newTable("rg_mcrg", "size", "sites", "temperature", "beta", "level", "side", "y_t", "y_t_error", "y_h", "y_h_error")
	for _, lv := range res.Levels {
		t.add(r.labels[0], m.N, 1/res.Beta, res.Beta, lv.Level, lv.Side, lv.YT.Mean, lv.YT.Error, lv.YH.Mean, lv.YH.Error)
		r.man.Checks[fmt.Sprintf("rg_mcrg_y_t_level%d", lv.Level)] = lv.YT.Mean
		r.man.Checks[fmt.Sprintf("rg_mcrg_y_h_level%d", lv.Level)] = lv.YH.Mean
		r.logf("%s: rg mcrg level %d: y_t = %.4f ± %.4f, y_h = %.4f ± %.4f", r.spec.Name, lv.Level, lv.YT.Mean, lv.YT.Error, lv.YH.Mean, lv.YH.Error)
	}
	return r.saveTable(t)
}

func (r *run) rgStack(g *RGSpec) error {
	l := g.StackSize
	beta := rg.KcExact
	seed := r.spec.Seed ^ streamID("rg/stack")
	r.man.Seeds = append(r.man.Seeds, SeedRecord{What: "rg/stack samples (stream k: temperature k)", Seed: seed, Stream: 0},
		SeedRecord{What: "rg/stack training", Seed: seed, Stream: 0x73747472},
		SeedRecord{What: "rg/stack flow samples (stream k: flow temperature k)", Seed: seed + 1, Stream: 0},
		SeedRecord{What: "rg/stack flow reconstructions", Seed: seed, Stream: 0x666c6f77})
	data, err := rg.IsingSamples(r.ctx, l, l, []float64{beta}, g.StackSamples, 1, 500, seed)
	if err != nil {
		return err
	}
	cfg := rg.StackConfig{Lx: l, Ly: l, Epochs: g.StackEpochs, Seed: seed,
		Log: func(s string) { r.logf("%s: rg stack %s", r.spec.Name, s) }}
	res, err := rg.Stack(r.ctx, data[0], cfg)
	if err != nil {
		return err
	}
	fields, err := rg.ReceptiveFields(res.RBMs())
	if err != nil {
		return err
	}
	var locs []rg.Locality
	for k, f := range fields {
		loc := rg.LayerLocality(k+1, f, l, l, 500, seed)
		locs = append(locs, loc)
		r.man.Checks[fmt.Sprintf("rg_stack_gyration_ratio_layer%d", k+1)] = loc.Ratio
		title := fmt.Sprintf("layer %d receptive fields, %dx%d Ising at T_c: mean Rg %.2f sites (random %.2f, uniform %.2f)",
			k+1, l, l, loc.Mean, loc.Random, loc.Uniform)
		fig, err := rg.FieldsFigure(title, f, l, l)
		if err != nil {
			return err
		}
		_, mu := f.Dims()
		cols := int(math.Ceil(math.Sqrt(float64(mu))))
		rows := (mu + cols - 1) / cols
		w := max(vg.Length(cols)*0.95*vg.Inch+vg.Inch, 7*vg.Inch)
		h := max(vg.Length(rows)*1.05*vg.Inch+0.5*vg.Inch, 4*vg.Inch)
		if err := r.saveFigureSize(fig, fmt.Sprintf("rg_stack_fields_layer%d", k+1), w, h); err != nil {
			return err
		}
	}
	lf, err := rg.LocalityFigure(fmt.Sprintf("locality of the receptive fields, %dx%d Ising at T_c, L1 = %g", l, l, res.L1), locs, nil)
	if err != nil {
		return err
	}
	if err := r.saveFigure(lf, "rg_stack_locality"); err != nil {
		return err
	}
	if len(g.FlowT) == 0 {
		return nil
	}
	betas := make([]float64, len(g.FlowT))
	for k, t := range g.FlowT {
		betas[k] = 1 / t
	}
	starts, err := rg.IsingSamples(r.ctx, l, l, betas, g.FlowSamples, 1, 500, seed+1)
	if err != nil {
		return err
	}
	t := newTable("rg_stack_flow", "size", "temperature", "beta", "step", "abs_magnetization_per_site", "abs_magnetization_per_site_error",
		"energy_per_site", "energy_per_site_error", "correlation_half_length", "correlation_half_length_error")
	var flows []rg.FlowTrajectory
	for k, T := range g.FlowT {
		pts, err := rg.Flow(r.ctx, res.Layers[0].RBM, starts[k], l, l, g.FlowSteps, seed, uint64(k))
		if err != nil {
			return err
		}
		flows = append(flows, rg.FlowTrajectory{T: T, Points: pts})
		for _, p := range pts {
			t.add(fmt.Sprintf("%dx%d", l, l), T, 1/T, p.Step, p.AbsM, p.AbsMErr, p.U, p.UErr, p.CHalf, p.CHalfErr)
		}
	}
	ff, err := rg.StackFlowFigure(fmt.Sprintf("RBM flow of layer 1 (%dx%d, trained at T_c)", l, l), flows, rg.Observe(data[0], l, l, 0))
	if err != nil {
		return err
	}
	if err := r.saveFigureSize(ff, "rg_stack_flow", 14*vg.Inch, 4.5*vg.Inch); err != nil {
		return err
	}
	return r.saveTable(t)
}

func (r *run) rgHopfield(g *RGSpec) error {
	seed := r.spec.Seed ^ streamID("rg/hopfield")
	r.man.Seeds = append(r.man.Seeds, SeedRecord{What: "rg/hopfield chains (stream + chain index)", Seed: seed, Stream: rng.StreamHopfieldRetrieval})
	res, err := rg.HopfieldRetrieval(r.ctx, rg.HopfieldConfig{N: g.HopfieldNeurons, Patterns: g.HopfieldPatterns, Temps: g.HopfieldT,
		Sweeps: g.HopfieldSweeps, Realizations: g.HopfieldRealizations, DisorderSeed: r.spec.Lattice.Seed, Seed: seed})
	if err != nil {
		return err
	}
	t := newTable("rg_hopfield", "sites", "patterns", "load", "realizations", "temperature", "beta", "max_abs_overlap", "max_abs_overlap_error",
		"overlap_start_pattern", "overlap_start_pattern_error", "energy_per_site", "energy_per_site_error", "acceptance")
	for _, p := range res.Points {
		t.add(res.N, p.Patterns, p.Load, res.Realizations, p.Temperature, p.Beta, p.MaxOverlap.Mean, p.MaxOverlap.Error,
			p.Overlap.Mean, p.Overlap.Error, p.Energy.Mean, p.Energy.Error, p.Acceptance)
	}
	// The headline: retrieval of the lowest load at the lowest temperature.
	p0 := res.Points[0]
	r.man.Checks["rg_hopfield_max_abs_overlap_first"] = p0.MaxOverlap.Mean
	fig, err := rg.HopfieldFigure(res)
	if err != nil {
		return err
	}
	if err := r.saveFigure(fig, "rg_hopfield"); err != nil {
		return err
	}
	return r.saveTable(t)
}
