package experiments

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

// The learning study (Torlai and Melko, PRB 94, 165134 (2016)), with exact
// references: Wolff samples at each temperature train RBMs with the
// defaults of 'isingrbm rbm train', the trained RBMs are sampled by block
// Gibbs, and their observables are compared with the exact values of the
// finite lattice and with the Monte Carlo estimates of the training data.

// learnAlg is the algorithm name of a trained RBM's rows.
func learnAlg(m int, hiddenType string) string {
	return fmt.Sprintf("rbm-trained M=%d %s", m, hiddenType)
}

// learnLabel is its legend label.
func learnLabel(alg string) string {
	if rest, ok := strings.CutPrefix(alg, "rbm-trained "); ok {
		return "trained RBM, " + strings.Replace(rest, "M=", "M = ", 1)
	}
	if alg == "wolff-training" {
		return "Wolff (training data)"
	}
	return alg
}

// learnSamples draws the training data: Wolff samples (fast kernel where it
// applies) and the Monte Carlo estimates of the same run.
func (r *run) learnSamples(m *lattice.Model, beta float64, samples, every int, what string) (*mat.Dense, mc.TempResult, error) {
	stream := streamID(what)
	r.man.Seeds = append(r.man.Seeds, SeedRecord{What: what, Seed: r.spec.Seed, Stream: stream})
	res, err := mcrun.Run(r.ctx, m, mcrun.Config{Algorithm: mc.Wolff, Betas: []float64{beta}, Thermalize: 1000,
		Sweeps: samples * every, SampleEvery: every, Seed: r.spec.Seed, Streams: []uint64{stream}})
	if err != nil {
		return nil, mc.TempResult{}, err
	}
	s := res.Series[0]
	ns := s.NumSamples(m.N)
	data := mat.NewDense(ns, m.N, nil)
	raw := data.RawMatrix().Data
	for i, v := range s.Samples[:ns*m.N] {
		raw[i] = float64(v)
	}
	return data, res.Output.Results[0], nil
}

// learnTrain trains an RBM with m hidden units of type ht ("auto" or a
// layer type) on spin data with the defaults of 'isingrbm rbm train', method
// and epochs overridden when not "auto"/0.
func learnTrain(ctx context.Context, data *mat.Dense, m int, ht, method string, epochs int, seed uint64, target []float64) (*rbm.RBM, []rbm.EpochStats, error) {
	o := rbm.Options{Hidden: m}
	if ht != "auto" {
		t, err := rbm.ParseLayerType(ht)
		if err != nil {
			return nil, nil, err
		}
		o.HiddenType = &t
	}
	if method != "auto" {
		me, err := rbm.ParseMethod(method)
		if err != nil {
			return nil, nil, err
		}
		o.Method = &me
	}
	p, err := rbm.AutoPlan(data, o)
	if err != nil {
		return nil, nil, err
	}
	_, n := data.Dims()
	p.Init.Seed = seed
	model, err := rbm.InitRBMWith(n, m, p.Visible, p.Hidden, data, p.Init)
	if err != nil {
		return nil, nil, err
	}
	train, val := rbm.SplitValidation(data, p.ValidationRows, seed)
	cfg := p.Config
	cfg.Seed, cfg.Validation, cfg.TargetLogProb = seed, val, target
	if epochs > 0 {
		cfg.Epochs = epochs
	}
	var stats []rbm.EpochStats
	cfg.Monitor = func(s rbm.EpochStats) error { stats = append(stats, s); return nil }
	if _, err := rbm.Train(ctx, model, train, cfg); err != nil {
		return nil, nil, err
	}
	return model, stats, nil
}

