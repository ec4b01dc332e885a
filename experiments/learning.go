package experiments

import (
	"context"
	"fmt"
	"math"

	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/rbm"
)

// runLearning trains an RBM on Ising Monte Carlo samples at each temperature
// of every size, records the training curves (KL to the exact distribution,
// exact log-likelihood) and samples the trained RBM to compare its
// observables with the exact ones.
func (r *run) runLearning() error {
	l := r.spec.Learning
	betas := l.Betas()
	curves := newTable("learning_curves", "size", "T", "epoch", "kl_target_model", "log_likelihood", "pseudo_log_lik", "recon_error")
	obs := newTable("learning_rbm_gibbs", mcColumns...)
	var klSeries, llSeries []plots.Series
	for si, m := range r.models {
		label := r.labels[si]
		for ti, beta := range betas {
			temp := temperature(beta)
			what := fmt.Sprintf("learning/%s/%d", label, ti)
			r.man.Seeds = append(r.man.Seeds, SeedRecord{What: what + "/samples", Seed: r.spec.Seed, Stream: streamID(what + "/samples")},
				SeedRecord{What: what + "/train", Seed: r.spec.Seed, Stream: streamID(what + "/train")},
				SeedRecord{What: what + "/gibbs", Seed: r.spec.Seed, Stream: streamID(what + "/gibbs")})
			// Training data: Wolff samples.
			k, err := mc.NewKernel(m, beta, mc.Wolff, mc.Random, rng.New(r.spec.Seed, streamID(what+"/samples")))
			if err != nil {
				return err
			}
			ch, err := mc.NewChain(k, beta, m.N, mc.RunConfig{Thermalize: 1000, Sweeps: l.Samples * l.SampleEvery, SampleEvery: l.SampleEvery})
			if err != nil {
				return err
			}
			if err := ch.Run(r.ctx); err != nil {
				return err
			}
			ns := ch.Series.NumSamples(m.N)
			data := mat.NewDense(ns, m.N, nil)
			for i := 0; i < ns; i++ {
				for j := 0; j < m.N; j++ {
					data.Set(i, j, float64(ch.Series.Samples[i*m.N+j]))
				}
			}
			target, err := isingLogProbs(r, m, beta)
			if err != nil {
				return err
			}
			ht, _ := rbm.ParseLayerType(l.HiddenType)
			meth, err := rbm.ParseMethod(l.Method)
			if err != nil {
				return err
			}
			seed := rng.New(r.spec.Seed, streamID(what+"/train")).Uint64()
			model, err := rbm.InitRBM(m.N, l.Hidden, rbm.Spin, ht, data, seed)
			if err != nil {
				return err
			}
			cfg := rbm.TrainConfig{Method: meth, K: l.K, Epochs: l.Epochs, BatchSize: l.BatchSize,
				LearningRate: l.LearningRate, Optimizer: rbm.Adam, Seed: seed, MonitorEvery: l.MonitorEvery,
				MonitorSamples: ns, TargetLogProb: target, Monitor: func(rbm.EpochStats) error { return nil }}
			stats, err := rbm.Train(r.ctx, model, data, cfg)
			if err != nil {
				return err
			}
			kl := plots.Series{Label: fmt.Sprintf("%s, T = %.3g", label, temp), Style: plots.LinePoints}
			ll := plots.Series{Label: kl.Label, Style: plots.LinePoints}
			for _, st := range stats {
				curves.add(label, temp, st.Epoch, st.KL, st.LogLik, st.PseudoLogLik, st.ReconError)
				if st.KL > 0 && !math.IsNaN(st.KL) {
					kl.X, kl.Y = append(kl.X, float64(st.Epoch)), append(kl.Y, st.KL)
				}
				if !math.IsNaN(st.LogLik) {
					ll.X, ll.Y = append(ll.X, float64(st.Epoch)), append(ll.Y, st.LogLik)
				}
			}
			klSeries = append(klSeries, kl)
			llSeries = append(llSeries, ll)
			// Observables of the trained RBM by block Gibbs.
			res, err := gibbsModel(r.ctx, m, beta, model, l.GibbsSweeps, rng.NewRand(r.spec.Seed, streamID(what+"/gibbs")))
			if err != nil {
				return err
			}
			res.Index = ti
			r.rbms[label] = append(r.rbms[label], mcRow{algorithm: "rbm-trained", res: res})
			mcTableRow(obs, label, m.N, "rbm-trained", res)
			if si == 0 && ti == 0 {
				hm, err := plots.Heatmap(fmt.Sprintf("trained weights, %s, T = %.3g", label, temp), "hidden unit μ", "visible unit (site) i", "W_iμ", model.W)
				if err != nil {
					return err
				}
				if err := r.saveFigure(hm, "learning_weights"); err != nil {
					return err
				}
			}
		}
	}
	if err := r.saveTable(curves); err != nil {
		return err
	}
	if err := r.saveTable(obs); err != nil {
		return err
	}
	title := fmt.Sprintf("RBM (%d %s hidden) trained on Wolff samples, %s", l.Hidden, l.HiddenType, l.Method)
	p, err := plots.Training(title, "KL(p_Ising || p_RBM)  (nats)", true, klSeries)
	if err != nil {
		return err
	}
	if err := r.saveFigure(p, "learning_kl"); err != nil {
		return err
	}
	p, err = plots.Training(title, "mean log-likelihood of the samples  (nats)", false, llSeries)
	if err != nil {
		return err
	}
	return r.saveFigure(p, "learning_loglik")
}

// gibbsModel samples the visible marginal of a trained RBM (spin visible
// units) by one block-Gibbs chain from a random start: sweeps/10 sweeps are
// discarded, then the Ising energy and magnetization after every sweep are
// analysed as a Monte Carlo series.
func gibbsModel(ctx context.Context, m *lattice.Model, beta float64, model *rbm.RBM, sweeps int, rnd *rand.Rand) (mc.TempResult, error) {
	return gibbsChains(ctx, m, beta, model, 1, sweeps/10, sweeps, rnd)
}
