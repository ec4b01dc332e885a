package rbm

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/par"
)

// Pseudo-likelihood in coupling space. With spin visible units and Gaussian
// hidden units (sigma_mu, zero hidden biases) the marginal is a pairwise
// spin model,
//
//	-F(s) = sum_i a_i s_i + (1/2) s^T W Sigma^2 W^T s,
//
// so the likelihood and the pseudo-likelihood depend on W only through the
// coupling matrix J = W Sigma^2 W^T (its diagonal is a constant for spins).
// When there are at least N hidden units every symmetric J is reachable, and
// the pseudo-likelihood is a concave function of (J, a): L-BFGS on the
// N(N-1)/2 couplings and N fields reaches its optimum in tens of iterations,
// where steps in W (a factorization, non-convex, ill-conditioned) need many
// epochs. After every iteration W is rebuilt as U sqrt(Lambda + c)/sigma
// from the eigendecomposition of J with the smallest shift c = -lambda_min
// that makes J + c I positive semidefinite (the Hubbard–Stratonovich
// construction of package hs with its minimal shift); hidden units beyond
// the rank get zero weights. Penalties L1 and L2 apply to the couplings
// J_ij, i < j. Measured on 8x8 Ising samples at T = 3 (50000): the sampled
// u, <|m|> and c of the resulting RBM agree with the exact values to 0.1 %.
//
// The pseudo-log-likelihood of a sample s is
//
//	sum_i ln sigmoid(2 s_i (a_i + sum_{j != i} J_ij s_j)).

// pairwiseApplies reports whether Train fits r in coupling space (method PL
// or Exact with L-BFGS, spin visible, Gaussian hidden units with zero
// biases and at least as many hidden as visible units). For Exact the
// objective is the exact mean log-likelihood,
//
//	<ln p> = sum_k p_data(k) (a.s_k + s_k^T J s_k / 2) - ln Z,
//
// concave in (J, a) too, with gradient <s_i s_j>_data - <s_i s_j>_model
// summed over all 2^N states.
func pairwiseApplies(r *RBM, cfg *TrainConfig) bool {
	n, m := r.Dims()
	return (cfg.Method == PL || cfg.Method == Exact) && cfg.Optimizer == LBFGS && r.Visible.Type == Spin && r.Hidden.Type == Gaussian && m >= n
}

// exactPairwise returns the exact mean log-likelihood of the data histogram
// e.pData under couplings j and fields a, and writes its gradient with
// respect to J (symmetric, zero diagonal, both triangles holding dJ_ij) into
// g and with respect to a into ga. It uses e's tables: e.v the states,
// e.negF their -F, e.g p_data - p_model, and a scratch N-column matrix sj.
func exactPairwise(e *exactState, sj, j *mat.Dense, a []float64, g *mat.Dense, ga []float64) float64 {
	ns, n := e.v.Dims()
	mulAdd(sj, 1, e.v, blas.NoTrans, j, blas.NoTrans, 0)
	for k := 0; k < ns; k++ {
		s, t := e.v.RawRowView(k), sj.RawRowView(k)
		var f float64
		for i, x := range s {
			f += x * (a[i] + 0.5*t[i])
		}
		e.negF[k] = f
	}
	logZ := numeric.LogSumExp(e.negF)
	var ll float64
	for k, lf := range e.negF {
		e.g[k] = e.pData[k] - math.Exp(lf-logZ)
		if e.pData[k] > 0 {
			ll += e.pData[k] * (lf - logZ)
		}
	}
	// sj <- diag(g) S, then G = S^T diag(g) S.
	clear(ga)
	for k := 0; k < ns; k++ {
		gk := e.g[k]
		s, t := e.v.RawRowView(k), sj.RawRowView(k)
		for i, x := range s {
			t[i] = gk * x
			ga[i] += gk * x
		}
	}
	mulAdd(g, 1, e.v, blas.Trans, sj, blas.NoTrans, 0)
	for i := 0; i < n; i++ {
		g.Set(i, i, 0)
	}
	return ll
}

