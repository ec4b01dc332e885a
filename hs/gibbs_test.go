package hs

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

// gibbsSeries runs one block Gibbs chain of r for sweeps measurement sweeps
// after therm thermalization sweeps and returns H(s) and sum_i s_i of the
// Ising model m after every sweep (visible units mapped to spins).
func gibbsSeries(m *lattice.Model, r *rbm.RBM, therm, sweeps int, seed uint64) (es, ms []float64) {
	n, hid := r.Dims()
	rnd := rng.NewRand(seed, 1)
	v := mat.NewDense(1, n, nil)
	for i := 0; i < n; i++ {
		if rnd.IntN(2) == 1 {
			v.Set(0, i, 1)
		} else if r.Visible.Type == rbm.Spin {
			v.Set(0, i, -1)
		}
	}
	h := mat.NewDense(1, hid, nil)
	s := make([]int8, n)
	r.Gibbs(v, h, therm, rnd)
	es, ms = make([]float64, sweeps), make([]float64, sweeps)
	for t := range sweeps {
		r.Gibbs(v, h, 1, rnd)
		row := v.RawRowView(0)
		for i, x := range row {
			s[i] = -1
			if x > 0 {
				s[i] = 1
			}
		}
		es[t] = m.Energy(s)
		ms[t] = float64(lattice.Magnetization(s))
	}
	return es, ms
}

// TestGibbsObservables: block Gibbs sampling of the exported RBM reproduces
// the exact observables of the 4x4 torus within 4 sigma, above and below T_c,
// for each construction.
func TestGibbsObservables(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	for _, beta := range []float64{0.3, 0.6} {
		ex, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for ci, cfg := range []Config{{}, {Encoding: BernoulliEncoding, Factor: Cholesky}, {Hidden: BondHidden}} {
			res, err := Build(m, beta, cfg)
			if err != nil {
				t.Fatal(err)
			}
			es, ms := gibbsSeries(m, res.RBM, 2000, 100000, uint64(10+ci))
			tr := mc.Analyze(beta, m.N, es, ms, mc.AnalysisOptions{})
			for _, q := range []struct {
				name  string
				est   mc.Estimate
				exact float64
			}{
				{"energy", tr.Energy, ex.Energy},
				{"|m|", tr.AbsMagnetization, ex.AbsMagnetization},
				{"m2", tr.M2, ex.M2},
				{"c", tr.HeatCapacity, ex.HeatCapacity},
			} {
				z := (q.est.Mean - q.exact) / q.est.Error
				t.Logf("beta=%v %v/%v/%v %s: %.5f ± %.5f (tau %.1f), exact %.5f, z = %.2f", beta, cfg.Hidden, cfg.Encoding, cfg.Factor, q.name, q.est.Mean, q.est.Error, q.est.TauInt, q.exact, z)
				if !(math.Abs(z) < 4) {
					t.Errorf("beta=%v %+v %s: Gibbs %v ± %v, exact %v (%.1f sigma)", beta, cfg, q.name, q.est.Mean, q.est.Error, q.exact, z)
				}
			}
		}
	}
}

// TestGibbsLargeTorus: beyond exact enumeration (N = 36), block Gibbs of the
// HS RBM of the 6x6 torus reproduces the exact energy and heat capacity of
// Krauth's table (SMAC table 5.3; PHYSICS.md) within 4 sigma at T = 2.5 and 3.
func TestGibbsLargeTorus(t *testing.T) {
	m, _ := lattice.Square(6, 6, lattice.Periodic, lattice.Periodic)
	for _, c := range []struct{ T, u, c float64 }{{2.5, -1.28008, 1.00623}, {3.0, -0.88688, 0.55665}} {
		beta := 1 / c.T
		res, err := Build(m, beta, Config{})
		if err != nil {
			t.Fatal(err)
		}
		es, ms := gibbsSeries(m, res.RBM, 5000, 150000, 77)
		tr := mc.Analyze(beta, m.N, es, ms, mc.AnalysisOptions{})
		for _, q := range []struct {
			name  string
			est   mc.Estimate
			exact float64
		}{{"energy", tr.Energy, c.u}, {"c", tr.HeatCapacity, c.c}} {
			// the table has 5 decimals: add its rounding to the error bar
			err := math.Hypot(q.est.Error, 5e-6)
			z := (q.est.Mean - q.exact) / err
			t.Logf("6x6 T=%v %s: %.5f ± %.5f (tau %.1f), exact %.5f, z = %.2f", c.T, q.name, q.est.Mean, q.est.Error, q.est.TauInt, q.exact, z)
			if !(math.Abs(z) < 4) {
				t.Errorf("6x6 T=%v %s: Gibbs %v ± %v, exact %v (%.1f sigma)", c.T, q.name, q.est.Mean, q.est.Error, q.exact, z)
			}
		}
	}
}