func (r *run) runLearning() error {
	l := r.spec.Learning
	betas := l.Betas()
	obs := newTable("learning_rbm_gibbs", mcColumns...)
	dev := newTable("learning_deviations", "size", "temperature", "beta", "model", "observable", "mean", "error", "exact",
		"deviation_sigma", "deviation_percent", "train_seconds")
	for si, m := range r.models {
		label := r.labels[si]
		for ti, beta := range betas {
			temp := temperature(beta)
			what := fmt.Sprintf("learning/%s/%d", label, ti)
			data, mcres, err := r.learnSamples(m, beta, l.Samples, l.SampleEvery, what+"/samples")
			if err != nil {
				return err
			}
			mcres.Index = ti
			r.rbms[label] = append(r.rbms[label], mcRow{algorithm: "wolff-training", res: mcres})
			mcTableRow(obs, label, m.N, "wolff-training", mcres)
			ex, err := transfer.Compute(r.ctx, m, []float64{beta}, "auto", transfer.Options{})
			if err != nil {
				return fmt.Errorf("exact reference at T = %g: %w", temp, err)
			}
			exact := ex[0]
			report := func(name string, x mc.TempResult, secs float64) {
				for _, q := range []struct {
					name  string
					est   mc.Estimate
					exact float64
				}{
					{"energy_per_site", x.Energy, exact.Energy}, {"heat_capacity_per_site", x.HeatCapacity, exact.HeatCapacity},
					{"abs_magnetization_per_site", x.AbsMagnetization, exact.AbsMagnetization},
					{"susceptibility_abs_per_site", x.SusceptibilityAbs, exact.SusceptibilityAbs}, {"binder", x.Binder, exact.Binder},
				} {
					sig, pct := math.NaN(), math.NaN()
					if !math.IsNaN(q.exact) {
						pct = 100 * (q.est.Mean - q.exact) / math.Abs(q.exact)
						if q.est.Error > 0 {
							sig = (q.est.Mean - q.exact) / q.est.Error
						}
					}
					dev.add(label, temp, beta, name, q.name, q.est.Mean, q.est.Error, q.exact, sig, pct, secs)
				}
			}
			report("wolff-training", mcres, math.NaN())
			for _, h := range l.Hidden {
				for _, ht := range l.HiddenTypes {
					key := fmt.Sprintf("%s/M%d/%s", what, h, ht)
					seed := streamID(key + "/train")
					r.man.Seeds = append(r.man.Seeds, SeedRecord{What: key + "/train", Seed: r.spec.Seed, Stream: seed},
						SeedRecord{What: key + "/gibbs", Seed: r.spec.Seed, Stream: streamID(key + "/gibbs")})
					var target []float64
					if m.N <= 16 {
						if target, err = isingLogProbs(r, m, beta); err != nil {
							return err
						}
					}
					t0 := r.now()
					model, _, err := learnTrain(r.ctx, data, h, ht, l.Method, l.Epochs, r.spec.Seed^seed, target)
					if err != nil {
						return fmt.Errorf("training M = %d %s at T = %g: %w", h, ht, temp, err)
					}
					secs := r.since(t0)
					res, err := model.SampleIsing(r.ctx, m, beta, rbm.GibbsConfig{Chains: l.GibbsChains, Sweeps: l.GibbsSweeps,
						Start: data, Seed: r.spec.Seed ^ streamID(key+"/gibbs")})
					if err != nil {
						return err
					}
					res.Index = ti
					alg := learnAlg(h, model.Hidden.Type.String())
					r.rbms[label] = append(r.rbms[label], mcRow{algorithm: alg, res: res})
					mcTableRow(obs, label, m.N, alg, res)
					report(alg, res, secs)
					r.man.WallSeconds[key] = math.Round(secs*1000) / 1000
					if si == 0 && ti == len(betas)/2 && h == l.Hidden[len(l.Hidden)-1] && ht == l.HiddenTypes[0] {
						if err := r.learnWeightsFigure(m, model, label, temp); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if err := r.saveTable(obs); err != nil {
		return err
	}
	if err := r.saveTable(dev); err != nil {
		return err
	}
	if l.KL != nil {
		return r.runLearningKL()
	}
	return nil
}

// learnWeightsFigure draws the couplings J = W W^T of a gaussian-hidden RBM
// (or the weights W otherwise) as a heat map.
func (r *run) learnWeightsFigure(m *lattice.Model, model *rbm.RBM, label string, temp float64) error {
	var p *plots.Panel
	var err error
	if model.Hidden.Type == rbm.Gaussian {
		var j mat.Dense
		j.Mul(model.W, model.W.T())
		n, _ := j.Dims()
		for i := 0; i < n; i++ {
			j.Set(i, i, 0)
		}
		p, err = plots.Heatmap(fmt.Sprintf("learned couplings J = W W^T (diagonal 0), %s, T = %.3g", label, temp), "site j", "site i", "J_ij (units of 1/T)", &j)
	} else {
		p, err = plots.Heatmap(fmt.Sprintf("trained weights, %s, T = %.3g", label, temp), "hidden unit μ", "visible unit (site) i", "W_iμ", model.W)
	}
	if err != nil {
		return err
	}
	return r.saveFigure(p, "learning_weights")
}

// runLearningKL is the exact-likelihood study on a small lattice: final KL
// against the number of hidden units and of samples, with the statistical
// floor (free parameters)/(2 x samples).
func (r *run) runLearningKL() error {
	k := r.spec.Learning.KL
	ls := r.spec.Lattice
	ls.Size = k.Size
	m, err := ls.Build()
	if err != nil {
		return fmt.Errorf("learning.kl.size %q: %w", k.Size, err)
	}
	if m.N > rbm.MaxExactTrain {
		return fmt.Errorf("learning.kl.size %q: %d sites, the exact study needs N <= %d", k.Size, m.N, rbm.MaxExactTrain)
	}
	beta := 1 / k.T
	data, _, err := r.learnSamples(m, beta, k.Samples, 2, "learning/kl/samples")
	if err != nil {
		return err
	}
	target, err := isingLogProbs(r, m, beta)
	if err != nil {
		return err
	}
	tab := newTable("learning_kl", "study", "temperature", "beta", "hidden_type", "hidden", "samples", "kl", "floor", "free_parameters", "train_seconds")
	klOf := func(model *rbm.RBM) (float64, error) {
		lq, _, err := model.LogProbTable()
		if err != nil {
			return 0, err
		}
		return rbm.KLDivergence(target, lq), nil
	}
	// Free parameters of the symmetric models: the couplings for gaussian
	// hidden units (J = W W^T has at most N(N-1)/2 free entries), the
	// weights otherwise (capped by the 2^(N-1) - 1 free values of a
	// symmetric distribution).
	params := func(ht string, h int) float64 {
		n := float64(m.N)
		if ht == "gaussian" {
			return math.Min(n*(n-1)/2, n*float64(h))
		}
		return math.Min(n*float64(h), math.Ldexp(1, m.N-1)-1)
	}
	var byHidden []plots.Series
	var floors []plots.Series
	for ci, ht := range k.HiddenTypes {
		s := plots.Series{Label: ht + " hidden units", Style: plots.LinePoints, Color: ci, Shape: ci + 1}
		f := plots.Series{Label: "floor, " + ht, Style: plots.Dashed, Color: ci}
		for _, h := range k.Hidden {
			t0 := r.now()
			model, _, err := learnTrain(r.ctx, data, h, ht, "exact", k.Epochs, r.spec.Seed^streamID(fmt.Sprintf("learning/kl/%s/%d", ht, h)), nil)
			if err != nil {
				return err
			}
			kl, err := klOf(model)
			if err != nil {
				return err
			}
			floor := params(ht, h) / (2 * float64(k.Samples))
			tab.add("hidden", k.T, beta, ht, h, k.Samples, kl, floor, params(ht, h), r.since(t0))
			s.X, s.Y = append(s.X, float64(h)), append(s.Y, kl)
			f.X, f.Y = append(f.X, float64(h)), append(f.Y, floor)
		}
		byHidden = append(byHidden, s)
		floors = append(floors, f)
	}
	p, err := plots.XY(plots.Figure{Title: fmt.Sprintf("exact-likelihood RBMs on %d Wolff samples, %s torus, T = %.4g", k.Samples, k.Size, k.T),
		XLabel: "hidden units M", YLabel: "KL(p_Ising || p_RBM)  (nats)", LogX: true, LogY: true, Series: append(byHidden, floors...)})
	if err != nil {
		return err
	}
	if err := r.saveFigure(p, "learning_kl"); err != nil {
		return err
	}
	bySamples := plots.Series{Label: fmt.Sprintf("%d gaussian hidden units", k.SampleHidden), Style: plots.LinePoints}
	floor := plots.Series{Label: "floor (couplings)/(2 x samples)", Style: plots.Dashed, Color: 1}
	for _, n := range k.SampleSizes {
		sub := data.Slice(0, n, 0, m.N).(*mat.Dense)
		t0 := r.now()
		model, _, err := learnTrain(r.ctx, sub, k.SampleHidden, "gaussian", "exact", k.Epochs, r.spec.Seed^streamID(fmt.Sprintf("learning/kl/samples/%d", n)), nil)
		if err != nil {
			return err
		}
		kl, err := klOf(model)
		if err != nil {
			return err
		}
		fl := params("gaussian", k.SampleHidden) / (2 * float64(n))
		tab.add("samples", k.T, beta, "gaussian", k.SampleHidden, n, kl, fl, params("gaussian", k.SampleHidden), r.since(t0))
		bySamples.X, bySamples.Y = append(bySamples.X, float64(n)), append(bySamples.Y, kl)
		floor.X, floor.Y = append(floor.X, float64(n)), append(floor.Y, fl)
	}
	if err := r.saveTable(tab); err != nil {
		return err
	}
	p, err = plots.XY(plots.Figure{Title: fmt.Sprintf("exact-likelihood RBMs, %s torus, T = %.4g", k.Size, k.T),
		XLabel: "training samples", YLabel: "KL(p_Ising || p_RBM)  (nats)", LogX: true, LogY: true, Series: []plots.Series{bySamples, floor}})
	if err != nil {
		return err
	}
	return r.saveFigure(p, "learning_kl_samples")
}

// learnAlgs returns the algorithms of the learning rows of a size, training
// data first, in order of first appearance.
func learnAlgs(rows []mcRow) []string {
	var out []string
	for _, x := range rows {
		if (x.algorithm == "wolff-training" || strings.HasPrefix(x.algorithm, "rbm-trained")) && !slices.Contains(out, x.algorithm) {
			out = append(out, x.algorithm)
		}
	}
	return out
}

// now and since time the trainings for the deviations table and the
// manifest (wall seconds; nothing else depends on them).
func (r *run) now() time.Time             { return time.Now() }
func (r *run) since(t0 time.Time) float64 { return time.Since(t0).Seconds() }