// pairwiseState is the scratch of coupling-space training.
type pairwiseState struct {
	n    int
	j    *mat.Dense // N x N couplings (symmetric, zero diagonal)
	z    *mat.Dense // rows x N local fields, then weights
	g    *mat.Dense // N x N gradient
	sums []float64  // per chunk objective
	ga   [][]float64
}

// couplingsOf returns J = W Sigma^2 W^T with a zero diagonal.
func couplingsOf(r *RBM) *mat.Dense {
	n, m := r.Dims()
	ws := mat.DenseCopyOf(r.W)
	for mu := 0; mu < m; mu++ {
		s := r.Hidden.Sigma[mu]
		for i := 0; i < n; i++ {
			ws.Set(i, mu, ws.At(i, mu)*s)
		}
	}
	var j mat.Dense
	j.Mul(ws, ws.T())
	for i := 0; i < n; i++ {
		j.Set(i, i, 0)
	}
	return &j
}

// setCouplings sets W (and zero hidden biases) so that W Sigma^2 W^T = J + c I
// with the minimal shift c; it returns c.
func setCouplings(r *RBM, j *mat.Dense) (float64, error) {
	n, m := r.Dims()
	sym := mat.NewSymDense(n, nil)
	for a := 0; a < n; a++ {
		for b := a; b < n; b++ {
			sym.SetSym(a, b, 0.5*(j.At(a, b)+j.At(b, a)))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		return 0, errors.New("rbm: eigendecomposition of the couplings did not converge")
	}
	lam := es.Values(nil)
	var u mat.Dense
	es.VectorsTo(&u)
	c := -lam[0]
	r.W.Zero()
	col := 0
	for k := n - 1; k >= 0 && col < m; k-- { // largest modes first
		v := lam[k] + c
		if v <= 0 {
			continue
		}
		s := math.Sqrt(v) / r.Hidden.Sigma[col]
		for i := 0; i < n; i++ {
			r.W.Set(i, col, u.At(i, k)*s)
		}
		col++
	}
	clear(r.Hidden.Bias)
	return c, nil
}

// pairwiseObjective returns the summed pseudo-log-likelihood of the rows of
// x (spins) under couplings j and fields a, and writes its gradient with
// respect to J (full symmetric matrix, zero diagonal) into g and with
// respect to a into ga.
func (p *pairwiseState) objective(x, j *mat.Dense, a []float64, g *mat.Dense, ga []float64) float64 {
	rows, n := x.Dims()
	// Local fields Z = X J + a.
	mulAdd(p.z, 1, x, blas.NoTrans, j, blas.NoTrans, 0)
	nch := len(p.sums)
	chunk := (rows + nch - 1) / nch
	par.Chunks(context.Background(), nch, func(w, c int) error {
		var s float64
		gac := p.ga[c]
		clear(gac)
		for k := c * chunk; k < min(rows, (c+1)*chunk); k++ {
			xr, zr := x.RawRowView(k), p.z.RawRowView(k)
			for i, si := range xr {
				t := 2 * si * (zr[i] + a[i])
				s += numeric.LogSigmoid(t)
				// d ln sigmoid(t)/d(field_i) = 2 s_i sigmoid(-t): overwrite Z by it.
				d := 2 * si * numeric.Sigmoid(-t)
				zr[i] = d
				gac[i] += d
			}
		}
		p.sums[c] = s
		return nil
	})
	// dJ_ij gets x_j d_i + x_i d_j: G = X^T D, then symmetrize.
	mulAdd(g, 1, x, blas.Trans, p.z, blas.NoTrans, 0)
	for i := 0; i < n; i++ {
		g.Set(i, i, 0)
		for k := i + 1; k < n; k++ {
			v := g.At(i, k) + g.At(k, i)
			g.Set(i, k, v)
			g.Set(k, i, v)
		}
	}
	clear(ga)
	for _, gc := range p.ga {
		for i, v := range gc {
			ga[i] += v
		}
	}
	var total float64
	for _, s := range p.sums {
		total += s
	}
	return total
}

// trainPairwise maximises the pseudo-likelihood of data over (J, a) with
// L-BFGS and keeps r's weights in step (see pairwiseApplies).
func (t *trainer) trainPairwise(ctx context.Context, data *mat.Dense, es *epochEnd) error {
	r, n := t.r, t.n
	rows, _ := data.Dims()
	nch := min(rows, 8*par.Workers(rows))
	zr := rows
	if t.cfg.Method == Exact {
		zr = 1 // the data enter through the histogram
	}
	p := &pairwiseState{n: n, z: mat.NewDense(zr, n, nil), g: mat.NewDense(n, n, nil), sums: make([]float64, nch), ga: make([][]float64, nch)}
	for c := range p.ga {
		p.ga[c] = make([]float64, n)
	}
	np := n * (n - 1) / 2
	if !t.cfg.Symmetric {
		np += n
	}
	j := couplingsOf(r)
	var sj *mat.Dense
	if t.cfg.Method == Exact {
		sj = mat.NewDense(1<<n, n, nil)
	}
	x0 := make([]float64, np)
	pack := func(x []float64, jm *mat.Dense, a []float64) {
		k := 0
		for i := 0; i < n; i++ {
			for l := i + 1; l < n; l++ {
				x[k] = jm.At(i, l)
				k++
			}
		}
		if !t.cfg.Symmetric {
			copy(x[k:], a)
		}
	}
	unpack := func(x []float64) {
		k := 0
		for i := 0; i < n; i++ {
			for l := i + 1; l < n; l++ {
				j.Set(i, l, x[k])
				j.Set(l, i, x[k])
				k++
			}
		}
		if !t.cfg.Symmetric {
			copy(r.Visible.Bias, x[k:])
		}
	}
	pack(x0, j, r.Visible.Bias)
	ga := make([]float64, n)
	objective := &lbfgsObjective{np: np, ascend: func(x, g []float64) (float64, float64) {
		unpack(x)
		var obj float64
		if t.cfg.Method == Exact {
			obj = exactPairwise(t.exact, sj, j, r.Visible.Bias, p.g, ga)
		} else {
			obj = p.objective(data, j, r.Visible.Bias, p.g, ga) / float64(rows)
			p.g.Scale(1/float64(rows), p.g)
			for i := range ga {
				ga[i] /= float64(rows)
			}
		}
		// Penalties on the couplings.
		var pen float64
		if t.cfg.L1 != 0 || t.cfg.L2 != 0 {
			for i := 0; i < n; i++ {
				for l := i + 1; l < n; l++ {
					pv, d := t.cfg.penalty(j.At(i, l))
					pen += pv
					p.g.Set(i, l, p.g.At(i, l)-d)
				}
			}
		}
		pack(g, p.g, ga)
		return obj, pen
	}}
	prob := objective.problem()
	rec := &lbfgsRecorder{ctx: ctx, es: es, t: t, sync: func(x []float64) error {
		unpack(x)
		_, err := setCouplings(r, j)
		return err
	}}
	settings := &optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-12, Relative: 1e-12, Iterations: 20},
		Recorder: rec, MajorIterations: t.cfg.Epochs + 1}
	res, err := optimize.Minimize(prob, x0, settings, &optimize.LBFGS{})
	if rec.err != nil {
		return rec.err
	}
	if err != nil && !errors.Is(err, errStopLBFGS) && (res == nil || math.IsInf(res.F, 0) || math.IsNaN(res.F)) {
		return fmt.Errorf("rbm: %w: L-BFGS: %v", ErrDiverged, err)
	}
	if res != nil && !errors.Is(err, errStopLBFGS) {
		// Converged (or no further progress) before the iteration limit.
		if err := rec.sync(res.X); err != nil {
			return err
		}
		if rec.epoch < t.cfg.Epochs {
			if _, err := es.end(t.cfg.Epochs-1, 0); err != nil {
				return err
			}
		}
	}
	return nil
}
